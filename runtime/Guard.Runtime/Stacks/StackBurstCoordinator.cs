using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Guard.Runtime.Detection;
using Guard.Runtime.Heap;

namespace Guard.Runtime.Stacks;

/// <summary>
/// Names the code behind a starvation (where pool threads block) and GC pressure (which methods allocate the top types):
/// the finding is held for a short burst of stacks taken while the condition lasts, then published with its culprits.
/// Bursts run one at a time, at most <see cref="StackBurstOptions.MaxPerSession"/> a session; findings of the same kind
/// that come meanwhile follow the held one, in order.
/// </summary>
public sealed class StackBurstCoordinator : IFindingEnricher, IDisposable
{
    private readonly Func<SampleKind, CancellationToken, IReadOnlyList<StackSample>> _burst;
    private readonly StackBurstOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _lock = new();
    private readonly HeldFinding _held = new((found, next) => next with { Culprits = found.Culprits });
    private int _bursts;
    private volatile string _endReason = "the watch ended before the stack burst was read";

    /// <param name="burst">Takes one burst: thread samples or allocation samples, with stacks.</param>
    public StackBurstCoordinator(Func<SampleKind, CancellationToken, IReadOnlyList<StackSample>> burst, StackBurstOptions options)
    {
        _burst = burst;
        _options = options;
    }

    public event Action<string>? Notice;

    public int BurstsTaken => Volatile.Read(ref _bursts);

    public bool Hold(Finding finding, Action<Finding> publish)
    {
        if (finding.Kind is not (FindingKinds.ThreadPoolStarvation or FindingKinds.GcPressure))
            return false;
        lock (_lock)
        {
            switch (_held.TryFollow(finding, held => held.Kind == finding.Kind))
            {
                case HeldFinding.Follow.Queued:
                    return true;
                case HeldFinding.Follow.Refused:
                    return false;
            }
            if (finding.Resolved || _bursts >= _options.MaxPerSession)
                return false;
            _bursts++;
            _held.Start(finding, publish, () => Enrich(finding));
            return true;
        }
    }

    private void Enrich(Finding finding)
    {
        Finding result;
        try
        {
            var kind = finding.Kind == FindingKinds.ThreadPoolStarvation ? SampleKind.Thread : SampleKind.Allocation;
            var samples = _burst(kind, _stop.Token);
            result = kind == SampleKind.Thread ? WithBlockingStacks(finding, samples, _options.Seconds) : WithAllocatingMethods(finding, samples, _options.Seconds);
        }
        catch (OperationCanceledException)
        {
            result = WithNote(finding, _endReason);
        }
        catch (StackBurstException e)
        {
            Notice?.Invoke("stack burst: " + e.Message);
            result = WithNote(finding, e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or System.IO.IOException or UnauthorizedAccessException)
        {
            Notice?.Invoke("stack burst failed: " + e.Message.Split('\n')[0]);
            result = WithNote(finding, "stack burst failed: " + e.Message.Split('\n')[0]);
        }
        _held.Publish(result);
    }

    /// <summary>The starvation finding with the stacks its pool threads were blocked in.</summary>
    public static Finding WithBlockingStacks(Finding finding, IReadOnlyList<StackSample> samples, double seconds)
    {
        var stacks = BlockingStacks.Group(samples);
        var evidence = Copy(finding.Evidence)
            .Add("stackBurstSeconds", seconds)
            .Add("busyPoolThreads", BlockingStacks.BusyPoolThreads(samples));
        if (stacks.Count == 0)
            return finding with { Evidence = evidence.Add("stackBurstNote", "no pool thread was seen blocked in user code during the burst") };
        var top = stacks[0];
        var advice = $"Pool threads are blocked in {top.BlockingCall} called from {top.UserFrame} ({top.Threads} thread{(top.Threads == 1 ? "" : "s")}, "
            + $"{top.Share * 100:0}% of the busy ones): " + top.Kind switch
            {
                "task wait" => "await the task instead of blocking on it (async all the way up), or move the work off the pool.",
                "sleep" => "use await Task.Delay instead of Thread.Sleep on pool threads.",
                "lock" => "shorten or remove the lock held across slow work, or use an async lock (SemaphoreSlim.WaitAsync).",
                "I/O" => "use the asynchronous I/O call and await it.",
                _ => "wait asynchronously instead of blocking a pool thread.",
            } + " " + finding.Advice;
        return finding with { Evidence = evidence, Culprits = BlockingStacks.Culprits(stacks), Advice = advice };
    }

    /// <summary>The GC pressure finding with the allocating method of each top allocated type.</summary>
    public static Finding WithAllocatingMethods(Finding finding, IReadOnlyList<StackSample> samples, double seconds)
    {
        var methods = AllocatingMethods.ByType(samples);
        var evidence = Copy(finding.Evidence).Add("stackBurstSeconds", seconds).Add("allocationStacks", samples.Count(s => s.Kind == SampleKind.Allocation));
        var culprits = finding.Culprits.Count > 0
            ? finding.Culprits
            : Totals(samples).Select(t => new Evidence().Add("type", t.Type).Add("share", t.Share)).ToList();
        var named = new List<Evidence>();
        foreach (var culprit in culprits)
        {
            var copy = Copy(culprit);
            if (culprit["type"] is string type && methods.TryGetValue(type, out var byMethod) && byMethod.Count > 0)
                copy.Add("method", byMethod[0].Method).Add("methodShare", byMethod[0].Share);
            named.Add(copy);
        }
        return finding with { Evidence = evidence, Culprits = named };
    }

    private static IEnumerable<(string Type, double Share)> Totals(IReadOnlyList<StackSample> samples)
    {
        var bytesByType = samples.Where(s => s.Kind == SampleKind.Allocation && s.TypeName is not null)
            .GroupBy(s => s.TypeName!)
            .Select(g => new KeyValuePair<string, long>(g.Key, g.Sum(s => Math.Max(1, s.Bytes))));
        return AllocationSampler.Rank(bytesByType, 5).Select(t => (t.Type, Math.Round(t.Share, 2)));
    }

    private static Finding WithNote(Finding finding, string note) => finding with { Evidence = Copy(finding.Evidence).Add("stackBurstNote", note) };

    private static Evidence Copy(Evidence evidence)
    {
        var copy = new Evidence();
        copy.AddRange(evidence);
        return copy;
    }

    /// <summary>Ends a burst in flight within <paramref name="budget"/>; a held finding goes out without culprits.</summary>
    public void Flush(TimeSpan budget, string? reason = null)
    {
        if (reason is not null)
            _endReason = reason;
        _stop.Cancel();
        _held.Flush(budget, held => WithNote(held, _endReason));
    }

    public void Dispose() => _stop.Cancel();
}

/// <summary>Offers each finding to several enrichers in turn; the first that holds it keeps it.</summary>
public sealed class CompositeEnricher : IFindingEnricher
{
    private readonly IFindingEnricher[] _enrichers;

    public CompositeEnricher(params IFindingEnricher[] enrichers) => _enrichers = enrichers;

    public bool Hold(Finding finding, Action<Finding> publish) => _enrichers.Any(e => e.Hold(finding, publish));
}
