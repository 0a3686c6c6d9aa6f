using System;
using Guard.Runtime.Detection;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Tests.Detection;

public class ConnectionPoolSaturationDetectorTests
{
    private static readonly HttpEndpoint Api = new("https", "api.exchange.example", 443);

    private static SyntheticStream NewStream(ConnectionPoolOptions? options = null) => new(new ConnectionPoolSaturationDetector(options ?? new ConnectionPoolOptions()));

    private static void Open(SyntheticStream stream, double second, long id) => stream.Post(new HttpConnectionSignal(SyntheticStream.At(second), Api, id, true));

    private static void Wait(SyntheticStream stream, double second, double ms, string path = "/api/v3/order", int version = 1) =>
        stream.Post(new HttpQueueWaitSignal(SyntheticStream.At(second), Api, path, ms, version));

    [Fact]
    public void Requests_waiting_for_busy_connections_at_the_limit_are_reported()
    {
        var stream = NewStream();
        // Two connections opened at the start; then every request waits ~400 ms for one of them to come free.
        Open(stream, 0, 1);
        Open(stream, 0.05, 2);
        for (var i = 0; i < 20; i++)
            Wait(stream, 1 + i * 0.2, 400 + i % 3 * 10, i % 5 == 0 ? "/api/v3/depth" : "/api/v3/order");

        var finding = Assert.Single(stream.Findings);
        Assert.Equal(FindingKinds.ConnectionPoolSaturation, finding.Kind);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal(5, finding.Evidence["queuedRequests"]);
        Assert.Equal(2, finding.Evidence["connectionsOpen"]);
        Assert.Equal("api.exchange.example", finding.Evidence["host"]);
        Assert.Equal("/api/v3/order", finding.Culprits[0]["endpoint"]);
        Assert.Contains("per-server limit (2 connections open)", finding.Message);

        // The pool keeps up again (short waits only): resolved after two windows.
        for (var i = 0; i < 300; i++)
            Wait(stream, 6 + i * 0.1, 3);
        Assert.Equal(2, stream.Findings.Count);
        var resolved = stream.Findings[1];
        Assert.True(resolved.Resolved);
        Assert.Equal(FindingKinds.ConnectionPoolSaturation, resolved.Kind);
        Assert.Equal(finding.Since, resolved.Since);
    }

    [Fact]
    public void Waits_while_new_connections_open_are_connects_not_saturation()
    {
        var stream = NewStream();
        // A burst at start-up against a far host: each request waits ~300 ms for the TLS handshake of its own connection.
        for (var i = 0; i < 50; i++)
        {
            Open(stream, i * 0.1 + 0.29, i);
            Wait(stream, i * 0.1 + 0.3, 300);
        }
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Short_waits_of_a_busy_but_sufficient_pool_are_not_reported()
    {
        var stream = NewStream();
        Open(stream, 0, 1);
        for (var i = 0; i < 3000; i++)
            Wait(stream, 1 + i * 0.01, 2 + i % 7);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Long_waits_are_critical_and_escalate_once()
    {
        var stream = NewStream();
        Open(stream, 0, 1);
        for (var i = 0; i < 6; i++)
            Wait(stream, 1 + i * 0.1, 200);
        Assert.Single(stream.Findings);
        for (var i = 0; i < 20; i++)
            Wait(stream, 2 + i * 0.1, 2500);
        Assert.Equal(2, stream.Findings.Count);
        Assert.Equal(Severity.Critical, stream.Findings[1].Severity);
    }

    [Fact]
    public void Http2_stream_limit_is_named_as_such()
    {
        var stream = NewStream();
        Open(stream, 0, 1);
        for (var i = 0; i < 10; i++)
            Wait(stream, 1 + i * 0.1, 300, version: 2);
        var finding = Assert.Single(stream.Findings);
        Assert.Equal("2", finding.Evidence["httpVersion"]);
        Assert.Contains("EnableMultipleHttp2Connections", finding.Advice);
    }
}
