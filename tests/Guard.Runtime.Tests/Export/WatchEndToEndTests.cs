using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using Guard.Runtime.Detection;
using Guard.Runtime.Tests.EndToEnd;
using Guard.Tests.Shared;

namespace Guard.Runtime.Tests.Export;

/// <summary>
/// `guard watch --name X`: a process that starts after guard is picked up, one that exits is let go of, and the watch
/// goes on. The target is a copy of the test targets under a name of its own, so no other process on the machine
/// (another test run's targets) can match it.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class WatchEndToEndTests
{
    [Fact]
    public void Watch_by_name_picks_up_a_process_started_later_and_survives_one_exiting()
    {
        var folder = RepositoryPaths.NewTempFolder("guard-watch");
        try
        {
            var name = "Probe" + Guid.NewGuid().ToString("N").Substring(0, 8);
            var app = CopyTargets(folder, name);
            var port = ExternalTools.FreePort();
            var sarif = Path.Combine(folder, "watch.sarif");

            using var first = new ExternalProcess(CliProcess.Dotnet, app, "healthy", "--duration", "90");
            Assert.True(first.WaitFor(l => l.StartsWith("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(30)), first.Output);
            using var guard = CliProcess.Guard("watch", "--name", name, "--format", "json", "--duration", "60", "--prometheus", $"127.0.0.1:{port}", "--sarif", sarif);
            Assert.True(WaitForError(guard, $"watching process {first.Id} "), guard.Transcript);

            // Started after guard: found by the poll of published processes. It starves, then exits on its own.
            using var second = new ExternalProcess(CliProcess.Dotnet, app, "starve", "--delay", "1", "--duration", "8");
            Assert.True(WaitForError(guard, $"watching process {second.Id} "), guard.Transcript);
            // Both processes' gauges, once each session has had its first counter interval.
            var metrics = "";
            for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; Thread.Sleep(250))
            {
                metrics = Scrape(port);
                if (new[] { first.Id, second.Id }.All(pid => metrics.Contains($"guard_gc_paused_percent{{pid=\"{pid}\",process=\"{name}\"}}", StringComparison.Ordinal)))
                    break;
            }
            Assert.Contains($"guard_gc_paused_percent{{pid=\"{first.Id}\",process=\"{name}\"}}", metrics, StringComparison.Ordinal);
            Assert.Contains($"guard_gc_paused_percent{{pid=\"{second.Id}\",process=\"{name}\"}}", metrics, StringComparison.Ordinal);

            Assert.True(WaitForError(guard, $"process {second.Id} ({name}) exited"), guard.Transcript);
            Thread.Sleep(1500);
            Assert.True(Guard.Runtime.Session.TargetProcesses.Exists(guard.Id), "guard ended with the process it let go of\n" + guard.Transcript);
            Assert.DoesNotContain(guard.StandardError, l => l.StartsWith("guard: watched", StringComparison.Ordinal));
            Assert.False(first.HasExited);

            guard.Interrupt();
            var exit = guard.WaitForExit(TimeSpan.FromSeconds(30));
            var findings = guard.StandardOutput.Where(l => l.StartsWith("{", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();
            Assert.True(exit == 1, guard.Transcript);
            Assert.Contains(findings, f => f.GetProperty("kind").GetString() == FindingKinds.ThreadPoolStarvation && f.GetProperty("pid").GetInt32() == second.Id);
            Assert.All(findings, f => Assert.Equal(name, f.GetProperty("process").GetString()));
            Assert.Contains(guard.StandardError, l => l.StartsWith("guard: watched 2 processes", StringComparison.Ordinal));
            Assert.Contains(SarifSchema.Structure(sarif), r => r.GetProperty("properties").GetProperty("pid").GetInt32() == second.Id);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    [Fact]
    public void Watch_of_listed_pids_ends_when_they_have_all_exited()
    {
        using var target = CliProcess.Target("exit-soon");
        using var guard = CliProcess.Guard("watch", target.Id.ToString(), "--duration", "30");
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(25));

        Assert.True(exit == 2, guard.Transcript);
        Assert.Contains(guard.StandardError, l => l.Contains("every listed process exited", StringComparison.Ordinal));
        Assert.DoesNotContain(guard.StandardError, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("watch")]
    [InlineData("watch", "999999")]
    [InlineData("watch", "0")]
    [InlineData("watch", "--all", "--sarif", "/nonexistent-folder/x.sarif")]
    public void Bad_watch_input_is_one_line_and_exit_code_2(params string[] arguments)
    {
        using var guard = CliProcess.Guard(arguments);
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.True(exit == 2, guard.Transcript);
        Assert.Empty(guard.StandardOutput);
        Assert.StartsWith("guard", Assert.Single(guard.StandardError));
    }

    private static string Scrape(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return http.GetStringAsync($"http://127.0.0.1:{port}/metrics").GetAwaiter().GetResult();
    }

    /// <summary>The test targets' app under another name: `dotnet Name.dll` makes guard ps (and --name) call it Name.</summary>
    private static string CopyTargets(string folder, string name)
    {
        var source = Path.GetDirectoryName(TestBinaries.Targets)!;
        File.Copy(Path.Combine(source, "Guard.TestTargets.dll"), Path.Combine(folder, name + ".dll"));
        File.Copy(Path.Combine(source, "Guard.TestTargets.runtimeconfig.json"), Path.Combine(folder, name + ".runtimeconfig.json"));
        return Path.Combine(folder, name + ".dll");
    }

    private static bool WaitForError(CliProcess process, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.StandardError.Any(line => line.Contains(text, StringComparison.Ordinal)))
                return true;
            Thread.Sleep(100);
        }
        return false;
    }
}
