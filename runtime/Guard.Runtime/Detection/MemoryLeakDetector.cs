using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>
/// A memory leak: live data that keeps rising across collections, including gen2 collections, which would have given
/// garbage back. The series is the object bytes left after every collection. After a gen2 collection that is the live
/// data; after an ephemeral one it is an upper bound (old garbage is not looked at). So the growth is judged at gen2
/// collections only, from the last time the heap was at its floor up to this gen2 point: the gen2 value minus the floor
/// value is a lower bound on how much live data grew. It is reported when that proven growth is large and fast enough,
/// the points rise steadily (least-squares fit and R²), the recent half of the rise keeps its pace (a warming cache
/// flattens), and the heap after this gen2 is a new high above every earlier gen2 point of the window (a sawtooth that
/// gives memory back never is).
/// </summary>
public sealed class MemoryLeakDetector : IDetector
{
    private const double BytesPerMB = 1048576.0;

    private readonly MemoryLeakOptions _options;
    private readonly AllocationSampler? _allocations;
    private readonly List<Point> _points = new();

    private bool _reported;
    private bool _reportedCritical;
    private double _reportedFloorMB;
    private double _reportedLevelMB;

    public MemoryLeakDetector(MemoryLeakOptions options, AllocationSampler? allocations = null)
    {
        _options = options;
        _allocations = allocations;
    }

    public string Kind => FindingKinds.MemoryLeak;

    private readonly record struct Point(DateTime Time, double MB, bool Gen2);

    public Finding? Observe(Signal signal)
    {
        if (signal is not GcHeapSignal heap || heap.ObjectBytes <= 0)
            return null;

        var point = new Point(heap.Time, heap.ObjectBytes / BytesPerMB, heap.Generation >= 2);
        _points.Add(point);
        var window = TimeSpan.FromSeconds(_options.WindowSeconds);
        var drop = 0;
        while (drop < _points.Count && point.Time - _points[drop].Time > window)
            drop++;
        if (drop > 0)
            _points.RemoveRange(0, drop);

        return point.Gen2 ? Evaluate(point) : null;
    }

    private Finding? Evaluate(Point gen2)
    {
        // Memory given back since the report: the leak is over (or never was), a new one may be reported.
        if (_reported && gen2.MB < _reportedLevelMB - Math.Max(_options.MinGrowthMB, (_reportedLevelMB - _reportedFloorMB) / 2))
            _reported = _reportedCritical = false;

        var floorMB = _points.Min(p => p.MB);
        var tolerance = 0.1 * Math.Max(gen2.MB - floorMB, 0);
        var start = _points.FindLastIndex(p => p.MB <= floorMB + tolerance && p.Time < gen2.Time);
        if (start < 0)
            return null;
        var segment = _points.GetRange(start, _points.Count - start);
        var first = segment[0];
        var spanSeconds = (gen2.Time - first.Time).TotalSeconds;
        if (segment.Count < _options.MinCollections || spanSeconds < _options.MinSpanSeconds)
            return null;

        var provenMB = gen2.MB - first.MB;
        var provenPerMin = provenMB / spanSeconds * 60;
        if (provenMB < _options.MinGrowthMB || provenPerMin < _options.MinGrowthMBPerMin)
            return null;

        var fit = TrendFit.Fit(segment.Select(p => ((p.Time - first.Time).TotalSeconds, p.MB)).ToList());
        var fittedPerMin = fit.Slope * 60;
        if (fittedPerMin < _options.MinGrowthMBPerMin || fit.RSquared < _options.MinRSquared)
            return null;

        var midTime = first.Time.AddSeconds(spanSeconds / 2);
        var middle = segment.Last(p => p.Time <= midTime);
        var recentPerMin = (gen2.MB - middle.MB) / (gen2.Time - middle.Time).TotalSeconds * 60;
        if (recentPerMin < _options.MinRecentRateRatio * provenPerMin)
            return null;

        var earlierGen2 = _points.Where(p => p.Gen2 && p.Time < gen2.Time).Select(p => p.MB).DefaultIfEmpty(double.NegativeInfinity).Max();
        if (gen2.MB < earlierGen2 + _options.MinGrowthMB / 2)
            return null;

        var severity = provenPerMin >= _options.CriticalGrowthMBPerMin ? Severity.Critical : Severity.Warning;
        if (_reported && (_reportedCritical || severity == Severity.Warning))
            return null;
        _reported = true;
        _reportedCritical = severity == Severity.Critical;
        _reportedFloorMB = first.MB;
        _reportedLevelMB = gen2.MB;
        return Report(gen2, severity, segment, provenPerMin, fittedPerMin, fit.RSquared, spanSeconds);
    }

    private Finding Report(Point gen2, Severity severity, List<Point> segment, double provenPerMin, double fittedPerMin, double rSquared, double spanSeconds)
    {
        var first = segment[0];
        var gen2Points = segment.Where(p => p.Gen2).Select(p => Math.Round(p.MB, 1)).ToArray();
        var evidence = new Evidence()
            .Add("growthMBPerMin", Math.Round(provenPerMin, 1))
            .Add("fittedMBPerMin", Math.Round(fittedPerMin, 1))
            .Add("rSquared", Math.Round(rSquared, 3))
            .Add("windowSeconds", Math.Round(spanSeconds, 1))
            .Add("collections", segment.Count)
            .Add("gen2Collections", gen2Points.Length)
            .Add("heapAfterGen2MB", gen2Points.TakeLast(12).ToArray())
            .Add("heapAfterGCMB", segment.Select(p => Math.Round(p.MB, 1)).TakeLast(12).ToArray())
            .Add("startMB", Math.Round(first.MB, 1))
            .Add("endMB", Math.Round(gen2.MB, 1));
        var allocated = _allocations?.Top(5) ?? Array.Empty<Evidence>();
        if (allocated.Count > 0)
            evidence.Add("topAllocatedTypes", allocated);

        var collections = gen2Points.Length == 1 ? "1 gen2" : $"{gen2Points.Length} gen2";
        return new Finding
        {
            Kind = Kind,
            Severity = severity,
            Time = gen2.Time,
            Since = first.Time,
            Message = $"live heap grew {provenPerMin:0.#} MB/min over {spanSeconds:0} s ({first.MB:0} -> {gen2.MB:0} MB across {segment.Count} collections, "
                + $"{collections}); gen2 collections did not give it back",
            Evidence = evidence,
            Advice = "Something keeps references to objects it no longer needs: look for static or long-lived collections and caches without a bound or expiry, "
                + "event handlers never unsubscribed, timers never disposed. Take two heap snapshots a minute apart (dotnet-gcdump collect -p <pid>) and compare "
                + "which types grow; the listed types are the most allocated (sampled), not necessarily the retained ones.",
        };
    }
}
