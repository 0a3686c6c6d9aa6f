using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>
/// HTTP requests that wait for a connection because the pool to their host is at its limit (MaxConnectionsPerServer,
/// or the stream limit of an HTTP/2 connection). The runtime reports every wait in the pool's queue
/// (RequestLeftQueue), but a request also waits there while the pool opens a new connection for it (DNS, TCP, TLS):
/// that is not saturation. So only waits during which no connection to the host was opened count: those requests
/// waited for a busy connection to come free. Enough of them, long enough (median), in the window make a finding.
/// </summary>
public sealed partial class ConnectionPoolSaturationDetector : IDetector
{
    private readonly ConnectionPoolOptions _options;
    private readonly Dictionary<HttpEndpoint, HostState> _hosts = new();
    private readonly List<HttpEndpoint> _reported = new();

    public ConnectionPoolSaturationDetector(ConnectionPoolOptions options) => _options = options;

    public string Kind => FindingKinds.ConnectionPoolSaturation;

    private sealed class HostState
    {
        public readonly Queue<(DateTime Time, string Path, double Ms, int Version)> Waits = new();
        public readonly List<DateTime> Opened = new(); // in time order
        public readonly HashSet<long> Open = new();
        public int ExcludedWaits;
        public bool Reported;
        public bool ReportedCritical;
        public DateTime LastSaturated;
        public DateTime EpisodeSince;
        public double WorstMedianMs;
    }

    public Finding? Observe(Signal signal) => ObserveSignal(signal) ?? Resolve(signal.Time);

    // A reported host without saturated waits for two windows: the pool keeps up again.
    private Finding? Resolve(DateTime now)
    {
        foreach (var endpoint in _reported)
        {
            var host = _hosts[endpoint];
            if (now - host.LastSaturated <= 2 * TimeSpan.FromSeconds(_options.WindowSeconds))
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
                Message = $"requests to {endpoint} no longer wait for a busy connection (none for {(now - host.LastSaturated).TotalSeconds:0} s; the median wait was up to {host.WorstMedianMs:0} ms)",
                Evidence = new Evidence().Add("host", endpoint.ToString()).Add("worstMedianWaitMs", Math.Round(host.WorstMedianMs, 1))
                    .Add("quietSeconds", Math.Round((now - host.LastSaturated).TotalSeconds, 1)),
                Advice = "",
            };
        }
        return null;
    }

    private Finding? ObserveSignal(Signal signal)
    {
        switch (signal)
        {
            case HttpConnectionSignal connection:
            {
                var host = Host(connection.Endpoint);
                if (connection.Opened)
                {
                    host.Open.Add(connection.ConnectionId);
                    host.Opened.Add(connection.Time);
                }
                else
                    host.Open.Remove(connection.ConnectionId);
                return null;
            }
            case HttpQueueWaitSignal wait:
            {
                var host = Host(wait.Endpoint);
                Trim(host, wait.Time);
                var waitStart = wait.Time.AddMilliseconds(-wait.QueueMilliseconds);
                // Served by a connection opened while it waited (possibly for it): a connect, not a full pool.
                if (OpenedBetween(host.Opened, waitStart, wait.Time))
                {
                    host.ExcludedWaits++;
                    return null;
                }
                host.Waits.Enqueue((wait.Time, wait.Path, wait.QueueMilliseconds, wait.VersionMajor));
                return Evaluate(wait.Endpoint, host, wait.Time);
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

    // From the newest back: opens are in time order, and the one that matters is the latest before the wait ended.
    private static bool OpenedBetween(List<DateTime> opened, DateTime from, DateTime to)
    {
        for (var i = opened.Count - 1; i >= 0; i--)
        {
            if (opened[i] <= to)
                return opened[i] >= from;
        }
        return false;
    }

    private void Trim(HostState host, DateTime now)
    {
        var window = TimeSpan.FromSeconds(_options.WindowSeconds);
        while (host.Waits.Count > 0 && now - host.Waits.Peek().Time > window)
            host.Waits.Dequeue();
        // Connections opened are kept long enough to cover the longest wait that can still arrive.
        var keep = host.Opened.FindIndex(t => now - t <= window + TimeSpan.FromMinutes(2));
        host.Opened.RemoveRange(0, keep < 0 ? host.Opened.Count : keep);
    }

    private Finding? Evaluate(HttpEndpoint endpoint, HostState host, DateTime now)
    {
        if (host.Waits.Count < _options.MinQueued)
            return null;
        var sorted = host.Waits.Select(w => w.Ms).OrderBy(ms => ms).ToList();
        var median = sorted[sorted.Count / 2];
        if (median < _options.MinWaitMilliseconds)
            return null;

        host.LastSaturated = now;
        if (host.Reported)
            host.WorstMedianMs = Math.Max(host.WorstMedianMs, median);
        var severity = median >= _options.CriticalWaitMilliseconds ? Severity.Critical : Severity.Warning;
        if (host.Reported && (host.ReportedCritical || severity == Severity.Warning))
            return null;
        if (!host.Reported)
        {
            _reported.Add(endpoint);
            host.EpisodeSince = host.Waits.Peek().Time;
            host.WorstMedianMs = median;
        }
        host.Reported = true;
        host.ReportedCritical = severity == Severity.Critical;
        return Report(endpoint, host, now, severity, sorted, median);
    }
}
