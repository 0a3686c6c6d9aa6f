using System;
using System.Collections.Generic;
using System.Diagnostics.Tracing;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Guard.Runtime.Detection;
using Guard.Runtime.Heap;
using Guard.Runtime.Stacks;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Guard.Runtime.Session;

/// <summary>Why a session ended.</summary>
public enum SessionEnd
{
    /// <summary>The caller cancelled (Ctrl+C, or the duration elapsed).</summary>
    Stopped,

    /// <summary>The event stream ended without being asked to: the target exited, or its runtime closed the session.</summary>
    TargetExited,

    /// <summary>No event came for the stall timeout: the target is stopped (SIGSTOP) or hung, and was given up on.</summary>
    Stalled,
}

/// <summary>Who the watched process is: its id and name, as findings are stamped with them.</summary>
public sealed record TargetIdentity(int Pid, string Name);

/// <summary>An attach or session start that failed for a reason the user can act on; the message is one line.</summary>
public sealed class GuardSessionException : Exception
{
    public GuardSessionException(string message) : base(message) { }
    public GuardSessionException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// One EventPipe session on a target: the runtime provider (GC and Threading keywords) and the System.Runtime counters
/// at a one-second interval, parsed live, turned into signals and run through the detectors. No rundown is requested
/// (nothing here resolves stacks), stack walks are turned off where the runtime allows it, and the session is always
/// stopped, with a bound on how long stopping may take.
/// </summary>
public sealed class GuardSession : IDisposable
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const string CountersProvider = "System.Runtime";
    // How long the stop request itself may take; Run does not wait for it beyond StopBudget.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(3);

    private readonly EventPipeSession _session;
    private readonly DetectionPipeline _pipeline;
    private readonly SignalTranslator _translator;
    private int _stopRequested;
    private int _draining;
    private string _target = "the target";
    private static readonly Gens[] ObjectGenerations = { Gens.Gen0, Gens.Gen1, Gens.Gen2, Gens.GenLargeObj, Gens.GenPinObj };

    private GuardSession(EventPipeSession session, DetectionPipeline pipeline, HeapSnapshotCoordinator? snapshots = null)
    {
        _lastEvent = Environment.TickCount64;
        _session = session;
        _pipeline = pipeline;
        _translator = new SignalTranslator(pipeline.Post);
        _snapshots = snapshots;
    }

    // Heap snapshots that name what a suspected leak keeps (null with --no-heap-snapshots).
    private readonly HeapSnapshotCoordinator? _snapshots;

    // Stack bursts that name where pool threads block and which methods allocate (null when none are allowed).
    private StackBurstCoordinator? _bursts;

    /// <summary>Heap snapshots taken in this session.</summary>
    public int HeapSnapshotsTaken => _snapshots?.SnapshotsTaken ?? 0;

    public DetectionPipeline Pipeline => _pipeline;

    /// <summary>Events the runtime dropped because its buffer was full (the stream was read too slowly).</summary>
    public long EventsLost => _loss.Total;

    // Said as the loss happens (a line at most every 10 s) and totalled at the end: a loss is never silent.
    private readonly EventLossWatch _loss = new();
    private Action<string>? _notice;

    /// <summary>The process id the event stream reports, once the first event has been read.</summary>
    public int? StreamProcessId { get; private set; }

    /// <summary>
    /// Take the target's identity from the event stream: for a launched command whose runtime is not the command itself
    /// (a script that starts the application), the process that connected is the one watched.
    /// </summary>
    public bool FollowStreamProcess { get; set; }

    /// <summary>
    /// Raised (on the reader thread, before the event that revealed it is handled) when the stream shows that the
    /// process watched is not the one the session was started for, with <see cref="FollowStreamProcess"/> on: the owner
    /// of the pipeline decides what findings are stamped with; the session does not write into it.
    /// </summary>
    public event Action<TargetIdentity>? IdentityChanged;

    /// <summary>Called once a second, after the counters of the interval have been read.</summary>
    public event Action<StatusSnapshot>? StatusUpdated;

