using System;
using System.Collections.Generic;
using System.Diagnostics.Tracing;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Guard.Runtime.Stacks;

public enum SampleKind
{
    /// <summary>A sample profiler tick: where a thread was at that moment.</summary>
    Thread,

    /// <summary>An allocation sample (GCAllocationTick): the type allocated and the stack that allocated it.</summary>
    Allocation,
}

/// <summary>One stack from a burst, innermost frame first (method names without their parameter lists).</summary>
public sealed record StackSample(SampleKind Kind, int ThreadId, IReadOnlyList<string> Frames, string? TypeName = null, long Bytes = 0);

/// <summary>A burst that could not be taken; the message is one line for the user.</summary>
public sealed class StackBurstException : Exception
{
    public StackBurstException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// A short EventPipe session with stacks: the sample profiler (every thread's stack about once a millisecond) or the
/// allocation samples with the stack that allocated, for a second or two, with the rundown at the end that names the
/// methods jitted or precompiled before the session began. The stream is written to a temporary file, which TraceEvent's
/// TraceLog reads back with the stacks resolved; the files are deleted at once.
/// </summary>
public static class StackBurst
{
    private const string SampleProfiler = "Microsoft-DotNETCore-SampleProfiler";
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    public static IReadOnlyList<EventPipeProvider> ThreadSampling() => new[]
    {
        new EventPipeProvider(SampleProfiler, EventLevel.Informational),
        // Methods jitted during the burst (the rundown names those jitted before).
        new EventPipeProvider(RuntimeProvider, EventLevel.Informational, (long)(ClrTraceEventParser.Keywords.Jit | ClrTraceEventParser.Keywords.Loader)),
    };

    public static IReadOnlyList<EventPipeProvider> AllocationSampling() => new[]
    {
        new EventPipeProvider(RuntimeProvider, EventLevel.Verbose,
            (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.Jit | ClrTraceEventParser.Keywords.Loader)),
    };

    public static IReadOnlyList<StackSample> Collect(DiagnosticsClient client, IReadOnlyList<EventPipeProvider> providers, TimeSpan duration, TimeSpan timeout,
        CancellationToken cancellation)
    {
        RemoveStale();
        var directory = Path.Combine(Path.GetTempPath(), $"guard-stacks-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var trace = Path.Combine(directory, "burst.nettrace");
        try
        {
            Record(client, providers, trace, duration, timeout, cancellation);
            return Read(trace, Path.Combine(directory, "burst.etlx"));
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    // A guard that was killed in the middle of a burst leaves its folder behind: the next burst removes the folders of
    // guard processes that are gone.
    private static void RemoveStale()
    {
        try
        {
            foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), "guard-stacks-*"))
            {
                var parts = Path.GetFileName(directory).Split('-');
                if (parts.Length >= 3 && int.TryParse(parts[2], out var pid) && pid != Environment.ProcessId && !Session.TargetProcesses.Exists(pid))
                    Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static void Record(DiagnosticsClient client, IReadOnlyList<EventPipeProvider> providers, string path, TimeSpan duration, TimeSpan timeout,
        CancellationToken cancellation)
    {
        EventPipeSession session;
        try
        {
            // Bounded: a target that stopped answering must not hold the finding (or the watch) forever.
            using var startTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            startTimeout.CancelAfter(timeout);
            session = client.StartEventPipeSessionAsync(providers, requestRundown: true, circularBufferMB: 128, startTimeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is ServerNotAvailableException or EndOfStreamException or IOException)
        {
            throw new StackBurstException("the target exited before the stack burst started", e);
        }
        catch (OperationCanceledException e) when (!cancellation.IsCancellationRequested)
        {
            throw new StackBurstException($"the target did not answer the stack burst request within {timeout.TotalSeconds:0} s", e);
        }
        catch (Exception e) when (e is ServerErrorException or UnsupportedCommandException or DiagnosticsClientException or TimeoutException)
        {
            throw new StackBurstException("the target refused the stack burst session: " + e.Message.Split('\n')[0], e);
        }

        using (session)
        {
            var copy = Task.Run(() =>
            {
                using var file = File.Create(path);
                session.EventStream.CopyTo(file);
            });
            // The burst itself; a stream that ends meanwhile means the target is gone.
            bool ended;
            try
            {
                ended = copy.Wait(duration, cancellation);
            }
            catch (AggregateException)
            {
                ended = true;
            }
            if (!ended)
            {
                try
                {
                    using var stopTimeout = new CancellationTokenSource(timeout);
                    session.StopAsync(stopTimeout.Token).Wait(timeout);
                }
                catch (Exception e) when (e is AggregateException or ServerNotAvailableException or IOException or OperationCanceledException
                    or TimeoutException or ServerErrorException or EndOfStreamException)
                {
                }
                // The rundown follows the stop: the stream ends once it is written.
                if (!copy.Wait(timeout))
                    throw new StackBurstException($"the stack burst did not end within {timeout.TotalSeconds:0} s");
            }
            if (copy.IsFaulted || ended)
                throw new StackBurstException("the target exited during the stack burst", copy.Exception?.InnerException);
        }
    }

    private static IReadOnlyList<StackSample> Read(string trace, string etlx)
    {
        var samples = new List<StackSample>();
        try
        {
            TraceLog.CreateFromEventPipeDataFile(trace, etlx, new TraceLogOptions { ContinueOnError = true });
            using var log = new TraceLog(etlx);
            foreach (var e in log.Events)
            {
                SampleKind kind;
                string? type = null;
                long bytes = 0;
                if (e.ProviderName == SampleProfiler)
                    kind = SampleKind.Thread;
                else if (e is GCAllocationTickTraceData tick)
                {
                    kind = SampleKind.Allocation;
                    type = tick.TypeName;
                    bytes = tick.AllocationAmount64 > 0 ? tick.AllocationAmount64 : tick.AllocationAmount;
                }
                else
                    continue;
                var frames = new List<string>();
                for (var frame = e.CallStack(); frame is not null && frames.Count < 200; frame = frame.Caller)
                    frames.Add(MethodName(frame.CodeAddress));
                if (frames.Count > 0)
                    samples.Add(new StackSample(kind, e.ThreadID, frames, type, bytes));
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException or EndOfStreamException or NullReferenceException
            or ArgumentException or IndexOutOfRangeException)
        {
            // A trace cut short reads as far as it goes; nothing readable is an error of its own.
            if (samples.Count == 0)
                throw new StackBurstException("the stack burst could not be read: " + e.Message.Split('\n')[0], e);
        }
        return samples;
    }

    private static string MethodName(TraceCodeAddress address)
    {
        var name = address.FullMethodName;
        if (string.IsNullOrEmpty(name))
            return "?" + (string.IsNullOrEmpty(address.ModuleName) ? "" : "!" + address.ModuleName);
        var parameters = name.IndexOf('(');
        return parameters > 0 ? name.Substring(0, parameters) : name;
    }
}
