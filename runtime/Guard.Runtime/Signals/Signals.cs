using System;

namespace Guard.Runtime.Signals;

/// <summary>
/// A typed, timestamped observation taken from the target's event stream. Timestamps are UTC and come from the
/// target's own clock (the event time), so detectors judge windows in the target's time, not in Guard's.
/// </summary>
public abstract record Signal(DateTime Time);

/// <summary>A garbage collection began (GCStart).</summary>
/// <param name="Number">The collection's sequence number in the process.</param>
/// <param name="Generation">The generation collected (0, 1 or 2).</param>
/// <param name="Reason">Why the runtime collected.</param>
/// <param name="Background">True for a background (concurrent) gen2 collection.</param>
public sealed record GcStartSignal(DateTime Time, int Number, int Generation, GcReason Reason, bool Background) : Signal(Time)
{
    /// <summary>
    /// How many collections of this kind the signal stands for: 1, or more when a GC event flood is summarized (the
    /// session then sends one signal per kind for each short interval instead of one per collection).
    /// </summary>
    public int Count { get; init; } = 1;

    /// <summary>GC.Collect or a low-memory notification asked for this collection; the allocator did not need it.</summary>
    public bool Induced => Reason is GcReason.Induced or GcReason.InducedNotForced or GcReason.InducedCompacting or GcReason.InducedLowMemory;

    /// <summary>The large object heap ran out of budget (or space) and forced this collection.</summary>
    public bool LargeObjectHeapTriggered => Reason is GcReason.AllocLarge or GcReason.OutOfSpaceLoh;
}

/// <summary>The execution engine was suspended for a collection and restarted: the threads of the process were paused.</summary>
/// <param name="Time">When the threads were restarted (the end of the pause).</param>
/// <param name="Start">When the suspension began.</param>
public sealed record GcPauseSignal(DateTime Time, DateTime Start) : Signal(Time)
{
    public TimeSpan Duration => Time - Start;

    /// <summary>How many pauses the signal stands for (more than 1 when a flood is summarized: their total ends at Time).</summary>
    public int Count { get; init; } = 1;

    /// <summary>The longest of the pauses summarized; the duration itself for a single pause.</summary>
    public TimeSpan Longest { get; init; }

    public TimeSpan LongestPause => Count > 1 ? Longest : Duration;
}

/// <summary>The managed heap right after a collection, tagged with the generation that was collected.</summary>
/// <param name="Generation">The condemned generation of the collection this follows (2 for a full or background collection).</param>
/// <param name="ObjectBytes">
/// Bytes of objects left in all generations (gen0, gen1, gen2, LOH, POH) after the collection, free space excluded
/// (GCPerHeapHistory, summed over heaps). After a gen2 collection this is the live data of the process. After an
/// ephemeral one it can only be an upper bound: gen2 garbage is not looked at, and with regions a promoted region
/// keeps its dead objects until a later collection sweeps it.
/// </param>
/// <param name="HeapBytes">The total size of the generations (GCHeapStats), free space included.</param>
public sealed record GcHeapSignal(DateTime Time, int Generation, long ObjectBytes, long HeapBytes) : Signal(Time);

/// <summary>The thread pool changed its worker count (ThreadPoolWorkerThreadAdjustment/Adjustment).</summary>
public sealed record ThreadPoolAdjustmentSignal(DateTime Time, int NewWorkerThreadCount, ThreadPoolAdjustmentReason Reason, double AverageThroughput) : Signal(Time)
{
    /// <summary>The pool added a thread because queued work made no progress, or because a worker blocked waiting on a task.</summary>
    public bool IsBlockingInjection => Reason is ThreadPoolAdjustmentReason.Starvation or ThreadPoolAdjustmentReason.CooperativeBlocking;
}

/// <summary>One sample of the allocation sampler (GCAllocationTick): roughly every 100 KB allocated, the type of the object that crossed the mark.</summary>
public sealed record AllocationSampleSignal(DateTime Time, string TypeName, long Bytes, bool LargeObject) : Signal(Time);

/// <summary>
/// One System.Runtime counter value for one interval. For a polling counter it is the value at the end of the
/// interval (Mean); for an incrementing counter it is the increment over the interval.
/// </summary>
public sealed record CounterSignal(DateTime Time, string Name, double Value, double IntervalSeconds) : Signal(Time);

/// <summary>The reasons the runtime gives for a collection (GCStart Reason), as numbered by the runtime.</summary>
public enum GcReason
{
    AllocSmall = 0,
    Induced = 1,
    LowMemory = 2,
    Empty = 3,
    AllocLarge = 4,
    OutOfSpaceSoh = 5,
    OutOfSpaceLoh = 6,
    InducedNotForced = 7,
    Internal = 8,
    InducedLowMemory = 9,
    InducedCompacting = 10,
    LowMemoryHost = 11,
    PmFullGc = 12,
    LowMemoryHostBlocking = 13,
}

/// <summary>The reasons the thread pool gives for a worker count change, as numbered by the runtime.</summary>
public enum ThreadPoolAdjustmentReason
{
    Warmup = 0,
    Initializing = 1,
    RandomMove = 2,
    ClimbingMove = 3,
    ChangePoint = 4,
    Stabilizing = 5,
    Starvation = 6,
    ThreadTimedOut = 7,
    CooperativeBlocking = 8,
}

/// <summary>Names of the System.Runtime counters Guard reads.</summary>
public static class RuntimeCounters
{
    public const string ThreadPoolQueueLength = "threadpool-queue-length";
    public const string ThreadPoolThreadCount = "threadpool-thread-count";
    public const string ThreadPoolCompletedItems = "threadpool-completed-items-count";
    public const string GcHeapSizeMB = "gc-heap-size";
    public const string AllocationRate = "alloc-rate";
    public const string LockContentionCount = "monitor-lock-contention-count";
    public const string CpuUsage = "cpu-usage";
    public const string WorkingSetMB = "working-set";
}
