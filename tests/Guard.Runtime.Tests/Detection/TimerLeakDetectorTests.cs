using System;
using Guard.Runtime.Detection;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Tests.Detection;

public class TimerLeakDetectorTests
{
    private static SyntheticStream NewStream(TimerLeakOptions? options = null) => new(new TimerLeakDetector(options ?? new TimerLeakOptions()));

    private static void Timers(SyntheticStream stream, double second, double count) => stream.Counter(second, ServiceCounters.ActiveTimerCount, count);

    [Fact]
    public void Timers_that_keep_growing_are_a_leak_with_their_rate()
    {
        var stream = NewStream();
        // 20 new timers a second that are never disposed, beside 40 that come and go.
        for (var s = 0; s <= 120; s++)
            Timers(stream, s, 40 + (s % 3) + 20 * s);

        var finding = Assert.Single(stream.Findings);
        Assert.Equal(FindingKinds.TimerLeak, finding.Kind);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.InRange(finding.Time, SyntheticStream.At(60), SyntheticStream.At(64));
        Assert.InRange((double)finding.Evidence["growthPerMinute"]!, 1190, 1210);
        Assert.InRange((double)finding.Culprits[0]["timerGrowthPerMinute"]!, 1190, 1210);
        Assert.Contains("a minute", finding.Message);

        // The timers are disposed: resolved, once.
        for (var s = 121; s <= 180; s++)
            Timers(stream, s, 40);
        Assert.Equal(2, stream.Findings.Count);
        Assert.True(stream.Findings[1].Resolved);
        Assert.Equal(finding.Since, stream.Findings[1].Since);
    }

    [Fact]
    public void Timers_created_and_disposed_at_a_steady_load_are_not_reported()
    {
        var stream = NewStream();
        var random = new Random(3);
        for (var s = 0; s <= 1800; s++)
            Timers(stream, s, 800 + random.Next(-150, 150));
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Request_timeouts_that_pile_up_during_a_ramp_and_level_off_are_not_reported()
    {
        var stream = NewStream();
        // Load doubles over 40 s: in-flight requests each hold a 100 s timeout, so the count rises for 100 s, then levels off.
        for (var s = 0; s <= 600; s++)
            Timers(stream, s, 200 + 3000 * (1 - Math.Exp(-s / 30.0)));
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void A_rise_shorter_than_the_minimum_span_is_not_reported()
    {
        var stream = NewStream();
        for (var s = 0; s <= 40; s++)
            Timers(stream, s, 100 + 50 * s);
        for (var s = 41; s <= 300; s++)
            Timers(stream, s, 100 + (s % 5));
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Slow_growth_under_the_floor_is_not_reported()
    {
        var stream = NewStream();
        for (var s = 0; s <= 1800; s++)
            Timers(stream, s, 100 + s / 2.0); // 30 a minute
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Fast_growth_is_critical()
    {
        var stream = NewStream();
        for (var s = 0; s <= 90; s++)
            Timers(stream, s, 10 + 200 * s);
        var finding = Assert.Single(stream.Findings);
        Assert.Equal(Severity.Critical, finding.Severity);
    }
}
