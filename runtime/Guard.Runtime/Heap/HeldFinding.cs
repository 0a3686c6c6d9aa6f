using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Guard.Runtime.Detection;

namespace Guard.Runtime.Heap;

/// <summary>
/// A finding held while a worker gathers its culprits (heap snapshots, a stack burst), and the findings of the same
/// incident that come meanwhile. The held finding is published exactly once, by the worker or, when the watch ends
/// first, by <see cref="Flush"/> (with a note, without culprits); those queued behind it follow in order, carrying its
/// culprits where they have none. The mechanics both enrichers share; what they gather is theirs.
/// </summary>
public sealed class HeldFinding
{
    private readonly object _lock = new();
    private readonly List<Finding> _queued = new();
    private readonly Func<Finding, Finding, Finding> _carry;
    private Finding? _held;
    private Action<Finding>? _publish;
    private bool _done = true;
    private Task? _worker;

    /// <param name="carry">How a finding queued behind the held one takes its culprits (held, queued → published).</param>
    public HeldFinding(Func<Finding, Finding, Finding> carry) => _carry = carry;

    public enum Follow
    {
        /// <summary>Nothing is held: the caller may hold this finding.</summary>
        NothingHeld,

        /// <summary>Queued behind the held finding; it will be published after it.</summary>
        Queued,

        /// <summary>A finding is held but this one is not of its incident: the caller lets it go as it is.</summary>
        Refused,
    }

    /// <summary>Queues the finding behind the one held when there is one and <paramref name="sameIncident"/> (given the held one) agrees.</summary>
    public Follow TryFollow(Finding finding, Func<Finding, bool>? sameIncident = null)
    {
        lock (_lock)
        {
            if (_done || _held is null)
                return Follow.NothingHeld;
            if (sameIncident is not null && !sameIncident(_held))
                return Follow.Refused;
            _queued.Add(finding);
            return Follow.Queued;
        }
    }

    /// <summary>Holds the finding and starts the worker that gathers its culprits (it must end with <see cref="Publish"/>).</summary>
    public void Start(Finding finding, Action<Finding> publish, Action work)
    {
        lock (_lock)
        {
            _held = finding;
            _publish = publish;
            _done = false;
            _worker = Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    /// <summary>Publishes the held finding as gathered (once; later calls do nothing), then those queued behind it.</summary>
    public void Publish(Finding result)
    {
        Action<Finding>? publish;
        Finding[] queued;
        lock (_lock)
        {
            if (_done)
                return;
            _done = true;
            publish = _publish;
            queued = _queued.ToArray();
            _queued.Clear();
        }
        publish?.Invoke(result);
        // A finding of the same incident (an escalation) carries the culprits just found.
        foreach (var next in queued)
            publish?.Invoke(next.Resolved || result.Culprits.Count == 0 ? next : _carry(result, next));
    }

    /// <summary>
    /// Waits up to <paramref name="budget"/> for the worker (already told to stop by its owner); a finding still held
    /// then goes out as <paramref name="withNote"/> makes it, rather than be lost with the watch.
    /// </summary>
    public void Flush(TimeSpan budget, Func<Finding, Finding> withNote)
    {
        Task? worker;
        Finding? held;
        lock (_lock)
        {
            worker = _worker;
            held = _done ? null : _held;
        }
        if (worker is null || held is null || worker.Wait(budget))
            return;
        Publish(withNote(held));
    }
}
