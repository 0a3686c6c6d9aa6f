using System;
using System.Linq;
using Guard.Runtime.Detection;

namespace Guard.Runtime.Tests.Detection;

public class MemoryLeakDetectorTests
{
    private static SyntheticStream NewStream(MemoryLeakOptions? options = null) => new(new MemoryLeakDetector(options ?? new MemoryLeakOptions()));

    /// <summary>A heap that grows at a steady rate: a gen0 every <paramref name="step"/> s, a gen2 every <paramref name="gen2Every"/> s.</summary>
    private static void Leak(SyntheticStream stream, double from, double to, double startMB, double mbPerSecond, double step = 4, double gen2Every = 12)
    {
        for (var s = from; s <= to; s += step)
            stream.Heap(s, (s - from) % gen2Every == 0 && s > from ? 2 : 0, startMB + mbPerSecond * (s - from));
    }

    /// <summary>
    /// A cache filled at <paramref name="mbPerSecond"/> and cleared every <paramref name="period"/> s, as the runtime sees
    /// it: a collection every 2 s, a gen2 every <paramref name="gen2Every"/> s that finds the cache at its current size.
    /// </summary>
    private static void PeriodicCache(SyntheticStream stream, double seconds, double period, double mbPerSecond, double gen2Every, double baseMB = 40, double phase = 0)
    {
        for (var s = 0.0; s <= seconds; s += 2)
        {
            var inCycle = (s + phase) % period;
            stream.Heap(s, s % gen2Every == 0 && s > 0 ? 2 : 0, baseMB + mbPerSecond * inCycle);
        }
    }

    [Fact]
    public void Steady_growth_over_two_gen2_collections_is_first_suspected_then_confirmed_and_critical()
    {
        var stream = NewStream();
        // 4 MB/s retained for six minutes: a gen0 every 4 s, a gen2 every 12 s, all on the line.
        Leak(stream, 0, 360, 20, 4);

        Assert.Equal(2, stream.Findings.Count);
        var suspected = stream.Findings[0];
        Assert.Equal(FindingKinds.MemoryLeak, suspected.Kind);
        Assert.Equal(Severity.Warning, suspected.Severity);
        Assert.StartsWith("suspected memory leak: live heap after gen2 collections grew 240 MB/min", suspected.Message);
        Assert.Equal(false, suspected.Evidence["confirmed"]);
        Assert.InRange(suspected.Since, SyntheticStream.At(0), SyntheticStream.At(20));
        Assert.True((suspected.Time - suspected.Since).TotalSeconds >= 150);
        Assert.Equal(240d, suspected.Evidence["growthMBPerMin"]);
        Assert.Equal(1d, suspected.Evidence["rSquared"]);
        Assert.True((int)suspected.Evidence["gen2Collections"]! >= 2);

        var confirmed = stream.Findings[1];
        Assert.Equal(Severity.Critical, confirmed.Severity);
        Assert.Equal(true, confirmed.Evidence["confirmed"]);
        Assert.StartsWith("memory leak confirmed:", confirmed.Message);
        Assert.True((confirmed.Time - confirmed.Since).TotalSeconds >= 300);
    }

    [Fact]
    public void At_a_hundred_collections_a_second_the_window_holds_about_one_ephemeral_point_a_second_and_still_finds_the_leak()
    {
        var detector = new MemoryLeakDetector(new MemoryLeakOptions());
        var stream = new SyntheticStream(detector);
        // 4 MB/s retained for ten minutes under 100 collections a second, one in 100 a gen2, with garbage riding on top.
        for (var i = 0; i <= 60_000; i++)
        {
            var s = i / 100.0;
            var gen2 = i % 100 == 0 && i > 0;
            stream.Heap(s, gen2 ? 2 : 0, 20 + 4 * s + (gen2 ? 0 : 5 * (i % 10)));
        }

        Assert.InRange(detector.PointsHeld, 600, 1300);
        Assert.Equal(2, stream.Findings.Count);
        Assert.InRange((double)stream.Findings[0].Evidence["growthMBPerMin"]!, 225, 245);
        Assert.Equal(true, stream.Findings[1].Evidence["confirmed"]);
    }

    [Fact]
    public void A_single_gen2_collection_is_not_a_trend()
    {
        var stream = NewStream(new MemoryLeakOptions { MinSpanSeconds = 10 });
        // Growth seen by ephemeral collections, with one gen2 at the end.
        for (var s = 0; s <= 60; s += 4)
            stream.Heap(s, s == 60 ? 2 : 0, 20 + 4 * s);
        Assert.Empty(stream.Findings);
    }

