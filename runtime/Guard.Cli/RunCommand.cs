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

/// <summary>
/// `guard run -- &lt;command&gt;`: starts the command with its runtime paused until a session is in place, watches it from
/// its first instruction and ends with it. For CI: a soak test under guard fails the build when something is found.
/// </summary>
internal static class RunCommand
{
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(5);

    public static Command Build()
    {
        var commandLine = new Argument<string[]>("command")
        {
            Description = "The command to start and watch, after --: a .NET 5+ application (an app host, or dotnet app.dll). Its standard streams are guard's.",
            Arity = ArgumentArity.OneOrMore,
        };
        var options = new WatchOptions();
        var command = new Command("run", "Start a .NET application and watch it from its first instruction; exit 1 if something was found.");
        command.Arguments.Add(commandLine);
        options.AddTo(command);
        var export = new ExportOptions();
        export.AddTo(command);
        command.SetAction(parse => Run(parse.GetValue(commandLine) ?? Array.Empty<string>(), options.Read(parse), export.Read(parse)));
        return command;
    }

    internal static int Run(IReadOnlyList<string> command, WatchSettings settings, ExportSettings? export = null)
    {
        if (command.Count == 0 || string.IsNullOrWhiteSpace(command[0]))
            return GuardCommandLine.Fail("run", "no command given (guard run [options] -- <command> [args])");
        if (IsSdkCommand(command))
            return GuardCommandLine.Fail("run", $"'dotnet {command[1]}' would make guard watch the .NET SDK, not your application: build it, then run 'guard run -- dotnet path/to/app.dll' or the app host");

        // Exporters and files come before the command starts: a port in use or an unwritable path is exit 2 at once.
        using var outputs = WatchOutputs.Open("run", settings, export, out var failure);
        if (outputs is null)
            return failure;
        var reporter = outputs.Reporter;
        var sinks = outputs.Sinks;
        using (var cancellation = new ConsoleCancellation(settings.Duration))
        {
            LaunchedTarget launched;
            try
            {
                launched = ChildLauncher.LaunchAsync(command, reporter.Info, cancellation.Token).GetAwaiter().GetResult();
            }
            catch (GuardSessionException e)
            {
                return GuardCommandLine.Fail("run", e.Message);
            }
            catch (OperationCanceledException)
            {
                return GuardCommandLine.Fail("run", "stopped before the command's runtime connected");
            }

            try
            {
                return Watch(launched, command, settings, reporter, cancellation, sinks);
            }
            finally
            {
                launched.Kill();
                launched.DisposeAsync().AsTask().Wait(ExitGrace);
            }
        }
    }

    private static int Watch(LaunchedTarget launched, IReadOnlyList<string> command, WatchSettings settings, FindingReporter reporter, ConsoleCancellation cancellation, WatchSinks sinks)
    {
        var child = launched.Process;
        var name = AppName(command);
        var pipeline = new DetectionPipeline(settings.Detectors, TimeProvider.System) { Pid = child.Id, ProcessName = name };
        pipeline.FindingReported += reporter.Report;
        var target = $"'{string.Join(" ", command)}'";

        GuardSession session;
        try
        {
            session = GuardSession.Start(launched.Client, settings.Detectors, pipeline, target, cancellation.Token);
            session.FollowStreamProcess = true;
            // A script that starts the application: findings name the process whose runtime connected.
            session.IdentityChanged += identity =>
            {
                pipeline.Pid = identity.Pid;
                pipeline.ProcessName = identity.Name;
            };
        }
        catch (OperationCanceledException)
        {
            TryResume(launched.Client);
            return GuardCommandLine.Fail("run", cancellation.Interrupted
                    ? "stopped before the session started"
                    : $"{target} did not answer within the duration: is it stopped (SIGSTOP), hung, or overloaded?");
        }
        catch (GuardSessionException e)
        {
            // The runtime is paused waiting for us: let it go before ending it, so it does not hang.
            TryResume(launched.Client);
            return GuardCommandLine.Fail("run", e.Message);
        }

        using (session)
        {
            session.StatusUpdated += status => reporter.Status(status, pipeline.Pid, pipeline.ProcessName);
            session.Notice += reporter.Info;
            using var exported = sinks.Follow(pipeline, session);
            // Processes the command starts inherit the variable; they must not wait for a connection nobody will make.
            TrySetEnvironment(launched.Client, ChildLauncher.DiagnosticPortsVariable, "");
            if (!TryResume(launched.Client))
                return GuardCommandLine.Fail("run", $"cannot resume the runtime of {target}");

            var end = session.Run(cancellation.Token);
            int? childExit = null;
            if (end == SessionEnd.TargetExited)
            {
                if (child.WaitForExit(ExitGrace))
                    childExit = child.ExitCode;
            }
            else if (cancellation.Interrupted && child.WaitForExit(ExitGrace))
            {
                // Ctrl+C reaches the whole foreground process group: the command usually ends on its own.
                childExit = child.ExitCode;
            }

            reporter.Summary($"{pipeline.ProcessName} (pid {pipeline.Pid})", session.EventsLost);

            if (end == SessionEnd.Stalled)
            {
                reporter.Info(session.StallMessage! + "; ending the command");
                return reporter.ExitCode(GuardCommandLine.ExitError);
            }
            if (childExit is null && !child.HasExited)
                reporter.Info(cancellation.Interrupted ? "stopped; ending the command" : "duration elapsed; ending the command");
            var findingsExit = reporter.ExitCode(GuardCommandLine.ExitClean);
            if (findingsExit != GuardCommandLine.ExitClean)
                return findingsExit;
            if (childExit is { } code && code != 0)
            {
                reporter.Info($"the command exited with code {code}");
                return GuardCommandLine.ExitError;
            }
            return GuardCommandLine.ExitClean;
        }
    }

    private static bool IsSdkCommand(IReadOnlyList<string> command) =>
        command.Count > 1
        && string.Equals(Path.GetFileNameWithoutExtension(command[0]), "dotnet", StringComparison.OrdinalIgnoreCase)
        && command[1] is "run" or "test" or "watch" or "build";

    private static string AppName(IReadOnlyList<string> command)
    {
        var app = string.Equals(Path.GetFileNameWithoutExtension(command[0]), "dotnet", StringComparison.OrdinalIgnoreCase)
            ? command.Skip(1).FirstOrDefault(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) ?? command[0]
            : command[0];
        // Only .dll and .exe are extensions here: an app host named Company.Service has none.
        return app.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || app.EndsWith(".exe", StringComparison.OrdinalIgnoreCase)
            ? Path.GetFileNameWithoutExtension(app)
            : Path.GetFileName(app);
    }

    private static bool TryResume(DiagnosticsClient client)
    {
        try
        {
            client.ResumeRuntime();
            return true;
        }
        catch (Exception e) when (e is ServerErrorException or ServerNotAvailableException or IOException or UnsupportedCommandException)
        {
            return false;
        }
    }

    private static void TrySetEnvironment(DiagnosticsClient client, string name, string value)
    {
        try
        {
            client.SetEnvironmentVariable(name, value);
        }
        catch (Exception e) when (e is ServerErrorException or ServerNotAvailableException or IOException or UnsupportedCommandException)
        {
            // Runtimes before .NET 6 cannot; only processes the command starts are affected.
        }
    }
}
