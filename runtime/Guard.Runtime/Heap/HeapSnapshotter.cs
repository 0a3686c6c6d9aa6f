using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Guard.Runtime.Heap;

/// <summary>One heap snapshot: the graph, when it was taken, and what it cost the target.</summary>
/// <param name="Pause">How long the target's threads were stopped: from the suspension before the induced collection to the restart after the heap walk.</param>
/// <param name="Elapsed">From asking for the snapshot to having read it all (the target runs meanwhile, apart from the pause).</param>
public sealed record HeapSnapshot(DateTime Time, HeapGraph Graph, TimeSpan Pause, TimeSpan Elapsed, int GcNumber)
{
    /// <summary>The runtime's event buffer the snapshot was taken with (native memory of the target, for the duration of the walk).</summary>
    public int BufferMB { get; init; }
}

/// <summary>A snapshot that could not be taken; the message is one line for the user.</summary>
public sealed class HeapSnapshotException : Exception
{
    public HeapSnapshotException(string message, bool targetExited = false, Exception? inner = null) : base(message, inner) => TargetExited = targetExited;

    public bool TargetExited { get; }
}

/// <summary>
/// Takes a heap snapshot of a live process over EventPipe: a separate short session with the runtime's heap-dump keywords,
/// which makes the runtime run a blocking gen2 collection and, while the threads are stopped, walk the heap and send every
/// object (bulk node events), its references (bulk edges), the roots and static roots, and the names of the types seen.
/// The session is stopped as soon as the walk's collection has restarted the threads.
/// </summary>
public static class HeapSnapshotter
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const int InducedReason = 1;

    /// <param name="typeNames">Type names from earlier snapshots of the same process (the runtime names a type only once); added to.</param>
    /// <param name="buffer">Sizes the runtime's event buffer for the walk, and learns from a snapshot that lost events; without it, 256 MB.</param>
    public static HeapSnapshot Take(DiagnosticsClient client, TimeSpan timeout, CancellationToken cancellation, Dictionary<ulong, string>? typeNames = null,
        SnapshotBuffer? buffer = null)
    {
        var bufferMB = buffer?.NextMB() ?? SnapshotBuffer.MinMB;
        var clock = Stopwatch.StartNew();
        var provider = new EventPipeProvider(RuntimeProvider, EventLevel.Verbose, (long)ClrTraceEventParser.Keywords.GCHeapSnapshot);
        EventPipeSession session;
        try
        {
            // Bounded: a target that stopped answering must not hold the finding (or the watch) forever.
            using var startTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            startTimeout.CancelAfter(timeout);
            session = client.StartEventPipeSessionAsync(new[] { provider }, requestRundown: false, circularBufferMB: bufferMB, startTimeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is ServerNotAvailableException or EndOfStreamException or IOException)
        {
            throw new HeapSnapshotException("the target exited before the heap snapshot started", targetExited: true, e);
        }
        catch (OperationCanceledException e) when (!cancellation.IsCancellationRequested)
        {
            throw new HeapSnapshotException($"the target did not answer the heap snapshot request within {timeout.TotalSeconds:0} s", inner: e);
        }
        catch (Exception e) when (e is ServerErrorException or UnsupportedCommandException or DiagnosticsClientException or TimeoutException)
        {
            throw new HeapSnapshotException("the target refused the heap snapshot session: " + e.Message.Split('\n')[0], inner: e);
        }

        var builder = new HeapGraphBuilder(typeNames);
        var gcNumber = -1;
        DateTime suspended = default, started = default, restarted = default;
        DateTime? lastSuspend = null;
        var walked = 0;
        var done = new ManualResetEventSlim();
        Exception? readError = null;
        EventPipeEventSource? source = null;

        var reader = Task.Factory.StartNew(() =>
        {
            try
            {
                source = new EventPipeEventSource(session.EventStream);
                var clr = source.Clr;
                clr.GCSuspendEEStart += e => lastSuspend = e.TimeStamp;
                clr.GCStart += e =>
                {
                    // The collection the session asked for: the first blocking gen2 one, induced, after the session began.
                    if (gcNumber < 0 && e.Depth == 2 && (int)e.Reason == InducedReason)
                    {
                        gcNumber = e.Count;
                        started = e.TimeStamp;
                        suspended = lastSuspend ?? e.TimeStamp;
                    }
                };
                clr.GCRestartEEStop += e =>
                {
                    if (gcNumber >= 0 && restarted == default && Volatile.Read(ref walked) > 0)
                    {
                        restarted = e.TimeStamp;
                        done.Set();
                    }
                };
                clr.TypeBulkType += e =>
                {
                    for (var i = 0; i < e.Count; i++)
                    {
                        var type = e.Values(i);
                        builder.AddType(type.TypeID, type.TypeName);
                    }
                };
                clr.GCBulkNode += e =>
                {
                    if (gcNumber < 0)
                        return;
                    for (var i = 0; i < e.Count; i++)
                    {
                        var node = e.Values(i);
                        builder.AddNode(node.Address, (long)node.Size, node.TypeID, (int)node.EdgeCount);
                    }
                    Interlocked.Add(ref walked, e.Count);
                };
                clr.GCBulkEdge += e =>
                {
                    if (gcNumber < 0)
                        return;
                    for (var i = 0; i < e.Count; i++)
                        builder.AddEdge(e.Values(i).Target);
                };
                clr.GCBulkRootEdge += e =>
                {
                    if (gcNumber < 0)
                        return;
                    for (var i = 0; i < e.Count; i++)
                    {
                        var root = e.Values(i);
                        builder.AddRoot(root.RootedNodeAddress, root.GCRootKind.ToString().ToLowerInvariant());
                    }
                };
                clr.GCBulkRootStaticVar += e =>
                {
                    if (gcNumber < 0)
                        return;
                    for (var i = 0; i < e.Count; i++)
                    {
                        var root = e.Values(i);
                        builder.AddStaticRoot(root.ObjectID, root.TypeID, root.FieldName);
                    }
                };
                source.Process();
            }
            catch (Exception e)
            {
                readError = e;
            }
            finally
            {
                done.Set();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var completed = false;
        var lost = 0;
        try
        {
            completed = WaitHandle.WaitAny(new[] { done.WaitHandle, cancellation.WaitHandle }, timeout) == 0;
            if (completed && restarted != default)
            {
                // The walk is over; stopping the session makes the runtime flush what is left in its buffer.
                StopQuietly(session);
                if (!reader.Wait(timeout))
                    throw new HeapSnapshotException($"the heap snapshot did not finish within {timeout.TotalSeconds:0} s");
            }
        }
        finally
        {
            if (!reader.IsCompleted)
            {
                StopQuietly(session);
                // A reader still waiting on the stream ends once the stream is closed.
                session.Dispose();
                reader.Wait(TimeSpan.FromSeconds(2));
            }
            else
                session.Dispose();
            lost = SafeEventsLost(source);
            source?.Dispose();
        }

        cancellation.ThrowIfCancellationRequested();
        if (restarted == default)
        {
            if (!completed)
                throw new HeapSnapshotException($"the heap snapshot did not finish within {timeout.TotalSeconds:0} s");
            // The stream ended before the walk did: the target is gone (or closed the session).
            throw new HeapSnapshotException("the target exited during the heap snapshot", targetExited: true, readError);
        }
        // Node and edge events pair up by order: with some dropped, the graph would join objects to the wrong references.
        if (lost > 0)
        {
            buffer?.Lost(bufferMB);
            throw new HeapSnapshotException($"the runtime dropped {lost:N0} events of the heap snapshot (its {bufferMB} MB buffer was full): the snapshot is not used");
        }
        return new HeapSnapshot(started.ToUniversalTime(), builder.Build(), restarted - suspended, clock.Elapsed, gcNumber) { BufferMB = bufferMB };
    }

    private static int SafeEventsLost(EventPipeEventSource? source)
    {
        try
        {
            return source?.EventsLost ?? 0;
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or NullReferenceException)
        {
            return 0;
        }
    }

    private static void StopQuietly(EventPipeSession session)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            session.StopAsync(timeout.Token).Wait(TimeSpan.FromSeconds(6));
        }
        catch (Exception e) when (e is AggregateException or ServerNotAvailableException or IOException or OperationCanceledException
            or TimeoutException or ServerErrorException or ObjectDisposedException or EndOfStreamException)
        {
        }
    }
}
