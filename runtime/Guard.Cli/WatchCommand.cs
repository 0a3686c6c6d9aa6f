using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Threading;
using Guard.Cli.Export;
using Guard.Runtime.Session;
using Microsoft.Diagnostics.NETCore.Client;

namespace Guard.Cli;

/// <summary>Which processes `guard watch` follows: listed pids, processes of a name, or every attachable one.</summary>
internal sealed record WatchSelection(IReadOnlyList<int> Pids, IReadOnlyList<string> Names, bool All)
{
    public bool IsEmpty => Pids.Count == 0 && Names.Count == 0 && !All;

    /// <summary>Only listed pids: the watch ends when they are all gone.</summary>
    public bool PidsOnly => Names.Count == 0 && !All;

    public bool Matches(int pid, Func<int, string> name) =>
        All || Pids.Contains(pid) || (Names.Count > 0 && Names.Any(n => string.Equals(n, name(pid), StringComparison.OrdinalIgnoreCase)));

    public string Describe()
    {
        var parts = new List<string>();
        if (All)
            parts.Add("every attachable .NET process");
        if (Names.Count > 0)
            parts.Add("processes named " + string.Join(", ", Names));
        if (Pids.Count > 0)
            parts.Add("pid " + string.Join(", ", Pids));
        return string.Join(" and ", parts);
    }
}

