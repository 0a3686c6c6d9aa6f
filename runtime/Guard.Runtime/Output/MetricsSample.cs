using System;
using System.Collections.Generic;
using Guard.Runtime.Detection;

namespace Guard.Runtime.Output;

/// <summary>One of the figures guard exports for each watched process (the signals behind the detectors).</summary>
/// <param name="Name">snake_case name, without the guard_ prefix and without a unit suffix (the exporters add theirs).</param>
/// <param name="Unit">The unit as UCUM (OpenTelemetry) writes it: By, By/s, %, {thread}, ...</param>
/// <param name="PrometheusSuffix">What Prometheus naming appends for the unit: _bytes, _percent, ... (may be empty).</param>
public sealed record MetricDefinition(string Name, string Help, string Unit, string PrometheusSuffix)
{
    public string PrometheusName => "guard_" + Name + PrometheusSuffix;
}

/// <summary>The figures of one interval for one process; a null value is one the target did not report (yet).</summary>
/// <param name="Collections">The heap after each collection since the previous sample (for the report's plot).</param>
public sealed record MetricsSample(DateTime Time, IReadOnlyDictionary<string, double> Values, IReadOnlyList<HeapPoint> Collections)
{
    public double? Get(MetricDefinition metric) => Values.TryGetValue(metric.Name, out var value) ? value : null;
}

/// <summary>The catalogue of exported figures and the detector kinds.</summary>
public static class WatchMetrics
{
    public static readonly MetricDefinition HeapAfterGc = new("gc_heap_after_gc", "Bytes of live objects after the last collection (all generations, free space excluded).", "By", "_bytes");
    public static readonly MetricDefinition HeapSize = new("gc_heap_size", "The GC heap size counter (gc-heap-size).", "By", "_bytes");
    public static readonly MetricDefinition GcPaused = new("gc_paused", "Share of wall time the process was paused for GC over the last 5 s, from suspend/restart events.", "%", "_percent");
    public static readonly MetricDefinition AllocationRate = new("allocation_rate", "Bytes allocated per second (alloc-rate).", "By/s", "_bytes_per_second");
    public static readonly MetricDefinition QueueLength = new("threadpool_queue_length", "Work items waiting in the thread pool's queues.", "{item}", "");
    public static readonly MetricDefinition ThreadCount = new("threadpool_threads", "Thread-pool worker threads.", "{thread}", "");
    public static readonly MetricDefinition Cpu = new("cpu_usage", "CPU used by the process, in % of all cores (cpu-usage).", "%", "_percent");
    public static readonly MetricDefinition WorkingSet = new("working_set", "The process's working set.", "By", "_bytes");
    public static readonly MetricDefinition GcCommitted = new("gc_committed", "Memory the GC has committed.", "By", "_bytes");
    public static readonly MetricDefinition ActiveTimers = new("active_timers", "Scheduled timers (Timer.ActiveCount: timers, Task.Delay, CancelAfter).", "{timer}", "");
    public static readonly MetricDefinition Exceptions = new("exceptions", "Exceptions thrown per second.", "{exception}/s", "_per_second");
    public static readonly MetricDefinition LockContention = new("lock_contentions", "Monitor lock contentions per second.", "{contention}/s", "_per_second");
    public static readonly MetricDefinition HttpRequests = new("http_requests", "HTTP requests completed per second (HttpClient).", "{request}/s", "_per_second");
    public static readonly MetricDefinition HttpRateLimited = new("http_rate_limited", "HTTP responses 429 or 503 per second.", "{response}/s", "_per_second");
    public static readonly MetricDefinition HttpQueueWait = new("http_queue_wait_max", "Longest wait of a request for a pooled connection in the interval.", "ms", "_milliseconds");

    /// <summary>Every exported figure, in a stable order.</summary>
    public static readonly IReadOnlyList<MetricDefinition> All = new[]
    {
        HeapAfterGc, HeapSize, GcPaused, AllocationRate, QueueLength, ThreadCount, Cpu, WorkingSet, GcCommitted,
        ActiveTimers, Exceptions, LockContention, HttpRequests, HttpRateLimited, HttpQueueWait,
    };

    /// <summary>Every detector kind, for the per-detector state (0 ok, 1 warning, 2 critical).</summary>
    public static readonly IReadOnlyList<string> Kinds = new[]
    {
        FindingKinds.ThreadPoolStarvation, FindingKinds.GcPressure, FindingKinds.MemoryLeak, FindingKinds.RateLimited,
        FindingKinds.ConnectionPoolSaturation, FindingKinds.TimerLeak, FindingKinds.MemoryLimit, FindingKinds.ExceptionStorm,
    };

    /// <summary>The detector state a finding leaves: 0 when resolved, 1 warning, 2 critical.</summary>
    public static int State(Finding finding) => finding.Resolved ? 0 : finding.Severity == Severity.Critical ? 2 : 1;
}