    public static IReadOnlyList<EventPipeProvider> Providers(bool sampleAllocations, double counterIntervalSeconds = 1)
    {
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.Threading) | ServiceEvents.ExceptionKeyword;
        return new[]
        {
            // Verbose adds the allocation sampling event (GCAllocationTick, one per ~100 KB allocated) to the GC keyword.
            new EventPipeProvider(RuntimeProvider, sampleAllocations ? EventLevel.Verbose : EventLevel.Informational, keywords),
            new EventPipeProvider(CountersProvider, EventLevel.Informational, 0,
                new Dictionary<string, string> { ["EventCounterIntervalSec"] = counterIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
        }.Concat(ServiceEvents.Providers()).ToArray();
    }

    // When the last event was read (Environment.TickCount64), for the stall watch.
    private long _lastEvent;

    /// <summary>How long the stream may be silent before the target is given up on as stopped or hung.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The line said when the target was given up on (set when <see cref="Run"/> returned <see cref="SessionEnd.Stalled"/>).</summary>
    public string? StallMessage { get; private set; }

    /// <summary>How long a target may take to answer the request that starts the session.</summary>
    public static TimeSpan StartTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Starts the EventPipe session on a connected client. Failures, and a target that does not answer within
    /// <see cref="StartTimeout"/> (stopped, or hung), become a <see cref="GuardSessionException"/>; cancellation by the
    /// caller an <see cref="OperationCanceledException"/>.
    /// </summary>
    public static GuardSession Start(DiagnosticsClient client, DetectorOptions options, DetectionPipeline pipeline, string target, CancellationToken cancellation = default)
    {
        var providers = Providers(options.SampleAllocations, options.CounterIntervalSeconds);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(StartTimeout);
        EventPipeSession session;
        try
        {
            try
            {
                // Without stack walks each event costs the target far less; runtimes before .NET 8 do not know the command.
                session = client.StartEventPipeSessionAsync(new EventPipeSessionConfiguration(providers, circularBufferSizeMB: 64, requestRundown: false, requestStackwalk: false), timeout.Token)
                    .GetAwaiter().GetResult();
            }
            catch (UnsupportedCommandException)
            {
                session = client.StartEventPipeSessionAsync(providers, requestRundown: false, circularBufferMB: 64, timeout.Token).GetAwaiter().GetResult();
            }
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new GuardSessionException($"{target} did not answer within {StartTimeout.TotalSeconds:0} s: is it stopped (SIGSTOP), hung, or overloaded?");
        }
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or UnsupportedProtocolException or DiagnosticsClientException
            or IOException or UnauthorizedAccessException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw Explain(e, target);
        }
        HeapSnapshotCoordinator? snapshots = null;
        if (options.HeapSnapshots.Enabled && options.HeapSnapshots.MaxPerSession > 0)
        {
            var snapshotTimeout = TimeSpan.FromSeconds(options.HeapSnapshots.TimeoutSeconds);
            var typeNames = new Dictionary<ulong, string>();
            // Read when first needed, from the process watched then (for `run`, the one whose runtime connected).
            var fields = new TargetFieldNames(() => pipeline.Pid > 0 ? TargetFieldNames.MappedAssemblies(pipeline.Pid) : Array.Empty<string>());
            var buffer = SnapshotBuffer.ForProcess(() => pipeline.Pid);
            snapshots = new HeapSnapshotCoordinator(token =>
            {
                // Other guard sessions on this process are told the collection the snapshot induces is not the application's.
                using var mark = SnapshotMarks.Begin(pipeline.Pid);
                return HeapSnapshotter.Take(client, snapshotTimeout, token, typeNames, buffer);
            }, options.HeapSnapshots, fields);
        }
        StackBurstCoordinator? bursts = null;
        if (options.StackBursts.MaxPerSession > 0)
        {
            var burstTimeout = TimeSpan.FromSeconds(options.StackBursts.TimeoutSeconds);
            var burstLength = TimeSpan.FromSeconds(options.StackBursts.Seconds);
            bursts = new StackBurstCoordinator((kind, token) => StackBurst.Collect(client,
                kind == SampleKind.Thread ? StackBurst.ThreadSampling() : StackBurst.AllocationSampling(), burstLength, burstTimeout, token), options.StackBursts);
        }
        pipeline.Enricher = (snapshots, bursts) switch
        {
            (null, null) => null,
            (not null, null) => snapshots,
            (null, not null) => bursts,
            _ => new CompositeEnricher(snapshots, bursts),
        };
        return new GuardSession(session, pipeline, snapshots) { _bursts = bursts, StallTimeout = TimeSpan.FromSeconds(options.StallSeconds), _target = target };
    }