/// <summary>
/// `guard watch`: several processes at once, by pid, by name or all of them, picking up the ones that start later
/// (the published diagnostics channels are polled once a second) and letting go of the ones that exit. One session and
/// one detector set per process, on a thread of its own; findings carry the pid and name of their process.
/// </summary>
internal static class WatchCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private const int MaxAttempts = 3;

    public static Command Build()
    {
        var pids = new Argument<int[]>("pid") { Description = "Processes to watch (see guard ps).", Arity = ArgumentArity.ZeroOrMore };
        var names = new Option<string[]>("--name", "-n")
        {
            Description = "Watch every process of this name (as guard ps shows it: the app's assembly, or the executable), now and as they start; repeatable.",
            HelpName = "name",
        };
        var all = new Option<bool>("--all") { Description = "Watch every attachable .NET process, now and as they start." };
        var options = new WatchOptions();
        var export = new ExportOptions();
        var command = new Command("watch", "Watch several .NET processes at once (by pid, --name or --all), picking up those that start later and letting go of those that exit.");
        command.Arguments.Add(pids);
        command.Options.Add(names);
        command.Options.Add(all);
        options.AddTo(command);
        export.AddTo(command);
        command.SetAction(parse => Run(
            new WatchSelection(parse.GetValue(pids) ?? Array.Empty<int>(), parse.GetValue(names) ?? Array.Empty<string>(), parse.GetValue(all)),
            options.Read(parse), export.Read(parse)));
        return command;
    }

    internal static int Run(WatchSelection selection, WatchSettings settings, ExportSettings? export = null)
    {
        if (selection.IsEmpty)
            return GuardCommandLine.Fail("watch", "name what to watch: pids, --name <name> or --all (see guard watch --help)");
        foreach (var pid in selection.Pids)
        {
            if (pid <= 0)
                return GuardCommandLine.Fail("watch", $"'{pid}' is not a process id");
            if (pid == Environment.ProcessId)
                return GuardCommandLine.Fail("watch", "guard cannot watch itself");
            if (selection.PidsOnly && !TargetProcesses.Exists(pid))
                return GuardCommandLine.Fail("watch", $"no process with id {pid}");
        }

        // Several processes share standard error: no live status line, which could show only one of them.
        using var outputs = WatchOutputs.Open("watch", settings, export, out var failure, statusLine: false);
        if (outputs is null)
            return failure;
        var reporter = outputs.Reporter;
        var sinks = outputs.Sinks;
        using (var cancellation = new ConsoleCancellation(settings.Duration))
        {
            var watch = new Fleet(selection, settings, reporter, sinks, cancellation.Token);
            reporter.Info($"watching {selection.Describe()}" + (settings.Duration is { } d ? $" for {d.TotalSeconds:0.#} s" : "") + "; Ctrl+C to stop");
            var endedByThemselves = false;
            while (!cancellation.Token.IsCancellationRequested)
            {
                watch.Poll();
                if (selection.PidsOnly && watch.AllListedGone)
                {
                    endedByThemselves = true;
                    break;
                }
                cancellation.Token.WaitHandle.WaitOne(PollInterval);
            }
            watch.StopAll();
            reporter.Summary(watch.Describe());
            if (endedByThemselves && !cancellation.Token.IsCancellationRequested)
            {
                var exitCode = reporter.ExitCode(GuardCommandLine.ExitError);
                reporter.Info("every listed process exited before guard stopped");
                return exitCode;
            }
            return reporter.ExitCode(GuardCommandLine.ExitClean);
        }
    }

    /// <summary>The sessions of one watch: started, followed and let go of.</summary>
    private sealed class Fleet
    {
        private readonly WatchSelection _selection;
        private readonly WatchSettings _settings;
        private readonly FindingReporter _reporter;
        private readonly WatchSinks _sinks;
        private readonly CancellationToken _token;
        private readonly object _lock = new();
        private readonly Dictionary<int, Thread> _active = new();
        private readonly Dictionary<int, (int Attempts, DateTime NotBefore)> _failed = new();
        private readonly HashSet<int> _done = new();
        private readonly Dictionary<int, string> _seen = new();

        public Fleet(WatchSelection selection, WatchSettings settings, FindingReporter reporter, WatchSinks sinks, CancellationToken token)
        {
            _selection = selection;
            _settings = settings;
            _reporter = reporter;
            _sinks = sinks;
            _token = token;
        }

        public bool AllListedGone
        {
            get
            {
                lock (_lock)
                    return _active.Count == 0 && _selection.Pids.All(p => _done.Contains(p) || !TargetProcesses.Exists(p));
            }
        }

        public void Poll()
        {
            var names = new Dictionary<int, string>();
            string NameOf(int pid) => names.TryGetValue(pid, out var n) ? n : names[pid] = TargetProcesses.Name(pid);
            foreach (var pid in TargetProcesses.PublishedProcesses())
            {
                if (pid == Environment.ProcessId)
                    continue;
                lock (_lock)
                {
                    if (_active.ContainsKey(pid) || _done.Contains(pid))
                        continue;
                    if (_failed.TryGetValue(pid, out var failure) && (failure.Attempts >= MaxAttempts || DateTime.UtcNow < failure.NotBefore))
                        continue;
                }
                // A socket left behind by a process that died is not a process.
                if (!TargetProcesses.Exists(pid) || !_selection.Matches(pid, NameOf))
                    continue;
                Start(pid, NameOf(pid));
            }
        }

        private void Start(int pid, string name)
        {
            var thread = new Thread(() => Follow(pid, name)) { IsBackground = true, Name = $"guard watch {pid}" };
            lock (_lock)
            {
                _active[pid] = thread;
                _seen[pid] = name;
            }
            thread.Start();
        }

        private void Follow(int pid, string name)
        {
            var target = $"process {pid} ({name})";
            var finished = true;
            try
            {
                var pipeline = new DetectionPipeline(_settings.Detectors, TimeProvider.System) { Pid = pid, ProcessName = name };
                pipeline.FindingReported += _reporter.Report;
                GuardSession session;
                try
                {
                    session = GuardSession.Start(new DiagnosticsClient(pid), _settings.Detectors, pipeline, target, _token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (GuardSessionException e)
                {
                    // A runtime still starting may not answer yet: tried again a little later, a few times.
                    finished = false;
                    int attempts;
                    lock (_lock)
                    {
                        attempts = (_failed.TryGetValue(pid, out var f) ? f.Attempts : 0) + 1;
                        _failed[pid] = (attempts, DateTime.UtcNow.AddSeconds(2));
                    }
                    if (attempts >= MaxAttempts && TargetProcesses.Exists(pid))
                        _reporter.Info($"cannot watch {target}: {e.Message}");
                    return;
                }

                using (session)
                {
                    session.Notice += message => _reporter.Info($"{target}: {message}");
                    using var exported = _sinks.Follow(pipeline, session);
                    _reporter.Info($"watching {target} ({Count()} watched)");
                    var end = session.Run(_token);
                    if (session.EventsLost > 0)
                        _reporter.Info($"{target}: " + EventLossWatch.Line(session.EventsLost));
                    if (end == SessionEnd.Stalled)
                        _reporter.Info($"{session.StallMessage}; let go of it ({Count() - 1} still watched)");
                    if (end == SessionEnd.TargetExited && !_token.IsCancellationRequested)
                        _reporter.Info($"{target} exited; let go of it ({Count() - 1} still watched)");
                }
            }
            finally
            {
                lock (_lock)
                {
                    _active.Remove(pid);
                    if (finished)
                        _done.Add(pid);
                }
            }
        }

        private int Count()
        {
            lock (_lock)
                return _active.Count;
        }

        /// <summary>Each session returns within its stop budget once cancelled; a session still starting is given its start timeout.</summary>
        public void StopAll()
        {
            Thread[] threads;
            lock (_lock)
                threads = _active.Values.ToArray();
            var deadline = DateTime.UtcNow + GuardSession.StopBudget + TimeSpan.FromSeconds(2);
            foreach (var thread in threads)
            {
                var left = deadline - DateTime.UtcNow;
                if (left > TimeSpan.Zero)
                    thread.Join(left);
            }
        }

        public string Describe()
        {
            lock (_lock)
            {
                var watched = _seen.Where(p => !_failed.ContainsKey(p.Key) || _done.Contains(p.Key)).Select(p => $"{p.Value} ({p.Key})").ToList();
                return watched.Count == 1 ? "1 process: " + watched[0] : $"{watched.Count} processes" + (watched.Count > 0 ? ": " + string.Join(", ", watched.Take(10)) + (watched.Count > 10 ? ", ..." : "") : "");
            }
        }
    }
}
