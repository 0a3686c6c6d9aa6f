using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Guard.Runtime.Detection;

/// <summary>Thresholds of the thread-pool starvation detector.</summary>
public sealed class ThreadPoolStarvationOptions
{
    /// <summary>How far back thread injections count towards a sample being starved.</summary>
    public double WindowSeconds { get; set; } = 5;

    /// <summary>Queued work items below this never count as starvation.</summary>
    public double MinQueueLength { get; set; } = 10;

    /// <summary>Queued items divided by items completed per second: how long the queue would take to drain.</summary>
    public double MinBacklogSeconds { get; set; } = 1;

    /// <summary>
    /// How long consecutive starved samples must have lasted before reporting (without the one-sample evidence): the
    /// first and the last starved sample this far apart, whatever the counter interval.
    /// </summary>
    public double SustainSeconds { get; set; } = 1;

    /// <summary>A starvation that lasts this long is escalated to critical.</summary>
    public double CriticalAfterSeconds { get; set; } = 10;

    /// <summary>Completions collapsed to (nearly) zero with work queued for this long: an outage, critical at once.</summary>
    public double CriticalStallSeconds { get; set; } = 3;

    /// <summary>A backlog that would take this long to drain (or is this old) is critical.</summary>
    public double CriticalBacklogSeconds { get; set; } = 5;
}

/// <summary>Thresholds of the GC pressure detector.</summary>
public sealed class GcPressureOptions
{
    /// <summary>The window over which the share of time paused in GC is computed.</summary>
    public double WindowSeconds { get; set; } = 5;

    public double PausePercentWarning { get; set; } = 20;
    public double PausePercentCritical { get; set; } = 50;

    /// <summary>Fewer collections than this in the window never count as pressure (one long pause is not pressure).</summary>
    public int MinCollections { get; set; } = 3;

    /// <summary>The window over which gen2 collections are counted.</summary>
    public double Gen2WindowSeconds { get; set; } = 30;

    /// <summary>Gen2 collections a minute (not induced), over a whole observed gen2 window, that can count as pressure.</summary>
    public double Gen2PerMinute { get; set; } = 12;

    /// <summary>
    /// Frequent gen2 collections count only when the process lost at least this share (%) of the gen2 window to GC pauses:
    /// many cheap background collections cost the application nothing worth a page.
    /// </summary>
    public double Gen2PausePercent { get; set; } = 5;

    /// <summary>The window over which induced collections (GC.Collect) are counted.</summary>
    public double InducedWindowSeconds { get; set; } = 60;

    /// <summary>Induced collections in the window that are reported.</summary>
    public int MinInduced { get; set; } = 3;
}

/// <summary>Thresholds of the memory leak detector.</summary>
public sealed class MemoryLeakOptions
{
    /// <summary>How far back collections are considered for the trend.</summary>
    public double WindowSeconds { get; set; } = 600;

    /// <summary>Collections (of any generation) in the trend before it is trusted.</summary>
    public int MinCollections { get; set; } = 3;

    /// <summary>Gen2 collections in the trend before it is trusted: live data is only known after a full collection.</summary>
    public int MinGen2Collections { get; set; } = 2;

    /// <summary>
    /// The trend must span at least this long before a leak is even suspected. A cache that fills and is cleared on a
    /// cycle looks like a leak for a whole cycle; this is the longest cycle tolerated without a word (2.5 minutes).
    /// </summary>
    public double MinSpanSeconds { get; set; } = 150;

    /// <summary>A suspected leak is confirmed when its trend has gone on this long (or kept its gains across resets).</summary>
    public double ConfirmSpanSeconds { get; set; } = 300;

    /// <summary>The floor on growth: slower growth is never reported.</summary>
    public double MinGrowthMBPerMin { get; set; } = 10;

    /// <summary>Growth proven by a gen2 collection must reach this many MB.</summary>
    public double MinGrowthMB { get; set; } = 20;

    /// <summary>Goodness of the least-squares fit (R²) below which the series is not a steady rise.</summary>
    public double MinRSquared { get; set; } = 0.7;

    /// <summary>Growth in the recent half of the window must keep at least this share of the overall rate (a plateau does not).</summary>
    public double MinRecentRateRatio { get; set; } = 0.7;

    /// <summary>A confirmed leak growing this fast is critical; a suspected one never is.</summary>
    public double CriticalGrowthMBPerMin { get; set; } = 100;
}

/// <summary>All detector thresholds, with defaults, and the `key=value` names the CLI accepts for them.</summary>
public sealed partial class DetectorOptions
{
    public ThreadPoolStarvationOptions ThreadPool { get; } = new();
    public GcPressureOptions Gc { get; } = new();
    public MemoryLeakOptions Leak { get; } = new();

