using System;
using System.Collections.Generic;

namespace Guard.Runtime.Detection;

public enum Severity
{
    Warning,
    Critical,
}

/// <summary>The values of <see cref="Finding.Kind"/>.</summary>
public static class FindingKinds
{
    public const string ThreadPoolStarvation = "threadpool-starvation";
    public const string GcPressure = "gc-pressure";
    public const string MemoryLeak = "memory-leak";
    public const string RateLimited = "rate-limited";
    public const string ConnectionPoolSaturation = "connection-pool-saturation";
    public const string TimerLeak = "timer-leak";
    public const string MemoryLimit = "memory-limit";
    public const string ExceptionStorm = "exception-storm";
}

/// <summary>
/// Named values that back a finding, in the order they are written. Values are numbers, strings, number lists or
/// nested <see cref="Evidence"/> lists (one per culprit, for instance).
/// </summary>
public sealed class Evidence : List<KeyValuePair<string, object>>
{
    public Evidence Add(string name, object value)
    {
        Add(new KeyValuePair<string, object>(name, value));
        return this;
    }

    public object? this[string name]
    {
        get
        {
            foreach (var pair in this)
            {
                if (pair.Key == name)
                    return pair.Value;
            }
            return null;
        }
    }
}

/// <summary>
/// What a detector concluded, with the numbers that back it. Detectors fill everything but the target's identity and the
/// detection time, which the pipeline stamps (see the JSON contract in docs/runtime.md).
/// </summary>
public sealed record Finding
{
    public required string Kind { get; init; }
    public required Severity Severity { get; init; }

    /// <summary>
    /// True for the record that says a reported condition has cleared (the pool recovered, the heap fell back): same kind
    /// and pid as the finding it ends, the severity that finding last had, and the figures that show it is over.
    /// </summary>
    public bool Resolved { get; init; }

    public int Pid { get; init; }
    public string Process { get; init; } = "";

    /// <summary>When Guard detected it (UTC).</summary>
    public required DateTime Time { get; init; }

    /// <summary>When the condition began (UTC), by the target's clock.</summary>
    public required DateTime Since { get; init; }

    public required string Message { get; init; }
    public required Evidence Evidence { get; init; }

    /// <summary>Kind-specific suspects (allocating types for GC pressure); empty when there is nothing reliable to name.</summary>
    public IReadOnlyList<Evidence> Culprits { get; init; } = Array.Empty<Evidence>();

    public required string Advice { get; init; }
}
