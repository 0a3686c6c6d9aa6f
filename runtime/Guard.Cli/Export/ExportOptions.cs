using System;
using System.CommandLine;
using System.Globalization;
using System.IO;

namespace Guard.Cli.Export;

/// <summary>Where a watch sends what it finds besides standard output (all optional).</summary>
internal sealed record ExportSettings(
    string? PrometheusHost = null,
    int PrometheusPort = 0,
    Uri? OtlpEndpoint = null,
    bool OtlpGrpc = false,
    string? SarifPath = null,
    string? ReportPath = null,
    string? Error = null)
{
    public static ExportSettings None { get; } = new();
}

/// <summary>The export options of attach, run and watch: --prometheus, --otlp, --sarif, --report.</summary>
internal sealed class ExportOptions
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string OtlpProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";

    public Option<string?> Prometheus { get; } = new("--prometheus")
    {
        Description = "Serve /metrics in the Prometheus format on host:port (e.g. 127.0.0.1:9464): findings by kind, severity and process, each detector's state, and the signals behind them.",
        HelpName = "host:port",
    };

    public Option<string?> Otlp { get; } = new("--otlp")
    {
        Description = "Export the same metrics, and each finding as a log record, to an OpenTelemetry collector (OTLP/HTTP protobuf, or gRPC with OTEL_EXPORTER_OTLP_PROTOCOL=grpc), e.g. http://127.0.0.1:4318. Default: $OTEL_EXPORTER_OTLP_ENDPOINT.",
        HelpName = "endpoint",
    };

    public Option<FileInfo?> Sarif { get; } = new("--sarif")
    {
        Description = "Write the findings as SARIF 2.1.0 to this file (for code scanning in CI), updated as findings come.",
        HelpName = "file",
    };

    public Option<FileInfo?> Report { get; } = new("--report")
    {
        Description = "Write a self-contained HTML page with plots of the session (heap after each GC, % paused, allocation rate, pool queue and threads) and the findings.",
        HelpName = "file.html",
    };

    public ExportOptions()
    {
        Prometheus.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text && !TryParseHostPort(text, out _, out _, out var error))
                result.AddError(error);
        });
        Otlp.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text && !TryParseEndpoint(text, out _, out var error))
                result.AddError("--otlp: " + error);
        });
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Prometheus);
        command.Options.Add(Otlp);
        command.Options.Add(Sarif);
        command.Options.Add(Report);
    }

    /// <summary>The settings; an OTLP endpoint from the environment that is malformed is their Error (not a parse error).</summary>
    public ExportSettings Read(ParseResult parse)
    {
        string? error = null;
        string? host = null;
        var port = 0;
        if (parse.GetValue(Prometheus) is { } hostPort)
            TryParseHostPort(hostPort, out host, out port, out _);
        Uri? endpoint = null;
        var otlp = parse.GetValue(Otlp);
        if (otlp is null && Environment.GetEnvironmentVariable(OtlpEndpointVariable) is { Length: > 0 } fromEnvironment)
        {
            if (!TryParseEndpoint(fromEnvironment, out endpoint, out var envError))
                error = $"{OtlpEndpointVariable}: {envError}";
        }
        else if (otlp is not null)
            TryParseEndpoint(otlp, out endpoint, out _);
        var grpc = string.Equals(Environment.GetEnvironmentVariable(OtlpProtocolVariable), "grpc", StringComparison.OrdinalIgnoreCase);
        return new ExportSettings(host, port, endpoint, grpc, parse.GetValue(Sarif)?.FullName, parse.GetValue(Report)?.FullName, error);
    }

    /// <summary>host:port, [v6]:port; the port 1 to 65535.</summary>
    public static bool TryParseHostPort(string text, out string host, out int port, out string error)
    {
        host = "";
        port = 0;
        error = $"--prometheus needs host:port (e.g. 127.0.0.1:9464), not '{text}'";
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
            return false;
        host = text.Substring(0, colon);
        if (host.Contains(':', StringComparison.Ordinal) && !(host.StartsWith('[') && host.EndsWith(']')))
            return false;
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port < 1 || port > 65535)
        {
            error = $"--prometheus: the port must be a number from 1 to 65535, not '{text.Substring(colon + 1)}'";
            return false;
        }
        if (host.Length == 0 || host.IndexOfAny(new[] { '/', ' ', '?', '#' }) >= 0)
            return false;
        return true;
    }

    public static bool TryParseEndpoint(string text, out Uri? endpoint, out string error)
    {
        error = "";
        if (Uri.TryCreate(text, UriKind.Absolute, out endpoint) && endpoint.Scheme is "http" or "https" && endpoint.Host.Length > 0)
            return true;
        endpoint = null;
        error = $"an OTLP endpoint is an http:// or https:// URL (e.g. http://127.0.0.1:4318), not '{text}'";
        return false;
    }
}
