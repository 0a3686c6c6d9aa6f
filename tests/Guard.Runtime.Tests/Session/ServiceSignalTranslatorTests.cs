using System;
using System.Collections.Generic;
using System.Text.Json;
using Guard.Runtime.Session;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Tests.Session;

public class ServiceSignalTranslatorTests
{
    private static readonly DateTime T0 = new(2026, 11, 22, 5, 0, 0, DateTimeKind.Utc);
    private readonly List<Signal> _signals = new();
    private readonly ServiceSignalTranslator _translator;

    public ServiceSignalTranslatorTests() => _translator = new ServiceSignalTranslator(_signals.Add);

    [Fact]
    public void Stop_and_queue_exit_are_tied_to_their_request_by_activity_id()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        _translator.OnHttpRequestStart(T0, a, "https", "api.exchange.example", 443, "/api/v3/order?*");
        _translator.OnHttpRequestStart(T0, b, "http", "127.0.0.1", 5000, "/slow");
        _translator.OnHttpRequestLeftQueue(T0.AddMilliseconds(300), b, 299.5, 1);
        _translator.OnHttpRequestStop(T0.AddMilliseconds(40), a, 429);
        _translator.OnHttpRequestStop(T0.AddMilliseconds(900), b, 200);
        _translator.OnHttpRequestStop(T0.AddMilliseconds(900), Guid.NewGuid(), 200);

        Assert.Equal(new HttpRequestSentSignal(T0, new HttpEndpoint("https", "api.exchange.example", 443), "/api/v3/order"), _signals[0]);
        var wait = Assert.IsType<HttpQueueWaitSignal>(_signals[2]);
        Assert.Equal("127.0.0.1:5000", wait.Endpoint.ToString());
        Assert.Equal(299.5, wait.QueueMilliseconds);
        var throttled = Assert.IsType<HttpResponseSignal>(_signals[3]);
        Assert.Equal(429, throttled.StatusCode);
        Assert.Equal("api.exchange.example", throttled.Endpoint.ToString());
        Assert.Equal(T0, throttled.Started);
        Assert.Equal(5, _signals.Count);
        Assert.Equal(1, _translator.Unmatched);
    }

    [Fact]
    public void Connections_closed_are_known_only_when_seen_opening()
    {
        _translator.OnHttpConnectionEstablished(T0, 7, "https", "api.exchange.example", 443);
        _translator.OnHttpConnectionClosed(T0.AddSeconds(1), 7);
        _translator.OnHttpConnectionClosed(T0.AddSeconds(1), 8);
        Assert.Equal(2, _signals.Count);
        Assert.False(Assert.IsType<HttpConnectionSignal>(_signals[1]).Opened);
    }

    [Theory]
    [InlineData("/api/v3/order?*", "/api/v3/order")]
    [InlineData("/?*", "/")]
    [InlineData("?*", "/")]
    [InlineData("", "/")]
    [InlineData("/a/b#frag", "/a/b")]
    public void Queries_are_never_kept(string pathAndQuery, string path) => Assert.Equal(path, ServiceSignalTranslator.PathOf(pathAndQuery));

    [Fact]
    public void Exceptions_keep_type_and_message()
    {
        _translator.OnException(T0, "System.TimeoutException", "The operation has timed out.");
        _translator.OnException(T0, null, null);
        Assert.Equal(new ExceptionSignal(T0, "System.TimeoutException", "The operation has timed out."), _signals[0]);
        Assert.Equal("(unknown type)", ((ExceptionSignal)_signals[1]).TypeName);
    }

    [Fact]
    public void The_hard_limit_follows_the_runtime_rules()
    {
        const long GiB = 1L << 30;
        var none = Array.Empty<string>();
        Assert.Equal(MemoryLimits.None, MemoryLimits.Resolve(none, null, null, 8 * GiB));

        var env = MemoryLimits.Resolve(new[] { "PATH=/bin", "DOTNET_GCHeapHardLimit=0x6400000" }, null, 2 * GiB, 8 * GiB);
        Assert.Equal(100L * 1024 * 1024, env.HeapHardLimitBytes);
        Assert.Equal("GCHeapHardLimit", env.HeapHardLimitSource);
        Assert.Equal(2 * GiB, env.ContainerLimitBytes);

        Assert.Equal(0xC800000, MemoryLimits.Resolve(new[] { "COMPlus_GCHeapHardLimit=C800000" }, null, null, 8 * GiB).HeapHardLimitBytes);

        var config = JsonDocument.Parse("{\"runtimeOptions\":{\"configProperties\":{\"System.GC.HeapHardLimit\":209715200}}}").RootElement;
        Assert.Equal(209715200, MemoryLimits.Resolve(none, config, null, 8 * GiB).HeapHardLimitBytes);

        var percent = MemoryLimits.Resolve(new[] { "DOTNET_GCHeapHardLimitPercent=0x32" }, null, 2 * GiB, 8 * GiB); // 50% of the container
        Assert.Equal(GiB, percent.HeapHardLimitBytes);

        var container = MemoryLimits.Resolve(none, null, 2 * GiB, 8 * GiB);
        Assert.Equal(3 * GiB / 2, container.HeapHardLimitBytes);
        Assert.Contains("75%", container.HeapHardLimitSource);
    }

    [Fact]
    public void Limits_of_this_process_can_be_read()
    {
        var limits = MemoryLimits.Read(Environment.ProcessId);
        // Not asserting a value: the test machine may or may not be in a limited cgroup. It must not throw, and any limit is positive.
        Assert.True(limits.HeapHardLimitBytes is null or > 0);
        Assert.True(limits.ContainerLimitBytes is null or > 0);
    }
}
