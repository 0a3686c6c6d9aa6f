using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Guard.Runtime.Detection;

namespace Guard.Runtime.Heap;

/// <summary>
/// Takes findings that are worth more with culprits, and hands them back (possibly later, from another thread) through
/// <c>publish</c>. Returns false to let the pipeline publish the finding as it is.
/// </summary>
public interface IFindingEnricher
{
    bool Hold(Finding finding, Action<Finding> publish);
}

/// <summary>
/// Names what a suspected leak keeps. When the leak detector first reports, the finding is held, a heap snapshot is taken
/// at once and another <see cref="HeapSnapshotOptions.IntervalSeconds"/> later; the finding is then published with the
/// types that grew between them and the chain that keeps each. When the leak is later confirmed, one more snapshot is
/// compared with the first. Never more than <see cref="HeapSnapshotOptions.MaxPerSession"/> snapshots in a session: each
/// stops the target for a blocking gen2 collection and a walk of its heap, and the pause each cost is in the evidence.
/// </summary>
public sealed class HeapSnapshotCoordinator : IFindingEnricher, IDisposable
{
    private readonly Func<CancellationToken, HeapSnapshot> _take;
    private readonly HeapSnapshotOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _lock = new();
    private readonly ConcurrentDictionary<int, byte> _ownCollections = new();
    private int _taken;
    private long _activeUntilTicks;
    private (HeapHistogram Histogram, DateTime Time)? _baseline;
    private bool _targetGone;
    // The finding held while its snapshots are taken; published once, by the worker or, when the watch ends first, by Flush.
    private readonly HeldFinding _held = new(Carry);
    private volatile string _endReason = "the watch ended before the heap snapshots were compared";

    private readonly IFieldResolver? _fields;

    /// <param name="take">Takes one snapshot (of the watched process).</param>
    /// <param name="fields">Names the fields on a path (see <see cref="TargetFieldNames"/>).</param>
    public HeapSnapshotCoordinator(Func<CancellationToken, HeapSnapshot> take, HeapSnapshotOptions options, IFieldResolver? fields = null)
    {
        _take = take;
        _options = options;
        _fields = fields;
    }

    /// <summary>A line for the user (a snapshot taken, given up, or cut short by the target's exit).</summary>
    public event Action<string>? Notice;

    public int SnapshotsTaken => Volatile.Read(ref _taken);

    /// <summary>
    /// Whether a collection seen in the watch session is one a snapshot induced: its pause and its "induced" reason are
    /// Guard's doing, not the application's, and must not count as GC pressure. Known by number once the snapshot session
    /// has seen it; until then, any induced blocking gen2 collection while a snapshot is under way (or just ended).
    /// </summary>
    public bool IsOwnCollection(int number, int generation, bool induced)
    {
        if (!induced || generation < 2)
            return false;
        return _ownCollections.ContainsKey(number) || DateTime.UtcNow.Ticks <= Volatile.Read(ref _activeUntilTicks);
    }

    public bool Hold(Finding finding, Action<Finding> publish)
    {
        if (finding.Kind != FindingKinds.MemoryLeak)
            return false;
        lock (_lock)
        {
            if (finding.Resolved)
                // The heap fell back: a new incident starts from a new baseline.
                _baseline = null;
            // Findings of the kind that come while one is held follow it, in order.
            if (_held.TryFollow(finding) == HeldFinding.Follow.Queued)
                return true;
            if (finding.Resolved)
                return false;
            if (_targetGone || _taken >= _options.MaxPerSession)
            {
                publish(WithNote(finding, _targetGone ? "the target exited during a heap snapshot" : $"heap snapshot budget of {_options.MaxPerSession} for this session used"));
                return true;
            }
            var baseline = _baseline;
            var needed = baseline is null ? 2 : 1;
            if (_taken + needed > _options.MaxPerSession)
            {
                publish(WithNote(finding, $"heap snapshot budget of {_options.MaxPerSession} for this session used"));
                return true;
            }
            _held.Start(finding, publish, () => Enrich(finding, baseline));
            return true;
        }
    }

