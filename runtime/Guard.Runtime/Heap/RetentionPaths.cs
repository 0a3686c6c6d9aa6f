using System;
using System.Collections.Generic;
using System.Linq;

namespace Guard.Runtime.Heap;

/// <summary>
/// How the objects of a type are kept alive: the root (a static field by name where it is one), the chain of types from
/// that root down to the objects, the type that holds them directly, and how many of the type's objects that chain keeps.
/// </summary>
public sealed record RetentionPath(string Root, bool StaticRoot, IReadOnlyList<string> Types, string HeldBy, long Objects, long OfObjects)
{
    /// <summary>For a static root, the type of the object the field holds.</summary>
    public string RootObjectType { get; init; } = "";

    /// <summary>Where known, the field of Types[i] that points to Types[i + 1] (null where unknown).</summary>
    public IReadOnlyList<string?> Fields { get; init; } = Array.Empty<string?>();

    /// <summary>The field nearest to the objects that an application type holds them by ("Ns.Registry._sessions"), or null.</summary>
    public string? NearestField
    {
        get
        {
            for (var i = Math.Min(Fields.Count, Types.Count) - 1; i >= 0; i--)
            {
                if (Fields[i] is { } name)
                    return Types[i] + "." + name;
            }
            return null;
        }
    }

    /// <summary>
    /// "static Ns.Owner.field -> List&lt;Tick&gt; -> Tick[] -> Tick"; a known instance field follows its type
    /// ("Registry._sessions -> List&lt;Session&gt;"). Types are short; long chains keep both ends.
    /// </summary>
    public string Describe(int maxSteps = 8)
    {
        var steps = Types.Select((type, i) => TypeNames.Short(type) + (i < Fields.Count && Fields[i] is { } name ? "." + name : "")).ToList();
        // The end of a long chain is what the user's code owns (the field that keeps the objects): it stays whole.
        if (steps.Count > maxSteps)
        {
            var tail = maxSteps - 2;
            steps = steps.Take(1).Append($"... ({steps.Count - 1 - tail} more)").Concat(steps.Skip(steps.Count - tail)).ToList();
        }
        return (StaticRoot ? "static " + Root : Root) + " -> " + string.Join(" -> ", steps);
    }
}

public static class RetentionPaths
{
    /// <summary>
    /// One spanning tree of the graph from its roots, breadth first: static roots first, so that an object reachable from a
    /// static field is explained by that field rather than by whichever stack slot also happens to see it. Returns each
    /// node's parent (-1 unreached) and, for root nodes, the root that reached them.
    /// </summary>
    public static (int[] Parent, Dictionary<int, HeapRoot> RootOf) SpanningTree(HeapGraph graph)
    {
        var parent = new int[graph.NodeCount];
        Array.Fill(parent, -1);
        var rootOf = new Dictionary<int, HeapRoot>();
        var queue = new int[graph.NodeCount];
        int head = 0, tail = 0;
        foreach (var staticFirst in new[] { true, false })
        {
            foreach (var root in graph.Roots)
            {
                if (root.IsStatic != staticFirst || parent[root.Node] != -1)
                    continue;
                parent[root.Node] = root.Node;
                rootOf[root.Node] = root;
                queue[tail++] = root.Node;
            }
            while (head < tail)
            {
                var node = queue[head++];
                foreach (var target in graph.Edges(node))
                {
                    if (target < 0 || parent[target] != -1)
                        continue;
                    parent[target] = node;
                    queue[tail++] = target;
                }
            }
        }
        return (parent, rootOf);
    }

    /// <summary>
    /// The chain that keeps most objects of <paramref name="type"/>: each object (up to <paramref name="sample"/> of them)
    /// is followed up the spanning tree to its root, cut at the first object of the type on the way down (a linked list
    /// of the type counts once), and chains are grouped by root and types. Null when no object of the type is reachable.
    /// </summary>
    public static RetentionPath? Find(HeapGraph graph, (int[] Parent, Dictionary<int, HeapRoot> RootOf) tree, string type, int sample = 20_000)
    {
        var typeIndexes = new HashSet<int>();
        for (var t = 0; t < graph.TypeNames.Count; t++)
        {
            if (graph.TypeNames[t] == type)
                typeIndexes.Add(t);
        }
        if (typeIndexes.Count == 0)
            return null;

        var parent = tree.Parent;
        var groups = new Dictionary<string, (int Count, HeapRoot Root, List<string> Types)>(StringComparer.Ordinal);
        long total = 0, seen = 0;
        var chain = new List<int>();
        for (var node = 0; node < graph.NodeCount; node++)
        {
            if (!typeIndexes.Contains(graph.NodeType[node]))
                continue;
            total++;
            if (seen >= sample || parent[node] == -1)
                continue;
            seen++;
            // Up to the root; the chain is read root first, and ends at the first object of the type.
            chain.Clear();
            var at = node;
            while (true)
            {
                chain.Add(at);
                if (parent[at] == at || chain.Count > 10_000)
                    break;
                at = parent[at];
            }
            if (parent[at] != at)
                continue;
            chain.Reverse();
            var end = chain.FindIndex(n => typeIndexes.Contains(graph.NodeType[n]));
            var types = chain.Take(end + 1).Select(graph.TypeOf).ToList();
            var root = tree.RootOf[chain[0]];
            var key = root.Label + "\n" + string.Join("\n", types);
            groups[key] = groups.TryGetValue(key, out var group) ? (group.Count + 1, group.Root, group.Types) : (1, root, types);
        }
        if (groups.Count == 0)
            return null;

        var best = groups.Values.OrderByDescending(g => g.Count).ThenBy(g => g.Types.Count).First();
        // The estimate of how many objects the chain keeps scales the sampled share up to all the type's objects.
        var held = seen == 0 ? 0 : (long)Math.Round((double)best.Count / seen * total);
        var heldBy = best.Types.Count >= 2 ? best.Types[^2] : (best.Root.IsStatic ? "static " + best.Root.Label : best.Root.Label);
        return new RetentionPath(best.Root.Label, best.Root.IsStatic, best.Types, heldBy, held, total) { RootObjectType = best.Root.ObjectType };
    }
}
