using System;
using System.Collections.Generic;

namespace Guard.Runtime.Heap;

/// <summary>Where a root comes from: a static field (named), or a runtime root (a stack slot, a handle, the finalizer queue).</summary>
public sealed record HeapRoot(int Node, string Label, bool IsStatic)
{
    /// <summary>For a static root, the type of the object the field holds (used to find the declaring class).</summary>
    public string ObjectType { get; init; } = "";
}

/// <summary>
/// One heap snapshot as a graph: each object a node (its type and size), its references as edges, and the roots. Nodes
/// keep the order the runtime reported them in; edges are stored per node in one flat array (compressed rows), so a
/// heap of millions of objects costs a few arrays, not an object per reference.
/// </summary>
public sealed class HeapGraph
{
    internal HeapGraph(string[] typeNames, int[] nodeType, long[] nodeSize, int[] edgeStart, int[] edgeTarget, IReadOnlyList<HeapRoot> roots)
    {
        TypeNames = typeNames;
        NodeType = nodeType;
        NodeSize = nodeSize;
        EdgeStart = edgeStart;
        EdgeTarget = edgeTarget;
        Roots = roots;
    }

    /// <summary>Type names, indexed by the values of <see cref="NodeType"/>.</summary>
    public IReadOnlyList<string> TypeNames { get; }

    internal int[] NodeType { get; }
    internal long[] NodeSize { get; }

    /// <summary>Edges of node i are EdgeTarget[EdgeStart[i] .. EdgeStart[i + 1]); a target outside the snapshot is -1.</summary>
    internal int[] EdgeStart { get; }
    internal int[] EdgeTarget { get; }

    public IReadOnlyList<HeapRoot> Roots { get; }

    public int NodeCount => NodeType.Length;

    public long TotalBytes
    {
        get
        {
            long total = 0;
            foreach (var size in NodeSize)
                total += size;
            return total;
        }
    }

    public string TypeOf(int node) => TypeNames[NodeType[node]];

    public ReadOnlySpan<int> Edges(int node) => EdgeTarget.AsSpan(EdgeStart[node], EdgeStart[node + 1] - EdgeStart[node]);
}

/// <summary>
/// Collects the runtime's heap-dump events (bulk types, nodes, edges, roots, static roots) in the order they come and
/// builds a <see cref="HeapGraph"/>. Each node event says how many edges it has; edge events list the targets in the
/// same order, so the edges of a node are the next that many targets.
/// </summary>
public sealed class HeapGraphBuilder
{
    private readonly List<ulong> _address = new();
    private readonly List<long> _size = new();
    private readonly List<ulong> _typeId = new();
    private readonly List<int> _edgeCount = new();
    private readonly List<ulong> _edgeTargets = new();
    private readonly Dictionary<ulong, string> _typeNames;
    private readonly List<(ulong Address, string Kind)> _roots = new();
    private readonly List<(ulong Address, ulong ObjectType, string Field)> _statics = new();

    /// <param name="typeNames">
    /// Names known from earlier snapshots of the same process, added to as types come: the runtime names each type once
    /// in a process's life, so a second snapshot only names the types that are new since the first.
    /// </param>
    public HeapGraphBuilder(Dictionary<ulong, string>? typeNames = null) => _typeNames = typeNames ?? new Dictionary<ulong, string>();

    public int NodeCount => _address.Count;

    public void AddType(ulong typeId, string name)
    {
        if (!string.IsNullOrEmpty(name))
            _typeNames[typeId] = name;
    }

    public void AddNode(ulong address, long size, ulong typeId, int edgeCount)
    {
        _address.Add(address);
        _size.Add(size);
        _typeId.Add(typeId);
        _edgeCount.Add(Math.Max(0, edgeCount));
    }

    public void AddEdge(ulong target) => _edgeTargets.Add(target);

    /// <summary>A runtime root (kind: stack, handle, finalizer, ...).</summary>
    public void AddRoot(ulong address, string kind) => _roots.Add((address, kind));

    /// <summary>A static field that holds the object (the runtime gives the field's name and the object's type, not the declaring class).</summary>
    public void AddStaticRoot(ulong address, ulong objectTypeId, string field) => _statics.Add((address, objectTypeId, field));

    public HeapGraph Build()
    {
        var count = _address.Count;
        // Type ids (method table addresses) become small indexes; a type the runtime did not name keeps its id.
        var typeIndex = new Dictionary<ulong, int>();
        var names = new List<string>();
        var nodeType = new int[count];
        for (var i = 0; i < count; i++)
        {
            var id = _typeId[i];
            if (!typeIndex.TryGetValue(id, out var index))
            {
                index = names.Count;
                typeIndex[id] = index;
                names.Add(_typeNames.TryGetValue(id, out var name) ? name : $"<type 0x{id:x}>");
            }
            nodeType[i] = index;
        }

        // Edge targets are addresses: resolved by binary search over the sorted addresses (no dictionary of millions).
        var sorted = _address.ToArray();
        var order = new int[count];
        for (var i = 0; i < count; i++)
            order[i] = i;
        Array.Sort(sorted, order);

        var edgeStart = new int[count + 1];
        var total = 0;
        for (var i = 0; i < count; i++)
        {
            edgeStart[i] = total;
            total += _edgeCount[i];
        }
        edgeStart[count] = total;
        // A stream cut short may promise more edges than it delivered: the missing ones are unknown (-1).
        var edgeTarget = new int[total];
        for (var e = 0; e < total; e++)
            edgeTarget[e] = e < _edgeTargets.Count ? Find(sorted, order, _edgeTargets[e]) : -1;

        var roots = new List<HeapRoot>();
        foreach (var (address, objectType, field) in _statics)
        {
            var node = Find(sorted, order, address);
            if (node < 0)
                continue;
            roots.Add(new HeapRoot(node, field, true) { ObjectType = _typeNames.GetValueOrDefault(objectType) ?? "" });
        }
        foreach (var (address, kind) in _roots)
        {
            var node = Find(sorted, order, address);
            if (node >= 0)
                roots.Add(new HeapRoot(node, kind, false));
        }

        return new HeapGraph(names.ToArray(), nodeType, _size.ToArray(), edgeStart, edgeTarget, roots);
    }

    private static int Find(ulong[] sorted, int[] order, ulong address)
    {
        if (address == 0)
            return -1;
        var at = Array.BinarySearch(sorted, address);
        return at >= 0 ? order[at] : -1;
    }
}
