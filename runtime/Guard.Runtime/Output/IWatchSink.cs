using System;
using Guard.Runtime.Detection;

namespace Guard.Runtime.Output;

/// <summary>
/// Receives what a watch produces besides the lines on standard output: the exporters (Prometheus, OTLP) and the
/// files written for CI (SARIF, the HTML report). One sink serves every process a watch follows; calls for a process
/// come from that process's reader thread, so a sink that keeps state locks it.
/// </summary>
public interface IWatchSink : IDisposable
{
    /// <summary>A session started on a process.</summary>
    void Attached(int pid, string process);

    /// <summary>A finding (or the record that one resolved), as it is reported.</summary>
    void Report(Finding finding);

    /// <summary>The figures behind the detectors, once per counter interval (one second by default).</summary>
    void Sample(int pid, string process, MetricsSample sample);

    /// <summary>The session on a process ended (it exited, or guard let go of it).</summary>
    void Detached(int pid, string process);
}
