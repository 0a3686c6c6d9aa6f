using System;
using System.Collections.Generic;
using Guard.Runtime.Detection;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Session;

/// <summary>
/// Routes signals, in time order, to the detectors and the status tracker, and stamps each finding with the target's
/// identity and the time it was detected. Single-threaded: call it from the thread that reads the event stream.
/// </summary>
public sealed class DetectionPipeline
{
    private readonly List<IDetector> _detectors;
    private readonly AllocationSampler _allocations = new(TimeSpan.FromSeconds(30));
    private readonly List<Finding> _findings = new();
    private readonly TimeProvider? _clock;

    /// <param name="clock">The clock that stamps detection times; null stamps the time of the signal that made the finding (for replayed streams).</param>
    public DetectionPipeline(DetectorOptions options, TimeProvider? clock = null)
    {
        _clock = clock;
        _detectors = new List<IDetector>
        {
            new ThreadPoolStarvationDetector(options.ThreadPool),
            new GcPressureDetector(options.Gc, _allocations),
            new MemoryLeakDetector(options.Leak, _allocations),
            new RateLimitedDetector(options.RateLimit),
            new ConnectionPoolSaturationDetector(options.Pool),
            new TimerLeakDetector(options.Timers),
            new MemoryLimitDetector(options.MemoryLimit),
            new ExceptionStormDetector(options.Exceptions),
        };
    }

    public int Pid { get; set; }
    public string ProcessName { get; set; } = "";
    public StatusTracker Status { get; } = new();
    public IReadOnlyList<Finding> Findings => _findings;

    /// <summary>
    /// Called for each finding, one at a time: on the thread that posts signals, or, for a finding held for its culprits
    /// (heap snapshots, stack bursts), on the thread that gathered them.
    /// </summary>
    public event Action<Finding>? FindingReported;

    /// <summary>Called for each signal before the detectors see it (exporters sample the figures behind them).</summary>
    public event Action<Signal>? SignalPosted;

    public void Post(Signal signal)
    {
        Status.Observe(signal);
        SignalPosted?.Invoke(signal);
        if (signal is AllocationSampleSignal sample)
        {
            _allocations.Add(sample);
            return;
        }

        foreach (var detector in _detectors)
        {
            if (detector.Observe(signal) is not { } finding)
                continue;
            var stamped = finding with
            {
                Pid = Pid,
                Process = ProcessName,
                Time = _clock?.GetUtcNow().UtcDateTime ?? finding.Time,
            };
            if (Enricher?.Hold(stamped, Publish) == true)
                continue;
            Publish(stamped);
        }
    }

    /// <summary>Holds findings that wait for culprits (a leak, for its heap snapshots) and publishes them later, from its own thread.</summary>
    public Heap.IFindingEnricher? Enricher { get; set; }

    // Findings come from the reader thread and, once enriched, from the enricher's: one at a time, in the order published.
    private readonly object _publishLock = new();

    private void Publish(Finding finding)
    {
        lock (_publishLock)
        {
            _findings.Add(finding);
            FindingReported?.Invoke(finding);
        }
    }
}
