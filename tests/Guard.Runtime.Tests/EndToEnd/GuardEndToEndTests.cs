using System;
using System.Linq;
using System.Text.Json;
using Guard.Runtime.Detection;

namespace Guard.Runtime.Tests.EndToEnd;

/// <summary>
/// guard against the test targets, as a user runs it. Assertions are on the kind of finding and the exit code, not on
/// timings: the machine is shared. Each watch ends as soon as the expected finding is out (Ctrl+C), or at its duration.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class GuardEndToEndTests
{
    private static readonly string[] ContractFields = { "kind", "severity", "pid", "process", "time", "since", "message", "evidence", "advice" };

    private static bool IsFinding(string line, string kind) =>
        line.StartsWith("{", StringComparison.Ordinal) && line.Contains($"\"kind\":\"{kind}\"", StringComparison.Ordinal);

    private static JsonElement[] JsonFindings(CliProcess guard) =>
        guard.StandardOutput.Where(l => l.StartsWith("{", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();

    /// <summary>Attaches with JSON output, waits for a finding of the kind, then stops guard with Ctrl+C.</summary>
    private static JsonElement[] AttachAndExpect(string kind, TimeSpan within, params string[] scenario) => AttachAndExpect(kind, within, Array.Empty<string>(), scenario);

    private static JsonElement[] AttachAndExpect(string kind, TimeSpan within, string[] guardOptions, params string[] scenario)
    {
        using var target = CliProcess.Target(scenario);
        using var guard = CliProcess.Guard(new[] { "attach", target.Id.ToString(), "--format", "json", "--duration", ((int)within.TotalSeconds).ToString() }.Concat(guardOptions).ToArray());
        var found = guard.WaitForOutput(line => IsFinding(line, kind), within + TimeSpan.FromSeconds(10));
        guard.Interrupt();
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.True(found, $"no {kind} finding\n" + guard.Transcript);
        Assert.Equal(1, exit);
        foreach (var finding in JsonFindings(guard))
        {
            foreach (var field in ContractFields)
                Assert.True(finding.TryGetProperty(field, out _), $"'{field}' missing in {finding}");
            Assert.Equal(target.Id, finding.GetProperty("pid").GetInt32());
            Assert.Equal("Guard.TestTargets", finding.GetProperty("process").GetString());
            Assert.Contains(finding.GetProperty("severity").GetString(), new[] { "warning", "critical" });
            Assert.EndsWith("Z", finding.GetProperty("time").GetString());
            Assert.True(finding.GetProperty("since").GetDateTime() <= finding.GetProperty("time").GetDateTime());
            Assert.Equal(JsonValueKind.Object, finding.GetProperty("evidence").ValueKind);
        }
        Assert.Contains(guard.StandardError, line => line.StartsWith("guard: watched process", StringComparison.Ordinal));
        return JsonFindings(guard);
    }

    [Fact]
    public void Attach_reports_thread_pool_starvation()
    {
        AttachAndExpect(FindingKinds.ThreadPoolStarvation, TimeSpan.FromSeconds(20), "starve", "--delay", "2", "--duration", "90");
    }

    [Fact]
    public void Attach_reports_gc_pressure()
    {
        var findings = AttachAndExpect(FindingKinds.GcPressure, TimeSpan.FromSeconds(20), "gc", "--delay", "2", "--duration", "90");

        // Without continuous allocation sampling (the default), the stack burst taken once the finding exists names
        // the allocating types and the target's methods that allocate them.
        var first = findings.First(f => f.GetProperty("kind").GetString() == FindingKinds.GcPressure);
        var culprits = first.GetProperty("culprits").EnumerateArray().ToArray();
        Assert.True(culprits.Length > 0, first.ToString());
        Assert.Contains(culprits, c => c.GetProperty("type").GetString() is "System.Byte[]" or "System.Object[]"
            && c.TryGetProperty("method", out var method) && method.GetString()!.StartsWith("Guard.TestTargets", StringComparison.Ordinal));
    }

    [Fact]
    public void Attach_reports_a_memory_leak()
    {
        // By default a leak is only suspected after 150 s (the longest cache cycle tolerated); CI lowers that bound. The
        // heap snapshots that would delay the finding are tested in CulpritEndToEndTests.
        AttachAndExpect(FindingKinds.MemoryLeak, TimeSpan.FromSeconds(50), new[] { "-t", "leak.min-span=20", "--no-heap-snapshots" }, "leak", "--rate", "6", "--duration", "90");
    }

    [Fact]
    public void Attach_to_a_healthy_process_finds_nothing_and_exits_0()
    {
        using var target = CliProcess.Target("healthy", "--duration", "60");
        using var guard = CliProcess.Guard("attach", target.Id.ToString(), "--duration", "6");
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(40));

        Assert.True(exit == 0, guard.Transcript);
        Assert.Empty(guard.StandardOutput);
        Assert.Contains(guard.StandardError, line => line.Contains("nothing found", StringComparison.Ordinal));
    }

    [Fact]
    public void Ctrl_C_stops_the_session_cleanly_and_leaves_the_target_running()
    {
        using var target = CliProcess.Target("healthy", "--duration", "60");
        using var guard = CliProcess.Guard("attach", target.Id.ToString());
        Assert.True(WaitForError(guard, "watching process"), guard.Transcript);
        System.Threading.Thread.Sleep(2000);
        guard.Interrupt();
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(20));

        Assert.True(exit == 0, guard.Transcript);
        Assert.Contains(guard.StandardError, line => line.Contains("nothing found", StringComparison.Ordinal));
        Assert.True(Guard.Runtime.Session.TargetProcesses.Exists(target.Id), "the target did not survive guard");
    }

    [Fact]
    public void A_target_that_exits_mid_session_ends_the_watch_with_a_clear_line()
    {
        using var target = CliProcess.Target("exit-soon");
        using var guard = CliProcess.Guard("attach", target.Id.ToString(), "--duration", "30");
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(25));

        Assert.True(exit == 2, guard.Transcript);
        Assert.Contains(guard.StandardError, line => line.Contains("exited", StringComparison.Ordinal));
        Assert.DoesNotContain(guard.StandardError, line => line.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_target_that_does_not_answer_is_given_up_on_without_hanging()
    {
        using var target = CliProcess.Target("healthy", "--duration", "60");
        Assert.Equal(0, Signal(target.Id, 19)); // SIGSTOP: the process is there, its runtime answers nothing
        try
        {
            using var guard = CliProcess.Guard("attach", target.Id.ToString(), "--duration", "5");
            var exit = guard.WaitForExit(TimeSpan.FromSeconds(40));

            Assert.True(exit == 2, guard.Transcript);
            Assert.Contains("did not answer", Assert.Single(guard.StandardError));
        }
        finally
        {
            Signal(target.Id, 18); // SIGCONT, so the target can be ended normally
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Signal(int pid, int signal);

    [Fact]
    public void Run_watches_a_command_from_its_start_and_fails_on_findings()
    {
        using var guard = CliProcess.Guard("run", "--format", "json", "--duration", "30", "--", CliProcess.Dotnet, TestBinaries.Targets, "starve-sync", "--delay", "1", "--duration", "60");
        var found = guard.WaitForOutput(line => IsFinding(line, FindingKinds.ThreadPoolStarvation), TimeSpan.FromSeconds(40));
        guard.Interrupt();
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.True(found, guard.Transcript);
        Assert.Equal(1, exit);
        // The command's own output passes through.
        Assert.Contains(guard.StandardOutput, line => line.StartsWith("ready pid=", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_of_a_clean_command_exits_0_with_the_command()
    {
        using var guard = CliProcess.Guard("run", "--", CliProcess.Dotnet, TestBinaries.Targets, "exit-soon");
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(40));

        Assert.True(exit == 0, guard.Transcript);
        Assert.Contains("exiting", guard.StandardOutput);
        Assert.Contains(guard.StandardError, line => line.Contains("nothing found", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_does_not_leave_processes_started_by_the_command_waiting_for_guard()
    {
        using var guard = CliProcess.Guard("run", "--", CliProcess.Dotnet, TestBinaries.Targets, "spawn");
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, guard.Transcript);
        Assert.Contains("child exited 0", guard.StandardOutput);
    }

    [Fact]
    public void Ps_lists_a_running_target()
    {
        using var target = CliProcess.Target("healthy", "--duration", "60");
        using var guard = CliProcess.Guard("ps");
        Assert.Equal(0, guard.WaitForExit(TimeSpan.FromSeconds(30)));
        var row = Assert.Single(guard.StandardOutput, line => line.TrimStart().StartsWith(target.Id + " ", StringComparison.Ordinal));
        Assert.Contains("Guard.TestTargets", row);
        Assert.Matches(@"\s\d+\.\d+\.\d+", row);
    }

    [Theory]
    [InlineData("attach", "999999")]
    [InlineData("attach", "0")]
    [InlineData("attach", "not-a-pid")]
    [InlineData("attach", "1", "--format", "xml")]
    [InlineData("attach", "1", "--threshold", "gc.pause=200")]
    [InlineData("attach", "1", "--duration", "0")]
    [InlineData("attach", "1", "--duration", "1e9")]
    [InlineData("attach", "1", "--duration", "3000000000")]
    [InlineData("attach", "1", "--duration", "1.5x")]
    [InlineData("run")]
    [InlineData("run", "--", "/nonexistent/command")]
    [InlineData("run", "--", "dotnet", "run")]
    [InlineData("frobnicate")]
    public void Bad_input_is_one_line_on_stderr_and_exit_code_2(params string[] arguments)
    {
        using var guard = CliProcess.Guard(arguments);
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.True(exit == 2, guard.Transcript);
        Assert.Empty(guard.StandardOutput);
        var line = Assert.Single(guard.StandardError);
        Assert.StartsWith("guard", line);
    }

    [Fact]
    public void Attaching_to_a_process_that_is_not_dotnet_is_refused_in_one_line()
    {
        using var sleeper = new System.Diagnostics.Process { StartInfo = new System.Diagnostics.ProcessStartInfo("sleep", "60") { UseShellExecute = false } };
        sleeper.Start();
        try
        {
            using var guard = CliProcess.Guard("attach", sleeper.Id.ToString(), "--duration", "5");
            var exit = guard.WaitForExit(TimeSpan.FromSeconds(30));

            Assert.True(exit == 2, guard.Transcript);
            var line = Assert.Single(guard.StandardError);
            Assert.Contains("has no .NET diagnostics channel", line);
        }
        finally
        {
            sleeper.Kill();
            sleeper.WaitForExit(5000);
        }
    }

    private static bool WaitForError(CliProcess process, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.StandardError.Any(line => line.Contains(text, StringComparison.Ordinal)))
                return true;
            System.Threading.Thread.Sleep(100);
        }
        return false;
    }
}
