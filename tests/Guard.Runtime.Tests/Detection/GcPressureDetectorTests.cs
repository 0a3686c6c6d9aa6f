using System.Linq;
using Guard.Runtime.Detection;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Tests.Detection;

public class GcPressureDetectorTests
{
    private static SyntheticStream NewStream(GcPressureOptions? options = null, AllocationSampler? sampler = null) =>
        new(new GcPressureDetector(options ?? new GcPressureOptions(), sampler));

    private static void Ticks(SyntheticStream stream, int from, int to)
    {
        for (var s = from; s < to; s++)
            stream.Counter(s, RuntimeCounters.CpuUsage, 10);
    }

    [Fact]
    public void Healthy_collections_report_nothing()
    {
        var stream = NewStream();
        for (var s = 0; s < 600; s++)
        {
            stream.Counter(s, RuntimeCounters.AllocationRate, 20 * 1048576);
            if (s % 2 == 0)
                stream.Collection(s + 0.3, generation: 0, pauseMs: 4);
            if (s % 20 == 0)
                stream.Collection(s + 0.6, generation: 1, pauseMs: 15);
            if (s % 120 == 0)
                stream.Collection(s + 0.9, generation: 2, pauseMs: 40, background: true);
        }
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Paused_most_of_the_time_is_reported_with_its_share_then_escalated()
    {
        var stream = NewStream();
        Ticks(stream, 0, 10);
        // From t=10: a collection every 100 ms, each pausing 60 ms: 60% of wall time.
        for (var i = 0; i < 100; i++)
        {
            var t = 10 + i * 0.1;
            stream.Collection(t, generation: i % 10 == 0 ? 2 : 1, pauseMs: 60);
            if (i % 10 == 9)
                stream.Counter(10 + (i + 1) / 10, RuntimeCounters.AllocationRate, 400 * 1048576);
        }

        Assert.NotEmpty(stream.Findings);
        var first = stream.Findings[0];
        Assert.Equal(FindingKinds.GcPressure, first.Kind);
        Assert.Equal(SyntheticStream.At(10), first.Since);
        Assert.True((first.Time - first.Since).TotalSeconds < 3, $"reported {(first.Time - first.Since).TotalSeconds} s after onset");
        Assert.Contains("GC paused the process", first.Message);
        Assert.True((double)first.Evidence["pausePercent"]! >= 20);

        var critical = stream.Findings.Last();
        Assert.Equal(Severity.Critical, critical.Severity);
        Assert.InRange((double)critical.Evidence["pausePercent"]!, 50, 61);
        Assert.Equal(400d, critical.Evidence["allocationMBPerSecond"]);
        Assert.True(stream.Findings.Count <= 2);
    }

    [Fact]
    public void One_long_pause_is_not_pressure()
    {
        var stream = NewStream();
        Ticks(stream, 0, 10);
        stream.Collection(10, generation: 2, pauseMs: 2000);
        Ticks(stream, 12, 30);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Induced_collections_are_named_as_GC_Collect()
    {
        var stream = NewStream();
        Ticks(stream, 0, 5);
        for (var i = 0; i < 10; i++)
            stream.Collection(5 + i * 0.5, generation: 2, pauseMs: 1, reason: GcReason.Induced);

        var finding = Assert.Single(stream.Findings);
        Assert.Contains("GC.Collect()", finding.Message);
        Assert.Equal(3, finding.Evidence["inducedCollections"]);
        Assert.Equal(SyntheticStream.At(5), finding.Since);
        Assert.Contains("Remove the GC.Collect() calls", finding.Advice);
        Assert.Equal(Severity.Warning, finding.Severity);
    }

    [Fact]
    public void Two_induced_collections_are_not_a_pattern()
    {
        var stream = NewStream();
        Ticks(stream, 0, 5);
        stream.Collection(5, generation: 2, pauseMs: 1, reason: GcReason.Induced);
        Ticks(stream, 6, 30);
        stream.Collection(30, generation: 2, pauseMs: 1, reason: GcReason.InducedNotForced);
        Ticks(stream, 31, 200);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Frequent_costly_gen2_collections_from_the_large_object_heap_are_reported_over_a_whole_window()
    {
        var stream = NewStream();
        Ticks(stream, 0, 10);
        // A blocking gen2 every 3 s, 300 ms each: 10% of the time lost, under the pause rule's 20%.
        for (var s = 10; s < 50; s++)
        {
            stream.Counter(s, RuntimeCounters.CpuUsage, 50);
            if (s % 3 == 0)
                stream.Collection(s + 0.5, generation: 2, pauseMs: 300, reason: GcReason.AllocLarge);
        }

        var finding = Assert.Single(stream.Findings);
        // Not before the 30 s window has been observed whole.
        Assert.True(finding.Time >= SyntheticStream.At(29.5), $"reported at {finding.Time:HH:mm:ss.f}");
        Assert.Contains("gen2 collections in 30 s", finding.Message);
        Assert.Contains("large object heap", finding.Message);
        Assert.Contains("of the time in pauses", finding.Message);
        Assert.InRange((double)finding.Evidence["gen2WindowPausePercent"]!, 6, 11);
        Assert.Equal(30d, finding.Evidence["gen2WindowSeconds"]);
        Assert.True((int)finding.Evidence["lohTriggeredGen2"]! >= 3);
        Assert.Contains("ArrayPool", finding.Advice);
    }

    // Issue 11, defect 2: "3 gen2 collections in 14.6 s (12.3/min)" with 0.1% of the time paused was reported.
    [Fact]
    public void A_few_cheap_gen2_collections_in_a_short_window_are_not_pressure()
    {
        var stream = NewStream();
        for (var s = 0; s < 15; s++)
            stream.Counter(s, RuntimeCounters.AllocationRate, 227 * 1048576);
        foreach (var t in new[] { 0.2, 7.5, 14.6 })
            stream.Collection(t, generation: 2, pauseMs: 5, background: true);
        for (var s = 15; s < 40; s++)
            stream.Counter(s, RuntimeCounters.AllocationRate, 227 * 1048576);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Bursty_gen2_collections_at_low_pause_for_ten_minutes_are_not_pressure()
    {
        var stream = NewStream();
        for (var s = 0; s < 600; s++)
        {
            stream.Counter(s, RuntimeCounters.AllocationRate, 300 * 1048576);
            // A burst of six background gen2 collections every 10 s (36/min), a few ms of pause each, and gen0 in between.
            if (s % 10 == 0)
            {
                for (var k = 0; k < 6; k++)
                    stream.Collection(s + 0.1 * k, generation: 2, pauseMs: 3, background: true);
            }
            stream.Collection(s + 0.7, generation: 0, pauseMs: 2);
        }
        Assert.Empty(stream.Findings);
    }

    // Issue 11, defect 2: the GC.Collect finding said gen2PerMinute 266 from half a second.
    [Fact]
    public void Induced_collections_are_counted_not_extrapolated_and_say_what_they_cost()
    {
        var stream = NewStream();
        Ticks(stream, 0, 5);
        for (var i = 0; i < 3; i++)
            stream.Collection(5 + i * 0.25, generation: 2, pauseMs: 20, reason: GcReason.Induced);

        var finding = Assert.Single(stream.Findings);
        Assert.Null(finding.Evidence["gen2PerMinute"]);
        Assert.Equal(3, finding.Evidence["inducedCollections"]);
        Assert.InRange((double)finding.Evidence["inducedOverSeconds"]!, 0.5, 0.6);
        Assert.Equal(60d, finding.Evidence["inducedPausedMs"]);
        Assert.NotNull(finding.Evidence["pausePercent"]);
        Assert.Contains("GC.Collect() induced 3 full collections in 520 ms, pausing the process 60 ms in all", finding.Message);
    }

    [Fact]
    public void Most_allocated_types_are_the_culprits()
    {
        var sampler = new AllocationSampler(System.TimeSpan.FromSeconds(30));
        var stream = NewStream(sampler: sampler);
        Ticks(stream, 0, 3);
        for (var i = 0; i < 100; i++)
            sampler.Add(new AllocationSampleSignal(SyntheticStream.At(3), i % 4 == 0 ? "Bot.Quote" : "System.Byte[]", 100_000, false));
        for (var i = 0; i < 100; i++)
            stream.Collection(3 + i * 0.05, generation: 1, pauseMs: 30);

        var finding = stream.Findings[0];
        Assert.Equal("System.Byte[]", finding.Culprits[0]["type"]);
        Assert.Equal(0.75, finding.Culprits[0]["share"]);
        Assert.Equal("Bot.Quote", finding.Culprits[1]["type"]);
    }

    [Fact]
    public void Pause_threshold_is_honoured()
    {
        var stream = NewStream(new GcPressureOptions { PausePercentWarning = 80, PausePercentCritical = 90 });
        Ticks(stream, 0, 10);
        for (var i = 0; i < 100; i++)
            stream.Collection(10 + i * 0.1, generation: 1, pauseMs: 60);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Pressure_that_ends_can_be_reported_again_later()
    {
        var stream = NewStream();
        for (var i = 0; i < 50; i++)
            stream.Collection(i * 0.1, generation: 1, pauseMs: 40);
        Ticks(stream, 5, 60);
        for (var i = 0; i < 50; i++)
            stream.Collection(60 + i * 0.1, generation: 1, pauseMs: 40);

        // Reported, resolved once the pauses have been gone a while, reported again.
        Assert.Equal(new[] { false, true, false }, stream.Findings.Select(f => f.Resolved));
        var resolved = stream.Findings[1];
        Assert.Equal(FindingKinds.GcPressure, resolved.Kind);
        Assert.Equal(SyntheticStream.At(0), resolved.Since);
        Assert.True(resolved.Time < SyntheticStream.At(60));
        Assert.StartsWith("GC pressure cleared: 0% of the last 5 s paused", resolved.Message);
        Assert.Equal(SyntheticStream.At(60), stream.Findings[2].Since);
    }
}
