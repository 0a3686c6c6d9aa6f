using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>
/// A memory leak: live data that keeps rising across full (gen2) collections, which would have given garbage back, and
/// keeps its gains across the process's own cycle.
/// <para>
/// The series is the object bytes left after every collection. After a gen2 collection that is the live data; after an
/// ephemeral one it is an upper bound. So growth is judged at gen2 collections only, from the last time the heap was
/// at its floor up to this gen2 point (a lower bound on how much live data grew), over at least two gen2 collections.
/// It must be large and fast enough, rise steadily (least-squares fit and R²), keep its pace in the recent half (a
/// warming cache flattens), and make a new high above every earlier gen2 point of the window.
/// </para>
/// <para>
/// A cache that is filled and cleared on a cycle looks exactly like a leak until it is cleared. So: a trend must span
/// <see cref="MemoryLeakOptions.MinSpanSeconds"/> before a leak is even suspected; once the heap has been seen to reset
/// (a gen2 point far below the peak before it), the process has a cycle, and a trend must also outlast 1.5 cycles, or
/// keep its gains across two resets or more (each trough higher than the last). A first sighting is a warning ("suspected");
/// it is confirmed when the trend goes on for <see cref="MemoryLeakOptions.ConfirmSpanSeconds"/> or across three resets, and only
/// a confirmed leak can be critical. When the heap falls back, a resolved record follows.
/// </para>
/// </summary>
public sealed partial class MemoryLeakDetector : IDetector
{
    private const double BytesPerMB = 1048576.0;
    private const int MinResetsKeepingGains = 2;

    private readonly MemoryLeakOptions _options;
    private readonly AllocationSampler? _allocations;
    // A queue over a list: the window is trimmed from the front by moving a head index, compacted now and then, so a
    // stream of thousands of collections a second does not shift the whole list on every point.
    private readonly List<Point> _points = new();
    private int _head;
    // Ephemeral points are thinned to one a second (the lowest: the tightest bound on live data): at a hundred
    // collections a second the window would otherwise hold 60,000 points and copy them at every gen2 collection, which
    // is what guard's own memory grew with on GC-heavy targets. Gen2 points, the ones judged, are all kept.
    private static readonly TimeSpan EphemeralSpacing = TimeSpan.FromSeconds(1);
    private DateTime _ephemeralSince = DateTime.MinValue;
    private readonly List<Reset> _resets = new();
    private DateTime? _firstSeen;
    private double _peakSinceReset = double.NegativeInfinity;
    private double _troughSinceReset = double.PositiveInfinity;

    private bool _reported;
    private bool _confirmed;
    private Severity _reportedSeverity;
    private DateTime _reportedSince;
    private double _reportedFloorMB;
    private double _reportedLevelMB;

    public MemoryLeakDetector(MemoryLeakOptions options, AllocationSampler? allocations = null)
    {
        _options = options;
        _allocations = allocations;
    }

    public string Kind => FindingKinds.MemoryLeak;

    /// <summary>Points held for the window (bounded by the thinning of ephemeral points).</summary>
    internal int PointsHeld => _points.Count - _head;

    private readonly record struct Point(DateTime Time, double MB, bool Gen2);

    /// <summary>The heap after a gen2 collection fell far below the peak before it: the process gave memory back.</summary>
    private readonly record struct Reset(DateTime Time, double TroughMB, double PeakMB);

    public Finding? Observe(Signal signal)
    {
        if (signal is not GcHeapSignal heap || heap.ObjectBytes <= 0)
            return null;

        _firstSeen ??= heap.Time;
        var point = new Point(heap.Time, heap.ObjectBytes / BytesPerMB, heap.Generation >= 2);
        if (!point.Gen2 && _points.Count > _head && !_points[^1].Gen2 && point.Time - _ephemeralSince < EphemeralSpacing)
        {
            if (point.MB < _points[^1].MB)
                _points[^1] = point;
            return null;
        }
        if (!point.Gen2)
            _ephemeralSince = point.Time;
        _points.Add(point);
        var window = TimeSpan.FromSeconds(_options.WindowSeconds);
        while (_head < _points.Count && point.Time - _points[_head].Time > window)
            _head++;
        if (_head > 1024 && _head * 2 > _points.Count)
        {
            _points.RemoveRange(0, _head);
            _head = 0;
        }
        while (_resets.Count > 0 && point.Time - _resets[0].Time > window)
            _resets.RemoveAt(0);

        return point.Gen2 ? Evaluate(point) : null;
    }

    private void TrackResets(Point gen2)
    {
        // A drop of at least the growth floor and half of what was gained since the last trough.
        var gained = _peakSinceReset - Math.Min(_troughSinceReset, _peakSinceReset);
        if (!double.IsNegativeInfinity(_peakSinceReset) && gen2.MB <= _peakSinceReset - Math.Max(_options.MinGrowthMB, 0.5 * gained))
        {
            _resets.Add(new Reset(gen2.Time, gen2.MB, _peakSinceReset));
            _peakSinceReset = gen2.MB;
            _troughSinceReset = gen2.MB;
            return;
        }
        _peakSinceReset = Math.Max(_peakSinceReset, gen2.MB);
        _troughSinceReset = Math.Min(_troughSinceReset, gen2.MB);
    }

