using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>The wording of ThreadPoolStarvationDetector's findings (message, evidence and advice); the decisions are in ThreadPoolStarvationDetector.cs.</summary>
public sealed partial class ThreadPoolStarvationDetector
{
    private Finding Recovered(DateTime now, double queue, double completedPerSecond, double threads)
    {
        var duration = (now - _episode.Since).TotalSeconds;
        var evidence = new Evidence()
            .Add("queueLength", Math.Round(queue))
            .Add("completedPerSecond", Math.Round(completedPerSecond, 1))
            .Add("threadCount", Math.Round(threads))
            .Add("durationSeconds", Math.Round(duration, 1));
        return new Finding
        {
            Kind = Kind,
            Severity = _episode.Reported,
            Resolved = true,
            Time = now,
            Since = _episode.Since,
            Message = $"thread pool recovered after {duration:0.#} s: {queue:0} work items queued, {completedPerSecond:0} completed/s, {threads:0} threads",
            Evidence = evidence,
            Advice = "",
        };
    }

    /// <param name="queue">The queue length of a sample taken since the onset; null when there is none yet.</param>
    private Finding Report(DateTime now, Severity severity, double? queue, double? completedPerSecond, double backlog, double threads)
    {
        var starvationInjections = _injections.Count(i => i.Reason == ThreadPoolAdjustmentReason.Starvation);
        var blockingInjections = _injections.Count(i => i.Reason == ThreadPoolAdjustmentReason.CooperativeBlocking);
        var injected = starvationInjections + blockingInjections;
        var duration = (now - _episode.Since).TotalSeconds;

        var episode = _history.Where(s => s.Time >= _episode.Since).ToList();
        var completedBefore = Baseline(_episode.Since);
        var threadsAtOnset = episode.Count > 0 ? episode[0].Threads : threads;

        var evidence = new Evidence();
        // Without a sample since the onset the counters would describe the healthy pool before it: they are left out.
        if (queue is { } queued && completedPerSecond is { } completed)
        {
            evidence
                .Add("queueLength", Math.Round(queued))
                .Add("queueLengthSeries", episode.TakeLast(10).Select(s => Math.Round(s.Queue)).ToArray())
                .Add("completedPerSecond", Math.Round(completed, 1));
        }
        if (completedBefore is { } baseline)
            evidence.Add("completedPerSecondBefore", Math.Round(baseline, 1));
        evidence
            .Add("threadCount", Math.Round(threads))
            .Add("threadCountAtOnset", Math.Round(threadsAtOnset))
            .Add("starvationInjections", starvationInjections)
            .Add("cooperativeBlockingInjections", blockingInjections)
            .Add("injectedThreadsPerSecond", Math.Round(injected / _options.WindowSeconds, 2))
            .Add("injectionWindowSeconds", _options.WindowSeconds)
            .Add("durationSeconds", Math.Round(duration, 1));
        // Nothing completing at all has no finite drain time: the key is left out rather than given a sentinel.
        if (queue is not null && !double.IsPositiveInfinity(backlog))
            evidence.Add("backlogSeconds", Math.Round(backlog, 1));
        if (_contentionPerSecond is { } contention)
            evidence.Add("lockContentionPerSecond", Math.Round(contention, 1));

        var was = completedBefore is { } b ? $" (was {b:0}/s)" : "";
        var drain = double.IsPositiveInfinity(backlog) ? "nothing completing" : $"{backlog:0.#} s to drain";
        var lasted = duration >= 1 ? $" for {duration:0.#} s" : "";
        var counts = queue is { } q ? $"{q:0} work items queued, {completedPerSecond:0} completed/s{was}" : "queued work stopped being picked up";
        const string blockedAdvice = "Pool threads are blocked (Thread.Sleep, synchronous I/O, locks, sync-over-async). Make the blocking calls async, or move "
            + "unavoidable blocking work to dedicated threads (TaskCreationOptions.LongRunning); raising ThreadPool.SetMinThreads only hides it.";
        string message, advice;
        if (injected > 0)
        {
            var why = starvationInjections > 0 && blockingInjections > 0 ? "starvation and blocked waits"
                : starvationInjections > 0 ? "starvation: queued work made no progress" : "workers blocked waiting on tasks";
            message = $"thread pool starved{lasted}: {counts}; "
                + $"the runtime injected {injected} thread{(injected == 1 ? "" : "s")} in {_options.WindowSeconds:0.#} s ({why}), {threads:0} threads now";
            advice = blockingInjections > 0
                ? "Pool threads are blocked waiting on tasks (sync-over-async: .Result, .Wait(), GetAwaiter().GetResult()). Make the call chain async end to end; "
                  + "raising ThreadPool.SetMinThreads only hides the blocking."
                : blockedAdvice;
        }
        else if (completedBefore is { } rate && completedPerSecond is { } completing && completing <= 0.5 * rate)
        {
            // Completions collapsed with no injection: the workers are stuck, and the runtime held back (it does on a busy CPU).
            message = $"thread pool starved{lasted}: {counts} ({drain}); the workers stopped getting through work and the runtime "
                + $"injected no threads (it holds back on a busy CPU), {threads:0} threads now";
            advice = blockedAdvice;
        }
        else
        {
            message = $"thread pool backlog{lasted}: {counts} ({drain}), {threads:0} threads and no thread injection for blocking seen";
            advice = "Work is queued faster than the pool completes it. If the CPU is saturated, reduce or throttle the work (bounded channels, "
                + "SemaphoreSlim); if it is not, look for pool threads blocked on locks or synchronous I/O.";
        }

        return new Finding
        {
            Kind = Kind,
            Severity = severity,
            Time = now,
            Since = _episode.Since,
            Message = message,
            Evidence = evidence,
            Advice = advice,
        };
    }
}
