using System.Linq;
using Guard.Runtime.Detection;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Tests.Detection;

public class ThreadPoolStarvationDetectorTests
{
    private static SyntheticStream NewStream(ThreadPoolStarvationOptions? options = null) =>
        new(new ThreadPoolStarvationDetector(options ?? new ThreadPoolStarvationOptions()));

    private static void Healthy(SyntheticStream stream, int from, int to, double completed = 250)
    {
        for (var s = from; s < to; s++)
        {
            stream.ThreadPoolSample(s, queue: s % 3, completedPerSecond: completed, threads: 4);
            stream.Injection(s + 0.5, 3 + s % 2, ThreadPoolAdjustmentReason.ClimbingMove);
        }
    }

    // Blocking work items: the pool's starvation detector injects a thread a second, the queue climbs, completions collapse.
    private static void Starving(SyntheticStream stream, int from, int to, ThreadPoolAdjustmentReason reason = ThreadPoolAdjustmentReason.Starvation)
    {
        for (var s = from; s < to; s++)
        {
            stream.Injection(s - 0.5, 4 + (s - from), reason);
            stream.ThreadPoolSample(s, queue: 50 + 80 * (s - from), completedPerSecond: 6, threads: 4 + (s - from));
        }
    }

    [Fact]
    public void Healthy_stream_reports_nothing()
    {
        var stream = NewStream();
        Healthy(stream, 0, 600);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Busy_pool_that_drains_its_queue_is_not_starving()
    {
        var stream = NewStream();
        for (var s = 0; s < 120; s++)
            stream.ThreadPoolSample(s, queue: 60 + s % 7, completedPerSecond: 50_000, threads: 8);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Blocked_workers_are_reported_at_the_first_starved_sample_then_escalated()
    {
        var stream = NewStream();
        Healthy(stream, 0, 10);
        Starving(stream, 10, 30);

        Assert.Equal(2, stream.Findings.Count);
        var warning = stream.Findings[0];
        Assert.Equal(FindingKinds.ThreadPoolStarvation, warning.Kind);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal(SyntheticStream.At(10), warning.Time);
        Assert.Equal(SyntheticStream.At(9.5), warning.Since);
        Assert.Contains("thread pool starved", warning.Message);
        Assert.Equal(50d, warning.Evidence["queueLength"]);
        Assert.Equal(6d, warning.Evidence["completedPerSecond"]);
        Assert.Equal(250d, warning.Evidence["completedPerSecondBefore"]);
        Assert.Equal(1, warning.Evidence["starvationInjections"]);
        Assert.Contains("Thread.Sleep", warning.Advice);

        // Six completions a second against 250 before, with a queue that would take 20 s to drain: an outage, critical at
        // the second sample rather than after ten seconds.
        var critical = stream.Findings[1];
        Assert.Equal(Severity.Critical, critical.Severity);
        Assert.Equal(warning.Since, critical.Since);
        Assert.Equal(SyntheticStream.At(11), critical.Time);
        Assert.True((double)critical.Evidence["queueLength"]! > 100);
    }

    // Issue 11, defect 6: zero requests completed for 9.7 s stayed a warning under a light load.
    [Fact]
    public void Completions_at_zero_for_several_seconds_are_critical_even_under_a_light_load()
    {
        var stream = NewStream();
        Healthy(stream, 0, 10, completed: 20);
        for (var s = 10; s < 20; s++)
            stream.ThreadPoolSample(s, queue: 12 + (s - 10), completedPerSecond: 0, threads: 4);

        Assert.Equal(Severity.Warning, stream.Findings[0].Severity);
        var critical = Assert.Single(stream.Findings, f => f.Severity == Severity.Critical);
        Assert.InRange((critical.Time - SyntheticStream.At(10)).TotalSeconds, 1, 3.01);
    }

    [Fact]
    public void A_deep_backlog_for_two_samples_is_critical()
    {
        var stream = NewStream();
        Healthy(stream, 0, 10);
        // Work still completes at 200/s, but 1,500 items wait: 7.5 s to drain, then 10 s.
        stream.ThreadPoolSample(10, queue: 1500, completedPerSecond: 200, threads: 4);
        stream.ThreadPoolSample(11, queue: 2000, completedPerSecond: 200, threads: 4);

        // Reported once sustained, and critical at once: the harm is already plain.
        var finding = Assert.Single(stream.Findings);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Equal(SyntheticStream.At(11), finding.Time);
    }

    [Fact]
    public void A_short_backlog_that_keeps_draining_stays_a_warning()
    {
        var stream = NewStream();
        Healthy(stream, 0, 10);
        for (var s = 10; s < 16; s++)
            stream.ThreadPoolSample(s, queue: 500, completedPerSecond: 200, threads: 4);

        var finding = Assert.Single(stream.Findings);
        Assert.Equal(Severity.Warning, finding.Severity);
    }

    [Fact]
    public void Two_starvation_injections_are_reported_before_the_next_counter_sample()
    {
        var stream = NewStream();
        Healthy(stream, 0, 10);
        stream.Injection(9.6, 5, ThreadPoolAdjustmentReason.Starvation);
        Assert.Empty(stream.Findings);
        stream.Injection(10.6, 6, ThreadPoolAdjustmentReason.Starvation);

        var finding = Assert.Single(stream.Findings);
        Assert.Equal(SyntheticStream.At(10.6), finding.Time);
        Assert.Equal(SyntheticStream.At(9.6), finding.Since);
        Assert.Contains("queued work stopped being picked up", finding.Message);
        // The last sample is from before the onset: its counters are not presented as evidence.
        Assert.Null(finding.Evidence["queueLength"]);
        Assert.Equal(2, finding.Evidence["starvationInjections"]);
        Assert.Equal(250d, finding.Evidence["completedPerSecondBefore"]);

        // The samples that follow continue the same episode: no second warning, only the escalation its harm calls for.
        Starving(stream, 11, 14);
        Assert.Single(stream.Findings, f => f.Severity == Severity.Warning);
        Assert.All(stream.Findings.Skip(1), f => Assert.Equal(Severity.Critical, f.Severity));
    }

    [Fact]
    public void Starvation_injections_that_a_short_queue_contradicts_are_not_reported()
    {
        var stream = NewStream();
        Healthy(stream, 0, 10);
        stream.Injection(9.6, 5, ThreadPoolAdjustmentReason.Starvation);
        stream.ThreadPoolSample(10, queue: 2, completedPerSecond: 240, threads: 5);
        stream.Injection(10.6, 6, ThreadPoolAdjustmentReason.Starvation);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Sync_over_async_is_named_as_blocked_waits()
    {
        var stream = NewStream();
        Healthy(stream, 0, 10);
        Starving(stream, 10, 14, ThreadPoolAdjustmentReason.CooperativeBlocking);

        var finding = stream.Findings[0];
        Assert.Contains("workers blocked waiting on tasks", finding.Message);
        Assert.Contains(".Result", finding.Advice);
        Assert.True((int)finding.Evidence["cooperativeBlockingInjections"]! >= 1);
    }

    [Fact]
    public void A_single_blip_of_blocking_with_work_still_completing_is_not_reported()
    {
        var stream = NewStream();
        Healthy(stream, 0, 10);
        stream.Injection(9.8, 5, ThreadPoolAdjustmentReason.CooperativeBlocking);
        stream.ThreadPoolSample(10, queue: 40, completedPerSecond: 240, threads: 5);
        Healthy(stream, 11, 60);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Completions_that_all_but_stop_with_work_queued_are_reported_at_once_without_injections()
    {
        var stream = NewStream();
        Healthy(stream, 0, 10);
        stream.ThreadPoolSample(10, queue: 120, completedPerSecond: 4, threads: 5);

        var finding = Assert.Single(stream.Findings);
        Assert.Equal(SyntheticStream.At(10), finding.Since);
        Assert.Equal(0, finding.Evidence["starvationInjections"]);
        Assert.StartsWith("thread pool starved: 120 work items queued, 4 completed/s (was 250/s)", finding.Message);
        Assert.Contains("injected no threads", finding.Message);
        Assert.Contains("Thread.Sleep", finding.Advice);
    }

    [Fact]
    public void A_stall_while_the_GC_had_the_process_paused_is_not_starvation()
    {
        var stream = NewStream();
        Healthy(stream, 0, 10);
        stream.Post(new GcStartSignal(SyntheticStream.At(9.1), 1, 2, GcReason.AllocSmall, false));
        stream.Post(new GcPauseSignal(SyntheticStream.At(9.9), SyntheticStream.At(9.1)));
        stream.ThreadPoolSample(10, queue: 120, completedPerSecond: 4, threads: 5);
        Healthy(stream, 11, 20);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void A_growing_backlog_without_blocking_injections_is_reported_after_consecutive_samples()
    {
        var stream = NewStream();
        Healthy(stream, 0, 10);
        // Completions hold up (a busy CPU, not stuck workers), but the queue outgrows them.
        stream.ThreadPoolSample(10, queue: 300, completedPerSecond: 200, threads: 4);
        Assert.Empty(stream.Findings);
        stream.ThreadPoolSample(11, queue: 500, completedPerSecond: 200, threads: 4);

        var finding = Assert.Single(stream.Findings);
        Assert.StartsWith("thread pool backlog for 1 s: 500 work items queued, 200 completed/s (was 250/s) (2.5 s to drain)", finding.Message);
        Assert.Equal(0, finding.Evidence["starvationInjections"]);
        Assert.Equal(2.5, finding.Evidence["backlogSeconds"]);
        Assert.Contains("throttle", finding.Advice);
        Assert.Equal(SyntheticStream.At(10), finding.Since);
    }

    [Fact]
    public void Nothing_completing_at_all_leaves_out_the_drain_time()
    {
        var stream = NewStream();
        stream.Injection(0.5, 5, ThreadPoolAdjustmentReason.Starvation);
        stream.ThreadPoolSample(1, queue: 900, completedPerSecond: 0, threads: 5);

        var finding = Assert.Single(stream.Findings);
        Assert.Null(finding.Evidence["backlogSeconds"]);
        Assert.Null(finding.Evidence["completedPerSecondBefore"]);
        Assert.Contains("0 completed/s", finding.Message);
    }

    [Fact]
    public void Recovery_ends_the_episode_and_a_new_starvation_is_reported_again()
    {
        var stream = NewStream();
        Healthy(stream, 0, 10);
        Starving(stream, 10, 13);
        Healthy(stream, 13, 30);
        Starving(stream, 30, 33);

        var opened = stream.Findings.Where(f => !f.Resolved && f.Severity == Severity.Warning).ToList();
        Assert.Equal(2, opened.Count);
        Assert.Equal(SyntheticStream.At(29.5), opened[1].Since);

        // The recovery in between is a record of its own: same kind, the severity the episode reached, and the figures.
        var resolved = Assert.Single(stream.Findings, f => f.Resolved);
        Assert.Equal(FindingKinds.ThreadPoolStarvation, resolved.Kind);
        Assert.Equal(SyntheticStream.At(15), resolved.Time);
        Assert.Equal(SyntheticStream.At(9.5), resolved.Since);
        Assert.Equal(Severity.Critical, resolved.Severity);
        Assert.StartsWith("thread pool recovered after 5.5 s", resolved.Message);
        Assert.Equal(250d, resolved.Evidence["completedPerSecond"]);
        Assert.True(stream.Findings.IndexOf(resolved) < stream.Findings.IndexOf(opened[1]));
    }

    [Fact]
    public void Queue_threshold_is_honoured()
    {
        var stream = NewStream(new ThreadPoolStarvationOptions { MinQueueLength = 5000 });
        Healthy(stream, 0, 10);
        Starving(stream, 10, 30);
        Assert.Empty(stream.Findings);
    }

    [Fact]
    public void Samples_are_judged_only_when_queue_and_completions_of_one_interval_are_in()
    {
        var stream = NewStream();
        Healthy(stream, 0, 10);
        // The queue counter alone, twice: no evaluation, no finding.
        stream.Counter(10, RuntimeCounters.ThreadPoolQueueLength, 500);
        stream.Counter(11, RuntimeCounters.ThreadPoolQueueLength, 900);
        Assert.Empty(stream.Findings);
    }
}
