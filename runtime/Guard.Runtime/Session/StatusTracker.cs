using System;
using System.Collections.Generic;
using Guard.Runtime.Detection;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Session;

/// <summary>The figures of the live status line.</summary>
public sealed record StatusSnapshot(
    DateTime Time,
    double? HeapMB,
    double GcPausePercent,
    double? ThreadCount,
    double? QueueLength,
    double? AllocationMBPerSecond,
    double? CpuPercent,
    int Collections);

/// <summary>Keeps the latest counter values and the GC pause share of the last few seconds, for the status line.</summary>
public sealed class StatusTracker
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    private readonly GcPauseWindow _pauses = new();
    private DateTime? _first;
    private double? _heapMB, _threads, _queue, _allocation, _cpu;
    private int _collections;

    public void Observe(Signal signal)
    {
        _first ??= signal.Time;
        switch (signal)
        {
            case GcPauseSignal pause:
                _pauses.Add(pause);
                // Trimmed as it goes too: the status is read once a second, pauses can come by the thousand.
                if (_pauses.Count > 4096)
                    _pauses.Trim(pause.Time, Window);
                break;
            case GcStartSignal start:
                _collections += Math.Max(1, start.Count);
                break;
            case CounterSignal counter:
                switch (counter.Name)
                {
                    case RuntimeCounters.GcHeapSizeMB: _heapMB = counter.Value; break;
                    case RuntimeCounters.ThreadPoolThreadCount: _threads = counter.Value; break;
                    case RuntimeCounters.ThreadPoolQueueLength: _queue = counter.Value; break;
                    case RuntimeCounters.AllocationRate: _allocation = counter.Value / Math.Max(counter.IntervalSeconds, 0.001) / 1048576.0; break;
                    case RuntimeCounters.CpuUsage: _cpu = counter.Value; break;
                }
                break;
        }
    }

    public StatusSnapshot Snapshot(DateTime now)
    {
        _pauses.Trim(now, Window);
        var from = now - Window;
        if (_first is { } first && first > from)
            from = first;
        var paused = _pauses.Paused(from, now).Seconds;
        var span = (now - from).TotalSeconds;
        return new StatusSnapshot(now, _heapMB, span > 0 ? Math.Min(100, 100 * paused / span) : 0, _threads, _queue, _allocation, _cpu, _collections);
    }
}
