using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>The wording of MemoryLeakDetector's findings (message, evidence and advice); the decisions are in MemoryLeakDetector.cs.</summary>
public sealed partial class MemoryLeakDetector
{
    private Finding Report(Point gen2, Severity severity, bool confirmed, List<Point> segment, int resets, double provenPerMin, double fittedPerMin,
        double rSquared, double spanSeconds, double cycleSeconds)
    {
        var first = segment[0];
        var gen2Points = segment.Where(p => p.Gen2).Select(p => Math.Round(p.MB, 1)).ToArray();
        var evidence = new Evidence()
            .Add("confirmed", confirmed)
            .Add("growthMBPerMin", Math.Round(provenPerMin, 1))
            .Add("fittedMBPerMin", Math.Round(fittedPerMin, 1))
            .Add("rSquared", Math.Round(rSquared, 3))
            .Add("windowSeconds", Math.Round(spanSeconds, 1))
            .Add("collections", segment.Count)
            .Add("gen2Collections", gen2Points.Length)
            .Add("resetsKeptGains", resets)
            .Add("heapAfterGen2MB", gen2Points.TakeLast(12).ToArray())
            .Add("startMB", Math.Round(first.MB, 1))
            .Add("endMB", Math.Round(gen2.MB, 1));
        if (cycleSeconds > 0)
            evidence.Add("cycleSeconds", Math.Round(cycleSeconds, 1));
        var allocated = _allocations?.Top(5) ?? Array.Empty<Evidence>();
        if (allocated.Count > 0)
            evidence.Add("topAllocatedTypes", allocated);

        var across = resets > 0 ? $", keeping its gains across {resets} reset{(resets == 1 ? "" : "s")}" : "";
        var growth = $"live heap after gen2 collections grew {provenPerMin:0.#} MB/min over {spanSeconds:0} s ({first.MB:0} -> {gen2.MB:0} MB, "
            + $"{gen2Points.Length} gen2 collections{across})";
        var message = confirmed
            ? $"memory leak confirmed: {growth}; gen2 collections do not give it back"
            : $"suspected memory leak: {growth}; not confirmed yet (a cache emptied on a longer cycle looks the same until it is)";
        return new Finding
        {
            Kind = Kind,
            Severity = severity,
            Time = gen2.Time,
            Since = first.Time,
            Message = message,
            Evidence = evidence,
            Advice = "Something keeps references to objects it no longer needs: look for static or long-lived collections and caches without a bound or expiry, "
                + "event handlers never unsubscribed, timers never disposed. Take two heap snapshots a minute apart (dotnet-gcdump collect -p <pid>) and compare "
                + "which types grow; the listed types are the most allocated (sampled), not necessarily the retained ones.",
        };
    }

    private Finding ResolvedFinding(Point gen2)
    {
        var evidence = new Evidence()
            .Add("heapAfterGen2MB", Math.Round(gen2.MB, 1))
            .Add("reportedMB", Math.Round(_reportedLevelMB, 1))
            .Add("startMB", Math.Round(_reportedFloorMB, 1));
        return new Finding
        {
            Kind = Kind,
            Severity = _reportedSeverity,
            Resolved = true,
            Time = gen2.Time,
            Since = _reportedSince,
            Message = $"memory given back: live heap after a gen2 collection is {gen2.MB:0} MB, down from {_reportedLevelMB:0} MB when reported",
            Evidence = evidence,
            Advice = "",
        };
    }
}
