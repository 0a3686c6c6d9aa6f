using System;
using System.CommandLine;
using Guard.Cli.Export;
using Guard.Runtime.Session;
using Microsoft.Diagnostics.NETCore.Client;

namespace Guard.Cli;

/// <summary>`guard attach &lt;pid&gt;`: an EventPipe session on a running process, findings as they are detected.</summary>
internal static class AttachCommand
{
    public static Command Build()
    {
        var pid = new Argument<int>("pid") { Description = "The process to watch (see guard ps)." };
        var options = new WatchOptions();
        var command = new Command("attach", "Attach to a running .NET process and report thread-pool starvation, GC pressure and memory leaks as they happen.");
        command.Arguments.Add(pid);
        options.AddTo(command);
        var export = new ExportOptions();
        export.AddTo(command);
        command.SetAction(parse => Run(parse.GetValue(pid), options.Read(parse), export.Read(parse)));
        return command;
    }

    internal static int Run(int pid, WatchSettings settings, ExportSettings? export = null)
    {
        if (pid <= 0)
            return GuardCommandLine.Fail("attach", $"'{pid}' is not a process id");
        if (pid == Environment.ProcessId)
            return GuardCommandLine.Fail("attach", "guard cannot watch itself");
        if (!TargetProcesses.Exists(pid))
            return GuardCommandLine.Fail("attach", $"no process with id {pid}");

        var name = TargetProcesses.Name(pid);
        var target = $"process {pid} ({name})";
        using var cancellation = new ConsoleCancellation(settings.Duration);
        // Exporters and files come before the session: a port in use or an unwritable path is exit 2 before attaching.
        using var outputs = WatchOutputs.Open("attach", settings, export, out var failure);
        if (outputs is null)
            return failure;
        var reporter = outputs.Reporter;
        var sinks = outputs.Sinks;
        {
            var pipeline = new DetectionPipeline(settings.Detectors, TimeProvider.System) { Pid = pid, ProcessName = name };
            pipeline.FindingReported += reporter.Report;

            GuardSession session;
            try
            {
                session = GuardSession.Start(new DiagnosticsClient(pid), settings.Detectors, pipeline, target, cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                return GuardCommandLine.Fail("attach", cancellation.Interrupted
                    ? "stopped before the session started"
                    : $"{target} did not answer within the duration: is it stopped (SIGSTOP), hung, or overloaded?");
            }
            catch (GuardSessionException e)
            {
                // Whatever the client library threw, a target that is gone now simply exited first.
                var unpublished = e.InnerException is ServerNotAvailableException && !TargetProcesses.IsPublished(pid);
                var message = !TargetProcesses.Exists(pid) ? $"{target} exited before the session started"
                    : !unpublished ? e.Message
                    : TargetProcesses.DiagnosticsDisabledBy(pid) is { } setting
                        ? $"{target} runs with {setting}: diagnostics are disabled in the target, so it has no channel to attach to; restart it without that setting"
                    : $"{target} has no .NET diagnostics channel: it is not a .NET process, or runs .NET older than Core 3.0, with DOTNET_EnableDiagnostics=0, or in another container or TMPDIR";
                return GuardCommandLine.Fail("attach", message);
            }

            using (session)
            {
                session.StatusUpdated += status => reporter.Status(status, pipeline.Pid, pipeline.ProcessName);
                session.Notice += reporter.Info;
                using var exported = sinks.Follow(pipeline, session);
                reporter.Info($"watching {target}" + (settings.Duration is { } d ? $" for {d.TotalSeconds:0.#} s" : "") + "; Ctrl+C to stop");
                var end = session.Run(cancellation.Token);

                reporter.Summary(target, session.EventsLost);
                if (end == SessionEnd.Stalled)
                {
                    // Findings stand; without any, a watch cut short by a target that answers nothing is an error.
                    reporter.Info(session.StallMessage!);
                    return reporter.ExitCode(GuardCommandLine.ExitError);
                }
                // SIGTERM or the duration racing the target's exit: guard was asked to stop, and it did.
                if (end == SessionEnd.TargetExited && !cancellation.Token.IsCancellationRequested)
                {
                    // Findings stand; without any, the watch was cut short, which is not a clean result.
                    var exitCode = reporter.ExitCode(GuardCommandLine.ExitError);
                    reporter.Info($"{target} exited, or closed the session, before guard stopped");
                    return exitCode;
                }
                return reporter.ExitCode(GuardCommandLine.ExitClean);
            }
        }
    }
}
