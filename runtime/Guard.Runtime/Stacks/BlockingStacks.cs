using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Detection;

namespace Guard.Runtime.Stacks;

/// <summary>Where pool threads were blocked, grouped: the blocking call, the user's frame above it, and how many threads.</summary>
public sealed record BlockingStack(string Kind, string BlockingCall, string UserFrame, string Stack, int Threads, double Share);

/// <summary>
/// Reads the sample profiler's stacks of thread-pool threads and groups those that are blocked by the call that blocks
/// them and the user's frame that made it. A thread counts once, for the place it was blocked in most of its samples;
/// pool threads idle for want of work (waiting on the pool's own semaphore) do not count at all.
/// </summary>
public static class BlockingStacks
{
    /// <summary>Blocking calls, matched on the method name (namespace and type included), with the kind of block they are.</summary>
    private static readonly (string Prefix, string Kind, string Name)[] Blocking =
    {
        ("System.Threading.Tasks.Task`1.get_Result", "task wait", "Task.Result"),
        ("System.Threading.Tasks.Task`1.GetResultCore", "task wait", "Task.Result"),
        ("System.Threading.Tasks.Task.Wait", "task wait", "Task.Wait"),
        ("System.Threading.Tasks.Task.WaitAll", "task wait", "Task.WaitAll"),
        ("System.Threading.Tasks.Task.WaitAny", "task wait", "Task.WaitAny"),
        ("System.Runtime.CompilerServices.TaskAwaiter.GetResult", "task wait", "GetAwaiter().GetResult()"),
        ("System.Runtime.CompilerServices.TaskAwaiter`1.GetResult", "task wait", "GetAwaiter().GetResult()"),
        ("System.Runtime.CompilerServices.ValueTaskAwaiter", "task wait", "GetAwaiter().GetResult()"),
        ("System.Threading.Tasks.Task.InternalWait", "task wait", "Task.Wait"),
        ("System.Threading.Tasks.Task.SpinThenBlockingWait", "task wait", "Task.Wait"),
        ("System.Threading.Thread.Sleep", "sleep", "Thread.Sleep"),
        ("System.Threading.Monitor.Enter", "lock", "lock (Monitor.Enter)"),
        ("System.Threading.Monitor.ReliableEnter", "lock", "lock (Monitor.Enter)"),
        ("System.Threading.Monitor.TryEnter", "lock", "Monitor.TryEnter"),
        ("System.Threading.Monitor.Wait", "lock", "Monitor.Wait"),
        ("System.Threading.Lock.Enter", "lock", "lock (Lock.Enter)"),
        ("System.Threading.SemaphoreSlim.Wait", "lock", "SemaphoreSlim.Wait"),
        ("System.Threading.ReaderWriterLockSlim.", "lock", "ReaderWriterLockSlim"),
        ("System.Threading.Mutex", "lock", "Mutex.WaitOne"),
        ("System.Threading.ManualResetEventSlim.Wait", "wait", "ManualResetEventSlim.Wait"),
        ("System.Threading.CountdownEvent.Wait", "wait", "CountdownEvent.Wait"),
        ("System.Threading.Barrier.SignalAndWait", "wait", "Barrier.SignalAndWait"),
        ("System.Threading.WaitHandle.Wait", "wait", "WaitHandle.WaitOne"),
        ("System.Threading.SpinWait", "wait", "SpinWait"),
        ("System.Net.Sockets.Socket.Receive", "I/O", "Socket.Receive"),
        ("System.Net.Sockets.Socket.Send", "I/O", "Socket.Send"),
        ("System.Net.Sockets.Socket.Connect", "I/O", "Socket.Connect"),
        ("System.Net.Sockets.Socket.Accept", "I/O", "Socket.Accept"),
        ("System.Net.Sockets.Socket.Poll", "I/O", "Socket.Poll"),
        ("System.Net.Sockets.NetworkStream.Read", "I/O", "NetworkStream.Read"),
        ("System.Net.Sockets.NetworkStream.Write", "I/O", "NetworkStream.Write"),
        ("System.Net.Http.HttpClient.Send", "I/O", "HttpClient.Send"),
        ("System.Net.Dns.GetHost", "I/O", "Dns.GetHostEntry"),
        ("System.IO.FileStream.Read", "I/O", "FileStream.Read"),
        ("System.IO.FileStream.Write", "I/O", "FileStream.Write"),
        ("System.IO.RandomAccess.", "I/O", "RandomAccess"),
        ("System.IO.File.Read", "I/O", "File.Read"),
        ("System.IO.File.Write", "I/O", "File.Write"),
        ("System.IO.StreamReader.Read", "I/O", "StreamReader.Read"),
        ("System.Console.Read", "I/O", "Console.Read"),
    };

    // A pool worker waiting for work: not blocked, idle.
    private static readonly string[] Idle =
    {
        "System.Threading.LowLevelLifoSemaphore.",
        "System.Threading.PortableThreadPool+WorkerThread.WorkerDoWork",
        "System.Threading.PortableThreadPool+WorkerThread.WaitForWork",
    };

    private static readonly string[] PoolThreadFrames =
    {
        "System.Threading.PortableThreadPool+WorkerThread.",
        "System.Threading.ThreadPoolWorkQueue.Dispatch",
        "System.Threading.WindowsThreadPool",
    };

    /// <summary>A frame of the framework (or unnamed), which is never "the user's frame".</summary>
    public static bool IsFramework(string frame) =>
        frame.StartsWith("System.", StringComparison.Ordinal) || frame.StartsWith("Microsoft.", StringComparison.Ordinal)
        || frame.StartsWith("Interop", StringComparison.Ordinal) || frame.StartsWith("?", StringComparison.Ordinal)
        || frame.StartsWith("Internal.", StringComparison.Ordinal) || frame.Length == 0;

