using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Guard.Runtime.Detection;
using Guard.Runtime.Output;
using Guard.Runtime.Session;

namespace Guard.Cli;

/// <summary>
/// Writes findings as they come (text blocks or JSON lines, flushed at once), keeps the live status line on standard
/// error when that is a terminal, and decides the exit code. Called from the session's reader thread and from the
/// main thread: every write holds the lock.
/// </summary>
internal sealed class FindingReporter : IDisposable
{
    private readonly object _lock = new();
    private readonly WatchSettings _settings;
    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private readonly bool _ownsOut;
    private readonly bool _statusLine;
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly List<Finding> _findings = new();
    private bool _statusShown;

    public FindingReporter(WatchSettings settings, TextWriter? output = null, TextWriter? error = null, bool? statusLine = null)
    {
        _settings = settings;
        _error = error ?? Console.Error;
        if (settings.OutputPath is { } path)
        {
            _out = new StreamWriter(path, append: false, new UTF8Encoding(false)) { AutoFlush = true };
            _ownsOut = true;
        }
        else
        {
            _out = output ?? Console.Out;
        }
        _statusLine = statusLine ?? (!Console.IsErrorRedirected && settings.Format == OutputFormat.Text);
    }

    public IReadOnlyList<Finding> Findings
    {
        get { lock (_lock) return _findings.ToList(); }
    }

    /// <summary>One line on standard error (messages, never findings), clearing the status line first.</summary>
    public void Info(string message)
    {
        lock (_lock)
        {
            ClearStatus();
            _error.WriteLine("guard: " + message);
            _error.Flush();
        }
    }

    public void Report(Finding finding)
    {
        lock (_lock)
        {
            _findings.Add(finding);
            ClearStatus();
            if (_settings.Format == OutputFormat.Json)
                _out.WriteLine(FindingJson.Serialize(finding));
            else
                _out.Write(FindingText.Block(finding));
            _out.Flush();
        }
    }

    public void Status(StatusSnapshot status, int pid, string process)
    {
        if (!_statusLine)
            return;
        var parts = new List<string> { $"pid {pid} {process}" };
        if (status.HeapMB is { } heap)
            parts.Add($"heap {heap:0} MB");
        parts.Add($"GC {status.GcPausePercent:0}%");
        if (status.AllocationMBPerSecond is { } allocation)
            parts.Add($"alloc {allocation:0} MB/s");
        if (status.ThreadCount is { } threads)
            parts.Add($"threads {threads:0}");
        if (status.QueueLength is { } queue)
            parts.Add($"queue {queue:0}");
        if (status.CpuPercent is { } cpu)
            parts.Add($"cpu {cpu:0}%");
        lock (_lock)
        {
            var count = _findings.Count(f => !f.Resolved);
            parts.Add(count == 1 ? "1 finding" : $"{count} findings");
            parts.Add($"{(DateTime.UtcNow - _started).TotalSeconds:0} s");
            var line = "guard | " + string.Join(" | ", parts);
            // \r and erase-to-end-of-line redraw the line in place.
            _error.Write("\r\u001b[K" + line);
            _error.Flush();
            _statusShown = true;
        }
    }

    private void ClearStatus()
    {
        if (!_statusShown)
            return;
        _error.Write("\r\u001b[K");
        _error.Flush();
        _statusShown = false;
    }

    /// <summary>Exit code 1 when a finding at or above --fail-on was reported, otherwise <paramref name="otherwise"/>.</summary>
    public int ExitCode(int otherwise)
    {
        lock (_lock)
            // A finding that later resolved was still reported: it counts. The resolved records themselves do not.
            return _findings.Any(f => !f.Resolved && f.Severity >= _settings.FailOn) ? GuardCommandLine.ExitFindings : otherwise;
    }

    /// <summary>The closing line on standard error: what was watched, for how long, what was found, and any events the runtime dropped.</summary>
    public void Summary(string target, long eventsLost = 0)
    {
        lock (_lock)
        {
            ClearStatus();
            var seconds = (DateTime.UtcNow - _started).TotalSeconds;
            string found;
            var findings = _findings.Where(f => !f.Resolved).ToList();
            var resolved = _findings.Count(f => f.Resolved);
            if (findings.Count == 0)
                found = "nothing found";
            else
            {
                var byKind = findings.GroupBy(f => f.Kind).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} x{g.Count()}");
                var critical = findings.Count(f => f.Severity == Severity.Critical);
                found = $"{findings.Count} finding{(findings.Count == 1 ? "" : "s")}" + (critical > 0 ? $" ({critical} critical)" : "") + ": " + string.Join(", ", byKind)
                    + (resolved > 0 ? $"; {resolved} resolved since" : "");
            }
            _error.WriteLine($"guard: watched {target} for {seconds:0} s: {found}" + EventLossWatch.SummaryPart(eventsLost));
            _error.Flush();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            ClearStatus();
            if (_ownsOut)
                _out.Dispose();
        }
    }
}
