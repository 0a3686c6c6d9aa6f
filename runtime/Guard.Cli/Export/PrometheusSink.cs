using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using Guard.Runtime;
using Guard.Runtime.Detection;
using Guard.Runtime.Output;
using Prometheus;

namespace Guard.Cli.Export;

/// <summary>
/// /metrics in the Prometheus text format (prometheus-net, on its own registry: guard's own process metrics are not
/// mixed in): guard_findings_total{kind,severity,pid,process}, guard_detector_state{kind,pid,process} (0 ok, 1 warning,
/// 2 critical), the signal gauges of <see cref="WatchMetrics"/> by pid and process, and guard_watched_processes.
/// Series of a process that is let go are removed, except its findings counters, which stay until guard exits.
/// </summary>
internal sealed class PrometheusSink : IWatchSink
{
    private static readonly string[] ProcessLabels = { "pid", "process" };
    private readonly MetricServer _server;
    private readonly Counter _findings;
    private readonly Gauge _state;
    private readonly Gauge _watched;
    private readonly Dictionary<string, Gauge> _signals = new();
    private readonly Dictionary<int, string> _processes = new();
    private readonly object _lock = new();

    private PrometheusSink(MetricServer server, MetricFactory factory)
    {
        _server = server;
        _findings = factory.CreateCounter("guard_findings_total", "Findings reported by guard (resolved records not counted).",
            new CounterConfiguration { LabelNames = new[] { "kind", "severity", "pid", "process" } });
        _state = factory.CreateGauge("guard_detector_state", "The current state of each detector: 0 ok, 1 warning, 2 critical.",
            new GaugeConfiguration { LabelNames = new[] { "kind", "pid", "process" } });
        _watched = factory.CreateGauge("guard_watched_processes", "Processes guard has a session on.");
        factory.CreateGauge("guard_info", "guard's version.", new GaugeConfiguration { LabelNames = new[] { "version" } })
            .WithLabels(GuardInfo.Version).Set(1);
        foreach (var metric in WatchMetrics.All)
            _signals[metric.Name] = factory.CreateGauge(metric.PrometheusName, metric.Help, new GaugeConfiguration { LabelNames = ProcessLabels });
    }

    public static PrometheusSink Start(string host, int port)
    {
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        // HttpListener takes + for every address; 0.0.0.0 and :: mean that.
        var listenHost = host is "0.0.0.0" or "[::]" or "*" ? "+" : host;
        var server = new MetricServer(listenHost, port, "metrics/", registry);
        try
        {
            server.Start();
        }
        catch (Exception e) when (e is HttpListenerException or System.Net.Sockets.SocketException or InvalidOperationException or ArgumentException)
        {
            try { server.Dispose(); } catch (Exception dispose) when (dispose is ObjectDisposedException or InvalidOperationException or HttpListenerException) { }
            var reason = e is HttpListenerException { ErrorCode: 98 or 48 or 10048 or 183 } || e.Message.Contains("in use", StringComparison.OrdinalIgnoreCase)
                ? "the port is in use"
                : GuardCommandLine.OneLine(e.Message);
            throw new ExportException($"cannot serve Prometheus metrics on {host}:{port}: {reason}", e);
        }
        return new PrometheusSink(server, factory);
    }

    private static string Pid(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    public void Attached(int pid, string process)
    {
        lock (_lock)
        {
            _processes[pid] = process;
            _watched.Set(_processes.Count);
        }
        foreach (var kind in WatchMetrics.Kinds)
            _state.WithLabels(kind, Pid(pid), process).Set(0);
    }

    public void Report(Finding finding)
    {
        var pid = Pid(finding.Pid);
        if (!finding.Resolved)
            _findings.WithLabels(finding.Kind, FindingJson.SeverityName(finding.Severity), pid, finding.Process).Inc();
        _state.WithLabels(finding.Kind, pid, finding.Process).Set(WatchMetrics.State(finding));
    }

    public void Sample(int pid, string process, MetricsSample sample)
    {
        var id = Pid(pid);
        foreach (var (name, value) in sample.Values)
        {
            if (_signals.TryGetValue(name, out var gauge) && double.IsFinite(value))
                gauge.WithLabels(id, process).Set(value);
        }
    }

    public void Detached(int pid, string process)
    {
        var id = Pid(pid);
        foreach (var gauge in _signals.Values)
            gauge.RemoveLabelled(id, process);
        foreach (var kind in WatchMetrics.Kinds)
            _state.RemoveLabelled(kind, id, process);
        lock (_lock)
        {
            _processes.Remove(pid);
            _watched.Set(_processes.Count);
        }
    }

    public void Dispose()
    {
        try
        {
            _server.Stop();
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or HttpListenerException)
        {
        }
        _server.Dispose();
    }
}
