using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Guard.Tests.Shared;

namespace Guard.Samples.Tests;

/// <summary>The README's first command, ./demo.sh, end to end: it shows the finding and leaves nothing running.</summary>
public partial class DemoTests(DemoTests.Artifacts artifacts) : IClassFixture<DemoTests.Artifacts>
{
    private static readonly TimeSpan DemoTimeout = TimeSpan.FromMinutes(6);

    [GeneratedRegex(@"(?:exchange|bot) pid (?<pid>\d+)")]
    private static partial Regex StartedPid();

    /// <summary>The demo's build output, shared by the tests so that the second run builds incrementally.</summary>
    public sealed class Artifacts : IDisposable
    {
        public string Folder { get; } = RepositoryPaths.NewTempFolder("guard-demo");

        public void Dispose()
        {
            try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The real thing: the packed guard tool attached to the bot in the gc scenario.</summary>
    [Fact]
    public void Demo_shows_the_gc_pressure_finding_and_stops_what_it_started()
    {
        var demo = RunDemo();

        Assert.True(demo.ExitCode == 0, $"demo.sh exited with {demo.ExitCode}:\n{demo.Output}");
        Assert.Contains("\"kind\":\"gc-pressure\"", demo.Output, StringComparison.Ordinal);
        Assert.Contains("guard found gc-pressure", demo.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The script's own work, with a stand-in for guard that reports a finding and then would run for minutes:
    /// the demo shows the finding as soon as it comes, exits 0, and stops guard, the bot and the exchange.
    /// </summary>
    [Fact]
    public void Demo_shows_a_finding_as_it_comes_and_stops_guard_the_bot_and_the_exchange()
    {
        var fake = Path.Combine(artifacts.Folder, "fake-guard.sh");
        var guardPidFile = Path.Combine(artifacts.Folder, "fake-guard.pid");
        var textPidFile = Path.Combine(artifacts.Folder, "fake-guard-text.pid");
        // The demo runs guard twice on the bot: text (shown first), then JSON.
        File.WriteAllText(fake, $$"""
            #!/usr/bin/env bash
            [ "$1" = attach ] && [ "$3" = --duration ] || exit 2
            if [ "${5:-}" = --format ] && [ "${6:-}" = json ]; then
              echo $$ > '{{guardPidFile}}'
              sleep 1
              printf '{"kind":"gc-pressure","severity":"critical","pid":%s,"process":"TradingBot","time":"2026-01-01T00:00:01Z","since":"2026-01-01T00:00:00Z","message":"stand-in finding","advice":"none"}\n' "$2"
            else
              [ -z "${5+x}" ] || exit 2
              echo $$ > '{{textPidFile}}'
              sleep 1
              printf '00:00:01Z CRITICAL gc-pressure in TradingBot (pid %s), since 00:00:00.0Z (1 s ago)\n  stand-in text finding\n\n' "$2"
            fi
            exec sleep 600
            """.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var demo = RunDemo(("GUARD_DEMO_GUARD", fake));

        Assert.True(demo.ExitCode == 0, $"demo.sh exited with {demo.ExitCode}:\n{demo.Output}");
        Assert.Contains("critical gc-pressure: stand-in finding", demo.Output, StringComparison.Ordinal);
        // Text first, then JSON.
        var text = demo.Output.IndexOf("stand-in text finding", StringComparison.Ordinal);
        Assert.True(text >= 0 && text < demo.Output.IndexOf("critical gc-pressure: stand-in finding", StringComparison.Ordinal), demo.Output);
        var textPid = int.Parse(File.ReadAllText(textPidFile).Trim(), CultureInfo.InvariantCulture);
        Assert.False(IsRunning(textPid), $"guard in text mode (pid {textPid}) is still running after demo.sh");
        Assert.Matches(@"GRD001\s+samples/TradingBot/ExchangeClient\.cs:\d+", demo.Output);
        var guardPid = int.Parse(File.ReadAllText(guardPidFile).Trim(), CultureInfo.InvariantCulture);
        Assert.False(IsRunning(guardPid), $"guard (pid {guardPid}) is still running after demo.sh");
    }

    private ProcessResult RunDemo(params (string Key, string Value)[] environment)
    {
        var demo = ProcessRunner.Run("bash", "demo.sh gc", RepositoryPaths.Root, DemoTimeout,
            [("GUARD_DEMO_ARTIFACTS", artifacts.Folder), ("GUARD_DEMO_DURATION", "60"), .. environment]);
        Assert.False(demo.TimedOut, "demo.sh did not finish:\n" + demo.Output);

        // Whatever the outcome, the exchange and the bot it started are gone.
        var pids = StartedPid().Matches(demo.Output).Select(m => int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(pids.Count == 2, "demo.sh did not report the exchange and the bot it started:\n" + demo.Output);
        Assert.All(pids, pid => Assert.False(IsRunning(pid), $"process {pid} started by demo.sh is still running"));
        return demo;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
