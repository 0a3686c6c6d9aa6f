using System;
using System.Collections.Generic;
using System.Globalization;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Session;

/// <summary>
/// Turns the runtime's raw events, in the order they arrive, into signals: pairs a suspension with its restart into a
/// pause, ties the heap statistics to the collection they follow, reads counter payloads. Takes plain values so it can
/// be driven without a live event stream.
/// </summary>
public sealed class SignalTranslator
{
    // GCSuspendEEStart reasons that are for a collection (SuspendForGC, SuspendForGCPrep); others (debugger, shutdown) are not GC pauses.
    private const int SuspendForGc = 1;
    private const int SuspendForGcPrep = 6;
    private const int BackgroundGcType = 1;

    private readonly Action<Signal> _emit;
    private DateTime? _suspendStart;
    private int _lastStartGeneration;
    private int? _condemnedGeneration;
    private long _objectBytes;
    private bool _hasPerHeapData;

    public SignalTranslator(Action<Signal> emit) => _emit = emit;

    public void OnGcStart(DateTime time, int number, int generation, int reason, int type)
    {
        _lastStartGeneration = generation;
        _emit(new GcStartSignal(time, number, generation, (GcReason)reason, type == BackgroundGcType));
    }

    public void OnSuspendStart(DateTime time, int reason)
    {
        _suspendStart = reason is SuspendForGc or SuspendForGcPrep ? time : null;
    }

    public void OnRestartEnd(DateTime time)
    {
        if (_suspendStart is { } start && time >= start)
            _emit(new GcPauseSignal(time, start));
        _suspendStart = null;
    }

    /// <summary>GCGlobalHeapHistory: the first of the events a collection ends with; it names the condemned generation.</summary>
    public void OnGlobalHeapHistory(int condemnedGeneration)
    {
        _condemnedGeneration = condemnedGeneration;
        _objectBytes = 0;
        _hasPerHeapData = false;
    }

    /// <summary>GCPerHeapHistory, once per heap: the bytes of objects (free space excluded) left in all generations of that heap.</summary>
    public void OnPerHeapHistory(long objectBytesAfter)
    {
        _objectBytes += objectBytesAfter;
        _hasPerHeapData = true;
    }

    /// <summary>GCHeapStats: the last event of a collection; closes it.</summary>
    public void OnHeapStats(DateTime time, long gen0, long gen1, long gen2, long loh, long poh)
    {
        var heapBytes = gen0 + gen1 + gen2 + loh + poh;
        var generation = _condemnedGeneration ?? _lastStartGeneration;
        _emit(new GcHeapSignal(time, generation, _hasPerHeapData ? _objectBytes : heapBytes, heapBytes));
        _condemnedGeneration = null;
        _hasPerHeapData = false;
        _objectBytes = 0;
    }

    public void OnThreadPoolAdjustment(DateTime time, int newWorkerThreadCount, int reason, double averageThroughput) =>
        _emit(new ThreadPoolAdjustmentSignal(time, newWorkerThreadCount, (ThreadPoolAdjustmentReason)reason, averageThroughput));

    public void OnAllocationTick(DateTime time, string? typeName, long bytes, bool largeObject) =>
        _emit(new AllocationSampleSignal(time, string.IsNullOrEmpty(typeName) ? "(unknown type)" : typeName, bytes, largeObject));

    /// <summary>
    /// One EventCounters payload: Name, and Mean for a polling counter or Increment for an incrementing one, with IntervalSec.
    /// </summary>
    public void OnCounterPayload(DateTime time, IDictionary<string, object> payload)
    {
        if (!payload.TryGetValue("Name", out var nameValue) || nameValue is not string name)
            return;
        var incrementing = payload.TryGetValue("CounterType", out var type) && type is string t ? t == "Sum" : payload.ContainsKey("Increment");
        if (!payload.TryGetValue(incrementing ? "Increment" : "Mean", out var raw) || !TryDouble(raw, out var value))
            return;
        var interval = payload.TryGetValue("IntervalSec", out var i) && TryDouble(i, out var seconds) && seconds > 0 ? seconds : 1;
        _emit(new CounterSignal(time, name, value, interval));
    }

    private static bool TryDouble(object? raw, out double value)
    {
        switch (raw)
        {
            case double d: value = d; return !double.IsNaN(d);
            case float f: value = f; return !float.IsNaN(f);
            case IConvertible c:
                try
                {
                    value = c.ToDouble(CultureInfo.InvariantCulture);
                    return !double.IsNaN(value);
                }
                catch (FormatException) { }
                catch (InvalidCastException) { }
                break;
        }
        value = 0;
        return false;
    }
}
