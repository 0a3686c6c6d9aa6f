using System;
using System.Collections.Generic;
using System.Text;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>
/// GC pressure: time the application loses to collections. Three rules, each judged on what it costs the process, and
/// each saying so in its evidence (share of time paused, time paused):
/// <list type="bullet">
/// <item>the share of wall time the process spent paused (measured from the runtime's suspend/restart events, not from
/// the time-in-gc counter) over a short window;</item>
/// <item>frequent gen2 collections, counted over a whole window that has been observed (never extrapolated from a
/// handful of collections in a few seconds), and only when they cost a measurable share of the time;</item>
/// <item>collections induced by GC.Collect, counted as they are, with the pauses they caused.</item>
/// </list>
/// Evaluated at most every <see cref="EvaluateEvery"/> of target time on pauses and on every counter interval, so a
/// window also closes when the collections stop; the windows are queues of small structs, so a flood of collections
/// costs a loop, not an allocation per collection. When pressure has been absent for a while, a resolved record follows.
/// </summary>
public sealed partial class GcPressureDetector : IDetector
{
    private static readonly TimeSpan EvaluateEvery = TimeSpan.FromMilliseconds(100);

    private readonly GcPressureOptions _options;
    private readonly AllocationSampler? _allocations;
    private readonly Queue<StartEntry> _starts = new();
    private readonly GcPauseWindow _pauses = new();

    private DateTime? _observedFrom;
    private DateTime _lastEvaluated = DateTime.MinValue;
    private double? _allocationBytesPerSecond;
    private StartEntry? _lastStart;

    private readonly Episode _episode = new();
    private DateTime _lastPressure;
    private double _worstPausePercent;

    public GcPressureDetector(GcPressureOptions options, AllocationSampler? allocations = null)
    {
        _options = options;
        _allocations = allocations;
    }

    public string Kind => FindingKinds.GcPressure;

    private readonly record struct StartEntry(DateTime Time, int Generation, bool Induced, bool Loh, int Count);

    public Finding? Observe(Signal signal)
    {
        _observedFrom ??= signal.Time;
        switch (signal)
        {
            case GcStartSignal start:
                var entry = new StartEntry(start.Time, start.Generation, start.Induced, start.LargeObjectHeapTriggered, Math.Max(1, start.Count));
                _starts.Enqueue(entry);
                _lastStart = entry;
                return null;
            case GcPauseSignal pause:
                // A collection starts while the threads are suspended: the pause that contains it is its cost.
                var induced = _lastStart is { } last && last.Induced && last.Time >= pause.Start && last.Time <= pause.Time;
                _pauses.Add(pause, induced);
                return pause.Time - _lastEvaluated >= EvaluateEvery ? Evaluate(pause.Time) : null;
            case CounterSignal { Name: RuntimeCounters.AllocationRate } rate:
                _allocationBytesPerSecond = rate.Value / Math.Max(rate.IntervalSeconds, 0.001);
                return Evaluate(rate.Time);
            case CounterSignal counter:
                return counter.Time - _lastEvaluated >= TimeSpan.FromSeconds(0.5) ? Evaluate(counter.Time) : null;
            default:
                return null;
        }
    }

    private readonly record struct Assessment(
        DateTime From, double SpanSeconds, double PausePercent, int Collections, int Gen0, int Gen1, int Gen2, double MaxPauseMs,
        int Gen2InWindow, double Gen2SpanSeconds, double Gen2PerMinute, double Gen2WindowPausePercent, int LohGen2,
        int Induced, double InducedSpanSeconds, double InducedPausedMs, int LohInPauseWindow,
        bool PausePressure, bool Gen2Pressure, bool InducedPressure, DateTime Onset)
    {
        public bool Any => PausePressure || Gen2Pressure || InducedPressure;
    }

    private Finding? Evaluate(DateTime now)
    {
        if (now < _lastEvaluated)
            return null;
        _lastEvaluated = now;
        Trim(now);

        var a = Assess(now);
        if (!a.Any)
        {
            if (_episode.Active && (now - _lastPressure).TotalSeconds >= Math.Max(_options.WindowSeconds, 10))
            {
                _episode.End();
                return Resolved(now, a);
            }
            return null;
        }

        _lastPressure = now;
        _worstPausePercent = Math.Max(_worstPausePercent, a.PausePercent);
        var severity = a.PausePressure && a.PausePercent >= _options.PausePercentCritical ? Severity.Critical : Severity.Warning;
        if (!_episode.Active)
        {
            _episode.Begin(a.Onset, severity);
            _worstPausePercent = a.PausePercent;
            return Report(now, severity, a);
        }
        if (_episode.Escalate(severity))
            return Report(now, severity, a);
        return null;
    }