    // Issue 11, defect 1: a cache filled at ~2 MB/s and cleared every 30 s was a critical leak 18 s after attaching.
    [Theory]
    [InlineData(10, 0)]
    [InlineData(30, 0)]
    [InlineData(30, 12)] // attached in the middle of a cycle
    [InlineData(60, 0)]
    [InlineData(120, 0)]
    [InlineData(120, 70)]
    public void A_periodic_cache_is_never_a_leak_over_ten_minutes(double period, double phase)
    {
        foreach (var gen2Every in new[] { 6.0, 14.0, 30.0 })
        {
            var stream = NewStream();
            PeriodicCache(stream, 600, period, mbPerSecond: 2, gen2Every, phase: phase);
            Assert.True(stream.Findings.Count == 0, $"period {period} s, gen2 every {gen2Every} s: {string.Join(" | ", stream.Findings.Select(f => f.Message))}");
        }
    }

    /// <summary>
    /// A cache cleared on a cycle of <paramref name="period"/> s (stretched up to 30% at random), filled at a rate that
    /// varies from tick to tick as in a starved process, with a gen2 collection every 3 to <paramref name="gen2Max"/> s at
    /// random and a floor rising at <paramref name="leakMBPerSecond"/>.
    /// </summary>
    private static SyntheticStream IrregularCache(int seed, double period, double mbPerSecond, double gen2Max, double leakMBPerSecond = 0)
    {
        var random = new Random(seed);
        var stream = NewStream();
        var nextGen2 = 3 + random.NextDouble() * (gen2Max - 3);
        var cycleStart = -random.NextDouble() * period;
        var cycleLength = period * (1 + 0.3 * random.NextDouble());
        var rate = mbPerSecond * (0.5 + random.NextDouble());
        var size = rate * -cycleStart;
        for (var s = 0.0; s <= 600; s += 2)
        {
            if (s - cycleStart >= cycleLength)
            {
                cycleStart = s;
                cycleLength = period * (1 + 0.3 * random.NextDouble());
                rate = mbPerSecond * (0.5 + random.NextDouble());
                size = 0;
            }
            size += 2 * rate * (random.NextDouble() < 0.3 ? 0.1 : 1.4);
            var gen2 = s >= nextGen2;
            if (gen2)
                nextGen2 = s + 3 + random.NextDouble() * (gen2Max - 3);
            stream.Heap(s, gen2 ? 2 : 0, 40 + leakMBPerSecond * s + size + random.NextDouble() * 3);
        }
        return stream;
    }

    // The zoo under load (6 targets on 2 cores): a cache cleared every 60 s was suspected of a leak "keeping its gains
    // across 1 reset", because a starved process's gen2 collections come at irregular moments of its cycle, so the
    // trough seen after a clear is wherever the refill had got to. 1 seed in 1,000 reproduced it with one reset allowed.
    [Theory]
    [InlineData(60, 1.0, 20)]
    [InlineData(60, 2.0, 4)]
    [InlineData(60, 2.0, 20)]
    [InlineData(60, 2.0, 50)]
    [InlineData(60, 2.0, 100)]
    [InlineData(60, 2.0, 150)]
    [InlineData(30, 2.0, 50)]
    [InlineData(120, 1, 100)]
    [InlineData(120, 1, 200)]
    public void A_periodic_cache_with_irregular_gen2_collections_is_never_a_leak(double period, double mbPerSecond, double gen2Max)
    {
        var failures = Enumerable.Range(0, 1000)
            .Select(seed => (seed, findings: IrregularCache(seed, period, mbPerSecond, gen2Max).Findings))
            .Where(run => run.findings.Count > 0)
            .Select(run => $"seed {run.seed}: {run.findings[0].Message}")
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of 1000: {string.Join(" | ", failures.Take(3))}");
    }

