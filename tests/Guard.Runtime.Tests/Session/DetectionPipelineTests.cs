using System;
using System.Collections.Generic;
using Guard.Runtime.Detection;
using Guard.Runtime.Session;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Tests.Session;

public class DetectionPipelineTests
{
    private static readonly DateTime T0 = new(2026, 11, 22, 5, 0, 0, DateTimeKind.Utc);

    private sealed class FixedClock : TimeProvider
    {
        private readonly DateTimeOffset _now;
        public FixedClock(DateTimeOffset now) => _now = now;
        public override DateTimeOffset GetUtcNow() => _now;
    }

    [Fact]
    public void Findings_are_stamped_with_the_target_and_the_detection_time()
    {
        var detected = T0.AddMinutes(10);
        var pipeline = new DetectionPipeline(new DetectorOptions(), new FixedClock(new DateTimeOffset(detected))) { Pid = 4242, ProcessName = "TradingBot" };
        var reported = new List<Finding>();
        pipeline.FindingReported += reported.Add;

        for (var i = 0; i < 10; i++)
            pipeline.Post(new AllocationSampleSignal(T0, "Bot.Quote", 100_000, false));
        for (var i = 0; i < 5; i++)
        {
            pipeline.Post(new GcStartSignal(T0.AddSeconds(i), i, 2, GcReason.Induced, false));
            pipeline.Post(new GcPauseSignal(T0.AddSeconds(i).AddMilliseconds(1), T0.AddSeconds(i)));
        }

        var finding = Assert.Single(reported);
        Assert.Same(finding, Assert.Single(pipeline.Findings));
        Assert.Equal(4242, finding.Pid);
        Assert.Equal("TradingBot", finding.Process);
        Assert.Equal(detected, finding.Time);
        Assert.Equal(T0, finding.Since);
        Assert.Equal("Bot.Quote", Assert.Single(finding.Culprits)["type"]);
    }

    [Fact]
    public void The_status_shows_the_latest_counters_and_the_recent_pause_share()
    {
        var pipeline = new DetectionPipeline(new DetectorOptions());
        pipeline.Post(new CounterSignal(T0, RuntimeCounters.GcHeapSizeMB, 120, 1));
        pipeline.Post(new CounterSignal(T0, RuntimeCounters.ThreadPoolThreadCount, 9, 1));
        pipeline.Post(new CounterSignal(T0, RuntimeCounters.ThreadPoolQueueLength, 3, 1));
        pipeline.Post(new CounterSignal(T0, RuntimeCounters.AllocationRate, 2 * 1048576, 1));
        pipeline.Post(new GcStartSignal(T0.AddSeconds(3), 1, 0, GcReason.AllocSmall, false));
        pipeline.Post(new GcPauseSignal(T0.AddSeconds(4), T0.AddSeconds(3)));

        var status = pipeline.Status.Snapshot(T0.AddSeconds(5));
        Assert.Equal(120, status.HeapMB);
        Assert.Equal(9, status.ThreadCount);
        Assert.Equal(3, status.QueueLength);
        Assert.Equal(2, status.AllocationMBPerSecond);
        Assert.Equal(20, status.GcPausePercent, 6);
        Assert.Equal(1, status.Collections);
    }
}

public class FloodCostTests
{
    private static readonly DateTime T0 = new(2026, 11, 22, 5, 0, 0, DateTimeKind.Utc);

    // Issue 11, defect 3: under a flood the event callbacks must aggregate without allocating per event. Measured in
    // bytes allocated on this thread, not in time, so it holds on a loaded machine.
    [Fact]
    public void A_flood_through_the_translator_and_the_detectors_allocates_next_to_nothing_per_event()
    {
        var pipeline = new DetectionPipeline(new DetectorOptions());
        var translator = new SignalTranslator(pipeline.Post);
        var findings = new List<Finding>();
        pipeline.FindingReported += findings.Add;

        var number = 0;
        void Collections(int from, int count)
        {
            for (var i = from; i < from + count; i++)
            {
                var t = T0.AddTicks(i * 5000L); // 2,000 a second
                translator.OnSuspendStart(t, 1);
                translator.OnGcStart(t, ++number, 2, 4, 0);
                translator.OnRestartEnd(t.AddTicks(2500)); // half of the time paused
                translator.OnGlobalHeapHistory(2);
                if (translator.WantsPerHeapHistory)
                    translator.OnPerHeapHistory(30_000_000);
                translator.OnHeapStats(t.AddTicks(2500), 1, 1, 1, 1, 1);
                if (i % 2000 == 0)
                    pipeline.Post(new CounterSignal(t, RuntimeCounters.CpuUsage, 90, 1));
            }
        }

        Collections(0, 20_000); // into shedding, windows filled, code paths warm
        Assert.True(translator.Shedding);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Collections(20_000, 100_000); // 50 s of target time
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // One record per collection would be over 14 MB here (three signals of about 48 bytes each); measured: about 65 KB.
        Assert.True(allocated < 500_000, $"{allocated:N0} bytes for 100,000 collections");
        var pressure = Assert.Single(findings, f => f.Kind == FindingKinds.GcPressure && f.Severity == Severity.Critical);
        Assert.InRange((double)pressure.Evidence["pausePercent"]!, 45, 55);
    }
}
