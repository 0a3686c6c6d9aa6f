using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>
/// Thread-pool starvation: queued work that the pool does not get through, while the runtime adds threads because its
/// workers are blocked. Judged once a second, on the counter sample (queue length, completed items, thread count), with
/// the thread injections of the recent window. A sample is starved when the queue is long and either the pool injected
/// threads for blocking (reason Starvation or CooperativeBlocking) or the queue would take longer than the backlog
/// threshold to drain at the current completion rate. Starved samples that go on for a second make a finding; strong evidence
/// (blocking injections with collapsed throughput, completions all but stopped outside a GC pause, or two starvation
/// injections in a row) makes one at once.
/// </summary>
public sealed partial class ThreadPoolStarvationDetector : IDetector
{
    private const int HealthySamplesToEndEpisode = 3;

    private readonly ThreadPoolStarvationOptions _options;
    private readonly Queue<ThreadPoolAdjustmentSignal> _injections = new();
    private readonly GcPauseWindow _pauses = new();
    private readonly List<Sample> _history = new();

    private (DateTime Time, double Value)? _queue;
    private (DateTime Time, double PerSecond, double IntervalSeconds)? _completed;
    private double? _threads;
    private double? _contentionPerSecond;
    private DateTime _lastEvaluated = DateTime.MinValue;
    private DateTime? _lastHealthy;

    private int _consecutiveStarved;
    private DateTime _firstStarved;
    private DateTime _firstStarvedSample;
    private readonly Episode _episode = new();
    private int _healthyInEpisode;
    private DateTime? _stallSince;
    private int _deepBacklogSamples;

    public ThreadPoolStarvationDetector(ThreadPoolStarvationOptions options) => _options = options;

    public string Kind => FindingKinds.ThreadPoolStarvation;

    private readonly record struct Sample(DateTime Time, double Queue, double CompletedPerSecond, double Threads, bool Starved);

    public Finding? Observe(Signal signal)
    {
        switch (signal)
        {
            case ThreadPoolAdjustmentSignal adjustment:
                if (adjustment.IsBlockingInjection)
                    _injections.Enqueue(adjustment);
                _threads = adjustment.NewWorkerThreadCount;
                return adjustment.Reason == ThreadPoolAdjustmentReason.Starvation ? OnStarvationInjection(adjustment.Time) : null;

            case GcPauseSignal pause:
                _pauses.Add(pause);
                _pauses.Trim(pause.Time, TimeSpan.FromSeconds(5));
                return null;

            case CounterSignal counter:
                switch (counter.Name)
                {
                    case RuntimeCounters.ThreadPoolQueueLength:
                        _queue = (counter.Time, counter.Value);
                        break;
                    case RuntimeCounters.ThreadPoolCompletedItems:
                        _completed = (counter.Time, counter.Value / Math.Max(counter.IntervalSeconds, 0.001), counter.IntervalSeconds);
                        break;
                    case RuntimeCounters.ThreadPoolThreadCount:
                        _threads = counter.Value;
                        return null;
                    case RuntimeCounters.LockContentionCount:
                        _contentionPerSecond = counter.Value / Math.Max(counter.IntervalSeconds, 0.001);
                        return null;
                    default:
                        return null;
                }
                return TryEvaluate();

            default:
                return null;
        }
    }

    // The pool injects for starvation when queued work has not been dequeued for a while (half a second or more). Two
    // such injections in the window, with no healthy sample between them, are the runtime's own verdict, given twice:
    // reported at once, without waiting for the next counter sample. The queue, as last sampled, must not contradict it.
    private Finding? OnStarvationInjection(DateTime now)
    {
        if (_episode.Active)
            return null;
        TrimInjections(now);
        var recent = _injections.Where(i => i.Reason == ThreadPoolAdjustmentReason.Starvation && (_lastHealthy is null || i.Time > _lastHealthy)).ToList();
        if (recent.Count < 2)
            return null;
        var fresh = _queue is { } q && q.Time >= recent[0].Time && _completed is { } c && c.Time >= recent[0].Time;
        if (fresh && _queue!.Value.Value < _options.MinQueueLength)
            return null;

        _episode.Begin(recent[0].Time, Severity.Warning);
        _healthyInEpisode = 0;
        var threads = _threads ?? 0;
        return fresh
            ? Report(now, Severity.Warning, _queue!.Value.Value, _completed!.Value.PerSecond, Backlog(_queue.Value.Value, _completed.Value.PerSecond), threads)
            : Report(now, Severity.Warning, null, null, double.PositiveInfinity, threads);
    }

    private void TrimInjections(DateTime now)
    {
        var window = TimeSpan.FromSeconds(_options.WindowSeconds);
        while (_injections.Count > 0 && now - _injections.Peek().Time > window)
            _injections.Dequeue();
    }

