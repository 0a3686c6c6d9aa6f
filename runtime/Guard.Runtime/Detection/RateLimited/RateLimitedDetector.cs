using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>
/// A remote host that rate-limits the process: responses 429 Too Many Requests per host over a minute, and requests
/// sent to the same endpoint sooner after its 429 than any Retry-After allows (a retry storm). Retry-After is not in the
/// runtime's events; it is given in whole seconds, so a request less than a second after the 429 was too early for
/// any Retry-After of 1 s or more (the threshold is `ratelimit.retry-ms`). A 503 counts as throttling only from a host
/// that also answered 429 in the window: on its own it is as likely an outage as a rate limit.
/// </summary>
public sealed partial class RateLimitedDetector : IDetector
{
    // A storm can send thousands of requests a second; the window keeps the most recent of them.
    private const int MaxEarly = 10_000;

    private readonly RateLimitOptions _options;
    private readonly Dictionary<HttpEndpoint, HostState> _hosts = new();
    private readonly List<HttpEndpoint> _reported = new();

    public RateLimitedDetector(RateLimitOptions options) => _options = options;

    public string Kind => FindingKinds.RateLimited;

    private sealed class HostState
    {
        public readonly Queue<(DateTime Time, string Path, int Status)> Throttled = new();
        public readonly Queue<(DateTime Time, string Path, double DelayMs)> Early = new();
        // Requests sent, counted per second of the window: a busy client sends thousands a second.
        public readonly List<(DateTime Second, int Count)> Sent = new();
        // The last 429 of each endpoint: limits are often per endpoint, and a client that backs off the throttled one
        // may go on calling the others.
        public readonly Dictionary<string, DateTime> Last429 = new(StringComparer.Ordinal);
        public bool Reported;
        public bool ReportedCritical;
        public DateTime LastThrottled;
        public DateTime EpisodeSince;
        public int EpisodeThrottled;
    }

    public Finding? Observe(Signal signal) => ObserveSignal(signal) ?? Resolve(signal.Time);

    // A reported host that has not throttled for a full window: the episode is over, and a resolved record says so.
    private Finding? Resolve(DateTime now)
    {
        foreach (var endpoint in _reported)
        {
            var host = _hosts[endpoint];
            if (now - host.LastThrottled <= TimeSpan.FromSeconds(_options.WindowSeconds))
                continue;
            _reported.Remove(endpoint);
            var severity = host.ReportedCritical ? Severity.Critical : Severity.Warning;
            host.Reported = host.ReportedCritical = false;
            return new Finding
            {
                Kind = Kind,
                Severity = severity,
                Resolved = true,
                Time = now,
                Since = host.EpisodeSince,
                Message = $"{endpoint} has not throttled a request for {_options.WindowSeconds:0} s ({host.EpisodeThrottled} throttled responses in the episode)",
                Evidence = new Evidence().Add("host", endpoint.ToString()).Add("throttledInEpisode", host.EpisodeThrottled)
                    .Add("quietSeconds", Math.Round((now - host.LastThrottled).TotalSeconds, 1)),
                Advice = "",
            };
        }
        return null;
    }

    private Finding? ObserveSignal(Signal signal)
    {
        switch (signal)
        {
            case HttpResponseSignal response when response.StatusCode is 429 or 503:
            {
                var host = Host(response.Endpoint);
                Trim(host, response.Time);
                host.Throttled.Enqueue((response.Time, response.Path, response.StatusCode));
                host.LastThrottled = response.Time;
                if (host.Reported)
                    host.EpisodeThrottled++;
                if (response.StatusCode == 429)
                {
                    if (host.Last429.Count >= 1000 && !host.Last429.ContainsKey(response.Path))
                        host.Last429.Clear();
                    host.Last429[response.Path] = response.Time;
                }
                return Evaluate(response.Endpoint, host, response.Time);
            }
            case HttpRequestSentSignal sent:
            {
                if (!_hosts.TryGetValue(sent.Endpoint, out var host) && _hosts.Count > 1000)
                    return null; // only hosts that throttled are followed once many are seen
                host ??= Host(sent.Endpoint);
                Trim(host, sent.Time);
                var second = sent.Time.AddTicks(-(sent.Time.Ticks % TimeSpan.TicksPerSecond));
                if (host.Sent.Count > 0 && host.Sent[^1].Second == second)
                    host.Sent[^1] = (second, host.Sent[^1].Count + 1);
                else
                    host.Sent.Add((second, 1));
                if (host.Last429.TryGetValue(sent.Path, out var last) && sent.Time >= last && (sent.Time - last).TotalMilliseconds < _options.EarlyRetryMilliseconds)
                {
                    host.Early.Enqueue((sent.Time, sent.Path, (sent.Time - last).TotalMilliseconds));
                    if (host.Early.Count > MaxEarly)
                        host.Early.Dequeue();
                    return Evaluate(sent.Endpoint, host, sent.Time);
                }
                return null;
            }
            default:
                return null;
        }
    }

    private HostState Host(HttpEndpoint endpoint)
    {
        if (!_hosts.TryGetValue(endpoint, out var host))
            _hosts[endpoint] = host = new HostState();
        return host;
    }

    private void Trim(HostState host, DateTime now)
    {
        var window = TimeSpan.FromSeconds(_options.WindowSeconds);
        while (host.Throttled.Count > 0 && now - host.Throttled.Peek().Time > window)
            host.Throttled.Dequeue();
        while (host.Early.Count > 0 && now - host.Early.Peek().Time > window)
            host.Early.Dequeue();
        var old = host.Sent.FindIndex(s => now - s.Second <= window);
        host.Sent.RemoveRange(0, old < 0 ? host.Sent.Count : old);
    }

    private Finding? Evaluate(HttpEndpoint endpoint, HostState host, DateTime now)
    {
        var count429 = host.Throttled.Count(t => t.Status == 429);
        if (count429 == 0)
            return null;
        var throttled = host.Throttled.Count;
        var early = host.Early.Count;
        var storm = early >= _options.MinEarlyRetries && throttled >= Math.Min(3, _options.MinThrottled);
        if (throttled < _options.MinThrottled && !storm)
            return null;

        var severity = storm ? Severity.Critical : Severity.Warning;
        if (host.Reported && (host.ReportedCritical || severity == Severity.Warning))
            return null;
        if (!host.Reported)
        {
            _reported.Add(endpoint);
            host.EpisodeSince = host.Throttled.Peek().Time;
            host.EpisodeThrottled = throttled;
        }
        host.Reported = true;
        host.ReportedCritical = severity == Severity.Critical;
        return Report(endpoint, host, now, severity, count429, throttled - count429);
    }
}
