using System;
using System.Collections.Generic;
using System.Linq;

namespace Guard.Runtime.Heap;

/// <summary>Objects and bytes per type in one snapshot, by type name (type ids are not kept between snapshots).</summary>
public sealed class HeapHistogram
{
    private readonly Dictionary<string, (long Count, long Bytes)> _types;

    public HeapHistogram(Dictionary<string, (long Count, long Bytes)> types) => _types = types;

    public static HeapHistogram Of(HeapGraph graph)
    {
        var count = new long[graph.TypeNames.Count];
        var bytes = new long[graph.TypeNames.Count];
        for (var node = 0; node < graph.NodeCount; node++)
        {
            count[graph.NodeType[node]]++;
            bytes[graph.NodeType[node]] += graph.NodeSize[node];
        }
        var types = new Dictionary<string, (long Count, long Bytes)>(StringComparer.Ordinal);
        for (var t = 0; t < count.Length; t++)
        {
            // Two type ids can carry one name (the same generic in two load contexts): their objects add up.
            var name = graph.TypeNames[t];
            var known = types.GetValueOrDefault(name);
            types[name] = (known.Count + count[t], known.Bytes + bytes[t]);
        }
        return new HeapHistogram(types);
    }

    public IReadOnlyDictionary<string, (long Count, long Bytes)> Types => _types;

    public long TotalBytes => _types.Values.Sum(t => t.Bytes);

    public (long Count, long Bytes) this[string type] => _types.GetValueOrDefault(type);
}

/// <summary>How much one type grew between two snapshots.</summary>
public sealed record TypeGrowth(string Type, long CountDelta, long BytesDelta, long Count, long Bytes);

public static class HeapDiff
{
    /// <summary>
    /// The types that grew, most bytes first. A type counts only when both its objects and its bytes grew, and by at least
    /// <paramref name="minShare"/> of the whole heap's growth: a type that wobbles by a few objects is not a culprit.
    /// </summary>
    public static IReadOnlyList<TypeGrowth> Growing(HeapHistogram before, HeapHistogram after, int top = 5, double minShare = 0.02)
    {
        var growth = new List<TypeGrowth>();
        long grownBytes = 0;
        foreach (var (type, now) in after.Types)
        {
            var then = before[type];
            var countDelta = now.Count - then.Count;
            var bytesDelta = now.Bytes - then.Bytes;
            if (countDelta > 0 && bytesDelta > 0)
            {
                growth.Add(new TypeGrowth(type, countDelta, bytesDelta, now.Count, now.Bytes));
                grownBytes += bytesDelta;
            }
        }
        return growth
            .Where(g => g.BytesDelta >= minShare * grownBytes)
            .OrderByDescending(g => g.BytesDelta)
            .ThenBy(g => g.Type, StringComparer.Ordinal)
            .Take(top)
            .ToList();
    }
}
