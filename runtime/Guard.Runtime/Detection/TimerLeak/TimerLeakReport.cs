using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>The wording of TimerLeakDetector's findings (message, evidence and advice); the decisions are in TimerLeakDetector.cs.</summary>
public sealed partial class TimerLeakDetector
{
    private Finding Report(DateTime now, Severity severity, List<(DateTime Time, double Count)> segment, double value, double perMinute, TrendFit fit)
    {
        var first = segment[0];
        var span = (now - first.Time).TotalSeconds;
        var growth = value - first.Count;
        // The series, thinned to at most 12 points across the rise.
        var step = Math.Max(1, segment.Count / 12);
        var series = segment.Where((_, i) => i % step == 0).Select(p => Math.Round(p.Count)).TakeLast(12).ToArray();
        var evidence = new Evidence()
            .Add("growthPerMinute", Math.Round(perMinute, 1))
            .Add("growthPerSecond", Math.Round(perMinute / 60, 2))
            .Add("fittedPerMinute", Math.Round(fit.Slope * 60, 1))
            .Add("rSquared", Math.Round(fit.RSquared, 3))
            .Add("activeTimers", Math.Round(value))
            .Add("activeTimersAtStart", Math.Round(first.Count))
            .Add("windowSeconds", Math.Round(span, 1))
            .Add("activeTimersSeries", series);
        return new Finding
        {
            Kind = Kind,
            Severity = severity,
            Time = now,
            Since = first.Time,
            Message = $"active timers grew by {growth:0} in {span:0} s ({first.Count:0} -> {value:0}), {perMinute:0} a minute ({perMinute / 60:0.#}/s) without leveling off",
            Evidence = evidence,
            Culprits = new[] { new Evidence().Add("timerGrowthPerMinute", Math.Round(perMinute, 1)).Add("activeTimers", Math.Round(value)) },
            Advice = "Timers are created faster than they end. Dispose every System.Threading.Timer (and PeriodicTimer) you create, or keep one timer and "
                + "Change() it instead of creating one per tick or per item; a callback that creates a new Timer each time it runs multiplies them. "
                + "Task.Delay and CancellationTokenSource.CancelAfter count too: dispose CancellationTokenSources, and do not start long delays per request "
                + "that nothing cancels. Every active timer roots its callback and whatever it captures.",
        };
    }

    private Finding Resolved(DateTime now, Severity severity, double activeTimers)
    {
        return new Finding
        {
            Kind = Kind,
            Severity = severity,
            Resolved = true,
            Time = now,
            Since = _episode.Since,
            Message = $"active timers fell back to {activeTimers:0} (from {_reportedLevel:0}; {_reportedFloor:0} before the rise)",
            Evidence = new Evidence().Add("activeTimers", Math.Round(activeTimers)).Add("peakActiveTimers", Math.Round(_reportedLevel))
                .Add("activeTimersAtStart", Math.Round(_reportedFloor)),
            Advice = "",
        };
    }
}