    public static IReadOnlyList<BlockingStack> Group(IEnumerable<StackSample> samples, int top = 5)
    {
        var byThread = samples.Where(s => s.Kind == SampleKind.Thread).GroupBy(s => s.ThreadId);
        var threadsSeen = 0;
        var groups = new Dictionary<string, (string Kind, string Call, string User, string Stack, int Threads)>(StringComparer.Ordinal);
        foreach (var thread in byThread)
        {
            if (!thread.Any(s => IsPoolThread(s.Frames)))
                continue;
            var classified = thread.Select(s => Classify(s.Frames)).ToList();
            var blocked = classified.Where(c => c is not null).Select(c => c!.Value).ToList();
            var idle = thread.Count(s => IsIdle(s.Frames));
            if (idle >= thread.Count() - idle && blocked.Count * 2 <= thread.Count())
                continue; // mostly waiting for work: an idle worker
            threadsSeen++;
            if (blocked.Count * 2 < thread.Count() - idle)
                continue; // mostly running: busy, not blocked
            var dominant = blocked.GroupBy(b => b.Stack).OrderByDescending(g => g.Count()).First();
            var first = dominant.First();
            groups[first.Stack] = groups.TryGetValue(first.Stack, out var group)
                ? group with { Threads = group.Threads + 1 }
                : (first.Kind, first.Call, first.User, first.Stack, 1);
        }
        return groups.Values
            .OrderByDescending(g => g.Threads)
            .ThenBy(g => g.Stack, StringComparer.Ordinal)
            .Take(top)
            .Select(g => new BlockingStack(g.Kind, g.Call, g.User, g.Stack, g.Threads, threadsSeen == 0 ? 0 : Math.Round((double)g.Threads / threadsSeen, 2)))
            .ToList();
    }

    /// <summary>Pool threads that were not idle (blocked or running) in the burst.</summary>
    public static int BusyPoolThreads(IEnumerable<StackSample> samples) =>
        samples.Where(s => s.Kind == SampleKind.Thread).GroupBy(s => s.ThreadId)
            .Count(t => t.Any(s => IsPoolThread(s.Frames)) && t.Count(s => IsIdle(s.Frames)) * 2 < t.Count());

    private static bool IsPoolThread(IReadOnlyList<string> frames) => frames.Any(f => PoolThreadFrames.Any(p => f.StartsWith(p, StringComparison.Ordinal)));

    private static bool IsIdle(IReadOnlyList<string> frames)
    {
        // Idle: the pool's own wait, with no user code on the stack.
        return frames.Any(f => Idle.Any(p => f.StartsWith(p, StringComparison.Ordinal))) && frames.All(IsFramework)
            && !frames.Any(f => f.StartsWith("System.Threading.ThreadPoolWorkQueue.Dispatch", StringComparison.Ordinal));
    }

    /// <summary>
    /// The blocking call nearest to user code and the user's frame that made it, as "Task.Result &lt;- Ns.Type.Method &lt;- caller";
    /// null when the stack is not blocked in a known call made by user code.
    /// </summary>
    public static (string Kind, string Call, string User, string Stack)? Classify(IReadOnlyList<string> frames)
    {
        (string Kind, string Name)? blocking = null;
        for (var i = 0; i < frames.Count; i++)
        {
            var frame = frames[i];
            if (!IsFramework(frame))
            {
                if (blocking is null)
                    return null; // user code on top: running, not blocked in the framework
                var callers = frames.Skip(i + 1).Take(2).Select(Short);
                var stack = string.Join(" <- ", new[] { blocking.Value.Name, frame }.Concat(callers));
                return (blocking.Value.Kind, blocking.Value.Name, frame, stack);
            }
            var plain = WithoutInstantiation(frame);
            foreach (var (prefix, kind, name) in Blocking)
            {
                if (plain.StartsWith(prefix, StringComparison.Ordinal))
                {
                    // Keep walking: the call nearest to the user's frame names the block (Task.Result rather than Monitor.Wait inside it).
                    blocking = (kind, name);
                    break;
                }
            }
        }
        return null;
    }

    /// <summary>"System.Threading.Tasks.Task`1[System.Int32].get_Result" reads "System.Threading.Tasks.Task`1.get_Result".</summary>
    public static string WithoutInstantiation(string frame)
    {
        if (frame.IndexOf('[') < 0)
            return frame;
        var text = new System.Text.StringBuilder(frame.Length);
        var depth = 0;
        foreach (var c in frame)
        {
            if (c == '[')
                depth++;
            else if (c == ']')
                depth--;
            else if (depth == 0)
                text.Append(c);
        }
        return text.ToString();
    }

    /// <summary>"Ns.Type.Method" reads "Type.Method" (a caller shown for context only).</summary>
    private static string Short(string frame)
    {
        var lastDot = frame.LastIndexOf('.');
        if (lastDot <= 0)
            return frame;
        var typeDot = frame.LastIndexOf('.', lastDot - 1);
        return typeDot < 0 ? frame : frame.Substring(typeDot + 1);
    }

    /// <summary>The culprits of a starvation finding: one per blocking stack.</summary>
    public static IReadOnlyList<Evidence> Culprits(IReadOnlyList<BlockingStack> stacks) => stacks
        .Select(s => new Evidence()
            .Add("stack", s.Stack)
            .Add("block", s.Kind)
            .Add("blockingCall", s.BlockingCall)
            .Add("userFrame", s.UserFrame)
            .Add("threads", s.Threads)
            .Add("share", s.Share))
        .ToList();
}
