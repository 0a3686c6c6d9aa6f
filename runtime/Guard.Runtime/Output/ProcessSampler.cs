using System;
using System.Collections.Generic;
using Guard.Runtime.Session;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Output;

/// <summary>A collection's heap, for the report's plot of the heap after each GC.</summary>
public readonly record struct HeapPoint(DateTime Time, int Generation, double Bytes);

/// <summary>
/// Turns one process's signals and status into the exported figures (<see cref="WatchMetrics"/>): the latest counter
/// values, the rates of the interval, and the heap after each collection since the last sample. Fed on the process's
/// reader thread (signals and status come from the same thread), so it needs no lock.
/// </summary>
public sealed class ProcessSampler
{
    private const double MegaBytes = 1_000_000; // the System.Runtime MB counters are 10^6 bytes
    private readonly Dictionary<string, double> _values = new();
    private readonly List<HeapPoint> _collections = new();
    private int _httpResponses, _httpRateLimited;
    private double _queueWaitMax;
    private DateTime? _intervalStart;

    /// <summary>Observes one signal (wire it to <see cref="DetectionPipeline.SignalPosted"/>).</summary>
    public void Observe(Signal signal)
    {
        switch (signal)
        {
            case GcHeapSignal heap:
                _values[WatchMetrics.HeapAfterGc.Name] = heap.ObjectBytes;
                // Bounded between samples: under a flood the translator summarizes anyway.
                if (_collections.Count < 2000)
                    _collections.Add(new HeapPoint(heap.Time, heap.Generation, heap.ObjectBytes));
                break;
            case CounterSignal counter:
                var perSecond = counter.Value / Math.Max(counter.IntervalSeconds, 0.001);
                switch (counter.Name)
                {
                    case RuntimeCounters.GcHeapSizeMB: _values[WatchMetrics.HeapSize.Name] = counter.Value * MegaBytes; break;
                    case RuntimeCounters.AllocationRate: _values[WatchMetrics.AllocationRate.Name] = perSecond; break;
                    case RuntimeCounters.CpuUsage: _values[WatchMetrics.Cpu.Name] = counter.Value; break;
                    case RuntimeCounters.WorkingSetMB: _values[WatchMetrics.WorkingSet.Name] = counter.Value * MegaBytes; break;
                    case ServiceCounters.GcCommittedMB: _values[WatchMetrics.GcCommitted.Name] = counter.Value * MegaBytes; break;
                    case ServiceCounters.ActiveTimerCount: _values[WatchMetrics.ActiveTimers.Name] = counter.Value; break;
                    case ServiceCounters.ExceptionCount: _values[WatchMetrics.Exceptions.Name] = perSecond; break;
                    case RuntimeCounters.LockContentionCount: _values[WatchMetrics.LockContention.Name] = perSecond; break;
                    case RuntimeCounters.ThreadPoolQueueLength: _values[WatchMetrics.QueueLength.Name] = counter.Value; break;
                    case RuntimeCounters.ThreadPoolThreadCount: _values[WatchMetrics.ThreadCount.Name] = counter.Value; break;
                }
                break;
            case HttpResponseSignal response:
                _httpResponses++;
                if (response.StatusCode is 429 or 503)
                    _httpRateLimited++;
                break;
            case HttpQueueWaitSignal wait:
                _queueWaitMax = Math.Max(_queueWaitMax, wait.QueueMilliseconds);
                break;
        }
    }

    /// <summary>Closes the interval the status ends: the figures of this interval, and the collections since the last.</summary>
    public MetricsSample Sample(StatusSnapshot status)
    {
        var seconds = _intervalStart is { } start ? Math.Max((status.Time - start).TotalSeconds, 0.001) : 1.0;
        _intervalStart = status.Time;
        _values[WatchMetrics.GcPaused.Name] = status.GcPausePercent;
        if (status.QueueLength is { } queue)
            _values[WatchMetrics.QueueLength.Name] = queue;
        if (status.ThreadCount is { } threads)
            _values[WatchMetrics.ThreadCount.Name] = threads;
        _values[WatchMetrics.HttpRequests.Name] = _httpResponses / seconds;
        _values[WatchMetrics.HttpRateLimited.Name] = _httpRateLimited / seconds;
        _values[WatchMetrics.HttpQueueWait.Name] = _queueWaitMax;
        _httpResponses = _httpRateLimited = 0;
        _queueWaitMax = 0;
        var collections = _collections.ToArray();
        _collections.Clear();
        return new MetricsSample(status.Time, new Dictionary<string, double>(_values), collections);
    }
}
