using System;

namespace Guard.Runtime.Signals;

// Signals of the detectors for HTTP clients, timers, the memory limit and exceptions (issue 13). Kept apart from
// Signals.cs so the runtime's GC and thread-pool signals stay in one place.

/// <summary>The remote side of an HTTP request, as the connection pool knows it: one pool per scheme, host and port.</summary>
public readonly record struct HttpEndpoint(string Scheme, string Host, int Port)
{
    /// <summary>host:port (with the scheme only when it is not http or https on their default port).</summary>
    public override string ToString() =>
        (Scheme == "https" && Port == 443) || (Scheme == "http" && Port == 80) ? Host : $"{Host}:{Port}";
}

/// <summary>An HTTP request left the client (System.Net.Http RequestStart).</summary>
/// <param name="Path">The path, without the query (which the runtime redacts, and which may carry keys or signatures).</param>
public sealed record HttpRequestSentSignal(DateTime Time, HttpEndpoint Endpoint, string Path) : Signal(Time);

/// <summary>An HTTP request ended (RequestStop), with the status code of its response, or -1 when it got none.</summary>
/// <param name="Started">When the request was sent (its RequestStart).</param>
public sealed record HttpResponseSignal(DateTime Time, HttpEndpoint Endpoint, string Path, int StatusCode, DateTime Started) : Signal(Time);

/// <summary>A request waited in the connection pool's queue for a connection (RequestLeftQueue) before it could be sent.</summary>
/// <param name="VersionMajor">1 for HTTP/1.1 (waiting for a connection), 2 or 3 for a stream of a multiplexed connection.</param>
public sealed record HttpQueueWaitSignal(DateTime Time, HttpEndpoint Endpoint, string Path, double QueueMilliseconds, int VersionMajor) : Signal(Time);

/// <summary>The pool opened (ConnectionEstablished) or closed (ConnectionClosed) a connection to the endpoint.</summary>
public sealed record HttpConnectionSignal(DateTime Time, HttpEndpoint Endpoint, long ConnectionId, bool Opened) : Signal(Time);

/// <summary>An exception was thrown (first chance: ExceptionThrown_V1), caught or not.</summary>
public sealed record ExceptionSignal(DateTime Time, string TypeName, string Message) : Signal(Time);

/// <summary>
/// The memory limits of the target, read once at the start of the session: the GC heap hard limit (set by
/// GCHeapHardLimit or GCHeapHardLimitPercent, or by the runtime itself at 75% of a container's limit) and the
/// container's (cgroup) memory limit. A null limit is one the process does not have, or that could not be read.
/// </summary>
public sealed record MemoryLimitSignal(DateTime Time, long? HeapHardLimitBytes, string? HeapHardLimitSource, long? ContainerLimitBytes) : Signal(Time);

/// <summary>Names of the System.Runtime counters the detectors of issue 13 read (besides <see cref="RuntimeCounters"/>).</summary>
public static class ServiceCounters
{
    /// <summary>Timers that are scheduled (Timer.ActiveCount): System.Threading timers, Task.Delay, CancelAfter.</summary>
    public const string ActiveTimerCount = "active-timer-count";

    /// <summary>Exceptions thrown in the interval (an incrementing counter).</summary>
    public const string ExceptionCount = "exception-count";

    /// <summary>Memory the GC has committed, in MB of 10^6 bytes, as of the last collection.</summary>
    public const string GcCommittedMB = "gc-committed";

    /// <summary>The process's working set, in MB of 10^6 bytes.</summary>
    public const string WorkingSetMB = "working-set";
}
