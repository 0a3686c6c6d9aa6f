using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>The wording of ExceptionStormDetector's findings (message, evidence and advice); the decisions are in ExceptionStormDetector.cs.</summary>
public sealed partial class ExceptionStormDetector
{
    private Finding Report(DateTime now, Severity severity, double rate, double baseline, List<(DateTime Time, double Count, double Interval)> current)
    {
        var since = current.FirstOrDefault(r => r.Count / r.Interval >= Math.Max(_options.MinRatePerSecond, _options.Factor * baseline)).Time;
        if (since == default)
            since = current[0].Time;
        var span = current.Sum(r => r.Interval);

        var byType = new Dictionary<string, (int Count, string Message)>();
        foreach (var (_, types) in _events)
        {
            foreach (var (type, entry) in types)
                byType[type] = byType.TryGetValue(type, out var sum) ? (sum.Count + entry.Count, entry.Message) : entry;
        }
        var sampled = byType.Values.Sum(v => v.Count);
        var culprits = byType.OrderByDescending(t => t.Value.Count).ThenBy(t => t.Key, StringComparer.Ordinal).Take(5)
            .Select(t => new Evidence()
                .Add("type", t.Key)
                .Add("count", t.Value.Count)
                .Add("share", Math.Round((double)t.Value.Count / Math.Max(sampled, 1), 2))
                .Add("message", Truncate(t.Value.Message)))
            .ToList();

        var evidence = new Evidence()
            .Add("exceptionsPerSecond", Math.Round(rate, 1))
            .Add("baselinePerSecond", Math.Round(baseline, 2))
            .Add("timesBaseline", baseline > 0 ? Math.Round(rate / baseline, 1) : double.PositiveInfinity)
            .Add("windowSeconds", Math.Round(span, 1))
            .Add("exceptionsInWindow", Math.Round(current.Sum(r => r.Count)))
            .Add("exceptionEventsSeen", sampled);

        var top = culprits.FirstOrDefault();
        var named = top is null ? "" : $"; mostly {top["type"]} ({(double)top["share"]! * 100:0}%): \"{Truncate((string)top["message"]!, 120)}\"";
        var versus = baseline >= 0.05 ? $"{rate / baseline:0}x its baseline of {baseline:0.##}/s" : "against a baseline of almost none";
        return new Finding
        {
            Kind = Kind,
            Severity = severity,
            Time = now,
            Since = since,
            Message = $"{rate:0} exceptions/s over the last {span:0} s, {versus}{named}",
            Evidence = evidence,
            Culprits = culprits,
            Advice = "Exceptions thrown at this rate cost CPU (each one walks the stack) and usually mean every operation of some kind fails: "
                + "look at the listed type and message. If a failing dependency throws, stop calling it for a while (a circuit breaker) instead of retrying "
                + "each call at once; if exceptions are control flow (parsing, lookups), use the Try- pattern (int.TryParse, TryGetValue). "
                + "A catch-all that swallows them hides the failure: log it, with a rate limit.",
        };
    }

    private static string Truncate(string text, int length = MessageLength) =>
        text.Length <= length ? text : text.Substring(0, length - 1) + "…";
}
