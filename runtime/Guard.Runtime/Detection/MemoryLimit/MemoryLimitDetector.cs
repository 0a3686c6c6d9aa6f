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
public sealed class MemoryLimitDetector : IDetector
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
            return Resolve(track, limit, now, bytes);
        return Evaluate(track, limit, now, bytes);
    }

    private Finding Resolve(Track track, long limit, DateTime now, double bytes)
    {
        var severity = track.ReportedCritical ? Severity.Critical : Severity.Warning;
        track.Reported = track.ReportedCritical = false;
        var usage = track == _heap ? "the live heap" : "the working set";
        return new Finding
        {
            Kind = Kind,
            Severity = severity,
            Resolved = true,
            Time = now,
            Since = track.Since,
            Message = $"{usage} is no longer heading for the {limit / BytesPerMiB:0} MB limit: {bytes / BytesPerMiB:0} MB now, {track.ReportedBytes / BytesPerMiB:0} MB at most",
            Evidence = new Evidence().Add("limit", track == _heap ? "gc-heap-hard-limit" : "container").Add("usedMB", Math.Round(bytes / BytesPerMiB, 1))
                .Add("peakMB", Math.Round(track.ReportedBytes / BytesPerMiB, 1)).Add("limitMB", Math.Round(limit / BytesPerMiB, 1)),
            Advice = "",
        };
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

        var perMinuteMiB = fit.Slope * 60 / BytesPerMiB;
        var usedMiB = bytes / BytesPerMiB;
        var limitMiB = limit / BytesPerMiB;
        var heap = track == _heap;
        var evidence = new Evidence()
            .Add("limit", heap ? "gc-heap-hard-limit" : "container")
            .Add("limitSource", track.Source)
            .Add("limitMB", Math.Round(limitMiB, 1))
            .Add(heap ? "liveHeapMB" : "workingSetMB", Math.Round(usedMiB, 1))
            .Add("usedPercent", Math.Round(percent, 1))
            .Add("growthMBPerMin", Math.Round(perMinuteMiB, 1))
            .Add("rSquared", Math.Round(fit.RSquared, 3))
            .Add("secondsLeft", Math.Round(secondsLeft, 0))
            .Add("windowSeconds", Math.Round(span, 1))
            .Add("usedMBSeries", track.Points.Where((_, i) => i % Math.Max(1, track.Points.Count / 12) == 0).Select(p => Math.Round(p.Bytes / BytesPerMiB, 1)).TakeLast(12).ToArray());

        var left = secondsLeft < 90 ? $"{secondsLeft:0} s" : $"{secondsLeft / 60:0.#} min";
        var message = heap
            ? $"the live heap after gen2 collections is {usedMiB:0} MB of the {limitMiB:0} MB heap hard limit ({track.Source}), {percent:0}%, growing {perMinuteMiB:0.#} MB/min: "
              + $"at this rate the limit is reached in about {left}, and allocations then throw OutOfMemoryException"
            : $"working set is {usedMiB:0} MB of the container's {limitMiB:0} MB memory limit, {percent:0}%, growing {perMinuteMiB:0.#} MB/min: "
              + $"at this rate the limit is reached in about {left}, and the kernel's OOM killer then ends the process";
        var advice = "Memory is heading for the limit, not just near it. If the growth is a leak (see memory-leak findings, or compare two "
            + "dotnet-gcdump snapshots), fix what retains it; if it is a cache, bound it (MemoryCache SizeLimit with entry sizes, GRD002/GRD005) "
            + "below the limit. Raise the limit only if the working set the service really needs is larger"
            + (heap ? "; under a container limit the GC takes 75% of it by default (System.GC.HeapHardLimitPercent)." : ".");

        return new Finding
        {
            Kind = Kind,
            Severity = severity,
            Time = now,
            Since = first.Time,
            Message = message,
            Evidence = evidence,
            Culprits = new[] { new Evidence().Add("limitSource", track.Source).Add("secondsLeft", Math.Round(secondsLeft, 0)).Add("growthMBPerMin", Math.Round(perMinuteMiB, 1)) },
            Advice = advice,
        };
    }
}
