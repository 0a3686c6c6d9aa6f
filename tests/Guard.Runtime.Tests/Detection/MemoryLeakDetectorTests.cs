using System;
using Guard.Runtime.Detection;

namespace Guard.Runtime.Tests.Detection;

public class MemoryLeakDetectorTests
{
    private static SyntheticStream NewStream(MemoryLeakOptions? options = null) => new(new MemoryLeakDetector(options ?? new MemoryLeakOptions()));

    [Fact]
    public void Steady_growth_confirmed_by_a_gen2_collection_is_a_leak()
    {
        var stream = NewStream();
        // 4 MB/s retained: gen0 collections every 4 s, a gen2 every 12 s, all on the line.
        for (var s = 0; s <= 60; s += 4)
            stream.Heap(s, s % 12 == 0 && s > 0 ? 2 : 0, 20 + 4 * s);

        var finding = Assert.Single(stream.Findings);
        Assert.Equal(FindingKinds.MemoryLeak, finding.Kind);
        Assert.Equal(SyntheticStream.At(12), finding.Time);
        Assert.Equal(SyntheticStream.At(0), finding.Since);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Equal(240d, finding.Evidence["growthMBPerMin"]);
        Assert.Equal(1d, finding.Evidence["rSquared"]);
        Assert.Equal(1, finding.Evidence["gen2Collections"]);
        Assert.Equal(new[] { 68d }, finding.Evidence["heapAfterGen2MB"]);
        Assert.Equal(new[] { 20d, 36d, 52d, 68d }, finding.Evidence["heapAfterGCMB"]);
        Assert.Contains("240 MB/min", finding.Message);
    }

    [Fact]
    public void A_slow_leak_is_a_warning_and_needs_its_floor()
    {
        var stream = NewStream();
        // 12 MB/min for ten minutes, with a gen2 every minute.
        for (var s = 0; s <= 600; s += 10)
            stream.Heap(s, s % 60 == 0 ? 2 : 1, 200 + 0.2 * s);

        var finding = Assert.Single(stream.Findings);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.InRange((double)finding.Evidence["growthMBPerMin"]!, 11.9, 12.1);

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
        var stream = NewStream();
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
        var stream = NewStream();
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
        var stream = NewStream();
        // Fills fast, then slows towards its bound: 100 MB with an 8 s time constant; a gen2 every 20 s.
        for (var s = 0; s <= 300; s += 2)
            stream.Heap(s, s % 20 == 0 && s > 0 ? 2 : 0, 10 + 100 * (1 - Math.Exp(-s / 8.0)));
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Growth_after_a_flat_start_is_measured_from_where_it_began()
    {
        var stream = NewStream();
        for (var s = 0; s < 120; s += 5)
            stream.Heap(s, s % 30 == 0 && s > 0 ? 2 : 0, 80 + (s % 2));
        for (var s = 120; s <= 180; s += 5)
            stream.Heap(s, s % 30 == 0 ? 2 : 0, 80 + 2 * (s - 115));

        var finding = Assert.Single(stream.Findings);
        Assert.InRange(finding.Since, SyntheticStream.At(110), SyntheticStream.At(120));
        Assert.InRange((double)finding.Evidence["growthMBPerMin"]!, 100, 125);
    }

    [Fact]
    public void A_continuing_leak_is_reported_once_and_again_when_it_outgrows_a_release()
    {
        var stream = NewStream(new MemoryLeakOptions { CriticalGrowthMBPerMin = 1000 });
        for (var s = 0; s <= 120; s += 5)
            stream.Heap(s, s % 15 == 0 && s > 0 ? 2 : 0, 50 + s);
        Assert.Single(stream.Findings);

        // Released (a gen2 finds the heap back where it began), then growing again: a sawtooth until it passes the old high.
        stream.Heap(125, 2, 52);
        for (var s = 130; s <= 240; s += 5)
            stream.Heap(s, s % 15 == 0 ? 2 : 0, 52 + (s - 125));
        Assert.Single(stream.Findings);

        for (var s = 245; s <= 270; s += 5)
            stream.Heap(s, s % 15 == 0 ? 2 : 0, 52 + (s - 125));
        Assert.Equal(2, stream.Findings.Count);
        Assert.True(stream.Findings[1].Since >= SyntheticStream.At(125));
        Assert.All(stream.Findings, f => Assert.Equal(Severity.Warning, f.Severity));
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
