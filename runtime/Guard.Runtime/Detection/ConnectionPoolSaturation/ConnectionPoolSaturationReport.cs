using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>The wording of ConnectionPoolSaturationDetector's findings (message, evidence and advice); the decisions are in ConnectionPoolSaturationDetector.cs.</summary>
public sealed partial class ConnectionPoolSaturationDetector
{
    private Finding Report(HttpEndpoint endpoint, HostState host, DateTime now, Severity severity, List<double> sorted, double median)
    {
        var first = host.Waits.Peek().Time;
        var span = Math.Max((now - first).TotalSeconds, 0.001);
        var p90 = sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(sorted.Count * 0.9) - 1)];
        var version = host.Waits.Max(w => w.Version);
        var open = host.Open.Count;

        var culprits = host.Waits.GroupBy(w => w.Path)
            .Select(g => (Path: g.Key, Count: g.Count(), Median: g.Select(w => w.Ms).OrderBy(m => m).ElementAt(g.Count() / 2)))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Path, StringComparer.Ordinal).Take(5)
            .Select(c => new Evidence().Add("host", endpoint.ToString()).Add("endpoint", c.Path).Add("queuedRequests", c.Count).Add("medianWaitMs", Math.Round(c.Median, 1)))
            .ToList();

        var evidence = new Evidence()
            .Add("host", endpoint.ToString())
            .Add("scheme", endpoint.Scheme)
            .Add("httpVersion", version == 1 ? "1.1" : $"{version}")
            .Add("queuedRequests", sorted.Count)
            .Add("windowSeconds", Math.Round(span, 1))
            .Add("medianWaitMs", Math.Round(median, 1))
            .Add("p90WaitMs", Math.Round(p90, 1))
            .Add("maxWaitMs", Math.Round(sorted[^1], 1))
            .Add("connectionsOpen", open)
            .Add("waitsForNewConnections", host.ExcludedWaits);

        var limit = version == 1
            ? open > 0 ? $"no connection was opened while they waited: the pool is at its per-server limit ({open} connection{(open == 1 ? "" : "s")} open)"
                : "no connection was opened while they waited: the pool is at its per-server limit (its connections were opened before guard attached)"
            : $"no connection was opened while they waited: the HTTP/{version} connection{(open == 1 ? " is" : "s are")} at the server's concurrent stream limit";
        var message = $"{sorted.Count} requests to {endpoint} waited for a connection in {span:0.#} s (median {median:0} ms, max {sorted[^1]:0} ms); {limit}";

        var advice = version == 1
            ? "Requests queue behind a full connection pool. Raise SocketsHttpHandler.MaxConnectionsPerServer (or HttpClientHandler's) if the server allows it, "
              + "or send fewer requests at once (a SemaphoreSlim or RateLimiter around the calls); a slow endpoint holds its connection for the whole response, "
              + "so set a timeout on it. Reuse one HttpClient per host: a client per call (GRD006) opens a pool per call instead."
            : "Requests queue for streams of a saturated HTTP/2 connection: set SocketsHttpHandler.EnableMultipleHttp2Connections = true so the pool opens more "
              + "connections, or send fewer requests at once.";

        return new Finding
        {
            Kind = Kind,
            Severity = severity,
            Time = now,
            Since = first,
            Message = message,
            Evidence = evidence,
            Culprits = culprits,
            Advice = advice,
        };
    }
}