    [Theory]
    [InlineData(60, 2.0, 20)]
    [InlineData(30, 2.0, 50)]
    [InlineData(120, 1.0, 50)]
    public void A_leak_under_the_same_irregular_cache_is_still_reported(double period, double mbPerSecond, double gen2Max)
    {
        // 1 MB/s (60 MB/min) kept under the cache: reported within ten minutes. (With gen2 collections up to 50 s apart
        // under a 60 s cycle, 6 seeds in 200 are still unreported at ten minutes; at 0.5 MB/s, 38 to 58 in 200, against 35
        // to 39 when one reset was enough: the price of the false positive above.)
        var missed = Enumerable.Range(0, 200)
            .Where(seed => !IrregularCache(seed, period, mbPerSecond, gen2Max, leakMBPerSecond: 1.0).Findings.Any(f => !f.Resolved))
            .ToList();
        Assert.True(missed.Count == 0, $"missed in {missed.Count} of 200 (seeds {string.Join(", ", missed.Take(10))})");
    }

    [Fact]
    public void A_first_sighting_is_a_warning_even_when_fast()
    {
        var stream = NewStream(new MemoryLeakOptions { MinSpanSeconds = 20, ConfirmSpanSeconds = 10_000 });
        Leak(stream, 0, 120, 20, 10);
        var finding = Assert.Single(stream.Findings);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.StartsWith("suspected memory leak", finding.Message);
    }

    [Fact]
    public void A_cycle_seen_to_reset_counts_against_a_trend_shorter_than_it()
    {
        var options = new MemoryLeakOptions { MinSpanSeconds = 20 };
        var stream = NewStream(options);
        // A cache with a 90 s cycle, with the suspicion threshold lowered to 20 s: the first rise is suspected (nothing
        // is known of the process yet) and resolved by the reset; after that, every rise is shorter than the cycle seen.
        PeriodicCache(stream, 600, period: 90, mbPerSecond: 2, gen2Every: 10);
        Assert.Equal(new[] { false, true }, stream.Findings.Select(f => f.Resolved));
        Assert.Equal(Severity.Warning, stream.Findings[0].Severity);
        Assert.True(stream.Findings[1].Time <= SyntheticStream.At(91));
    }

    [Fact]
    public void A_leak_under_a_sawtooth_is_confirmed_when_it_keeps_its_gains_across_resets()
    {
        var stream = NewStream(new MemoryLeakOptions { MinSpanSeconds = 60 });
        // A batch of 60 MB built and released every 30 s, above a floor that rises 1 MB/s (60 MB/min).
        for (var s = 0.0; s <= 600; s += 2)
        {
            var floor = 50 + s;
            var batch = 2 * (s % 30);
            stream.Heap(s, s % 10 == 0 && s > 0 ? 2 : 0, floor + batch);
        }

        Assert.NotEmpty(stream.Findings);
        var confirmed = stream.Findings.FirstOrDefault(f => f.Evidence["confirmed"] is true);
        Assert.NotNull(confirmed);
        Assert.True((int)confirmed!.Evidence["resetsKeptGains"]! >= 2 || (double)confirmed.Evidence["windowSeconds"]! >= 300);
        Assert.DoesNotContain(stream.Findings, f => f.Resolved);
    }

    [Fact]
    public void A_slow_leak_is_a_warning_and_needs_its_floor()
    {
        var stream = NewStream();
        // 12 MB/min for ten minutes, with a gen2 every minute.
        for (var s = 0; s <= 600; s += 10)
            stream.Heap(s, s % 60 == 0 ? 2 : 1, 200 + 0.2 * s);

        Assert.NotEmpty(stream.Findings);
        Assert.All(stream.Findings, f => Assert.Equal(Severity.Warning, f.Severity));
        Assert.InRange((double)stream.Findings[0].Evidence["growthMBPerMin"]!, 11.9, 12.1);

        var strict = NewStream(new MemoryLeakOptions { MinGrowthMBPerMin = 20 });
        for (var s = 0; s <= 600; s += 10)
            strict.Heap(s, s % 60 == 0 ? 2 : 1, 200 + 0.2 * s);
        Assert.Empty(strict.Findings);
    }

