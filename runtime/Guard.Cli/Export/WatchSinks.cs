using System;
using System.Collections.Generic;
using Guard.Runtime.Detection;
using Guard.Runtime.Output;
using Guard.Runtime.Session;

namespace Guard.Cli.Export;

/// <summary>
/// The sinks a watch was asked for (--prometheus, --otlp, --sarif, --report), created before any session starts so
/// that a port in use or an unwritable file is one line and exit code 2 before attaching. Feeds every sink from each
/// followed session; a sink that fails mid-watch is a warning, never the end of the watch.
/// </summary>
internal sealed class WatchSinks : IDisposable
{
    private readonly List<IWatchSink> _sinks = new();
    private readonly Action<string> _warn;
    private readonly HashSet<IWatchSink> _warned = new();
    private readonly HashSet<int> _attached = new();
    private readonly object _lock = new();

    private WatchSinks(Action<string> warn) => _warn = warn;

    public bool IsEmpty => _sinks.Count == 0;

    /// <summary>Creates the sinks; null and an error line when one cannot be had (port in use, unwritable path, ...).</summary>
    public static WatchSinks? Create(ExportSettings settings, Action<string> warn, out string? error)
    {
        var sinks = new WatchSinks(warn);
        error = settings.Error;
        if (error is not null)
            return null;
        try
        {
            if (settings.PrometheusHost is { } host)
                sinks._sinks.Add(PrometheusSink.Start(host, settings.PrometheusPort));
            if (settings.OtlpEndpoint is { } endpoint)
                sinks._sinks.Add(OtlpSink.Start(endpoint, settings.OtlpGrpc, warn));
            // Files last: a refused port or collector leaves no file behind.
            if (settings.SarifPath is { } sarif)
                sinks._sinks.Add(SarifSink.Create(sarif));
            if (settings.ReportPath is { } report)
                sinks._sinks.Add(HtmlReportSink.Create(report));
            return sinks;
        }
        catch (ExportException e)
        {
            error = e.Message;
            sinks.Dispose();
            return null;
        }
    }

    /// <summary>Feeds the sinks from a session; dispose the result when the session ends (the process is let go).</summary>
    public IDisposable Follow(DetectionPipeline pipeline, GuardSession session)
    {
        if (IsEmpty)
            return new Unfollow(() => { });
        var sampler = new ProcessSampler();
        pipeline.SignalPosted += sampler.Observe;
        pipeline.FindingReported += finding => ForEach(sink => sink.Report(finding), finding.Pid, finding.Process);
        session.StatusUpdated += status =>
        {
            var sample = sampler.Sample(status);
            ForEach(sink => sink.Sample(pipeline.Pid, pipeline.ProcessName, sample), pipeline.Pid, pipeline.ProcessName);
        };
        Attach(pipeline.Pid, pipeline.ProcessName);
        return new Unfollow(() =>
        {
            var pid = pipeline.Pid;
            bool attached;
            lock (_lock)
                attached = _attached.Remove(pid);
            if (attached)
                Each(sink => sink.Detached(pid, pipeline.ProcessName));
        });
    }

    private void Attach(int pid, string process)
    {
        lock (_lock)
        {
            if (!_attached.Add(pid))
                return;
        }
        Each(sink => sink.Attached(pid, process));
    }

    private void ForEach(Action<IWatchSink> action, int pid, string process)
    {
        // `guard run` may learn the real pid from the stream after the session started: that process is attached then.
        Attach(pid, process);
        Each(action);
    }

    private void Each(Action<IWatchSink> action)
    {
        foreach (var sink in _sinks)
        {
            try
            {
                action(sink);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Warn(sink, e);
            }
        }
    }

    private void Warn(IWatchSink sink, Exception e)
    {
        lock (_lock)
        {
            if (!_warned.Add(sink))
                return;
        }
        _warn($"warning: {SinkName(sink)} failed ({GuardCommandLine.OneLine(e.Message)}); the watch goes on");
    }

    private static string SinkName(IWatchSink sink) => sink switch
    {
        PrometheusSink => "the Prometheus endpoint",
        SarifSink => "the SARIF file",
        HtmlReportSink => "the HTML report",
        OtlpSink => "the OTLP export",
        _ => sink.GetType().Name,
    };

    public void Dispose()
    {
        foreach (var sink in _sinks)
        {
            try
            {
                sink.Dispose();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Warn(sink, e);
            }
        }
        _sinks.Clear();
    }

    private sealed class Unfollow : IDisposable
    {
        private Action? _action;
        public Unfollow(Action action) => _action = action;
        public void Dispose() => System.Threading.Interlocked.Exchange(ref _action, null)?.Invoke();
    }
}

/// <summary>A sink that cannot be had: the message is the one line guard prints before exiting with code 2.</summary>
internal sealed class ExportException : Exception
{
    public ExportException(string message) : base(message) { }
    public ExportException(string message, Exception inner) : base(message, inner) { }
}
