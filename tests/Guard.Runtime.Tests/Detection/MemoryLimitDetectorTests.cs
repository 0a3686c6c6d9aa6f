using System;
using Guard.Runtime.Detection;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Tests.Detection;

public class MemoryLimitDetectorTests
{
    private const double MiB = 1048576;

    private static SyntheticStream NewStream(long? heapLimitMiB, long? containerLimitMiB = null, MemoryLimitOptions? options = null)
    {
        var stream = new SyntheticStream(new MemoryLimitDetector(options ?? new MemoryLimitOptions()));
        stream.Post(new MemoryLimitSignal(SyntheticStream.At(0), heapLimitMiB * 1048576, heapLimitMiB is null ? null : "GCHeapHardLimit", containerLimitMiB * 1048576));
        return stream;
    }

    // The live heap after a gen2 collection; the working set counter reports MB of 10^6 bytes.
    private static void Committed(SyntheticStream stream, double second, double mib) => stream.Heap(second, 2, mib);
    private static void WorkingSet(SyntheticStream stream, double second, double mib) => stream.Counter(second, ServiceCounters.WorkingSetMB, mib * MiB / 1e6);

    [Fact]
    public void A_live_heap_growing_toward_the_hard_limit_is_reported_with_the_time_left()
    {
        var stream = NewStream(heapLimitMiB: 200);
        // 2 MB/s from 100 MB: 70% (140 MB) at 20 s, the limit at 50 s.
        for (var s = 0; s <= 60; s++)
            Committed(stream, s, Math.Min(199, 100 + 2 * s));

        Assert.NotEmpty(stream.Findings);
        var finding = stream.Findings[0];
        Assert.Equal(FindingKinds.MemoryLimit, finding.Kind);
        Assert.Equal(Severity.Critical, finding.Severity); // 30 s left at 70%: within a minute
        Assert.Equal(SyntheticStream.At(20), finding.Time);
        Assert.InRange((double)finding.Evidence["secondsLeft"]!, 29, 31);
        Assert.InRange((double)finding.Evidence["growthMBPerMin"]!, 119, 121);
        Assert.Equal("GCHeapHardLimit", finding.Evidence["limitSource"]);
        Assert.Contains("OutOfMemoryException", finding.Message);
        Assert.Single(stream.Findings);

        // The cache is released: resolved.
        Committed(stream, 61, 90);
        Assert.Equal(2, stream.Findings.Count);
        Assert.True(stream.Findings[1].Resolved);
        Assert.Equal(Severity.Critical, stream.Findings[1].Severity);
    }

    [Fact]
    public void Slow_growth_is_a_warning()
    {
        var stream = NewStream(heapLimitMiB: 1000);
        // 30 MB/min from 700 MB: 10 min left at the start, under the 10 min horizon soon after.
        for (var s = 0; s <= 120; s += 10)
            Committed(stream, s, 700 + 0.5 * s);
        var finding = Assert.Single(stream.Findings);
        Assert.Equal(Severity.Warning, finding.Severity);
    }

    [Fact]
    public void A_cache_at_a_steady_size_near_the_limit_is_not_reported()
    {
        var stream = NewStream(heapLimitMiB: 200, containerLimitMiB: 300);
        var random = new Random(5);
        for (var s = 0; s <= 900; s++)
        {
            Committed(stream, s, 180 + random.NextDouble() * 6);
            WorkingSet(stream, s, 260 + random.NextDouble() * 8);
        }
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void A_cache_that_fills_to_its_bound_near_the_limit_is_not_reported_once_flat()
    {
        var stream = NewStream(heapLimitMiB: 200);
        // Fills to 170 MB (85%) with a 10 s time constant: the early rise is fast but far from the limit.
        for (var s = 0; s <= 600; s++)
            Committed(stream, s, 20 + 150 * (1 - Math.Exp(-s / 10.0)));
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Growth_far_below_the_limit_is_not_reported()
    {
        var stream = NewStream(heapLimitMiB: 4000);
        for (var s = 0; s <= 300; s++)
            Committed(stream, s, 100 + 2 * s);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Without_a_known_limit_nothing_is_reported()
    {
        var stream = NewStream(heapLimitMiB: null);
        for (var s = 0; s <= 300; s++)
            Committed(stream, s, 100 + 20 * s);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void The_working_set_is_judged_against_the_container_limit()
    {
        var stream = NewStream(heapLimitMiB: 768, containerLimitMiB: 1024);
        for (var s = 0; s <= 120; s++)
        {
            Committed(stream, s, 300);
            WorkingSet(stream, s, 800 + s);
        }
        var finding = Assert.Single(stream.Findings);
        Assert.Equal("container", finding.Evidence["limit"]);
        Assert.Contains("OOM killer", finding.Message);
        Assert.Equal(Severity.Warning, finding.Severity);
    }

    [Fact]
    public void Committed_memory_that_the_GC_lets_grow_to_the_limit_is_not_a_fill()
    {
        var stream = NewStream(heapLimitMiB: 200);
        // Under a hard limit the GC commits up to the limit before a gen2 (as measured on .NET 10: 130 -> 207 MB in 50 s),
        // while the live heap each gen2 finds stays at 125 MB.
        for (var cycle = 0; cycle < 10; cycle++)
        {
            for (var s = 0; s < 60; s++)
            {
                stream.Counter(cycle * 60 + s, ServiceCounters.GcCommittedMB, (130 + 1.5 * s) * MiB / 1e6);
                stream.Heap(cycle * 60 + s, 0, 125 + 1.4 * s);
            }
            Committed(stream, cycle * 60 + 59.5, 125 + cycle % 2);
        }
        Assert.Empty(stream.Findings);
    }
}
