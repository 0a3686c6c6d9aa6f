using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using Guard.Runtime;
using Guard.Runtime.Detection;
using Guard.Runtime.Output;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Guard.Cli.Export;

/// <summary>
/// --otlp (or OTEL_EXPORTER_OTLP_ENDPOINT): the Prometheus figures as OpenTelemetry metrics (guard.findings counter,
/// guard.detector.state and the signal gauges), and each finding as a log record with its attributes, through the
/// OpenTelemetry SDK's OTLP exporter (HTTP/protobuf by default, gRPC when OTEL_EXPORTER_OTLP_PROTOCOL=grpc). A collector
/// that cannot be reached at start is exit 2; one that refuses or goes away later is a warning, and the watch goes on.
/// </summary>
internal sealed class OtlpSink : IWatchSink
{
    public const string MeterName = "Guard";
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);
    private const int ExportTimeoutMilliseconds = 3000;
    private const int MetricIntervalMilliseconds = 5000;

    private readonly Meter _meter;
    private readonly MeterProvider _meters;
    private readonly ILoggerFactory _logs;
    private readonly ILogger _logger;
    private readonly Counter<long> _findings;
    private readonly object _lock = new();
    private readonly Dictionary<int, (string Process, IReadOnlyDictionary<string, double> Values)> _latest = new();
    private readonly Dictionary<(int Pid, string Kind), (string Process, int State)> _states = new();

    private OtlpSink(Uri endpoint, bool grpc, Action<string> warn)
    {
        var resource = ResourceBuilder.CreateDefault().AddService("guard", serviceVersion: GuardInfo.Version);
        _meter = new Meter(MeterName, GuardInfo.Version);
        _findings = _meter.CreateCounter<long>("guard.findings", "{finding}", "Findings reported by guard (resolved records not counted).");
        _meter.CreateObservableGauge("guard.detector.state", ObserveStates, "1", "Each detector's current state: 0 ok, 1 warning, 2 critical.");
        _meter.CreateObservableGauge("guard.watched_processes", () => { lock (_lock) return _latest.Count; }, "{process}", "Processes guard has a session on.");
        foreach (var metric in WatchMetrics.All)
        {
            var name = metric.Name;
            _meter.CreateObservableGauge("guard." + name, () => Observe(name), metric.Unit, metric.Help);
        }

        var metricExporter = new WarningExporter<Metric>(new OtlpMetricExporter(Options(endpoint, grpc, "v1/metrics")), "metrics", endpoint, warn);
        _meters = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(MeterName)
            .AddReader(new PeriodicExportingMetricReader(metricExporter, MetricIntervalMilliseconds, ExportTimeoutMilliseconds))
            .Build();

        var logExporter = new WarningExporter<LogRecord>(new OtlpLogExporter(Options(endpoint, grpc, "v1/logs")), "logs", endpoint, warn);
        _logs = LoggerFactory.Create(builder => builder.AddOpenTelemetry(options =>
        {
            options.SetResourceBuilder(resource);
            options.IncludeFormattedMessage = true;
            options.ParseStateValues = true;
            options.AddProcessor(new BatchLogRecordExportProcessor(logExporter, scheduledDelayMilliseconds: 1000, exporterTimeoutMilliseconds: ExportTimeoutMilliseconds));
        }));
        _logger = _logs.CreateLogger("Guard.Findings");
    }

    private static OtlpExporterOptions Options(Uri endpoint, bool grpc, string signalPath)
    {
        var options = new OtlpExporterOptions
        {
            Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf,
            TimeoutMilliseconds = ExportTimeoutMilliseconds,
        };
        // Over HTTP each signal has its own path under the base endpoint (as OTEL_EXPORTER_OTLP_ENDPOINT means it);
        // over gRPC the endpoint is the server.
        options.Endpoint = grpc ? endpoint : new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath);
        return options;
    }

    /// <summary>Checks the collector accepts connections, then starts the exporters.</summary>
    public static OtlpSink Start(Uri endpoint, bool grpc, Action<string> warn)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(ConnectTimeout);
            client.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ArgumentException)
        {
            var reason = e switch
            {
                SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
                SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => "unknown host",
                OperationCanceledException => $"no answer within {ConnectTimeout.TotalSeconds:0} s",
                _ => GuardCommandLine.OneLine(e.Message),
            };
            throw new ExportException($"cannot reach the OTLP collector at {endpoint}: {reason}", e);
        }
        return new OtlpSink(endpoint, grpc, warn);
    }

    private IEnumerable<Measurement<double>> Observe(string name)
    {
        lock (_lock)
        {
            return _latest
                .Where(p => p.Value.Values.ContainsKey(name) && double.IsFinite(p.Value.Values[name]))
                .Select(p => new Measurement<double>(p.Value.Values[name], Tags(p.Key, p.Value.Process)))
                .ToList();
        }
    }

    private IEnumerable<Measurement<int>> ObserveStates()
    {
        lock (_lock)
        {
            return _states
                .Select(s => new Measurement<int>(s.Value.State, Tags(s.Key.Pid, s.Value.Process).Append(new KeyValuePair<string, object?>("kind", s.Key.Kind))))
                .ToList();
        }
    }

    private static KeyValuePair<string, object?>[] Tags(int pid, string process) =>
        new[] { new KeyValuePair<string, object?>("pid", pid), new KeyValuePair<string, object?>("process", process) };

    public void Attached(int pid, string process)
    {
        lock (_lock)
        {
            _latest[pid] = (process, new Dictionary<string, double>());
            foreach (var kind in WatchMetrics.Kinds)
                _states[(pid, kind)] = (process, 0);
        }
    }

    public void Sample(int pid, string process, MetricsSample sample)
    {
        lock (_lock)
            _latest[pid] = (process, sample.Values);
    }

    public void Detached(int pid, string process)
    {
        lock (_lock)
        {
            _latest.Remove(pid);
            foreach (var kind in WatchMetrics.Kinds)
                _states.Remove((pid, kind));
        }
    }

    public void Report(Finding finding)
    {
        lock (_lock)
            _states[(finding.Pid, finding.Kind)] = (finding.Process, WatchMetrics.State(finding));
        if (!finding.Resolved)
            _findings.Add(1, new KeyValuePair<string, object?>("kind", finding.Kind), new KeyValuePair<string, object?>("severity", FindingJson.SeverityName(finding.Severity)),
                new KeyValuePair<string, object?>("pid", finding.Pid), new KeyValuePair<string, object?>("process", finding.Process));

        var attributes = new List<KeyValuePair<string, object?>>
        {
            new("kind", finding.Kind),
            new("severity", FindingJson.SeverityName(finding.Severity)),
            new("resolved", finding.Resolved),
            new("pid", finding.Pid),
            new("process", finding.Process),
            new("since", FindingJson.Timestamp(finding.Since)),
            new("advice", finding.Advice),
            // The whole finding as guard's JSON line: evidence and culprits with their structure.
            new("finding", FindingJson.Serialize(finding)),
            new("{OriginalFormat}", finding.Message),
        };
        var level = finding.Resolved ? LogLevel.Information : finding.Severity == Severity.Critical ? LogLevel.Error : LogLevel.Warning;
        _logger.Log(level, new EventId(1, "guard.finding"), attributes, null, (_, _) => finding.Message);
    }

    public void Dispose()
    {
        // Flushes what is pending, within the exporters' timeouts: a collector that is gone costs a few seconds at most.
        _logs.Dispose();
        _meters.Dispose();
        _meter.Dispose();
    }

    /// <summary>Passes a batch to the OTLP exporter and says, once per outage, when the collector does not take it.</summary>
    private sealed class WarningExporter<T> : BaseExporter<T>
        where T : class
    {
        private readonly BaseExporter<T> _inner;
        private readonly string _signal;
        private readonly Uri _endpoint;
        private readonly Action<string> _warn;
        private int _failing;

        public WarningExporter(BaseExporter<T> inner, string signal, Uri endpoint, Action<string> warn)
        {
            _inner = inner;
            _signal = signal;
            _endpoint = endpoint;
            _warn = warn;
        }

        public override ExportResult Export(in Batch<T> batch)
        {
            ExportResult result;
            try
            {
                result = _inner.Export(batch);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                result = ExportResult.Failure;
            }
            if (result == ExportResult.Failure)
            {
                if (Interlocked.Exchange(ref _failing, 1) == 0)
                    _warn($"warning: the OTLP collector at {_endpoint} did not take the {_signal}; the watch goes on, and guard keeps trying");
            }
            else if (Interlocked.Exchange(ref _failing, 0) == 1)
                _warn($"the OTLP collector at {_endpoint} takes the {_signal} again");
            return result;
        }

        protected override bool OnForceFlush(int timeoutMilliseconds) => _inner.ForceFlush(timeoutMilliseconds);

        protected override bool OnShutdown(int timeoutMilliseconds) => _inner.Shutdown(timeoutMilliseconds);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
