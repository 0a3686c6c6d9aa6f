using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>
/// Memory that grows toward the process's limit, with the time left at the current rate. Two limits, each with the
/// usage that runs into it: the GC heap hard limit (GCHeapHardLimit, or 75% of a container's limit by default) against
/// the live heap after gen2 collections (an allocation that does not fit once a full collection has run throws
/// OutOfMemoryException), and the container's memory limit against the working set (past it the kernel's OOM killer
/// ends the process). Not the memory the GC has committed: under a hard limit the GC lets its committed memory grow to
/// the limit before it collects gen2, so it climbs toward the limit in every healthy process that allocates. Being near
/// the limit is not enough either: a cache held at a steady size close to it is fine. The usage must be above
/// `memlimit.percent` of the limit (and the working set above 85% of the container's: the GC alone may take 75%), have
/// risen by `memlimit.rise` % of the limit over the window, steadily (least-squares fit, R²) and at an undiminished pace
/// in its recent half, stand at the window's high, and reach the limit within `memlimit.horizon` seconds at the fitted rate.
/// </summary>
public sealed partial class MemoryLimitDetector : IDetector
{
    private const double BytesPerMiB = 1048576.0;
    private const double CounterMB = 1_000_000.0; // System.Runtime counters count MB of 10^6 bytes

    // The GC may hold up to 75% of a container's limit by default; the rest of the process needs some of the remainder.
    private const double ContainerMinPercent = 85;

    private readonly MemoryLimitOptions _options;
    private readonly Track _heap = new("heap");
    private readonly Track _container = new("container");

    public MemoryLimitDetector(MemoryLimitOptions options) => _options = options;

    public string Kind => FindingKinds.MemoryLimit;

    private sealed class Track
    {
        public Track(string name) => Name = name;
        public string Name { get; }
        public long? Limit;
        public string Source = "";
        public readonly List<(DateTime Time, double Bytes)> Points = new();
        public bool Reported;
        public bool ReportedCritical;
        public double ReportedBytes;
        public DateTime Since;
        public DateTime LastHigh;
    }

    public Finding? Observe(Signal signal)
    {
        switch (signal)
        {
            case MemoryLimitSignal limits:
                _heap.Limit = limits.HeapHardLimitBytes;
                _heap.Source = limits.HeapHardLimitSource ?? "";
                _container.Limit = limits.ContainerLimitBytes;
                _container.Source = "container memory limit (cgroup)";
                return null;
            case GcHeapSignal { Generation: >= 2 } heap:
                return Add(_heap, heap.Time, heap.ObjectBytes);
            case CounterSignal { Name: ServiceCounters.WorkingSetMB } workingSet:
                return Add(_container, workingSet.Time, workingSet.Value * CounterMB);
            default:
                return null;
        }
    }

    private Finding? Add(Track track, DateTime now, double bytes)
    {
        if (track.Limit is not { } limit || limit <= 0 || bytes <= 0)
            return null;
        track.Points.Add((now, bytes));
        var drop = track.Points.FindIndex(p => (now - p.Time).TotalSeconds <= _options.WindowSeconds);
        track.Points.RemoveRange(0, drop < 0 ? track.Points.Count : drop);
        if (track.Reported && bytes >= track.ReportedBytes)
            (track.ReportedBytes, track.LastHigh) = (bytes, now);
        // Given back a tenth of its high, or no new high for a whole window: no longer heading for the limit.
        if (track.Reported && (bytes < 0.9 * track.ReportedBytes || (now - track.LastHigh).TotalSeconds > _options.WindowSeconds))
        {
            var severity = track.ReportedCritical ? Severity.Critical : Severity.Warning;
            track.Reported = track.ReportedCritical = false;
            return Resolved(track, limit, now, bytes, severity);
        }
        return Evaluate(track, limit, now, bytes);
    }

    private Finding? Evaluate(Track track, long limit, DateTime now, double bytes)
    {
        var percent = 100 * bytes / limit;
        var minPercent = track == _heap ? _options.MinPercent : Math.Max(_options.MinPercent, ContainerMinPercent);
        if (percent < minPercent || track.Points.Count < (track == _heap ? 3 : 5))
            return null;
        var first = track.Points[0];
        var span = (now - first.Time).TotalSeconds;
        if (span < _options.MinSpanSeconds || bytes < track.Points.Max(p => p.Bytes))
            return null;
        if (bytes - track.Points.Min(p => p.Bytes) < _options.MinRisePercent / 100 * limit)
            return null;
        var fit = TrendFit.Fit(track.Points.Select(p => ((p.Time - first.Time).TotalSeconds, p.Bytes)).ToList());
        if (fit.Slope <= 0 || fit.RSquared < _options.MinRSquared)
            return null;
        // The recent half must keep the pace: a cache that fills toward its bound slows down before it levels off.
        var middle = track.Points.Last(p => p.Time <= first.Time.AddSeconds(span / 2));
        var overallRate = (bytes - first.Bytes) / span;
        var recentRate = (bytes - middle.Bytes) / Math.Max((now - middle.Time).TotalSeconds, 0.001);
        if (recentRate <= 0 || recentRate < _options.MinRecentRateRatio * overallRate)
            return null;
        var secondsLeft = Math.Max(0, (limit - bytes) / fit.Slope);
        if (secondsLeft > _options.HorizonSeconds)
            return null;

        var severity = secondsLeft <= _options.CriticalSeconds ? Severity.Critical : Severity.Warning;
        if (track.Reported && (track.ReportedCritical || severity == Severity.Warning))
            return null;
        track.Reported = true;
        track.ReportedCritical = severity == Severity.Critical;
        track.ReportedBytes = bytes;
        track.LastHigh = now;
        track.Since = first.Time;

        return Report(track, limit, now, bytes, percent, first.Time, span, secondsLeft, severity, fit);
    }
}
