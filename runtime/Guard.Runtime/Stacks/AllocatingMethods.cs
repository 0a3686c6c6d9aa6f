using System;
using System.Collections.Generic;
using System.Linq;

namespace Guard.Runtime.Stacks;

/// <summary>Which methods allocate a type: from allocation samples with stacks, the user's frame nearest to the allocation.</summary>
public static class AllocatingMethods
{
    /// <summary>
    /// For each type, its allocating methods by sampled bytes, most first, with their share of the type's sampled bytes.
    /// The method is the innermost frame of user code (the framework's helpers it called are not the culprit); a stack with
    /// no user code at all is the framework allocating on its own and is named by its innermost frame.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<(string Method, double Share)>> ByType(IEnumerable<StackSample> samples)
    {
        var result = new Dictionary<string, IReadOnlyList<(string, double)>>(StringComparer.Ordinal);
        foreach (var type in samples.Where(s => s.Kind == SampleKind.Allocation && s.TypeName is not null).GroupBy(s => s.TypeName!))
        {
            var total = type.Sum(s => Math.Max(1, s.Bytes));
            result[type.Key] = type
                .GroupBy(s => s.Frames.FirstOrDefault(f => !BlockingStacks.IsFramework(f)) ?? s.Frames.FirstOrDefault(f => !f.StartsWith("?", StringComparison.Ordinal)) ?? "?")
                .Select(g => (g.Key, Math.Round((double)g.Sum(s => Math.Max(1, s.Bytes)) / total, 2)))
                .OrderByDescending(m => m.Item2)
                .ThenBy(m => m.Key, StringComparer.Ordinal)
                .Take(3)
                .ToList();
        }
        return result;
    }
}
