using System;
using System.Collections.Generic;
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
    private readonly Queue<GcPauseSignal> _pauses = new();
    private DateTime? _first;
    private double? _heapMB, _threads, _queue, _allocation, _cpu;
    private int _collections;

    public void Observe(Signal signal)
    {
        _first ??= signal.Time;
        switch (signal)
        {
            case GcPauseSignal pause:
                _pauses.Enqueue(pause);
                // Trimmed as it goes too: the status is read once a second, pauses can come by the thousand.
                if (_pauses.Count > 4096)
                    Trim(pause.Time);
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

    private void Trim(DateTime now)
    {
        while (_pauses.Count > 0 && now - _pauses.Peek().Time > Window)
            _pauses.Dequeue();
    }

    public StatusSnapshot Snapshot(DateTime now)
    {
        while (_pauses.Count > 0 && now - _pauses.Peek().Time > Window)
            _pauses.Dequeue();
        Trim(now);
        var from = now - Window;
        if (_first is { } first && first > from)
            from = first;
        double paused = 0;
        foreach (var pause in _pauses)
        {
            var start = pause.Start > from ? pause.Start : from;
            var end = pause.Time < now ? pause.Time : now;
            if (end > start)
                paused += (end - start).TotalSeconds;
        }
        var span = (now - from).TotalSeconds;
        return new StatusSnapshot(now, _heapMB, span > 0 ? Math.Min(100, 100 * paused / span) : 0, _threads, _queue, _allocation, _cpu, _collections);
    }
}