    /// <summary>
    /// Seconds between System.Runtime counter samples (EventCounterIntervalSec). At 0.5 the stream also flows twice as
    /// often, which halves how long a quiet target's last events wait to be delivered (see docs/benchmarks.md).
    /// </summary>
    public double CounterIntervalSeconds { get; set; } = 1;

    /// <summary>
    /// Seconds without a single event from the target (counters alone come every interval) before the session gives up
    /// on it: it is stopped (SIGSTOP) or hung. A line is said at a fifth of it, so a pause that passes is only mentioned.
    /// </summary>
    public double StallSeconds { get; set; } = 60;

    /// <summary>
    /// Sample allocations (GCAllocationTick) for the whole session, to name the most allocated types over the last 30 s.
    /// Off by default: it needs the runtime provider at Verbose, which costs the target one event per ~100 KB allocated
    /// and every Verbose event of the threading and exception keywords besides, all the time. A GC pressure finding gets
    /// its allocating types and methods from a stack burst once it exists, and a leak its growing types from heap snapshots.
    /// </summary>
    public bool SampleAllocations { get; set; }

    /// <summary>One settable threshold: its key, what it means, and how to read and write it.</summary>
    public sealed record Threshold(string Key, string Description, double Min, double Max, Func<DetectorOptions, double> Get, Action<DetectorOptions, double> Set);