    private void Enrich(Finding finding, (HeapHistogram Histogram, DateTime Time)? baseline)
    {
        var pauses = new List<double>();
        Finding result;
        try
        {
            if (baseline is null)
            {
                var first = Snapshot(pauses);
                baseline = (HeapHistogram.Of(first.Graph), first.Time);
                lock (_lock)
                    _baseline = baseline;
                // Wait between the two snapshots; the end of the watch cuts it short.
                if (_stop.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(_options.IntervalSeconds)))
                    throw new OperationCanceledException();
            }
            var last = Snapshot(pauses);
            result = WithCulprits(finding, baseline.Value.Histogram, baseline.Value.Time, last, pauses, _fields);
        }
        catch (OperationCanceledException)
        {
            result = WithNote(finding, _endReason, pauses);
        }
        catch (HeapSnapshotException e)
        {
            if (e.TargetExited)
                _targetGone = true;
            Notice?.Invoke("heap snapshot: " + e.Message);
            result = WithNote(finding, e.Message, pauses);
        }
        catch (Exception e) when (e is OutOfMemoryException or InvalidOperationException or System.IO.IOException)
        {
            Notice?.Invoke("heap snapshot failed: " + e.Message.Split('\n')[0]);
            result = WithNote(finding, "heap snapshot failed: " + e.Message.Split('\n')[0], pauses);
        }
        _held.Publish(result);
    }

    private HeapSnapshot Snapshot(List<double> pauses)
    {
        _stop.Token.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _taken);
        var timeout = TimeSpan.FromSeconds(_options.TimeoutSeconds);
        Volatile.Write(ref _activeUntilTicks, DateTime.UtcNow.Add(timeout).Ticks);
        try
        {
            var snapshot = _take(_stop.Token);
            _ownCollections[snapshot.GcNumber] = 0;
            pauses.Add(Math.Round(snapshot.Pause.TotalMilliseconds, 1));
            Notice?.Invoke($"heap snapshot {SnapshotsTaken}/{_options.MaxPerSession}: {snapshot.Graph.NodeCount:N0} objects, {snapshot.Graph.TotalBytes / 1048576.0:0} MB, "
                + $"target paused {snapshot.Pause.TotalMilliseconds:0} ms, read in {snapshot.Elapsed.TotalSeconds:0.#} s"
                + (snapshot.BufferMB > 0 ? $" ({snapshot.BufferMB} MB event buffer)" : ""));
            return snapshot;
        }
        finally
        {
            // The watch session reads its events later than the snapshot session: the window stays open a little longer.
            Volatile.Write(ref _activeUntilTicks, DateTime.UtcNow.AddSeconds(10).Ticks);
        }
    }

    /// <summary>The finding with the growing types, each with the chain that keeps it, and the snapshots' cost in the evidence.</summary>
    /// <param name="fields">Names the fields on the paths (the declaring class of a static, the instance fields of application types).</param>
    public static Finding WithCulprits(Finding finding, HeapHistogram before, DateTime beforeTime, HeapSnapshot after, IReadOnlyList<double> pauses,
        IFieldResolver? fields = null)
    {
        var afterHistogram = HeapHistogram.Of(after.Graph);
        var seconds = Math.Max(0, (after.Time - beforeTime).TotalSeconds);
        var growing = HeapDiff.Growing(before, afterHistogram);
        var tree = RetentionPaths.SpanningTree(after.Graph);
        var culprits = new List<Evidence>();
        foreach (var growth in growing)
        {
            var culprit = new Evidence()
                .Add("type", growth.Type)
                .Add("countDelta", growth.CountDelta)
                .Add("bytesDelta", growth.BytesDelta)
                .Add("count", growth.Count)
                .Add("bytes", growth.Bytes)
                .Add("seconds", Math.Round(seconds, 1));
            if (RetentionPaths.Find(after.Graph, tree, growth.Type) is { } path)
            {
                path = Named(path, fields);
                culprit.Add("root", path.StaticRoot ? "static " + path.Root : path.Root);
                if (path.StaticRoot)
                    culprit.Add("staticField", path.Root);
                // The field nearest to the objects that names them; else the static field at the root; else the holding type.
                culprit.Add("heldBy", path.NearestField ?? (path.StaticRoot ? path.Root : path.HeldBy))
                    .Add("path", path.Describe())
                    .Add("pathShare", path.OfObjects == 0 ? 0.0 : Math.Round((double)path.Objects / path.OfObjects, 2));
            }
            culprits.Add(culprit);
        }

        var evidence = Copy(finding.Evidence)
            .Add("heapSnapshots", pauses.Count)
            .Add("snapshotPauseMs", pauses.ToArray())
            .Add("snapshotSpanSeconds", Math.Round(seconds, 1))
            .Add("snapshotHeapMB", new[] { Math.Round(before.TotalBytes / 1048576.0, 1), Math.Round(afterHistogram.TotalBytes / 1048576.0, 1) });
        var top = culprits.FirstOrDefault();
        var advice = top is null
            ? "No type grew between the heap snapshots by enough to name (the growth may be in native memory, or was collected in between). " + finding.Advice
            : $"The growing types and the chain from a root that keeps them are listed: start with {TypeNames.Short((string)top["type"]!)}"
                + (top["heldBy"] is string holder ? $", held by {holder}" : "")
                + (top["root"] is string root && root != "static " + top["heldBy"] ? $" (reached from {root})" : "")
                + ". Bound or expire that collection, or remove entries when done with them (unsubscribe handlers, dispose timers).";
        return finding with { Evidence = evidence, Culprits = culprits, Advice = advice };
    }

    /// <summary>
    /// A finding of the same incident that came while the snapshots were taken (the leak confirmed meanwhile) carries the
    /// culprits just found rather than cost another snapshot.
    /// </summary>
    private static Finding Carry(Finding enriched, Finding next)
    {
        var evidence = Copy(next.Evidence);
        foreach (var (name, value) in enriched.Evidence)
        {
            if (name.StartsWith("snapshot", StringComparison.Ordinal) || name == "heapSnapshots")
                evidence.Add(name, value);
        }
        return next with { Evidence = evidence, Culprits = enriched.Culprits, Advice = enriched.Advice };
    }

    private static RetentionPath Named(RetentionPath path, IFieldResolver? fields)
    {
        if (fields is null)
            return path;
        if (path.StaticRoot && fields.QualifyStatic(path.Root, path.RootObjectType) is { } qualified)
            path = path with { Root = qualified };
        var names = new string?[path.Types.Count];
        for (var i = 0; i + 1 < path.Types.Count; i++)
            names[i] = fields.InstanceField(path.Types[i], path.Types[i + 1]);
        return path with { Fields = names };
    }

    private static Finding WithNote(Finding finding, string note, IReadOnlyList<double>? pauses = null)
    {
        var evidence = Copy(finding.Evidence).Add("heapSnapshotNote", note);
        if (pauses is { Count: > 0 })
            evidence.Add("snapshotPauseMs", pauses.ToArray());
        return finding with { Evidence = evidence };
    }

    private static Evidence Copy(Evidence evidence)
    {
        var copy = new Evidence();
        copy.AddRange(evidence);
        return copy;
    }

    /// <summary>
    /// Ends the work in flight within <paramref name="budget"/>: a held finding is published without culprits (the watch is
    /// over), a snapshot under way is abandoned with its session.
    /// </summary>
    /// <param name="reason">Why the watch ended, for the note on a finding left without culprits.</param>
    public void Flush(TimeSpan budget, string? reason = null)
    {
        if (reason is not null)
            _endReason = reason;
        _stop.Cancel();
        // A snapshot still being stopped: the finding goes out now, without culprits, rather than be lost with the watch.
        _held.Flush(budget, held => WithNote(held, _endReason));
    }

    public void Dispose()
    {
        _stop.Cancel();
    }
}
