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

    /// <summary>Collections in one second (target time) above which per-collection detail is shed.</summary>
    public const int ShedAbovePerSecond = 200;

    /// <summary>Below this many collections in a second, per-collection detail comes back.</summary>
    public const int ResumeBelowPerSecond = 100;

    /// <summary>The interval a flood is summarized over: one signal per kind of collection each.</summary>
    public static readonly TimeSpan SummaryInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>While shedding, one allocation sample in this many is kept (its bytes scaled up), so shares stay right.</summary>
    public const int AllocationSampleStride = 8;

    private readonly Action<Signal> _emit;
    private DateTime? _suspendStart;
    private int _lastStartGeneration;
    private int? _condemnedGeneration;
    private long _objectBytes;
    private bool _hasPerHeapData;

    // Rate of collections over the current second of target time, which decides whether detail is shed.
    private DateTime _rateFrom = DateTime.MinValue;
    private int _rateCount;
    private bool _shedding;
    private int _allocationTicks;

    // The summary being accumulated while shedding: plain fields, so the event callbacks allocate nothing.
    private DateTime _summaryFrom;
    private DateTime _summaryLast;
    private int _gen0, _gen1, _gen2, _induced, _lohTriggered;
    private int _pauses;
    private double _pausedSeconds, _longestPauseSeconds;
    private long _lastFullHeapObjects, _lastFullHeapBytes, _lastEphemeralObjects, _lastEphemeralBytes;
    private DateTime _lastFullHeapTime, _lastEphemeralTime;
    private bool _hasFullHeap, _hasEphemeralHeap;

    public SignalTranslator(Action<Signal> emit) => _emit = emit;

    /// <summary>A line for the user when detail is shed and when it comes back.</summary>
    public event Action<string>? Notice;

    /// <summary>True while a GC event flood is summarized instead of passed on collection by collection.</summary>
    public bool Shedding => _shedding;

    /// <summary>How many times detail was shed in this session.</summary>
    public int ShedEpisodes { get; private set; }

    /// <summary>
    /// Whether the per-heap statistics of the current collection are worth reading (summing them costs a few calls per
    /// heap): always at ordinary rates; under a flood only for full collections, whose heap is the leak detector's evidence.
    /// </summary>
    public bool WantsPerHeapHistory => !_shedding || _condemnedGeneration >= 2;

    /// <summary>Whether to pass on this allocation sample: all of them, or one in <see cref="AllocationSampleStride"/> under a flood.</summary>
    public bool WantsAllocationTick() => !_shedding || _allocationTicks++ % AllocationSampleStride == 0;

    public void OnGcStart(DateTime time, int number, int generation, int reason, int type)
    {
        _lastStartGeneration = generation;
        CountRate(time);
        if (_shedding)
        {
            Roll(time);
            switch (generation)
            {
                case 0: _gen0++; break;
                case 1: _gen1++; break;
                default: _gen2++; break;
            }
            var gcReason = (GcReason)reason;
            if (gcReason is GcReason.Induced or GcReason.InducedNotForced or GcReason.InducedCompacting or GcReason.InducedLowMemory)
                _induced++;
            else if (generation >= 2 && gcReason is GcReason.AllocLarge or GcReason.OutOfSpaceLoh)
                _lohTriggered++;
            return;
        }
        _emit(new GcStartSignal(time, number, generation, (GcReason)reason, type == BackgroundGcType));
    }

    /// <summary>
    /// A collection Guard itself induced (a heap snapshot): no start signal and no pause signal; the heap after it is still
    /// read, since it is the process's live data all the same.
    /// </summary>
    public void OnOwnCollection(int generation)
    {
        _lastStartGeneration = generation;
        _suspendStart = null;
    }

    public void OnSuspendStart(DateTime time, int reason)
    {
        _suspendStart = reason is SuspendForGc or SuspendForGcPrep ? time : null;
    }

    public void OnRestartEnd(DateTime time)
    {
        if (_suspendStart is { } start && time >= start)
        {
            if (_shedding)
            {
                Roll(time);
                var seconds = (time - start).TotalSeconds;
                _pauses++;
                _pausedSeconds += seconds;
                if (seconds > _longestPauseSeconds)
                    _longestPauseSeconds = seconds;
            }
            else
                _emit(new GcPauseSignal(time, start));
        }
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
        var objectBytes = _hasPerHeapData ? _objectBytes : heapBytes;
        _condemnedGeneration = null;
        _hasPerHeapData = false;
        _objectBytes = 0;
        if (_shedding)
        {
            Roll(time);
            // Only the last heap of each kind in the interval is kept: the leak detector reads levels, not every step.
            if (generation >= 2)
            {
                _hasFullHeap = true;
                _lastFullHeapTime = time;
                _lastFullHeapObjects = objectBytes;
                _lastFullHeapBytes = heapBytes;
            }
            else
            {
                _hasEphemeralHeap = true;
                _lastEphemeralTime = time;
                _lastEphemeralObjects = objectBytes;
                _lastEphemeralBytes = heapBytes;
            }
            return;
        }
        _emit(new GcHeapSignal(time, generation, objectBytes, heapBytes));
    }

    public void OnThreadPoolAdjustment(DateTime time, int newWorkerThreadCount, int reason, double averageThroughput) =>
        _emit(new ThreadPoolAdjustmentSignal(time, newWorkerThreadCount, (ThreadPoolAdjustmentReason)reason, averageThroughput));

    public void OnAllocationTick(DateTime time, string? typeName, long bytes, bool largeObject) =>
        _emit(new AllocationSampleSignal(time, string.IsNullOrEmpty(typeName) ? "(unknown type)" : typeName,
            _shedding ? bytes * AllocationSampleStride : bytes, largeObject));

    /// <summary>Sends what a summary holds (at the end of the stream, or before a counter sample closes an interval).</summary>
    public void Flush()
    {
        if (_shedding)
            EmitSummary();
    }

    // The rate is measured over short spans of target time, so a flood is met within a fraction of a second.
    private static readonly TimeSpan RateSpan = TimeSpan.FromMilliseconds(250);

    private void CountRate(DateTime time)
    {
        var elapsed = time - _rateFrom;
        if (elapsed >= RateSpan)
        {
            var seconds = elapsed.TotalSeconds;
            var perSecond = _rateFrom == DateTime.MinValue ? 0 : _rateCount / seconds;
            // A span that ended long ago (a quiet spell) measures nothing but the quiet.
            if (!_shedding && seconds < 2 && perSecond > ShedAbovePerSecond)
            {
                _shedding = true;
                ShedEpisodes++;
                _summaryFrom = time;
                _summaryLast = time;
                Notice?.Invoke($"{perSecond:0} collections a second: per-collection detail is shed; GC figures are summarized every "
                    + $"{SummaryInterval.TotalSeconds:0.##} s and 1 in {AllocationSampleStride} allocation samples is kept");
            }
            else if (_shedding && perSecond < ResumeBelowPerSecond)
            {
                EmitSummary();
                _shedding = false;
                Notice?.Invoke($"collections back to {perSecond:0} a second: per-collection detail resumed");
            }
            _rateFrom = time;
            _rateCount = 0;
        }
        _rateCount++;
    }

    /// <summary>Closes the summary interval when an event falls beyond it.</summary>
    private void Roll(DateTime time)
    {
        if (time - _summaryFrom >= SummaryInterval)
            EmitSummary();
        if (time > _summaryLast)
            _summaryLast = time;
    }

    private void EmitSummary()
    {
        var end = _summaryLast;
        if (_gen0 > 0)
            _emit(new GcStartSignal(end, 0, 0, GcReason.AllocSmall, false) { Count = _gen0 });
        if (_gen1 > 0)
            _emit(new GcStartSignal(end, 0, 1, GcReason.AllocSmall, false) { Count = _gen1 });
        // Gen2: induced, triggered by the large object heap, and the rest, each with its count.
        var plainGen2 = _gen2 - Math.Min(_gen2, _induced + _lohTriggered);
        if (plainGen2 > 0)
            _emit(new GcStartSignal(end, 0, 2, GcReason.AllocSmall, false) { Count = plainGen2 });
        if (_lohTriggered > 0)
            _emit(new GcStartSignal(end, 0, 2, GcReason.AllocLarge, false) { Count = _lohTriggered });
        if (_induced > 0)
            _emit(new GcStartSignal(end, 0, 2, GcReason.Induced, false) { Count = _induced });
        if (_pauses > 0)
            _emit(new GcPauseSignal(end, end.AddSeconds(-_pausedSeconds)) { Count = _pauses, Longest = TimeSpan.FromSeconds(_longestPauseSeconds) });
        // Ephemeral first, then the full collection: the leak detector judges at the full one.
        if (_hasEphemeralHeap)
            _emit(new GcHeapSignal(_lastEphemeralTime, 1, _lastEphemeralObjects, _lastEphemeralBytes));
        if (_hasFullHeap)
            _emit(new GcHeapSignal(_lastFullHeapTime > _lastEphemeralTime || !_hasEphemeralHeap ? _lastFullHeapTime : _lastEphemeralTime,
                2, _lastFullHeapObjects, _lastFullHeapBytes));

        _gen0 = _gen1 = _gen2 = _induced = _lohTriggered = _pauses = 0;
        _pausedSeconds = _longestPauseSeconds = 0;
        _hasFullHeap = _hasEphemeralHeap = false;
        _summaryFrom = _summaryLast;
    }

    /// <summary>
    /// One EventCounters payload: Name, and Mean for a polling counter or Increment for an incrementing one, with IntervalSec.
    /// </summary>
    public void OnCounterPayload(DateTime time, IDictionary<string, object> payload)
    {
        // A counter sample closes an interval for the detectors: what a summary holds so far goes first.
        if (_shedding && _summaryLast < time && (_gen0 | _gen1 | _gen2 | _pauses) != 0)
            EmitSummary();
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
