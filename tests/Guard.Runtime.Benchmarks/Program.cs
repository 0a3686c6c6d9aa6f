using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using Guard.Tests.Shared;

namespace Guard.Runtime.Benchmarks;

/// <summary>
/// Times guard's detections against the test targets. Each run starts a target that misbehaves after a delay (so the
/// session is in place before the onset), attaches `guard attach --format json`, and measures from the onset the target
/// prints to the `time` of the first finding of the expected kind. Both clocks are this machine's.
/// Usage: dotnet run -c Release --project tests/Guard.Runtime.Benchmarks -- [--runs N] [--only name,...] [--healthy-minutes M [--healthy-scenario healthy-busy]] [--interval s]
/// (--interval: guard's counter interval, -t counters.interval=s.)
/// The healthy zoo: --zoo-minutes M [--parallel N] [--only name,...] watches each zoo program for M minutes and reports
/// every finding, with guard's own CPU and memory; --flood-seconds S watches a GC event flood for S seconds and reports
/// how far guard overran its --duration and what it cost; --heap-snapshot-mb MB [--runs N] measures heap snapshots of a
/// target with that much live data (the pause and the reading; see HeapSnapshotBench); --overhead-rounds N [--window s]
/// measures what guard, dotnet-counters and dotnet-trace cost a busy process, and --soak-minutes M guard's own CPU and
/// memory while attached (--soak-peer dotnet-counters: the peer's, in guard's place; see Overhead).
/// </summary>
public static class Program
{
    /// <param name="HardLimit">DOTNET_GCHeapHardLimit for the target (hexadecimal bytes), or null.</param>
    private sealed record Scenario(string Name, string[] Arguments, string? ExpectedKind, double TargetSeconds, double LimitSeconds, string? HardLimit = null);

    private static readonly Scenario[] Scenarios =
    {
        new("starvation (blocking work items)", new[] { "starve", "--delay", "3" }, "threadpool-starvation", 2, 30),
        new("starvation (sync over async)", new[] { "starve-sync", "--delay", "3" }, "threadpool-starvation", 2, 30),
        new("gc pressure", new[] { "gc", "--delay", "3" }, "gc-pressure", 5, 30),
        new("GC.Collect loop", new[] { "induced", "--delay", "3" }, "gc-pressure", 5, 30),
        // A leak is suspected only once its trend has outlasted the longest cache cycle tolerated (leak.min-span, 150 s).
        new("leak 4 MB/s", new[] { "leak", "--delay", "3", "--rate", "4" }, "memory-leak", 180, 240),
        new("sawtooth (negative)", new[] { "sawtooth", "--delay", "3", "--rate", "8" }, null, 0, 90),
        new("plateau cache (negative)", new[] { "plateau", "--delay", "3", "--rate", "4" }, null, 0, 90),
        // Issue 13, at the default thresholds. The exception storm waits 35 s: the baseline needs 30 s of history.
        new("429 retry storm", new[] { "throttled", "--delay", "3" }, "rate-limited", 5, 30),
        new("pool of 2 vs 16 callers, 400 ms endpoint", new[] { "pool", "--delay", "3" }, "connection-pool-saturation", 10, 30),
        new("timer leak 50/s", new[] { "timer-leak", "--delay", "3", "--rate", "50" }, "timer-leak", 90, 120),
        new("fill 2 MB/s toward a 100 MiB hard limit", new[] { "memlimit", "--delay", "3", "--rate", "2" }, "memory-limit", 60, 90, "0x6400000"),
        new("exception storm 500/s", new[] { "exceptions", "--delay", "35" }, "exception-storm", 10, 75),
        new("busy healthy, 120 MB cache, 200 MiB limit (negative)", new[] { "healthy-busy", "--cache", "120" }, null, 0, 90, "0xC800000"),
    };

    private static string? s_interval;

    public static int Main(string[] args)
    {
        var runs = (int)Option(args, "--runs", 5);
        var healthyMinutes = Option(args, "--healthy-minutes", 0);
        var only = OptionText(args, "--only")?.Split(',');
        s_interval = OptionText(args, "--interval");
        if (Option(args, "--zoo-minutes", 0) is var zooMinutes && zooMinutes > 0)
            return Zoo.Run(zooMinutes, (int)Option(args, "--parallel", 1), only);
        if (Option(args, "--flood-seconds", 0) is var floodSeconds && floodSeconds > 0)
            return Zoo.Flood(floodSeconds, runs);
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var guard = RepositoryPaths.Combine("runtime", "Guard.Cli", "bin", configuration, "net8.0", "guard.dll");
        var targets = RepositoryPaths.Combine("tests", "Guard.TestTargets", "bin", configuration, "net10.0", "Guard.TestTargets.dll");
        var peers = OptionText(args, "--peers") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "guard", "peers");
        if (Option(args, "--overhead-rounds", 0) is var rounds && rounds > 0)
            return Overhead.Run(guard, targets, (int)rounds, Option(args, "--window", 10), peers, (int)Option(args, "--cpu-work", 0));
        if (Option(args, "--soak-minutes", 0) is var soakMinutes && soakMinutes > 0)
            return Overhead.Soak(guard, targets, soakMinutes, (int)Option(args, "--cpu-work", 0), OptionText(args, "--soak-peer"), peers);
        if (Option(args, "--heap-snapshot-mb", 0) is var heapMB && heapMB > 0)
            return HeapSnapshotBench.Run(targets, heapMB, (int)Option(args, "--runs", 3));

        Console.WriteLine($"# guard detection latency, {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, counter interval {s_interval ?? "1"} s");
        Console.WriteLine();
        Console.WriteLine("| scenario | expected | target | runs | detected | min s | median s | max s | other findings |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");