    // One evaluation per counter interval, once both the queue length and the completion count of that interval are in.
    private Finding? TryEvaluate()
    {
        if (_queue is not { } queue || _completed is not { } completed)
            return null;
        if (Math.Abs((queue.Time - completed.Time).TotalSeconds) > 0.5)
            return null;
        var now = queue.Time > completed.Time ? queue.Time : completed.Time;
        if (now <= _lastEvaluated)
            return null;
        _lastEvaluated = now;

        TrimInjections(now);
        var backlog = Backlog(queue.Value, completed.PerSecond);
        var starved = queue.Value >= _options.MinQueueLength && (_injections.Count > 0 || backlog >= _options.MinBacklogSeconds);
        var threads = _threads ?? 0;
        _history.Add(new Sample(now, queue.Value, completed.PerSecond, threads, starved));
        if (_history.Count > 120)
            _history.RemoveAt(0);

        // Harm, for severity: how long completions have been at (nearly) nothing with work queued, and how long the
        // backlog has been deep.
        var baselineRate = Baseline(now);
        var nothingCompleting = queue.Value >= _options.MinQueueLength
            && completed.PerSecond <= Math.Max(1, 0.1 * (baselineRate ?? 0))
            && _pauses.Share(now.AddSeconds(-completed.IntervalSeconds), now) < 0.25;
        if (nothingCompleting)
            _stallSince ??= now.AddSeconds(-completed.IntervalSeconds);
        else
            _stallSince = null;
        _deepBacklogSamples = starved && backlog >= _options.CriticalBacklogSeconds ? _deepBacklogSamples + 1 : 0;

        if (!starved)
        {
            _consecutiveStarved = 0;
            _lastHealthy = now;
            if (_episode.Active && ++_healthyInEpisode >= HealthySamplesToEndEpisode)
            {
                _episode.End();
                return Recovered(now, queue.Value, completed.PerSecond, threads);
            }
            return null;
        }

        _healthyInEpisode = 0;
        if (++_consecutiveStarved == 1)
        {
            _firstStarvedSample = now;
            // The starvation began with the first blocking injection since the last healthy sample, if that came earlier.
            _firstStarved = now;
            foreach (var injection in _injections)
            {
                if ((_lastHealthy is null || injection.Time > _lastHealthy) && injection.Time < _firstStarved)
                    _firstStarved = injection.Time;
            }
        }

        if (!_episode.Active)
        {
            // One sample is enough when the runtime itself saw blocked workers and throughput collapsed with it, or when
            // completions all but stopped with work queued (the runtime holds back injections on a busy CPU) and it was
            // not the GC that stopped them.
            var baseline = Baseline(now);
            var collapsed = backlog >= _options.MinBacklogSeconds || (baseline is { } before && completed.PerSecond <= 0.5 * before);
            var stalled = baseline is { } healthyRate && completed.PerSecond <= 0.1 * healthyRate && backlog >= 5 * _options.MinBacklogSeconds
                && _pauses.Share(now.AddSeconds(-completed.IntervalSeconds), now) < 0.25;
            var strong = (_injections.Count > 0 && collapsed) || stalled;
            // Sample times jitter by a few milliseconds around the interval: a tenth of slack.
            var sustained = (now - _firstStarvedSample).TotalSeconds >= 0.9 * _options.SustainSeconds;
            if (!sustained && !strong)
                return null;
            // Begun before judging the harm: how long it has lasted is measured from its onset.
            _episode.Begin(_firstStarved, Severity.Warning);
            var severity = Harmful(now) ? Severity.Critical : Severity.Warning;
            _episode.Escalate(severity);
            return Report(now, severity, queue.Value, completed.PerSecond, backlog, threads);
        }

        if (_episode.Reported != Severity.Critical && Harmful(now))
        {
            _episode.Escalate(Severity.Critical);
            return Report(now, Severity.Critical, queue.Value, completed.PerSecond, backlog, threads);
        }
        return null;
    }

    private bool Persisted(DateTime now) => (now - _episode.Since).TotalSeconds >= _options.CriticalAfterSeconds;

    // Sample times jitter by a few milliseconds around the interval: a tenth of slack on the durations below.
    private bool Stalled(DateTime now) => _stallSince is { } stall && (now - stall).TotalSeconds >= 0.9 * _options.CriticalStallSeconds;

    private bool DeepBacklog(DateTime now) => _deepBacklogSamples >= 2;

    /// <summary>
    /// Critical when the harm is plain: completions at (nearly) zero with work queued for several seconds (an outage,
    /// whatever the load), a backlog that would take more than a few seconds to drain for two samples running, or a
    /// starvation that has lasted long.
    /// </summary>
    private bool Harmful(DateTime now) => Persisted(now) || Stalled(now) || DeepBacklog(now);

    private static double Backlog(double queue, double completedPerSecond) =>
        queue <= 0 ? 0 : completedPerSecond <= 0.001 ? double.PositiveInfinity : queue / completedPerSecond;

    /// <summary>The median completion rate of the healthy samples before a time (the last 30), if there are any.</summary>
    private double? Baseline(DateTime before)
    {
        var healthy = _history.Where(s => s.Time < before && !s.Starved).Select(s => s.CompletedPerSecond).TakeLast(30).ToList();
        return healthy.Count > 0 ? Median(healthy) : null;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
