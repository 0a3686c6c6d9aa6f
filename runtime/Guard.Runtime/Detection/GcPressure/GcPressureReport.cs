using System;
using System.Collections.Generic;
using System.Text;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>The wording of GcPressureDetector's findings (message, evidence and advice); the decisions are in GcPressureDetector.cs.</summary>
public sealed partial class GcPressureDetector
{
    private Finding Report(DateTime now, Severity severity, Assessment a)
    {
        // Every finding carries what the collections cost: the share of time paused and the longest pause.
        var evidence = new Evidence()
            .Add("pausePercent", Math.Round(a.PausePercent, 1))
            .Add("windowSeconds", Math.Round(a.SpanSeconds, 1))
            .Add("collections", a.Collections)
            .Add("gen0Collections", a.Gen0)
            .Add("gen1Collections", a.Gen1)
            .Add("gen2Collections", a.Gen2)
            .Add("maxPauseMs", Math.Round(a.MaxPauseMs, 1));
        if (a.LohInPauseWindow > 0)
            evidence.Add("lohTriggeredCollections", a.LohInPauseWindow);
        if (a.Gen2Pressure)
        {
            // A rate only over a whole observed window.
            evidence
                .Add("gen2PerMinute", Math.Round(a.Gen2PerMinute, 1))
                .Add("gen2WindowSeconds", Math.Round(a.Gen2SpanSeconds, 1))
                .Add("gen2WindowPausePercent", Math.Round(a.Gen2WindowPausePercent, 1))
                .Add("lohTriggeredGen2", a.LohGen2);
        }
        if (a.InducedPressure || a.Induced > 0)
        {
            evidence
                .Add("inducedCollections", a.Induced)
                .Add("inducedOverSeconds", Math.Round(a.InducedSpanSeconds, 1))
                .Add("inducedPausedMs", Math.Round(a.InducedPausedMs, 1));
        }
        if (_allocationBytesPerSecond is { } rate)
            evidence.Add("allocationMBPerSecond", Math.Round(rate / 1048576.0, 1));

        var parts = new List<string>();
        if (a.InducedPressure)
            parts.Add($"GC.Collect() induced {a.Induced} full collections in {Seconds(a.InducedSpanSeconds)}, pausing the process {a.InducedPausedMs:0.#} ms in all");
        if (a.PausePressure)
            parts.Add($"GC paused the process {a.PausePercent:0}% of the last {Seconds(a.SpanSeconds)} ({a.Collections} collections, {a.Gen2} gen2, longest pause {a.MaxPauseMs:0} ms)");
        if (a.Gen2Pressure)
            parts.Add($"{a.Gen2InWindow} gen2 collections in {a.Gen2SpanSeconds:0} s ({a.Gen2PerMinute:0.#}/min"
                + (a.LohGen2 > 0 ? $", {a.LohGen2} triggered by the large object heap" : "")
                + $") cost {a.Gen2WindowPausePercent:0.#}% of the time in pauses");
        if (!a.PausePressure && !a.Gen2Pressure)
            parts.Add($"{a.PausePercent:0.#}% of the last {Seconds(a.SpanSeconds)} paused in all");
        var message = string.Join("; ", parts);
        if (_allocationBytesPerSecond is { } r && r >= 1048576)
            message += $"; allocating {r / 1048576.0:0} MB/s";

        var advice = new StringBuilder();
        if (a.InducedPressure)
            advice.Append("Remove the GC.Collect() calls: each one is a blocking full collection that pauses every thread, and the GC already collects when the budget is spent. ");
        if (a.PausePressure || a.Gen2Pressure)
            advice.Append("Allocate less on the hot path (the culprits, when sampled, are the most allocated types and the methods that allocate them): reuse buffers and objects, avoid LINQ, closures and boxing in loops; "
                + "a large live object graph makes every collection slower, so bound caches. Server GC shortens pauses on multi-core machines at the cost of memory. ");
        // Named only when the large object heap drives the gen2 collections, not for one large allocation at startup.
        if ((a.Gen2Pressure && a.LohGen2 >= 2 && a.LohGen2 * 2 >= a.Gen2InWindow)
            || (a.PausePressure && a.LohInPauseWindow >= 2 && a.LohInPauseWindow * 2 >= a.Gen2))
            advice.Append("Temporary arrays or strings of 85,000 bytes or more land on the large object heap and force gen2 collections: rent them from ArrayPool<T>.Shared or reuse them.");

        return new Finding
        {
            Kind = Kind,
            Severity = severity,
            Time = now,
            Since = _episode.Since,
            Message = message,
            Evidence = evidence,
            Culprits = _allocations?.Top(5) ?? Array.Empty<Evidence>(),
            Advice = advice.ToString().Trim(),
        };
    }

    private Finding Resolved(DateTime now, Assessment a)
    {
        var evidence = new Evidence()
            .Add("pausePercent", Math.Round(a.PausePercent, 1))
            .Add("windowSeconds", Math.Round(a.SpanSeconds, 1))
            .Add("worstPausePercent", Math.Round(_worstPausePercent, 1))
            .Add("durationSeconds", Math.Round((_lastPressure - _episode.Since).TotalSeconds, 1));
        return new Finding
        {
            Kind = Kind,
            Severity = _episode.Reported,
            Resolved = true,
            Time = now,
            Since = _episode.Since,
            Message = $"GC pressure cleared: {a.PausePercent:0.#}% of the last {Seconds(a.SpanSeconds)} paused (it was {_worstPausePercent:0}% at worst)",
            Evidence = evidence,
            Advice = "",
        };
    }

    // Sub-second spans read as such, not as "0 s".
    private static string Seconds(double seconds) => seconds < 1 ? $"{seconds * 1000:0} ms" : $"{seconds:0.#} s";
}
