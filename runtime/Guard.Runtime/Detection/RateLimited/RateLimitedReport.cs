using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>The wording of RateLimitedDetector's findings (message, evidence and advice); the decisions are in RateLimitedDetector.cs.</summary>
public sealed partial class RateLimitedDetector
{
    private Finding Report(HttpEndpoint endpoint, HostState host, DateTime now, Severity severity, int count429, int count503)
    {
        var windowSeconds = Math.Min(_options.WindowSeconds, (now - host.Throttled.Peek().Time).TotalSeconds);
        var delays = host.Early.Select(e => e.DelayMs).OrderBy(d => d).ToList();
        var medianDelay = delays.Count > 0 ? delays[delays.Count / 2] : double.NaN;
        var sent = host.Sent.Sum(s => s.Count);

        var culprits = host.Throttled.GroupBy(t => t.Path)
            .Select(g => (Path: g.Key, Count429: g.Count(t => t.Status == 429), Count503: g.Count(t => t.Status == 503), Early: host.Early.Count(e => e.Path == g.Key)))
            .OrderByDescending(c => c.Count429 + c.Count503).ThenBy(c => c.Path, StringComparer.Ordinal).Take(5)
            .Select(c => new Evidence()
                .Add("host", endpoint.ToString())
                .Add("endpoint", c.Path)
                .Add("status429", c.Count429)
                .Add("status503", c.Count503)
                .Add("earlyRequests", c.Early))
            .ToList();

        var evidence = new Evidence()
            .Add("host", endpoint.ToString())
            .Add("scheme", endpoint.Scheme)
            .Add("status429", count429)
            .Add("status503", count503)
            .Add("requestsSent", sent)
            .Add("windowSeconds", Math.Round(windowSeconds, 1))
            .Add("throttledPerMinute", Math.Round((count429 + count503) * 60 / Math.Max(windowSeconds, 1), 1))
            .Add("earlyRequests", host.Early.Count)
            .Add("earlyThresholdMs", _options.EarlyRetryMilliseconds);
        if (delays.Count > 0)
            evidence.Add("medianDelayAfter429Ms", Math.Round(medianDelay, 1)).Add("minDelayAfter429Ms", Math.Round(delays[0], 1));

        var top = culprits.Count > 0 ? $" ({string.Join(", ", culprits.Take(3).Select(c => $"{c["endpoint"]} {(int)c["status429"]! + (int)c["status503"]!}"))})" : "";
        var message = $"{endpoint} throttled {count429 + count503} of {sent} requests in {windowSeconds:0.#} s: {count429} x 429 Too Many Requests"
            + (count503 > 0 ? $", {count503} x 503" : "") + top;
        if (host.Early.Count > 0)
            message += $"; {host.Early.Count} requests went out less than {_options.EarlyRetryMilliseconds:0} ms after a 429 (median {medianDelay:0} ms), sooner than any Retry-After allows";

        var advice = "Slow down for this host: honor Retry-After (retry after the delay the server asks for, never sooner), back off exponentially with jitter "
            + "when it is absent, and cap the request rate with a client-side limiter (System.Threading.RateLimiting) set under the API's published limit. "
            + "Guard's static rules catch this before it ships: GRD001 flags calls with no retry policy (its fix adds exponential backoff with jitter; "
            + "AddStandardResilienceHandler also honors Retry-After), GRD003 flags calls in loops or fan-outs with no throttle.";
        if (host.Early.Count > 0)
            advice = "Requests follow a 429 at once: a retry loop without a delay, or other callers that do not share the limit, turn one 429 into a storm and risk a ban. " + advice;

        return new Finding
        {
            Kind = Kind,
            Severity = severity,
            Time = now,
            Since = host.Throttled.Peek().Time,
            Message = message,
            Evidence = evidence,
            Culprits = culprits,
            Advice = advice,
        };
    }
}
