using System;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Guard.Runtime.Detection;
using Guard.Runtime.Session;

namespace Guard.Runtime.Tests.EndToEnd;

/// <summary>
/// Issue 12 against real processes whose culprits are known: a leak names the type, the static field and the chain that
/// keep it; programs that only look like leaks take no snapshot; a target exiting during a snapshot ends the watch
/// cleanly. Assertions are on names and shapes, never on timings.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class CulpritEndToEndTests
{
    // A leak is suspected after 15 s of steady growth (150 s by default); the two snapshots are 5 s apart.
    private static readonly string[] FastLeak = { "-t", "leak.min-span=15", "-t", "leak.snapshot-interval=5" };

    private static JsonElement[] Findings(CliProcess guard, string kind) => guard.StandardOutput
        .Where(l => l.StartsWith("{", StringComparison.Ordinal))
        .Select(l => JsonDocument.Parse(l).RootElement.Clone())
        .Where(f => f.GetProperty("kind").GetString() == kind)
        .ToArray();

    [Fact]
    public void A_leak_names_the_growing_types_the_static_field_and_the_instance_chain_that_keep_them()
    {
        using var target = CliProcess.Target("leak-named", "--rate", "3", "--duration", "120");
        using var guard = CliProcess.Guard(new[] { "attach", target.Id.ToString(), "--format", "json", "--duration", "90" }.Concat(FastLeak).ToArray());
        // A second session on the same process, taking no snapshots itself: the first one's are not its GC pressure.
        using var beside = CliProcess.Guard(new[] { "attach", target.Id.ToString(), "--format", "json", "--duration", "90", "--no-heap-snapshots" }.Concat(FastLeak).ToArray());
        var found = guard.WaitForOutput(line => line.Contains("\"kind\":\"memory-leak\"", StringComparison.Ordinal), TimeSpan.FromSeconds(100));
        // The other session reads its events a little later.
        Thread.Sleep(3000);
        guard.Interrupt();
        beside.Interrupt();
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(30));
        beside.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.True(found, guard.Transcript);
        Assert.Equal(1, exit);
        var leak = Findings(guard, FindingKinds.MemoryLeak)[0];
        var culprits = leak.GetProperty("culprits").EnumerateArray().ToArray();
        var ticks = culprits.Single(c => c.GetProperty("type").GetString() == "Guard.TestTargets.Leaks.PriceTick");
        Assert.True(ticks.GetProperty("countDelta").GetInt64() > 0, leak.ToString());
        Assert.True(ticks.GetProperty("bytesDelta").GetInt64() > 0, leak.ToString());
        Assert.Equal("Guard.TestTargets.Leaks.PriceHistory.s_ticks", ticks.GetProperty("staticField").GetString());
        Assert.Equal("static Guard.TestTargets.Leaks.PriceHistory.s_ticks -> List<PriceTick> -> PriceTick[] -> PriceTick", ticks.GetProperty("path").GetString());

        var sessions = culprits.Single(c => c.GetProperty("type").GetString() == "Guard.TestTargets.Leaks.SessionState");
        Assert.Equal("Guard.TestTargets.Leaks.PriceHistory.s_ticks", ticks.GetProperty("heldBy").GetString());
        // The instance fields of the application's types on the way are named; the framework's collections are not.
        Assert.Equal("static Guard.TestTargets.Leaks.Services.Current -> ServiceHost.Registry -> SessionRegistry._sessions -> List<SessionState> -> SessionState[] -> SessionState",
            sessions.GetProperty("path").GetString());
        Assert.Equal("Guard.TestTargets.Leaks.SessionRegistry._sessions", sessions.GetProperty("heldBy").GetString());

        // The cost is said: one measured pause per snapshot.
        var pauses = leak.GetProperty("evidence").GetProperty("snapshotPauseMs").EnumerateArray().Select(p => p.GetDouble()).ToArray();
        Assert.Equal(2, pauses.Length);
        Assert.All(pauses, p => Assert.True(p > 0));
        // The collections the snapshots induced are Guard's, not the application's.
        Assert.DoesNotContain(Findings(guard, FindingKinds.GcPressure), f => f.GetProperty("message").GetString()!.Contains("induced", StringComparison.Ordinal));
        Assert.DoesNotContain(Findings(beside, FindingKinds.GcPressure), f => f.GetProperty("message").GetString()!.Contains("induced", StringComparison.Ordinal));
        Assert.True(TargetProcesses.Exists(target.Id), "the target did not survive the snapshots");
    }

    [Fact]
    public void A_starvation_names_the_method_that_blocks_pool_threads_on_Result()
    {
        using var target = CliProcess.Target("starve-named", "--delay", "2", "--duration", "90");
        using var guard = CliProcess.Guard("attach", target.Id.ToString(), "--format", "json", "--duration", "40");
        var found = guard.WaitForOutput(line => line.Contains("\"kind\":\"threadpool-starvation\"", StringComparison.Ordinal), TimeSpan.FromSeconds(50));
        guard.Interrupt();
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.True(found, guard.Transcript);
        Assert.Equal(1, exit);
        var starvation = Findings(guard, FindingKinds.ThreadPoolStarvation)[0];
        var top = starvation.GetProperty("culprits")[0];
        Assert.Equal("Guard.TestTargets.Quotes.QuoteRefresher.Refresh", top.GetProperty("userFrame").GetString());
        Assert.Equal("task wait", top.GetProperty("block").GetString());
        Assert.StartsWith("Task.Result <- Guard.TestTargets.Quotes.QuoteRefresher.Refresh", top.GetProperty("stack").GetString());
        Assert.InRange(top.GetProperty("share").GetDouble(), 0.01, 1);
    }

    [Fact]
    public void What_only_looks_like_a_leak_takes_no_snapshot()
    {
        // A sawtooth and a bounded cache (fills to its bound, then only replaces), watched side by side to save time.
        using var sawtooth = CliProcess.Target("sawtooth", "--rate", "6", "--duration", "90");
        using var plateau = CliProcess.Target("plateau", "--rate", "4", "--duration", "90");
        using var watchSawtooth = CliProcess.Guard(new[] { "attach", sawtooth.Id.ToString(), "--format", "json", "--duration", "25" }.Concat(FastLeak).ToArray());
        using var watchPlateau = CliProcess.Guard(new[] { "attach", plateau.Id.ToString(), "--format", "json", "--duration", "25" }.Concat(FastLeak).ToArray());

        foreach (var guard in new[] { watchSawtooth, watchPlateau })
        {
            var exit = guard.WaitForExit(TimeSpan.FromSeconds(60));
            Assert.Empty(Findings(guard, FindingKinds.MemoryLeak));
            Assert.DoesNotContain(guard.StandardError, line => line.Contains("heap snapshot", StringComparison.Ordinal));
            Assert.True(exit is 0 or 1, guard.Transcript);
        }
    }

    [Fact]
    public void A_target_that_exits_during_a_snapshot_ends_the_watch_cleanly_with_a_clear_line()
    {
        using var target = CliProcess.Target("leak-exit", "--rate", "3", "--duration", "120");
        using var guard = CliProcess.Guard(new[] { "attach", target.Id.ToString(), "--format", "json", "--duration", "90" }.Concat(FastLeak).ToArray());
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(120));

        Assert.True(target.WaitForOutput(line => line.StartsWith("exiting", StringComparison.Ordinal), TimeSpan.FromSeconds(5)), target.Transcript + guard.Transcript);
        // The leak found before the exit stands (exit 1); it says why it has no culprits.
        Assert.True(exit == 1, guard.Transcript);
        var leak = Assert.Single(Findings(guard, FindingKinds.MemoryLeak));
        Assert.Contains("exited", leak.GetProperty("evidence").GetProperty("heapSnapshotNote").GetString());
        Assert.Contains(guard.StandardError, line => line.Contains("exited", StringComparison.Ordinal));
        Assert.DoesNotContain(guard.StandardError, line => line.Contains("   at ", StringComparison.Ordinal) || line.Contains("unexpected error", StringComparison.Ordinal));
    }
}
