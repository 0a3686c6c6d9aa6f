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
    private const int Width = 100;
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
                _out.Write(TextBlock(finding));
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

    internal static string TextBlock(Finding finding)
    {
        var text = new StringBuilder();
        if (finding.Resolved)
        {
            // One line: the condition reported earlier has cleared.
            text.AppendLine($"{finding.Time:HH:mm:ss}Z RESOLVED {finding.Kind} in {finding.Process} (pid {finding.Pid}), since {finding.Since:HH:mm:ss.f}Z: {finding.Message}");
            text.AppendLine();
            return text.ToString();
        }
        var severity = finding.Severity == Severity.Critical ? "CRITICAL" : "WARNING";
        var lag = (finding.Time - finding.Since).TotalSeconds;
        text.AppendLine($"{finding.Time:HH:mm:ss}Z {severity} {finding.Kind} in {finding.Process} (pid {finding.Pid}), since {finding.Since:HH:mm:ss.f}Z ({lag:0.#} s ago)");
        text.AppendLine("  " + finding.Message);
        Wrap(text, "  evidence: ", finding.Evidence.Where(e => e.Value is not IEnumerable<Evidence>).Select(e => $"{e.Key}={Format(e.Value)}"));
        foreach (var (key, value) in finding.Evidence)
        {
            if (value is IEnumerable<Evidence> list && key == "topAllocatedTypes")
                Wrap(text, "  most allocated types (sampled; allocation is not retention): ", list.Select(Culprit));
        }
        if (finding.Culprits.Count > 0)
            Wrap(text, "  " + CulpritText.Label(finding.Kind) + ": ", finding.Culprits.Select(c => CulpritText.Describe(finding.Kind, c) ?? Culprit(c)));
        Wrap(text, "  advice: ", finding.Advice.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        text.AppendLine();
        return text.ToString();
    }

    private static string Culprit(Evidence culprit)
    {
        var type = culprit["type"] as string ?? "?";
        var share = culprit["share"] is double s ? $" {s * 100:0}%" : "";
        var mb = culprit["sampledMB"] is double m ? $" ({m:0.#} MB)" : "";
        return type + share + mb + ";";
    }

    private static void Wrap(StringBuilder text, string prefix, IEnumerable<string> words)
    {
        var line = new StringBuilder(prefix);
        var indent = new string(' ', 4);
        var empty = true;
        foreach (var word in words)
        {
            if (!empty && line.Length + 1 + word.Length > Width)
            {
                text.AppendLine(line.ToString().TrimEnd(';'));
                line.Clear().Append(indent);
                empty = true;
            }
            if (!empty)
                line.Append(' ');
            line.Append(word);
            empty = false;
        }
        if (!empty)
            text.AppendLine(line.ToString().TrimEnd(';'));
    }

    private static string Format(object value) => value switch
    {
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IEnumerable<double> numbers => "[" + string.Join(",", numbers.Select(n => n.ToString("0.#", CultureInfo.InvariantCulture))) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

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