    internal static GuardSessionException Explain(Exception e, string target)
    {
        if (e is UnauthorizedAccessException || e.InnerException is UnauthorizedAccessException
            || (e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AccessDenied }))
            return new GuardSessionException($"no permission to open the diagnostics channel of {target}: run guard as the same user as the target (or root)", e);
        if (e is UnsupportedCommandException or UnsupportedProtocolException)
            return new GuardSessionException($"the runtime of {target} does not support EventPipe sessions: .NET Core 3.0 or later is needed", e);
        if (e is ServerNotAvailableException)
            return new GuardSessionException($"cannot connect to the diagnostics channel of {target}: is it a .NET Core 3.0+ process, with diagnostics enabled (DOTNET_EnableDiagnostics not 0), in this container and TMPDIR?", e);
        return new GuardSessionException($"cannot start a session on {target}: {FirstLine(e.Message)}", e);
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(new[] { '\r', '\n' });
        return end < 0 ? text : text.Substring(0, end);
    }

    /// <summary>
    /// Reads the stream until the caller cancels or the stream ends (the target exited). The end of the stream at any
    /// moment, in any form the reader reports it ("Read past end of stream", a closed pipe), is a normal end: the findings
    /// so far stand. Returns at most <see cref="StopBudget"/> after cancellation: the events still buffered are not
    /// wanted once the watch is over, so the reader stops looking at them and the stream is closed if the runtime is slow
    /// to end it.
    /// </summary>
    public SessionEnd Run(CancellationToken cancellation)
    {
        EventPipeEventSource source;
        try
        {
            source = new EventPipeEventSource(_session.EventStream);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The stream ended before its header: the target is gone already.
            StreamError = e;
            return Volatile.Read(ref _stopRequested) == 0 ? SessionEnd.TargetExited : SessionEnd.Stopped;
        }

        Task processing = Task.CompletedTask;
        try
        {
            Wire(source);
            processing = Task.Factory.StartNew(() =>
            {
                try
                {
                    source.Process();
                }
                catch (Exception e)
                {
                    // Whatever the reader throws once the stream is cut (the target died, SIGTERM raced its exit, the
                    // session was closed under it) ends the watch; it is kept for diagnosis, never shown as a crash.
                    StreamError = e;
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            var stalled = WaitWatchingForStall(processing, cancellation);

            var ended = stalled ? SessionEnd.Stalled
                : processing.IsCompleted && Volatile.Read(ref _stopRequested) == 0 ? SessionEnd.TargetExited : SessionEnd.Stopped;
            if (!processing.IsCompleted)
                StopWithin(processing);
            // A leak finding still waiting for its snapshots goes out now, without culprits, rather than be lost.
            _snapshots?.Flush(TimeSpan.FromSeconds(0.3), ended switch
            {
                SessionEnd.TargetExited => "the target exited before the heap snapshots were compared",
                SessionEnd.Stalled => "the target stopped answering before the heap snapshots were compared",
                _ => null,
            });
            _bursts?.Flush(TimeSpan.FromSeconds(0.2), ended switch
            {
                SessionEnd.TargetExited => "the target exited before the stack burst was read",
                SessionEnd.Stalled => "the target stopped answering before the stack burst was read",
                _ => null,
            });
            _loss.Record(SafeEventsLost(source));
            if (processing.IsCompleted)
                _translator.Flush();
            return ended;
        }
        finally
        {
            // A reader still inside the source when the budget ran out keeps it; it ends with the closed stream.
            if (processing.IsCompleted)
                source.Dispose();
        }
    }

    /// <summary>
    /// Waits for the reader to end or the caller to cancel. A stream that falls silent (counters alone come every
    /// interval) means a stopped or hung target: said once at a fifth of the stall timeout, and given up on at the
    /// timeout, so guard never waits forever on a process that answers nothing. True when it was given up on.
    /// </summary>
    private bool WaitWatchingForStall(Task processing, CancellationToken cancellation)
    {
        var noticeAfter = StallTimeout / 5;
        var noticed = false;
        try
        {
            while (!processing.Wait(TimeSpan.FromMilliseconds(250), cancellation))
            {
                var silent = TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastEvent));
                if (silent >= StallTimeout)
                {
                    StallMessage = $"no events from {_target} for {silent.TotalSeconds:0} s: it is stopped (SIGSTOP) or hung; gave up on it";
                    return true;
                }
                if (!noticed && silent >= noticeAfter)
                {
                    noticed = true;
                    _notice?.Invoke($"no events from {_target} for {silent.TotalSeconds:0} s: is it stopped (SIGSTOP) or hung? Guard gives up at {StallTimeout.TotalSeconds:0} s");
                }
                else if (noticed && silent < noticeAfter)
                {
                    noticed = false;
                    _notice?.Invoke($"events from {_target} flow again");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (AggregateException)
        {
            // Cannot happen (the body catches everything); kept so that no reader fault can escape as a crash.
        }
        return false;
    }

    /// <summary>How long Run may take to return once cancelled.</summary>
    public static TimeSpan StopBudget { get; } = TimeSpan.FromSeconds(0.8);

    /// <summary>What the reader reported when the stream ended under it, if anything (for diagnosis; a normal end).</summary>
    public Exception? StreamError { get; private set; }

    private void StopWithin(Task processing)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // From here events are only skipped, not parsed into signals: the drain costs nothing but the read.
        Volatile.Write(ref _draining, 1);
        var stop = Task.Run(Stop);
        var left = StopBudget * 0.6 - clock.Elapsed;
        if (left > TimeSpan.Zero)
            Task.WaitAny(new[] { processing }, left);
        if (!processing.IsCompleted)
        {
            // The runtime did not end the stream in time (a flood still in its buffer, or a hung target): closing it ends
            // the reader, and the runtime ends its side of the session when it sees the connection closed.
            CloseStream();
            left = StopBudget - clock.Elapsed;
            if (left > TimeSpan.Zero)
                Task.WaitAny(new[] { processing }, left);
        }
        // A reader still busy is abandoned: it runs on a background thread and ends with the stream.
        _ = stop;
    }

    private void CloseStream()
    {
        try
        {
            _session.Dispose();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or ServerNotAvailableException)
        {
        }
    }

    private static int SafeEventsLost(EventPipeEventSource source)
    {
        try
        {
            return source.EventsLost;
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or NullReferenceException)
        {
            return 0;
        }
    }

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) != 0)
            return;
        try
        {
            using var timeout = new CancellationTokenSource(StopTimeout);
            _session.StopAsync(timeout.Token).Wait(StopTimeout + TimeSpan.FromSeconds(1));
        }
        catch (Exception e) when (e is AggregateException or ServerNotAvailableException or IOException or OperationCanceledException
            or TimeoutException or ServerErrorException or ObjectDisposedException or EndOfStreamException)
        {
            // Already gone, or the stop could not be delivered in time; the stream is closed by the caller then.
        }
    }

    private void Wire(EventPipeEventSource source)
    {
        ServiceEvents.Wire(source, new ServiceSignalTranslator(_pipeline.Post), () => _pipeline.Pid);
        var clr = source.Clr;
        var translator = _translator;
        // Callbacks read plain values out of the event and hand them on; nothing is parsed once the watch is over.
        clr.GCStart += e =>
        {
            if (Draining)
                return;
            Seen(e);
            // A collection a heap snapshot induced (this session's or another guard's) is Guard's doing: neither its pause nor its reason is the application's.
            var induced = (int)e.Reason == (int)Signals.GcReason.Induced;
            if (_snapshots?.IsOwnCollection(e.Count, e.Depth, induced) == true
                || (induced && e.Depth >= 2 && SnapshotMarks.OtherSessionSnapshotting(_pipeline.Pid)))
            {
                translator.OnOwnCollection(e.Depth);
                return;
            }
            translator.OnGcStart(Utc(e), e.Count, e.Depth, (int)e.Reason, (int)e.Type);
        };
        clr.GCSuspendEEStart += e => { if (!Draining) translator.OnSuspendStart(Utc(e), (int)e.Reason); };
        clr.GCRestartEEStop += e => { if (!Draining) translator.OnRestartEnd(Utc(e)); };
        clr.GCGlobalHeapHistory += e => { if (!Draining) translator.OnGlobalHeapHistory(e.CondemnedGeneration); };
        clr.GCPerHeapHistory += e =>
        {
            // When collections flood in, only full collections' heaps are read (the leak detector's evidence).
            if (Draining || !e.VersionRecognized || !translator.WantsPerHeapHistory)
                return;
            long bytes = 0;
            foreach (var generation in ObjectGenerations)
            {
                if ((int)generation < e.EntriesInGenData)
                    bytes += Math.Max(0, e.GenData(generation).ObjSizeAfter);
            }
            translator.OnPerHeapHistory(bytes);
        };
        clr.GCHeapStats += e =>
        {
            if (!Draining)
                translator.OnHeapStats(Utc(e), e.GenerationSize0, e.GenerationSize1, e.GenerationSize2, e.GenerationSize3, e.GenerationSize4);
        };
        clr.ThreadPoolWorkerThreadAdjustmentAdjustment += e =>
        {
            if (Draining)
                return;
            Seen(e);
            translator.OnThreadPoolAdjustment(Utc(e), e.NewWorkerThreadCount, (int)e.Reason, e.AverageThroughput);
        };
        clr.GCAllocationTick += e =>
        {
            if (Draining || !translator.WantsAllocationTick())
                return;
            translator.OnAllocationTick(Utc(e), e.TypeName, e.AllocationAmount64 > 0 ? e.AllocationAmount64 : e.AllocationAmount,
                e.AllocationKind == GCAllocationKind.Large);
        };

        DateTime? lastStatus = null;
        source.Dynamic.All += e =>
        {
            if (Draining || e.EventName != "EventCounters" || e.ProviderName != CountersProvider)
                return;
            Seen(e);
            if (e.PayloadValue(0) is not IDictionary<string, object> outer || !outer.TryGetValue("Payload", out var inner) || inner is not IDictionary<string, object> payload)
                return;
            var time = Utc(e);
            translator.OnCounterPayload(time, payload);
            if (_loss.Check(SafeEventsLost(source), time) is { } lossLine)
                _notice?.Invoke(lossLine);
            // Counters of one interval arrive together; the status line is refreshed once per interval.
            if (lastStatus is null || (time - lastStatus.Value).TotalSeconds >= 0.9)
            {
                lastStatus = time;
                StatusUpdated?.Invoke(_pipeline.Status.Snapshot(time));
            }
        };
    }

    private bool Draining => Volatile.Read(ref _draining) != 0;

    /// <summary>A line for the user about how the session reads the stream (detail shed under a GC event flood, and back).</summary>
    public event Action<string>? Notice
    {
        add
        {
            _notice += value;
            _translator.Notice += value;
            if (_snapshots is not null)
                _snapshots.Notice += value;
            if (_bursts is not null)
                _bursts.Notice += value;
        }
        remove
        {
            _notice -= value;
            _translator.Notice -= value;
            if (_snapshots is not null)
                _snapshots.Notice -= value;
            if (_bursts is not null)
                _bursts.Notice -= value;
        }
    }

    private void Seen(TraceEvent e)
    {
        Volatile.Write(ref _lastEvent, Environment.TickCount64);
        if (StreamProcessId is not null || e.ProcessID <= 0)
            return;
        StreamProcessId = e.ProcessID;
        if (FollowStreamProcess && _pipeline.Pid != e.ProcessID)
            IdentityChanged?.Invoke(new TargetIdentity(e.ProcessID, TargetProcesses.Name(e.ProcessID)));
    }

    private static DateTime Utc(TraceEvent e) => e.TimeStamp.ToUniversalTime();

    public void Dispose()
    {
        Volatile.Write(ref _draining, 1);
        _snapshots?.Dispose();
        _bursts?.Dispose();
        Stop();
        CloseStream();
    }
}
