using System;
using System.Collections.Generic;
using Guard.Runtime.Detection;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Tests.Detection;

/// <summary>Builds signal streams on a synthetic clock and feeds them to a detector, collecting what it reports.</summary>
internal sealed class SyntheticStream
{
    public static readonly DateTime Start = new(2026, 11, 22, 5, 0, 0, DateTimeKind.Utc);
    private readonly IDetector _detector;

    public SyntheticStream(IDetector detector) => _detector = detector;

    public List<Finding> Findings { get; } = new();

    public static DateTime At(double seconds) => Start.AddSeconds(seconds);

    public void Post(Signal signal)
    {
        if (_detector.Observe(signal) is { } finding)
            Findings.Add(finding);
    }

    /// <summary>One second's thread-pool counters, as the runtime publishes them.</summary>
    public void ThreadPoolSample(double second, double queue, double completedPerSecond, double threads)
    {
        Post(new CounterSignal(At(second), RuntimeCounters.ThreadPoolThreadCount, threads, 1));
        Post(new CounterSignal(At(second), RuntimeCounters.ThreadPoolQueueLength, queue, 1));
        Post(new CounterSignal(At(second), RuntimeCounters.ThreadPoolCompletedItems, completedPerSecond, 1));
    }

    public void Injection(double second, int threads, ThreadPoolAdjustmentReason reason) =>
        Post(new ThreadPoolAdjustmentSignal(At(second), threads, reason, 0));

    /// <summary>A collection: its start, the pause it causes, and the heap left after it.</summary>
    public void Collection(double second, int generation, double pauseMs, GcReason reason = GcReason.AllocSmall, double? heapMB = null, bool background = false)
    {
        Post(new GcStartSignal(At(second), 0, generation, reason, background));
        Post(new GcPauseSignal(At(second + pauseMs / 1000), At(second)));
        if (heapMB is { } mb)
            Post(new GcHeapSignal(At(second + pauseMs / 1000), generation, (long)(mb * 1048576), (long)(mb * 1048576)));
    }

    public void Heap(double second, int generation, double mb) =>
        Post(new GcHeapSignal(At(second), generation, (long)(mb * 1048576), (long)(mb * 1048576)));

    public void Counter(double second, string name, double value) => Post(new CounterSignal(At(second), name, value, 1));
}