    [Fact]
    public void Growth_under_the_floor_is_not_reported()
    {
        var stream = NewStream();
        for (var s = 0; s <= 1800; s += 10)
            stream.Heap(s, s % 60 == 0 ? 2 : 0, 300 + s / 60.0 * 5);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void A_sawtooth_that_gen2_collections_give_back_is_not_a_leak()
    {
        var stream = NewStream(new MemoryLeakOptions { MinSpanSeconds = 10 });
        // Ephemeral collections see a batch grow to 60 MB over 20 s; every gen2 finds it released.
        for (var cycle = 0; cycle < 15; cycle++)
        {
            var t0 = cycle * 24;
            for (var k = 0; k < 5; k++)
                stream.Heap(t0 + 4 * k, 0, 30 + 15 * k);
            stream.Heap(t0 + 20, 2, 31 + cycle % 3);
        }
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Promoted_garbage_that_a_gen2_collects_is_not_a_leak()
    {
        var stream = NewStream(new MemoryLeakOptions { MinSpanSeconds = 10 });
        // Mid-life objects promoted to gen2 pile up between gen2 collections (every 90 s), which collect them.
        for (var s = 0; s <= 900; s += 5)
        {
            var sinceGen2 = s % 90;
            stream.Heap(s, sinceGen2 == 0 && s > 0 ? 2 : 1, sinceGen2 == 0 ? 120 : 120 + 1.5 * sinceGen2);
        }
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void A_cache_that_warms_up_and_plateaus_is_not_a_leak()
    {
        var stream = NewStream(new MemoryLeakOptions { MinSpanSeconds = 10 });
        // Fills fast, then slows towards its bound: 100 MB with an 8 s time constant; a gen2 every 20 s.
        for (var s = 0; s <= 300; s += 2)
            stream.Heap(s, s % 20 == 0 && s > 0 ? 2 : 0, 10 + 100 * (1 - Math.Exp(-s / 8.0)));
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void A_slowly_warming_cache_that_plateaus_after_minutes_is_not_a_leak()
    {
        var stream = NewStream();
        // 300 MB reached with a 60 s time constant; a gen2 every 15 s, ten minutes.
        for (var s = 0; s <= 600; s += 3)
            stream.Heap(s, s % 15 == 0 && s > 0 ? 2 : 0, 30 + 300 * (1 - Math.Exp(-s / 60.0)));
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Growth_after_a_flat_start_is_measured_from_where_it_began()
    {
        var stream = NewStream(new MemoryLeakOptions { MinSpanSeconds = 40 });
        for (var s = 0; s < 120; s += 5)
            stream.Heap(s, s % 30 == 0 && s > 0 ? 2 : 0, 80 + (s % 2));
        for (var s = 120; s <= 200; s += 5)
            stream.Heap(s, s % 15 == 0 ? 2 : 0, 80 + 2 * (s - 115));

        var finding = stream.Findings[0];
        Assert.InRange(finding.Since, SyntheticStream.At(110), SyntheticStream.At(120));
        Assert.InRange((double)finding.Evidence["growthMBPerMin"]!, 100, 125);
    }

    [Fact]
    public void A_leak_that_gives_its_memory_back_is_resolved_and_can_be_reported_again()
    {
        var stream = NewStream(new MemoryLeakOptions { MinSpanSeconds = 30, ConfirmSpanSeconds = 10_000, CriticalGrowthMBPerMin = 1000 });
        for (var s = 0; s <= 120; s += 5)
            stream.Heap(s, s % 15 == 0 && s > 0 ? 2 : 0, 50 + s);
        var reported = Assert.Single(stream.Findings);
        Assert.False(reported.Resolved);

        // Released: a gen2 finds the heap back where it began.
        stream.Heap(125, 2, 52);
        Assert.Equal(2, stream.Findings.Count);
        var resolved = stream.Findings[1];
        Assert.True(resolved.Resolved);
        Assert.Equal(FindingKinds.MemoryLeak, resolved.Kind);
        Assert.Equal(reported.Severity, resolved.Severity);
        Assert.Equal(reported.Since, resolved.Since);
        Assert.True(resolved.Message.StartsWith("memory given back: live heap after a gen2 collection is 52 MB, down from 80 MB", StringComparison.Ordinal), resolved.Message);

        // Growing again, for longer than the cycle just seen (1.5 x 125 s): a new suspicion.
        for (var s = 130; s <= 330; s += 5)
            stream.Heap(s, s % 15 == 0 ? 2 : 0, 52 + (s - 125));
        Assert.Equal(3, stream.Findings.Count);
        Assert.False(stream.Findings[2].Resolved);
        Assert.True(stream.Findings[2].Since >= SyntheticStream.At(125));
        Assert.True(stream.Findings[2].Time >= SyntheticStream.At(125 + 1.5 * 125));
    }

    [Fact]
    public void Ephemeral_collections_alone_never_make_a_finding()
    {
        var stream = NewStream();
        for (var s = 0; s <= 600; s += 3)
            stream.Heap(s, 1, 50 + 4 * s);
        Assert.Empty(stream.Findings);
    }
}
