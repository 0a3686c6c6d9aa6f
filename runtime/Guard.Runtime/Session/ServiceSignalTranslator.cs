using System;
using System.Collections.Generic;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Session;

/// <summary>
/// Turns System.Net.Http and exception events into signals. HTTP events after RequestStart carry no host: they are tied
/// to their request by the EventSource activity id (RequestStart, RequestLeftQueue and RequestStop share it when the TPL
/// provider flows activity ids), and connections by their id. Takes plain values so it can be driven without a stream.
/// </summary>
public sealed class ServiceSignalTranslator
{
    // Requests in flight, by activity id. Bounded: a request whose stop was lost must not keep memory forever.
    private const int MaxPending = 20_000;
    private static readonly TimeSpan PendingExpiry = TimeSpan.FromMinutes(10);

    private readonly Action<Signal> _emit;
    private readonly Dictionary<Guid, (DateTime Time, HttpEndpoint Endpoint, string Path)> _requests = new();
    private readonly Dictionary<long, HttpEndpoint> _connections = new();

    public ServiceSignalTranslator(Action<Signal> emit) => _emit = emit;

    /// <summary>Stops and queue exits that could not be tied to a request (no activity id, or its start was not seen).</summary>
    public int Unmatched { get; private set; }

    public void OnHttpRequestStart(DateTime time, Guid activity, string scheme, string host, int port, string pathAndQuery)
    {
        var endpoint = new HttpEndpoint(scheme, host, port);
        var path = PathOf(pathAndQuery);
        if (activity != Guid.Empty)
        {
            if (_requests.Count >= MaxPending)
                Expire(time);
            if (_requests.Count < MaxPending)
                _requests[activity] = (time, endpoint, path);
        }
        _emit(new HttpRequestSentSignal(time, endpoint, path));
    }

    public void OnHttpRequestStop(DateTime time, Guid activity, int statusCode)
    {
        if (!_requests.Remove(activity, out var request))
        {
            Unmatched++;
            return;
        }
        _emit(new HttpResponseSignal(time, request.Endpoint, request.Path, statusCode, request.Time));
    }

    public void OnHttpRequestLeftQueue(DateTime time, Guid activity, double queueMilliseconds, int versionMajor)
    {
        if (!_requests.TryGetValue(activity, out var request))
        {
            Unmatched++;
            return;
        }
        _emit(new HttpQueueWaitSignal(time, request.Endpoint, request.Path, queueMilliseconds, versionMajor));
    }

    public void OnHttpConnectionEstablished(DateTime time, long connectionId, string scheme, string host, int port)
    {
        var endpoint = new HttpEndpoint(scheme, host, port);
        _connections[connectionId] = endpoint;
        _emit(new HttpConnectionSignal(time, endpoint, connectionId, Opened: true));
    }

    public void OnHttpConnectionClosed(DateTime time, long connectionId)
    {
        // A connection opened before the session started is not known: its closing says nothing about a host.
        if (_connections.Remove(connectionId, out var endpoint))
            _emit(new HttpConnectionSignal(time, endpoint, connectionId, Opened: false));
    }

    public void OnException(DateTime time, string? typeName, string? message) =>
        _emit(new ExceptionSignal(time, string.IsNullOrEmpty(typeName) ? "(unknown type)" : typeName, message ?? ""));

    public void OnMemoryLimits(DateTime time, MemoryLimits limits) =>
        _emit(new MemoryLimitSignal(time, limits.HeapHardLimitBytes, limits.HeapHardLimitSource, limits.ContainerLimitBytes));

    /// <summary>The path without its query: the runtime redacts query values, and they can carry keys or signatures.</summary>
    internal static string PathOf(string? pathAndQuery)
    {
        if (string.IsNullOrEmpty(pathAndQuery))
            return "/";
        var query = pathAndQuery.IndexOfAny(new[] { '?', '#' });
        return query < 0 ? pathAndQuery : query == 0 ? "/" : pathAndQuery.Substring(0, query);
    }

    private void Expire(DateTime now)
    {
        var old = new List<Guid>();
        foreach (var (id, request) in _requests)
        {
            if (now - request.Time > PendingExpiry)
                old.Add(id);
        }
        foreach (var id in old)
            _requests.Remove(id);
    }
}
