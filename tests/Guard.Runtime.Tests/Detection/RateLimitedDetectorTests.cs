using System;
using System.Linq;
using Guard.Runtime.Detection;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Tests.Detection;

public class RateLimitedDetectorTests
{
    private static readonly HttpEndpoint Exchange = new("https", "api.exchange.example", 443);
    private static readonly HttpEndpoint Other = new("https", "quotes.example", 443);

    private static SyntheticStream NewStream(RateLimitOptions? options = null) => new(new RateLimitedDetector(options ?? new RateLimitOptions()));

    private static void Request(SyntheticStream stream, double second, HttpEndpoint endpoint, string path, int status, double durationMs = 20)
    {
        stream.Post(new HttpRequestSentSignal(SyntheticStream.At(second), endpoint, path));
        stream.Post(new HttpResponseSignal(SyntheticStream.At(second + durationMs / 1000), endpoint, path, status, SyntheticStream.At(second)));
    }

    [Fact]
    public void Steady_successful_traffic_is_not_reported()
    {
        var stream = NewStream();
        for (var i = 0; i < 6000; i++)
            Request(stream, i * 0.1, Exchange, i % 3 == 0 ? "/api/v3/order" : "/api/v3/ticker", i % 500 == 7 ? 500 : 200);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void A_few_429s_that_are_backed_off_are_not_reported()
    {
        var stream = NewStream();
        // One 429 a minute, the client waits the Retry-After (2 s) before its next request to the host.
        for (var minute = 0; minute < 10; minute++)
        {
            var t0 = minute * 60.0;
            Request(stream, t0, Exchange, "/api/v3/order", 429);
            for (var s = 2.5; s < 60; s += 0.5)
                Request(stream, t0 + s, Exchange, "/api/v3/order", 200);
        }
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void A_host_that_throttles_ten_times_a_minute_is_reported_with_its_endpoints()
    {
        var stream = NewStream();
        // The client backs off 3 s after each 429, but keeps hitting the limit.
        for (var i = 0; i < 12; i++)
        {
            Request(stream, i * 5, Exchange, i % 4 == 0 ? "/api/v3/depth" : "/api/v3/order", 429);
            Request(stream, i * 5 + 3, Exchange, "/api/v3/order", 200);
            Request(stream, i * 5 + 3.5, Other, "/quotes", 200);
        }

        var finding = Assert.Single(stream.Findings);
        Assert.Equal(FindingKinds.RateLimited, finding.Kind);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal(10, finding.Evidence["status429"]);
        Assert.Equal("api.exchange.example", finding.Evidence["host"]);
        Assert.Equal(0, finding.Evidence["earlyRequests"]);
        Assert.Equal(SyntheticStream.At(0.02), finding.Since);
        var top = finding.Culprits[0];
        Assert.Equal("/api/v3/order", top["endpoint"]);
        Assert.Equal(7, top["status429"]);
        Assert.Contains("429 Too Many Requests", finding.Message);
        Assert.Contains("GRD001", finding.Advice);
        Assert.Contains("GRD003", finding.Advice);
    }

    [Fact]
    public void Retries_sent_at_once_after_a_429_are_a_critical_retry_storm()
    {
        var stream = NewStream();
        // A retry loop without a delay: each 429 is retried 5 ms later.
        var t = 0.0;
        for (var i = 0; i < 8; i++)
        {
            Request(stream, t, Exchange, "/api/v3/order", 429, durationMs: 15);
            t += 0.020;
        }

        var finding = Assert.Single(stream.Findings);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.True((int)finding.Evidence["earlyRequests"]! >= 5);
        Assert.InRange((double)finding.Evidence["medianDelayAfter429Ms"]!, 4, 6);
        Assert.Contains("sooner than any Retry-After", finding.Message);
        Assert.Contains("/api/v3/order", finding.Message);
    }

    [Fact]
    public void A_warning_escalates_once_to_a_storm_and_a_new_episode_needs_a_quiet_minute()
    {
        var stream = NewStream();
        for (var i = 0; i < 10; i++)
            Request(stream, i * 3, Exchange, "/api/v3/order", 429);
        Assert.Single(stream.Findings);
        for (var i = 0; i < 6; i++)
            Request(stream, 30 + i * 0.03, Exchange, "/api/v3/order", 429, durationMs: 10);
        Assert.Equal(2, stream.Findings.Count);
        Assert.Equal(Severity.Critical, stream.Findings[1].Severity);
        for (var i = 0; i < 20; i++)
            Request(stream, 31 + i * 0.03, Exchange, "/api/v3/order", 429, durationMs: 10);
        Assert.Equal(2, stream.Findings.Count);

        // Quiet for more than a minute: resolved (at the last severity). Throttled again: a new finding.
        for (var s = 35; s < 120; s++)
            Request(stream, s, Exchange, "/api/v3/order", 200);
        Assert.Equal(3, stream.Findings.Count);
        var resolved = stream.Findings[2];
        Assert.True(resolved.Resolved);
        Assert.Equal(Severity.Critical, resolved.Severity);
        Assert.Equal(stream.Findings[0].Since, resolved.Since);
        Assert.InRange(resolved.Time, SyntheticStream.At(91), SyntheticStream.At(93));
        for (var i = 0; i < 10; i++)
            Request(stream, 120 + i * 3, Exchange, "/api/v3/order", 429);
        Assert.Equal(4, stream.Findings.Count);
        Assert.False(stream.Findings[3].Resolved);
    }

    [Fact]
    public void Other_endpoints_polled_while_one_backs_off_are_not_a_retry_storm()
    {
        var stream = NewStream();
        // /order is throttled 4 times a minute and backed off for 3 s each time; /ticker is polled 10 times a second throughout.
        for (var t = 0.0; t < 600; t += 0.1)
            Request(stream, t, Exchange, "/api/v3/ticker", 200, durationMs: 5);
        for (var minute = 0; minute < 10; minute++)
        {
            for (var k = 0; k < 4; k++)
            {
                var t0 = minute * 60 + k * 15 + 0.05;
                Request(stream, t0, Exchange, "/api/v3/order", 429);
                Request(stream, t0 + 3, Exchange, "/api/v3/order", 200);
            }
        }
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Service_unavailable_alone_is_an_outage_not_a_rate_limit()
    {
        var stream = NewStream();
        for (var i = 0; i < 100; i++)
            Request(stream, i * 0.01, Exchange, "/api/v3/order", 503, durationMs: 2);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Service_unavailable_counts_from_a_host_that_also_throttles()
    {
        var stream = NewStream();
        Request(stream, 0, Exchange, "/api/v3/order", 429);
        for (var i = 1; i < 10; i++)
            Request(stream, i * 3, Exchange, "/api/v3/order", 503);
        var finding = Assert.Single(stream.Findings);
        Assert.Equal(1, finding.Evidence["status429"]);
        Assert.Equal(9, finding.Evidence["status503"]);
    }

    [Fact]
    public void Thresholds_are_honored()
    {
        var stream = NewStream(new RateLimitOptions { MinThrottled = 30 });
        for (var i = 0; i < 20; i++)
            Request(stream, i * 2, Exchange, "/api/v3/order", 429);
        Assert.Empty(stream.Findings);
    }
}
