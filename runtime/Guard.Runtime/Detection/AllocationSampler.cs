using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>
/// Keeps the allocation samples (GCAllocationTick: one event each time about 100 KB has been allocated, naming the type
/// that crossed the mark) of a recent window and ranks types by the bytes they account for. This is an estimate of what
/// is allocated, not of what is retained.
/// </summary>
public sealed class AllocationSampler
{
    private readonly Queue<AllocationSampleSignal> _samples = new();
    private readonly Dictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private readonly TimeSpan _window;

    public AllocationSampler(TimeSpan window) => _window = window;

    public int SampleCount => _samples.Count;

    public void Add(AllocationSampleSignal sample)
    {
        _samples.Enqueue(sample);
        _bytesByType[sample.TypeName] = _bytesByType.GetValueOrDefault(sample.TypeName) + sample.Bytes;
        Trim(sample.Time);
    }

    public void Trim(DateTime now)
    {
        while (_samples.Count > 0 && now - _samples.Peek().Time > _window)
        {
            var old = _samples.Dequeue();
            var left = _bytesByType[old.TypeName] - old.Bytes;
            if (left <= 0)
                _bytesByType.Remove(old.TypeName);
            else
                _bytesByType[old.TypeName] = left;
        }
    }

    /// <summary>The most allocated types in the window: type, estimated MB and share of the sampled bytes.</summary>
    public IReadOnlyList<Evidence> Top(int count) => Rank(_bytesByType, count)
        .Select(t => new Evidence()
            .Add("type", t.Type)
            .Add("sampledMB", Math.Round(t.Bytes / 1048576.0, 1))
            .Add("share", Math.Round(t.Share, 2)))
        .ToList();

    /// <summary>
    /// The most allocated types of some samples, most bytes first (ties by name), with their share of all the sampled
    /// bytes. Types under 1% are noise (a handful of samples), not culprits. Used for continuous sampling and bursts alike.
    /// </summary>
    public static IReadOnlyList<(string Type, long Bytes, double Share)> Rank(IEnumerable<KeyValuePair<string, long>> bytesByType, int count)
    {
        var all = bytesByType.ToList();
        var total = all.Sum(pair => pair.Value);
        if (total <= 0)
            return Array.Empty<(string, long, double)>();
        return all
            .OrderByDescending(pair => pair.Value)
            .ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Take(count)
            .Where(pair => pair.Value * 100 >= total)
            .Select(pair => (pair.Key, pair.Value, (double)pair.Value / total))
            .ToList();
    }
}
