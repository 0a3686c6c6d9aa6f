using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>The wording of MemoryLimitDetector's findings (message, evidence and advice); the decisions are in MemoryLimitDetector.cs.</summary>
public sealed partial class MemoryLimitDetector
{
    private Finding Resolved(Track track, long limit, DateTime now, double bytes, Severity severity)
    {
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

    private Finding Report(Track track, long limit, DateTime now, double bytes, double percent, DateTime since, double span, double secondsLeft, Severity severity, TrendFit fit)
    {
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
            Since = since,
            Message = message,
            Evidence = evidence,
            Culprits = new[] { new Evidence().Add("limitSource", track.Source).Add("secondsLeft", Math.Round(secondsLeft, 0)).Add("growthMBPerMin", Math.Round(perMinuteMiB, 1)) },
            Advice = advice,
        };
    }
}
