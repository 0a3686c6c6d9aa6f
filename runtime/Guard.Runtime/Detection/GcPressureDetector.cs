using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>
/// GC pressure, from three signals: the share of wall time the process spent paused for collections (measured from the
/// runtime's suspend/restart events, not from the time-in-gc counter), the rate of gen2 collections, and collections
/// induced by GC.Collect. Evaluated on every pause and on every counter interval, so a window also closes when the
/// collections stop.
/// </summary>
public sealed class GcPressureDetector : IDetector
{
    private readonly GcPressureOptions _options;
    private readonly AllocationSampler? _allocations;
    private readonly Queue<GcPauseSignal> _pauses = new();
    private readonly Queue<GcStartSignal> _starts = new();

    private DateTime? _observedFrom;
    private DateTime _lastEvaluated = DateTime.MinValue;
    private double? _allocationBytesPerSecond;

    private bool _active;
    private bool _reportedCritical;
    private DateTime _since;
    private DateTime _lastPressure;

    public GcPressureDetector(GcPressureOptions options, AllocationSampler? allocations = null)
    {
        _options = options;
        _allocations = allocations;
    }

    public string Kind => FindingKinds.GcPressure;

    public Finding? Observe(Signal signal)
    {
        _observedFrom ??= signal.Time;
        switch (signal)
        {
            case GcStartSignal start:
                _starts.Enqueue(start);
                return null;
            case GcPauseSignal pause:
                _pauses.Enqueue(pause);
                return Evaluate(pause.Time);
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
        int Gen2InWindow, double Gen2SpanSeconds, double Gen2PerMinute, int LohGen2, int Induced, double InducedSpanSeconds,
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
            if (_active && (now - _lastPressure).TotalSeconds >= Math.Max(_options.WindowSeconds, 10))
                _active = false;
            return null;
        }

        _lastPressure = now;
        var severity = a.PausePressure && a.PausePercent >= _options.PausePercentCritical ? Severity.Critical : Severity.Warning;
        if (!_active)
        {
            _active = true;
            _since = a.Onset;
            _reportedCritical = severity == Severity.Critical;
            return Report(now, severity, a);
        }
        if (severity == Severity.Critical && !_reportedCritical)
        {
            _reportedCritical = true;
            return Report(now, severity, a);
        }
        return null;
    }

    private void Trim(DateTime now)
    {
        var keep = TimeSpan.FromSeconds(Math.Max(_options.WindowSeconds, Math.Max(_options.Gen2WindowSeconds, _options.InducedWindowSeconds)));
        while (_starts.Count > 0 && now - _starts.Peek().Time > keep)
            _starts.Dequeue();
        while (_pauses.Count > 0 && now - _pauses.Peek().Time > TimeSpan.FromSeconds(_options.WindowSeconds))
            _pauses.Dequeue();
        _allocations?.Trim(now);
    }

    private Assessment Assess(DateTime now)
    {
        var observedFrom = _observedFrom ?? now;

        // Pause share over the window, or over what has been observed of it: time before the session is not known to be healthy.
        var from = Later(now.AddSeconds(-_options.WindowSeconds), observedFrom);
        var span = (now - from).TotalSeconds;
        double pausedSeconds = 0, maxPauseMs = 0;
        DateTime? firstPause = null;
        foreach (var pause in _pauses)
        {
            var start = Later(pause.Start, from);
            var end = pause.Time < now ? pause.Time : now;
            if (end <= start)
                continue;
            pausedSeconds += (end - start).TotalSeconds;
            maxPauseMs = Math.Max(maxPauseMs, pause.Duration.TotalMilliseconds);
            firstPause ??= pause.Start;
        }
        var pausePercent = span > 0 ? 100 * pausedSeconds / span : 0;
        var inWindow = _starts.Where(s => s.Time >= from).ToList();
        var pausePressure = span >= Math.Min(2, _options.WindowSeconds) && inWindow.Count >= _options.MinCollections
            && pausePercent >= _options.PausePercentWarning;

        // Gen2 rate over its own window; at least ten seconds observed, so two early collections are not a rate.
        var gen2From = Later(now.AddSeconds(-_options.Gen2WindowSeconds), observedFrom);
        var gen2Span = (now - gen2From).TotalSeconds;
        var gen2 = _starts.Where(s => s.Time >= gen2From && s.Generation == 2 && !s.Induced).ToList();
        var gen2PerMinute = gen2Span > 0 ? gen2.Count * 60 / gen2Span : 0;
        var gen2Pressure = gen2Span >= Math.Min(10, _options.Gen2WindowSeconds) && gen2.Count >= 3 && gen2PerMinute >= _options.Gen2PerMinute;

        var inducedFrom = Later(now.AddSeconds(-_options.InducedWindowSeconds), observedFrom);
        var induced = _starts.Where(s => s.Time >= inducedFrom && s.Induced).ToList();
        var inducedPressure = induced.Count >= _options.MinInduced;

        var onset = now;
        if (pausePressure && firstPause is { } p && p < onset)
            onset = p;
        if (gen2Pressure && gen2[0].Time < onset)
            onset = gen2[0].Time;
        if (inducedPressure && induced[0].Time < onset)
            onset = induced[0].Time;

        return new Assessment(from, span, pausePercent, inWindow.Count,
            inWindow.Count(s => s.Generation == 0), inWindow.Count(s => s.Generation == 1), inWindow.Count(s => s.Generation == 2), maxPauseMs,
            gen2.Count, gen2Span, gen2PerMinute, gen2.Count(s => s.LargeObjectHeapTriggered), induced.Count, (now - inducedFrom).TotalSeconds,
            pausePressure, gen2Pressure, inducedPressure, onset);
    }

