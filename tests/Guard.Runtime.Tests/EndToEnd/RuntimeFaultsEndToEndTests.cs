using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using Guard.Runtime.Detection;
using Guard.Runtime.Session;

namespace Guard.Runtime.Tests.EndToEnd;

/// <summary>
/// Issue 16, runtime faults (docs/robustness.md): each ends with a clear line on standard error, the right exit code,
/// within a bound, and the target still running once guard has gone. Every wait is bounded; every process started here
/// is killed (and continued first, when stopped) in a finally or Dispose. Outcomes are asserted, never timings.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class RuntimeFaultsEndToEndTests
{
    private const int SIGKILL = 9, SIGCONT = 18, SIGSTOP = 19;

    // A leak is suspected after 15 s of steady growth; the two heap snapshots are 5 s apart.
    private static readonly string[] FastLeak = { "-t", "leak.min-span=15", "-t", "leak.snapshot-interval=5" };

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Signal(int pid, int signal);

    private static bool IsFinding(string line, string kind) =>
        line.StartsWith("{", StringComparison.Ordinal) && line.Contains($"\"kind\":\"{kind}\"", StringComparison.Ordinal);

    private static JsonElement[] Findings(CliProcess guard, string kind) => guard.StandardOutput
        .Where(l => IsFinding(l, kind))
        .Select(l => JsonDocument.Parse(l).RootElement.Clone())
        .ToArray();

    private static bool WaitForError(CliProcess process, string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.StandardError.Any(line => line.Contains(text, StringComparison.Ordinal)))
                return true;
            Thread.Sleep(100);
        }
        return false;
    }

    private static void NoStackTrace(CliProcess guard) =>
        Assert.DoesNotContain(guard.StandardError, line => line.Contains("   at ", StringComparison.Ordinal) || line.Contains("unexpected error", StringComparison.Ordinal));

    [Fact]
    public void A_target_with_diagnostics_disabled_is_refused_with_that_reason()
    {
        using var target = CliProcess.Target(new Dictionary<string, string> { ["DOTNET_EnableDiagnostics"] = "0" }, "healthy", "--duration", "60");
        using var guard = CliProcess.Guard("attach", target.Id.ToString(), "--duration", "5");
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.True(exit == 2, guard.Transcript);
        var line = Assert.Single(guard.StandardError);
        Assert.Contains("DOTNET_EnableDiagnostics=0", line);
        Assert.Contains("diagnostics are disabled in the target", line);
        Assert.True(TargetProcesses.Exists(target.Id), "the target did not survive guard");
    }

    [Fact]
    public void A_target_that_exits_before_the_session_starts_is_said_to_have_exited()
    {
        // Stopped, the target cannot answer the request that starts the session; it is killed while guard waits for it.
        using var target = CliProcess.Target("healthy", "--duration", "60");
        Assert.Equal(0, Signal(target.Id, SIGSTOP));
        try
        {
            using var guard = CliProcess.Guard("attach", target.Id.ToString());
            Thread.Sleep(3000);
            Signal(target.Id, SIGKILL);
            var exit = guard.WaitForExit(TimeSpan.FromSeconds(30));

            Assert.True(exit == 2, guard.Transcript);
            var line = Assert.Single(guard.StandardError);
            // On a loaded machine guard may not have reached the target before it died: then it is simply not there.
            Assert.True(line.Contains("exited before the session started", StringComparison.Ordinal) || line.Contains("no process with id", StringComparison.Ordinal), line);
        }
        finally
        {
            Signal(target.Id, SIGCONT);
        }
    }

    [Fact]
    public void Ctrl_C_before_the_session_starts_is_one_line_and_leaves_the_target_running()
    {
        using var target = CliProcess.Target("healthy", "--duration", "60");
        Assert.Equal(0, Signal(target.Id, SIGSTOP));
        try
        {
            using var guard = CliProcess.Guard("attach", target.Id.ToString());
            Thread.Sleep(3000);
            guard.Interrupt();
            var exit = guard.WaitForExit(TimeSpan.FromSeconds(30));

            Assert.True(exit == 2, guard.Transcript);
            Assert.Contains("stopped before the session started", Assert.Single(guard.StandardError));
        }
        finally
        {
            Signal(target.Id, SIGCONT);
        }
        Assert.True(TargetProcesses.Exists(target.Id), "the target did not survive guard");
    }

    [Fact]
    public void A_target_stopped_mid_stream_is_said_and_given_up_on_within_the_stall_timeout()
    {
        using var target = CliProcess.Target("healthy", "--duration", "90");
        using var guard = CliProcess.Guard("attach", target.Id.ToString(), "-t", "session.stall=8");
        try
        {
            Assert.True(WaitForError(guard, "watching process", TimeSpan.FromSeconds(30)), guard.Transcript);
            Thread.Sleep(1500);
            Assert.Equal(0, Signal(target.Id, SIGSTOP));
            var exit = guard.WaitForExit(TimeSpan.FromSeconds(60));

            Assert.True(exit == 2, guard.Transcript);
            Assert.Contains(guard.StandardError, line => line.Contains("is it stopped (SIGSTOP) or hung?", StringComparison.Ordinal));
            Assert.Contains("it is stopped (SIGSTOP) or hung; gave up on it", guard.StandardError.Last());
            NoStackTrace(guard);
        }
        finally
        {
            Signal(target.Id, SIGCONT);
        }
        Assert.True(TargetProcesses.Exists(target.Id), "the target did not survive guard");
    }

    [Fact]
    public void A_target_stopped_mid_stream_does_not_keep_guard_past_its_duration()
    {
        using var target = CliProcess.Target("healthy", "--duration", "90");
        using var guard = CliProcess.Guard("attach", target.Id.ToString(), "--duration", "8");
        try
        {
            Assert.True(WaitForError(guard, "watching process", TimeSpan.FromSeconds(30)), guard.Transcript);
            Assert.Equal(0, Signal(target.Id, SIGSTOP));
            var exit = guard.WaitForExit(TimeSpan.FromSeconds(40));

            Assert.True(exit == 0, guard.Transcript);
            Assert.Contains(guard.StandardError, line => line.StartsWith("guard: watched process", StringComparison.Ordinal));
            NoStackTrace(guard);
        }
        finally
        {
            Signal(target.Id, SIGCONT);
        }
        Assert.True(TargetProcesses.Exists(target.Id), "the target did not survive guard");
    }

    [Fact]
    public void Ctrl_C_during_heap_snapshots_ends_cleanly_with_the_finding()
    {
        using var target = CliProcess.Target("leak-named", "--rate", "3", "--duration", "120");
        using var guard = CliProcess.Guard(new[] { "attach", target.Id.ToString(), "--format", "json", "--duration", "90" }.Concat(FastLeak).ToArray());
        // The first snapshot is read; the second is 5 s away: Ctrl+C lands between (or in) the snapshots.
        Assert.True(WaitForError(guard, "heap snapshot 1/", TimeSpan.FromSeconds(100)), guard.Transcript);
        guard.Interrupt();
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.True(exit == 1, guard.Transcript);
        Assert.Single(Findings(guard, FindingKinds.MemoryLeak));
        Assert.Contains(guard.StandardError, line => line.StartsWith("guard: watched process", StringComparison.Ordinal));
        NoStackTrace(guard);
        Assert.True(TargetProcesses.Exists(target.Id), "the target did not survive guard");
    }

    [Fact]
    public void Two_sessions_on_one_process_both_work()
    {
        using var target = CliProcess.Target("leak-named", "--rate", "3", "--duration", "150");
        // The first session takes heap snapshots (induced gen2 collections); the second watches the same process.
        using var first = CliProcess.Guard(new[] { "attach", target.Id.ToString(), "--format", "json", "--duration", "100" }.Concat(FastLeak).ToArray());
        using var second = CliProcess.Guard("attach", target.Id.ToString(), "--format", "json", "--duration", "100", "-t", "leak.min-span=15", "--no-heap-snapshots");
        var firstFound = first.WaitForOutput(line => IsFinding(line, FindingKinds.MemoryLeak), TimeSpan.FromSeconds(110));
        var secondFound = second.WaitForOutput(line => IsFinding(line, FindingKinds.MemoryLeak), TimeSpan.FromSeconds(30));
        first.Interrupt();
        second.Interrupt();
        var firstExit = first.WaitForExit(TimeSpan.FromSeconds(30));
        var secondExit = second.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.True(firstFound && firstExit == 1, first.Transcript);
        Assert.True(secondFound && secondExit == 1, second.Transcript);
        // The first session's snapshots are its own doing: the second does not call them the application's GC.Collect().
        Assert.DoesNotContain(Findings(second, FindingKinds.GcPressure), f => f.GetProperty("message").GetString()!.Contains("GC.Collect", StringComparison.Ordinal));
        NoStackTrace(first);
        NoStackTrace(second);
        Assert.True(TargetProcesses.Exists(target.Id), "the target did not survive two sessions");
    }

    [Fact]
    public void A_target_that_exits_during_a_stack_burst_ends_the_watch_cleanly()
    {
        using var target = CliProcess.Target("starve-sync", "--delay", "1", "--duration", "90");
        // A 30 s burst follows the starvation finding: the target is killed while it runs.
        using var guard = CliProcess.Guard("attach", target.Id.ToString(), "--format", "json", "--duration", "90", "-t", "stacks.seconds=30");
        Assert.True(WaitForError(guard, "watching process", TimeSpan.FromSeconds(30)), guard.Transcript);
        Thread.Sleep(15000);
        target.KillNow();
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(60));

        // Starvation found before the exit stands and says why it has no stacks; found none, the watch was cut short.
        Assert.True(exit is 1 or 2, guard.Transcript);
        if (exit == 1)
        {
            var finding = Findings(guard, FindingKinds.ThreadPoolStarvation)[0];
            Assert.Contains("exited", finding.GetProperty("evidence").GetProperty("stackBurstNote").GetString());
        }
        Assert.Contains(guard.StandardError, line => line.Contains("exited", StringComparison.Ordinal));
        NoStackTrace(guard);
    }
}
