using System;
using System.Linq;
using Guard.Runtime.Detection;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Tests.Detection;

public class ExceptionStormDetectorTests
{
    private static SyntheticStream NewStream(ExceptionStormOptions? options = null) => new(new ExceptionStormDetector(options ?? new ExceptionStormOptions()));

    private static void Second(SyntheticStream stream, double second, int count, string type = "System.FormatException", string message = "bad input")
    {
        for (var i = 0; i < Math.Min(count, 2000); i++)
            stream.Post(new ExceptionSignal(SyntheticStream.At(second - 1 + (i + 0.5) / Math.Min(count, 2000)), type, message));
        stream.Counter(second, ServiceCounters.ExceptionCount, count);
    }

    [Fact]
    public void A_storm_far_above_the_baseline_is_reported_with_its_type_and_message()
    {
        var stream = NewStream();
        for (var s = 1; s <= 60; s++)
            Second(stream, s, 2 + s % 3, "System.Collections.Generic.KeyNotFoundException", "missing key");
        for (var s = 61; s <= 80; s++)
            Second(stream, s, 400, "System.Net.Http.HttpRequestException", "Connection refused (exchange:443)");

        var finding = Assert.Single(stream.Findings);
        Assert.Equal(FindingKinds.ExceptionStorm, finding.Kind);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal(3d, finding.Evidence["baselinePerSecond"]);
        Assert.Equal("System.Net.Http.HttpRequestException", finding.Culprits[0]["type"]);
        Assert.Equal("Connection refused (exchange:443)", finding.Culprits[0]["message"]);
        Assert.Contains("HttpRequestException", finding.Message);
        Assert.Contains("Connection refused", finding.Message);
        Assert.True(finding.Time <= SyntheticStream.At(63), finding.Time.ToString("O"));
    }

    [Fact]
    public void A_process_that_always_throws_a_lot_is_its_own_baseline()
    {
        var stream = NewStream();
        var random = new Random(7);
        for (var s = 1; s <= 900; s++)
            Second(stream, s, 300 + random.Next(-100, 100));
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void A_short_burst_is_not_a_storm()
    {
        var stream = NewStream();
        for (var s = 1; s <= 60; s++)
            Second(stream, s, 1);
        Second(stream, 61, 200); // one bad second: 40/s over the 5 s window
        for (var s = 62; s <= 120; s++)
            Second(stream, s, 1);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Without_a_baseline_nothing_is_reported()
    {
        var stream = NewStream();
        for (var s = 1; s <= 20; s++)
            Second(stream, s, 5000);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void A_long_storm_is_reported_once_escalated_once_and_again_after_it_ends()
    {
        var stream = NewStream();
        for (var s = 1; s <= 40; s++)
            Second(stream, s, 1);
        for (var s = 41; s <= 200; s++)
            Second(stream, s, s < 100 ? 200 : 3000);
        Assert.Equal(2, stream.Findings.Count);
        Assert.Equal(Severity.Critical, stream.Findings[1].Severity);

        for (var s = 201; s <= 400; s++)
            Second(stream, s, 1);
        var resolved = Assert.Single(stream.Findings, f => f.Resolved);
        Assert.Equal(Severity.Critical, resolved.Severity);
        Assert.Equal(stream.Findings[0].Since, resolved.Since);
        Assert.InRange(resolved.Time, SyntheticStream.At(201), SyntheticStream.At(210));
        for (var s = 401; s <= 420; s++)
            Second(stream, s, 200);
        Assert.Equal(4, stream.Findings.Count);
        Assert.False(stream.Findings[3].Resolved);
    }
}