    private void Trim(DateTime now)
    {
        var keep = TimeSpan.FromSeconds(Math.Max(_options.WindowSeconds, Math.Max(_options.Gen2WindowSeconds, _options.InducedWindowSeconds)));
        while (_starts.Count > 0 && now - _starts.Peek().Time > keep)
            _starts.Dequeue();
        _pauses.Trim(now, keep);
        _allocations?.Trim(now);
    }

    private Assessment Assess(DateTime now)
    {
        var observedFrom = _observedFrom ?? now;

        // Pause share over the window, or over what has been observed of it: time before the session is not known to be healthy.
        var from = Later(now.AddSeconds(-_options.WindowSeconds), observedFrom);
        var span = (now - from).TotalSeconds;
        var (pausedSeconds, maxPauseMs, firstPause, _) = _pauses.Paused(from, now);
        var pausePercent = span > 0 ? 100 * pausedSeconds / span : 0;
        int collections = 0, gen0 = 0, gen1 = 0, gen2InPauseWindow = 0, lohInPauseWindow = 0;

        // Gen2 frequency over a whole observed window: a rate from a few collections in a short span is not evidence.
        var gen2From = Later(now.AddSeconds(-_options.Gen2WindowSeconds), observedFrom);
        var gen2Span = (now - gen2From).TotalSeconds;
        int gen2 = 0, lohGen2 = 0;
        DateTime? firstGen2 = null;

        var inducedFrom = Later(now.AddSeconds(-_options.InducedWindowSeconds), observedFrom);
        var induced = 0;
        DateTime? firstInduced = null;

        foreach (var s in _starts)
        {
            if (s.Time >= from)
            {
                collections += s.Count;
                switch (s.Generation)
                {
                    case 0: gen0 += s.Count; break;
                    case 1: gen1 += s.Count; break;
                    default: gen2InPauseWindow += s.Count; break;
                }
                if (s.Loh)
                    lohInPauseWindow += s.Count;
            }
            if (s.Time >= gen2From && s.Generation >= 2 && !s.Induced)
            {
                gen2 += s.Count;
                if (s.Loh)
                    lohGen2 += s.Count;
                firstGen2 ??= s.Time;
            }
            if (s.Time >= inducedFrom && s.Induced)
            {
                induced += s.Count;
                firstInduced ??= s.Time;
            }
        }

        var pausePressure = span >= Math.Min(2, _options.WindowSeconds) && collections >= _options.MinCollections
            && pausePercent >= _options.PausePercentWarning;

        var gen2PerMinute = gen2Span > 0 ? gen2 * 60 / gen2Span : 0;
        var gen2Paused = _pauses.Paused(gen2From, now).Seconds;
        var gen2PausePercent = gen2Span > 0 ? 100 * gen2Paused / gen2Span : 0;
        var gen2Pressure = gen2Span >= _options.Gen2WindowSeconds - 0.001 && gen2 >= 3 && gen2PerMinute >= _options.Gen2PerMinute
            && gen2PausePercent >= _options.Gen2PausePercent;

        var inducedSpan = firstInduced is { } fi ? Math.Max((now - fi).TotalSeconds, 0) : 0;
        var inducedPausedMs = _pauses.Paused(inducedFrom, now).InducedMs;
        var inducedPressure = induced >= _options.MinInduced;

        var onset = now;
        if (pausePressure && firstPause is { } p && p < onset)
            onset = p;
        if (gen2Pressure && firstGen2 is { } g && g < onset)
            onset = g;
        if (inducedPressure && firstInduced is { } i && i < onset)
            onset = i;

        return new Assessment(from, span, pausePercent, collections, gen0, gen1, gen2InPauseWindow, maxPauseMs,
            gen2, gen2Span, gen2PerMinute, gen2PausePercent, lohGen2, induced, inducedSpan, inducedPausedMs, lohInPauseWindow,
            pausePressure, gen2Pressure, inducedPressure, onset);
    }

    private static DateTime Later(DateTime a, DateTime b) => a > b ? a : b;
}