        var selected = Scenarios.Where(s => only is null || only.Any(o => s.Arguments[0] == o)).ToList();
        if (healthyMinutes > 0)
            selected = OptionText(args, "--healthy-scenario") == "healthy-busy"
                ? new List<Scenario> { new($"busy healthy near a 200 MiB hard limit, {healthyMinutes:0} min", new[] { "healthy-busy", "--cache", "120" }, null, 0, healthyMinutes * 60, "0xC800000") }
                : new List<Scenario> { new($"healthy, {healthyMinutes:0} min", new[] { "healthy" }, null, 0, healthyMinutes * 60) };

        foreach (var scenario in selected)
        {
            var latencies = new List<double>();
            var others = new List<string>();
            var count = scenario.ExpectedKind is null || healthyMinutes > 0 ? Math.Min(runs, 2) : runs;
            if (healthyMinutes > 0)
                count = 1;
            for (var run = 0; run < count; run++)
            {
                var result = RunOnce(guard, targets, scenario);
                if (result.Latency is { } latency)
                    latencies.Add(latency);
                others.AddRange(result.OtherKinds);
                Console.Error.WriteLine($"  {scenario.Name} run {run + 1}: {(result.Latency is { } l ? $"{l:0.00} s" : "no expected finding")}{(result.OtherKinds.Count > 0 ? "; also " + string.Join(", ", result.OtherKinds) : "")}");
            }
            latencies.Sort();
            string Cell(Func<double> f) => latencies.Count > 0 ? f().ToString("0.0", CultureInfo.InvariantCulture) : "-";
            Console.WriteLine($"| {scenario.Name} | {scenario.ExpectedKind ?? "nothing"} | {(scenario.ExpectedKind is null ? $"{scenario.LimitSeconds:0} s clean" : $"< {scenario.TargetSeconds:0} s")} | {count} | "
                + $"{(scenario.ExpectedKind is null ? "-" : latencies.Count.ToString(CultureInfo.InvariantCulture))} | {Cell(() => latencies[0])} | {Cell(() => latencies[latencies.Count / 2])} | {Cell(() => latencies[^1])} | "
                + $"{(others.Count == 0 ? "none" : string.Join(", ", others.GroupBy(o => o).Select(g => $"{g.Key} x{g.Count()}")))} |");
        }
        return 0;
    }

    private sealed record Result(double? Latency, List<string> OtherKinds);

    private static Result RunOnce(string guard, string targets, Scenario scenario)
    {
        var duration = (scenario.LimitSeconds + 30).ToString(CultureInfo.InvariantCulture);
        using var target = Start(targets, scenario.Arguments.Concat(new[] { "--duration", duration }), scenario.HardLimit);
        var pid = WaitFor(target, "ready pid=", TimeSpan.FromSeconds(30)) is { } ready
            ? int.Parse(ready.Split(' ')[1].Substring(4), CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("target did not start");

        var guardArguments = new List<string> { "attach", pid.ToString(CultureInfo.InvariantCulture), "--format", "json", "--duration", scenario.LimitSeconds.ToString(CultureInfo.InvariantCulture) };
        if (s_interval != null)
            guardArguments.AddRange(new[] { "--threshold", "counters.interval=" + s_interval });
        using var watcher = Start(guard, guardArguments);
        var onset = WaitFor(target, "onset ", TimeSpan.FromSeconds(60)) is { } line
            ? DateTime.Parse(line.Substring(6), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)
            : (DateTime?)null;

        double? latency = null;
        var others = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(scenario.LimitSeconds + 15);
        while (DateTime.UtcNow < deadline && !watcher.Process.HasExited)
        {
            foreach (var json in watcher.TakeLines().Where(l => l.StartsWith("{", StringComparison.Ordinal)))
            {
                using var document = JsonDocument.Parse(json);
                var kind = document.RootElement.GetProperty("kind").GetString()!;
                var time = document.RootElement.GetProperty("time").GetDateTime().ToUniversalTime();
                if (kind == scenario.ExpectedKind && latency is null && onset is { } o)
                    latency = (time - o).TotalSeconds;
                else if (kind != scenario.ExpectedKind)
                    others.Add(kind);
            }
            if (latency is not null)
                break;
            Thread.Sleep(100);
        }
        return new Result(latency, others);
    }

    private static string? WaitFor(Child child, string prefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var match = child.Seen.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            if (match != null)
                return match;
            Thread.Sleep(50);
        }
        return null;
    }

    private sealed class Child : IDisposable
    {
        private readonly List<string> _lines = new();
        private int _taken;
        public Process Process { get; }

        public Child(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (_lines) _lines.Add(e.Data); };
            process.BeginOutputReadLine();
        }

        public IReadOnlyList<string> Seen { get { lock (_lines) return _lines.ToList(); } }

        public IReadOnlyList<string> TakeLines()
        {
            lock (_lines)
            {
                var fresh = _lines.Skip(_taken).ToList();
                _taken = _lines.Count;
                return fresh;
            }
        }

        public void Dispose()
        {
            try
            {
                if (!Process.HasExited)
                    Process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException) { }
            Process.WaitForExit(5000);
            Process.Dispose();
        }
    }

    private static Child Start(string dll, IEnumerable<string> arguments, string? hardLimit = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false };
        if (hardLimit != null)
            info.Environment["DOTNET_GCHeapHardLimit"] = hardLimit;
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        return new Child(Process.Start(info)!);
    }

    private static double Option(string[] args, string name, double fallback) =>
        OptionText(args, name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? OptionText(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