    public static IReadOnlyList<Threshold> Thresholds { get; } = new Threshold[]
    {
        new("threadpool.queue", "queued work items before a sample can count as starved", 1, 1e9, o => o.ThreadPool.MinQueueLength, (o, v) => o.ThreadPool.MinQueueLength = v),
        new("threadpool.backlog", "seconds the queue would take to drain at the current completion rate", 0.01, 3600, o => o.ThreadPool.MinBacklogSeconds, (o, v) => o.ThreadPool.MinBacklogSeconds = v),
        new("threadpool.sustain", "seconds of consecutive starved samples before reporting", 0, 3600, o => o.ThreadPool.SustainSeconds, (o, v) => o.ThreadPool.SustainSeconds = v),
        new("threadpool.window", "seconds over which thread injections are counted", 1, 3600, o => o.ThreadPool.WindowSeconds, (o, v) => o.ThreadPool.WindowSeconds = v),
        new("threadpool.critical-after", "seconds of starvation before it is critical", 1, 86400, o => o.ThreadPool.CriticalAfterSeconds, (o, v) => o.ThreadPool.CriticalAfterSeconds = v),
        new("threadpool.critical-stall", "seconds of completions at (nearly) zero with work queued before starvation is critical", 0.5, 3600, o => o.ThreadPool.CriticalStallSeconds, (o, v) => o.ThreadPool.CriticalStallSeconds = v),
        new("threadpool.critical-backlog", "seconds of backlog (queue over completion rate) that make starvation critical", 0.5, 3600, o => o.ThreadPool.CriticalBacklogSeconds, (o, v) => o.ThreadPool.CriticalBacklogSeconds = v),
        new("gc.pause", "% of wall time paused in GC over the window (warning)", 0.1, 100, o => o.Gc.PausePercentWarning, (o, v) => o.Gc.PausePercentWarning = v),
        new("gc.pause-critical", "% of wall time paused in GC over the window (critical)", 0.1, 100, o => o.Gc.PausePercentCritical, (o, v) => o.Gc.PausePercentCritical = v),
        new("gc.window", "seconds over which the GC pause share is computed", 1, 3600, o => o.Gc.WindowSeconds, (o, v) => o.Gc.WindowSeconds = v),
        new("gc.min-collections", "collections in the window before a pause share counts", 1, 1e6, o => o.Gc.MinCollections, (o, v) => o.Gc.MinCollections = (int)v),
        new("gc.gen2-per-min", "gen2 collections a minute (not induced) that count as pressure", 0.1, 1e6, o => o.Gc.Gen2PerMinute, (o, v) => o.Gc.Gen2PerMinute = v),
        new("gc.gen2-pause", "% of the gen2 window paused before frequent gen2 collections count", 0, 100, o => o.Gc.Gen2PausePercent, (o, v) => o.Gc.Gen2PausePercent = v),
        new("gc.gen2-window", "seconds over which gen2 collections are counted", 1, 3600, o => o.Gc.Gen2WindowSeconds, (o, v) => o.Gc.Gen2WindowSeconds = v),
        new("gc.induced", "induced collections (GC.Collect) in the induced window that are reported", 1, 1e6, o => o.Gc.MinInduced, (o, v) => o.Gc.MinInduced = (int)v),
        new("gc.induced-window", "seconds over which induced collections are counted", 1, 86400, o => o.Gc.InducedWindowSeconds, (o, v) => o.Gc.InducedWindowSeconds = v),
        new("leak.rate", "floor on heap growth, MB/min", 0.01, 1e6, o => o.Leak.MinGrowthMBPerMin, (o, v) => o.Leak.MinGrowthMBPerMin = v),
        new("leak.rate-critical", "heap growth, MB/min, that is critical", 0.01, 1e6, o => o.Leak.CriticalGrowthMBPerMin, (o, v) => o.Leak.CriticalGrowthMBPerMin = v),
        new("leak.growth", "MB of growth a gen2 collection must confirm", 0.01, 1e7, o => o.Leak.MinGrowthMB, (o, v) => o.Leak.MinGrowthMB = v),
        new("leak.r2", "goodness of the linear fit (R²) required", 0, 1, o => o.Leak.MinRSquared, (o, v) => o.Leak.MinRSquared = v),
        new("leak.collections", "collections in the window before the trend is trusted", 2, 1e6, o => o.Leak.MinCollections, (o, v) => o.Leak.MinCollections = (int)v),
        new("leak.window", "seconds of collections the trend is fitted over", 5, 86400, o => o.Leak.WindowSeconds, (o, v) => o.Leak.WindowSeconds = v),
        new("counters.interval", "seconds between counter samples", 0.25, 10, o => o.CounterIntervalSeconds, (o, v) => o.CounterIntervalSeconds = v),
        new("session.stall", "seconds without any event from the target (stopped or hung) before guard gives up on it", 5, 86400, o => o.StallSeconds, (o, v) => o.StallSeconds = v),
        new("leak.min-span", "seconds the trend must span before a leak is suspected (the longest cache cycle tolerated)", 1, 86400, o => o.Leak.MinSpanSeconds, (o, v) => o.Leak.MinSpanSeconds = v),
        new("leak.confirm-span", "seconds the trend must span before a suspected leak is confirmed", 1, 86400, o => o.Leak.ConfirmSpanSeconds, (o, v) => o.Leak.ConfirmSpanSeconds = v),
        new("leak.gen2", "gen2 collections the trend must include", 2, 1e6, o => o.Leak.MinGen2Collections, (o, v) => o.Leak.MinGen2Collections = (int)v),
        new("leak.snapshot-interval", "seconds between the two heap snapshots taken when a leak is suspected", 1, 3600, o => o.HeapSnapshots.IntervalSeconds, (o, v) => o.HeapSnapshots.IntervalSeconds = v),
        new("leak.snapshots", "heap snapshots a session may take at most (0: none)", 0, 100, o => o.HeapSnapshots.MaxPerSession, (o, v) => o.HeapSnapshots.MaxPerSession = (int)v),
        new("stacks.seconds", "seconds a stack burst samples to name blocking frames (starvation) and allocating methods (GC pressure)", 0.2, 30, o => o.StackBursts.Seconds, (o, v) => o.StackBursts.Seconds = v),
        new("stacks.bursts", "stack bursts a session may take at most (0: none)", 0, 100, o => o.StackBursts.MaxPerSession, (o, v) => o.StackBursts.MaxPerSession = (int)v),
    };

    /// <summary>Applies one `key=value` setting; false with a one-line reason when the key or value is not valid.</summary>
    public bool TrySet(string setting, out string error)
    {
        error = "";
        var equals = setting.IndexOf('=');
        if (equals <= 0 || equals == setting.Length - 1)
        {
            error = $"threshold '{setting}' is not key=value (keys: {string.Join(", ", Thresholds.Select(t => t.Key))})";
            return false;
        }

        var key = setting.Substring(0, equals).Trim();
        var text = setting.Substring(equals + 1).Trim();
        var threshold = Thresholds.FirstOrDefault(t => string.Equals(t.Key, key, StringComparison.OrdinalIgnoreCase));
        if (threshold is null)
        {
            error = $"unknown threshold '{key}' (keys: {string.Join(", ", Thresholds.Select(t => t.Key))})";
            return false;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value) || double.IsInfinity(value))
        {
            error = $"threshold {threshold.Key} needs a number, not '{text}'";
            return false;
        }

        if (value < threshold.Min || value > threshold.Max)
        {
            error = $"threshold {threshold.Key} must be between {threshold.Min.ToString(CultureInfo.InvariantCulture)} and {threshold.Max.ToString(CultureInfo.InvariantCulture)}, not {text}";
            return false;
        }

        threshold.Set(this, value);
        return true;
    }
}