    private Finding? Evaluate(Point gen2)
    {
        TrackResets(gen2);

        // Memory given back since the report: the leak is over (or never was); a new one may be reported.
        if (_reported && gen2.MB < _reportedLevelMB - Math.Max(_options.MinGrowthMB, (_reportedLevelMB - _reportedFloorMB) / 2))
        {
            var resolved = ResolvedFinding(gen2);
            _reported = _confirmed = false;
            return resolved;
        }

        var count = _points.Count - _head;
        double floorMB = double.PositiveInfinity;
        for (var i = _head; i < _points.Count; i++)
            floorMB = Math.Min(floorMB, _points[i].MB);
        var tolerance = 0.1 * Math.Max(gen2.MB - floorMB, 0);
        var start = -1;
        for (var i = _points.Count - 1; i >= _head; i--)
        {
            if (_points[i].MB <= floorMB + tolerance && _points[i].Time < gen2.Time)
            {
                start = i;
                break;
            }
        }
        if (start < 0 || count == 0)
            return null;
        var segment = _points.GetRange(start, _points.Count - start);
        var first = segment[0];
        var spanSeconds = (gen2.Time - first.Time).TotalSeconds;
        var gen2Count = segment.Count(p => p.Gen2);
        if (segment.Count < _options.MinCollections || gen2Count < _options.MinGen2Collections || spanSeconds < _options.MinSpanSeconds)
            return null;

        var provenMB = gen2.MB - first.MB;
        var provenPerMin = provenMB / spanSeconds * 60;
        if (provenMB < _options.MinGrowthMB || provenPerMin < _options.MinGrowthMBPerMin)
            return null;

        // Resets inside the trend must each leave the heap higher than the one before: gains kept across the cycle. One
        // reset is not evidence of that: the trough a gen2 finds after a clear is wherever the refill had got to when the
        // collection came (irregular in a starved process), and the trend starts at the window's lowest point; two
        // troughs that each rise are.
        var resetsInside = _resets.Where(r => r.Time > first.Time && r.Time <= gen2.Time).ToList();
        var keptAcrossCycles = resetsInside.Count >= MinResetsKeepingGains;
        var previousTrough = first.MB;
        foreach (var reset in resetsInside)
        {
            if (reset.TroughMB < previousTrough + _options.MinGrowthMB / 2)
                return null;
            previousTrough = reset.TroughMB;
        }

        // Without resets inside, the fit must be a steady rise that keeps its pace.
        var fit = TrendFit.Fit(segment.Select(p => ((p.Time - first.Time).TotalSeconds, p.MB)).ToList());
        var fittedPerMin = fit.Slope * 60;
        if (!keptAcrossCycles)
        {
            if (fittedPerMin < _options.MinGrowthMBPerMin || fit.RSquared < _options.MinRSquared)
                return null;
            var midTime = first.Time.AddSeconds(spanSeconds / 2);
            var middle = segment.Last(p => p.Time <= midTime);
            var recentPerMin = (gen2.MB - middle.MB) / Math.Max((gen2.Time - middle.Time).TotalSeconds, 0.001) * 60;
            if (recentPerMin < _options.MinRecentRateRatio * provenPerMin)
                return null;
        }

        // A new high: above every gen2 point before the trend by a margin (a sawtooth back at its old peak is not a leak),
        // and at least every one inside it. Inside the trend no margin is asked: with a gen2 collection every second, a
        // leak of 4 MB/s climbs 4 MB from one to the next, and would never be "half the growth floor" above the last.
        double beforeTrend = double.NegativeInfinity, insideTrend = double.NegativeInfinity;
        for (var i = _head; i < _points.Count; i++)
        {
            if (!_points[i].Gen2 || _points[i].Time >= gen2.Time)
                continue;
            if (i < start)
                beforeTrend = Math.Max(beforeTrend, _points[i].MB);
            else
                insideTrend = Math.Max(insideTrend, _points[i].MB);
        }
        if (gen2.MB < beforeTrend + _options.MinGrowthMB / 2 || gen2.MB < insideTrend)
            return null;

        // A process seen to reset has a cycle: a trend that has not outlasted it (1.5 cycles) may be the cycle itself.
        var cycleSeconds = CycleSeconds();
        if (!keptAcrossCycles && cycleSeconds > 0 && spanSeconds < 1.5 * cycleSeconds)
            return null;

        var confirmed = spanSeconds >= _options.ConfirmSpanSeconds || resetsInside.Count > MinResetsKeepingGains;
        var severity = confirmed && provenPerMin >= _options.CriticalGrowthMBPerMin ? Severity.Critical : Severity.Warning;
        if (_reported && (_confirmed || !confirmed))
            return null;
        _reported = true;
        _confirmed = confirmed;
        _reportedSeverity = severity;
        _reportedSince = first.Time;
        _reportedFloorMB = first.MB;
        _reportedLevelMB = gen2.MB;
        return Report(gen2, severity, confirmed, segment, resetsInside.Count, provenPerMin, fittedPerMin, fit.RSquared, spanSeconds, cycleSeconds);
    }

    /// <summary>The longest time between resets seen (from the first observation to the first reset counts too); 0 without resets.</summary>
    private double CycleSeconds()
    {
        if (_resets.Count == 0)
            return 0;
        var longest = 0.0;
        var previous = _firstSeen ?? _resets[0].Time;
        foreach (var reset in _resets)
        {
            longest = Math.Max(longest, (reset.Time - previous).TotalSeconds);
            previous = reset.Time;
        }
        return longest;
    }
}