    private static DateTime Later(DateTime a, DateTime b) => a > b ? a : b;

    private Finding Report(DateTime now, Severity severity, Assessment a)
    {
        var evidence = new Evidence()
            .Add("pausePercent", Math.Round(a.PausePercent, 1))
            .Add("windowSeconds", Math.Round(a.SpanSeconds, 1))
            .Add("collections", a.Collections)
            .Add("gen0Collections", a.Gen0)
            .Add("gen1Collections", a.Gen1)
            .Add("gen2Collections", a.Gen2)
            .Add("maxPauseMs", Math.Round(a.MaxPauseMs, 1))
            .Add("gen2PerMinute", Math.Round(a.Gen2PerMinute, 1))
            .Add("lohTriggeredGen2", a.LohGen2)
            .Add("inducedCollections", a.Induced);
        if (_allocationBytesPerSecond is { } rate)
            evidence.Add("allocationMBPerSecond", Math.Round(rate / 1048576.0, 1));

        var parts = new List<string>();
        if (a.InducedPressure)
            parts.Add($"GC.Collect() induced {a.Induced} collections in {a.InducedSpanSeconds:0.#} s");
        if (a.PausePressure)
            parts.Add($"GC paused the process {a.PausePercent:0}% of the last {a.SpanSeconds:0.#} s ({a.Collections} collections, {a.Gen2} gen2, longest pause {a.MaxPauseMs:0} ms)");
        if (a.Gen2Pressure)
            parts.Add($"{a.Gen2InWindow} gen2 collections in {a.Gen2SpanSeconds:0.#} s ({a.Gen2PerMinute:0.#}/min"
                + (a.LohGen2 > 0 ? $", {a.LohGen2} triggered by the large object heap)" : ")"));
        if (!a.PausePressure && a.PausePercent >= 1)
            parts.Add($"{a.PausePercent:0}% of the time paused");
        var message = string.Join("; ", parts);
        if (_allocationBytesPerSecond is { } r && r >= 1048576)
            message += $"; allocating {r / 1048576.0:0} MB/s";

        var advice = new StringBuilder();
        if (a.InducedPressure)
            advice.Append("Remove the GC.Collect() calls: each one is a blocking full collection that pauses every thread, and the GC already collects when the budget is spent. ");
        if (a.PausePressure || a.Gen2Pressure)
            advice.Append("Allocate less on the hot path (the most allocated types are listed, from allocation sampling): reuse buffers and objects, avoid LINQ, closures and boxing in loops; "
                + "a large live object graph makes every collection slower, so bound caches. Server GC shortens pauses on multi-core machines at the cost of memory. ");
        // Named only when the large object heap drives the gen2 collections, not for one large allocation at startup.
        if (a.LohGen2 >= 2 && a.LohGen2 * 2 >= a.Gen2InWindow)
            advice.Append("Temporary arrays or strings of 85,000 bytes or more land on the large object heap and force gen2 collections: rent them from ArrayPool<T>.Shared or reuse them.");

        return new Finding
        {
            Kind = Kind,
            Severity = severity,
            Time = now,
            Since = _since,
            Message = message,
            Evidence = evidence,
            Culprits = _allocations?.Top(5) ?? Array.Empty<Evidence>(),
            Advice = advice.ToString().Trim(),
        };
    }
}
