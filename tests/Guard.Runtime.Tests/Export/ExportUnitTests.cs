using System;
using Guard.Cli.Export;
using Guard.Runtime.Detection;
using Guard.Runtime.Output;
using Guard.Runtime.Session;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Tests.Export;

public class ExportUnitTests
{
    private static readonly DateTime T0 = new(2026, 11, 22, 5, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("127.0.0.1:9464", "127.0.0.1", 9464)]
    [InlineData("localhost:1", "localhost", 1)]
    [InlineData("0.0.0.0:65535", "0.0.0.0", 65535)]
    [InlineData("[::1]:9464", "[::1]", 9464)]
    public void Host_and_port_are_read(string text, string host, int port)
    {
        Assert.True(ExportOptions.TryParseHostPort(text, out var h, out var p, out var error), error);
        Assert.Equal(host, h);
        Assert.Equal(port, p);
    }

    [Theory]
    [InlineData("9464")]
    [InlineData(":9464")]
    [InlineData("host:")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("host:-1")]
    [InlineData("::1:9464")]
    [InlineData("http://host:9464")]
    public void Malformed_host_and_port_are_refused(string text)
    {
        Assert.False(ExportOptions.TryParseHostPort(text, out _, out _, out var error));
        Assert.StartsWith("--prometheus", error);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4318", true)]
    [InlineData("https://collector.example:4318/", true)]
    [InlineData("collector:4318", false)]
    [InlineData("ftp://collector", false)]
    public void Otlp_endpoints_are_http_urls(string text, bool valid)
    {
        Assert.Equal(valid, ExportOptions.TryParseEndpoint(text, out _, out _));
    }

    [Fact]
    public void The_sampler_turns_signals_and_status_into_the_exported_figures()
    {
        var sampler = new ProcessSampler();
        sampler.Observe(new GcHeapSignal(T0, 2, 50 * 1_048_576L, 60 * 1_048_576L));
        sampler.Observe(new CounterSignal(T0, RuntimeCounters.AllocationRate, 20_000_000, 2));
        sampler.Observe(new CounterSignal(T0, RuntimeCounters.WorkingSetMB, 120, 1));
        sampler.Observe(new CounterSignal(T0, ServiceCounters.ExceptionCount, 30, 1));
        var endpoint = new HttpEndpoint("https", "api.exchange", 443);
        sampler.Observe(new HttpResponseSignal(T0, endpoint, "/order", 429, T0));
        sampler.Observe(new HttpResponseSignal(T0, endpoint, "/order", 200, T0));
        sampler.Observe(new HttpQueueWaitSignal(T0, endpoint, "/order", 250, 1));

        var sample = sampler.Sample(new StatusSnapshot(T0.AddSeconds(1), 70, 12.5, 8, 40, 9.5, 30, 3));

        Assert.Equal(50 * 1_048_576.0, sample.Get(WatchMetrics.HeapAfterGc));
        Assert.Equal(10_000_000, sample.Get(WatchMetrics.AllocationRate));
        Assert.Equal(120_000_000, sample.Get(WatchMetrics.WorkingSet));
        Assert.Equal(30, sample.Get(WatchMetrics.Exceptions));
        Assert.Equal(12.5, sample.Get(WatchMetrics.GcPaused));
        Assert.Equal(40, sample.Get(WatchMetrics.QueueLength));
        Assert.Equal(8, sample.Get(WatchMetrics.ThreadCount));
        Assert.Equal(250, sample.Get(WatchMetrics.HttpQueueWait));
        Assert.Single(sample.Collections);

        // Rates are per interval: the next one starts from zero.
        var next = sampler.Sample(new StatusSnapshot(T0.AddSeconds(2), 70, 0, 8, 0, 1, 1, 3));
        Assert.Equal(0, next.Get(WatchMetrics.HttpRateLimited));
        Assert.Empty(next.Collections);
        Assert.Equal(50 * 1_048_576.0, next.Get(WatchMetrics.HeapAfterGc));
    }

    [Fact]
    public void Detector_state_follows_severity_and_resolution()
    {
        Finding Make(Severity severity, bool resolved) => new()
        {
            Kind = FindingKinds.GcPressure, Severity = severity, Resolved = resolved, Time = T0, Since = T0,
            Message = "m", Evidence = new Evidence(), Advice = "a",
        };
        Assert.Equal(1, WatchMetrics.State(Make(Severity.Warning, false)));
        Assert.Equal(2, WatchMetrics.State(Make(Severity.Critical, false)));
        Assert.Equal(0, WatchMetrics.State(Make(Severity.Critical, true)));
        Assert.Equal(WatchMetrics.Kinds.Count, SarifSink.Rules.Count);
    }
}
