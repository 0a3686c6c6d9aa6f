using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Guard.Runtime.Heap;
using Guard.Runtime.Stacks;
using Guard.Tests.Shared;
using Microsoft.Diagnostics.NETCore.Client;

namespace Guard.Runtime.Benchmarks;

/// <summary>
/// What watching costs the watched process, side by side with the tools users would pick instead. One throughput workload
/// (Guard.TestTargets throughput: JSON order books on every core) runs for the whole benchmark; each round measures its
/// throughput over a window alone, under `guard attach`, under `dotnet-counters monitor` and under `dotnet-trace collect`
/// (default profile, and gc-collect), in an order that rotates from round to round so that the machine's noise falls on
/// every side. Each watched window is compared with the alone windows of the same round (before and after it).
/// Also: the cost of one stack burst and one heap snapshot (throughput during them, and the pause), and `--soak-minutes M`
/// watches the workload with guard for M minutes, sampling guard's CPU and memory.
/// Usage: -- --overhead-rounds 7 [--window 10] [--cpu-work N] [--peers ~/.cache/guard/peers] | --soak-minutes 10 [--cpu-work N] [--soak-peer dotnet-counters]
/// (--soak-peer: the same soak with dotnet-counters monitor in guard's place, for its memory and CPU beside guard's.)
/// The peers are the dotnet-counters and dotnet-trace tools, installed with
/// `dotnet tool install dotnet-counters --version 10.0.750501 --tool-path ~/.cache/guard/peers` (and dotnet-trace).
/// </summary>
internal static class Overhead
{
    private sealed record Condition(string Name, Func<int, string, Process?> Start);

    private sealed class Workload : IDisposable
    {
        private readonly Process _process;
        private long _ops;
        private long _ms;
        private long _cpuMs;

        public Workload(string targets, TimeSpan duration, int cpuWork)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in new[] { targets, "throughput", "--duration", Str((int)duration.TotalSeconds), "--cpu-work", Str(cpuWork) })
                info.ArgumentList.Add(argument);
            _process = Process.Start(info)!;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line && line.StartsWith("ops ", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ');
                    // The target's CPU time read with each count: work per CPU-second is the cost paid inside the
                    // process (events written, the runtime's session threads), whatever share of the cores it gets.
                    Interlocked.Exchange(ref _cpuMs, (long)(Cpu(_process) * 1000));
                    Interlocked.Exchange(ref _ms, long.Parse(parts[2], CultureInfo.InvariantCulture));
                    Interlocked.Exchange(ref _ops, long.Parse(parts[1], CultureInfo.InvariantCulture));
                }
            };
            _process.BeginOutputReadLine();
        }

        public int Pid => _process.Id;

        /// <summary>Books per second over the next <paramref name="window"/>, by the workload's own clock.</summary>
        public double Measure(TimeSpan window) => MeasureWork(window).PerSecond;

        /// <summary>Books per second, and books per CPU-second of the target, over the next <paramref name="window"/>.</summary>
        public (double PerSecond, double PerCpuSecond) MeasureWork(TimeSpan window)
        {
            var (ops0, ms0, cpu0) = (Interlocked.Read(ref _ops), Interlocked.Read(ref _ms), Interlocked.Read(ref _cpuMs));
            Thread.Sleep(window);
            var (ops1, ms1, cpu1) = (Interlocked.Read(ref _ops), Interlocked.Read(ref _ms), Interlocked.Read(ref _cpuMs));
            return (ms1 > ms0 ? (ops1 - ops0) * 1000.0 / (ms1 - ms0) : 0, cpu1 > cpu0 ? (ops1 - ops0) * 1000.0 / (cpu1 - cpu0) : 0);
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                    _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
            _process.WaitForExit(5000);
            _process.Dispose();
        }
    }

    public static int Run(string guard, string targets, int rounds, double windowSeconds, string peers, int cpuWork)
    {
        var counters = Path.Combine(peers, "dotnet-counters");
        var trace = Path.Combine(peers, "dotnet-trace");
        if (!File.Exists(counters) || !File.Exists(trace))
        {
            Console.Error.WriteLine($"dotnet-counters and dotnet-trace are needed in {peers} (see the usage in Overhead.cs)");
            return 2;
        }
        var scratch = Directory.CreateTempSubdirectory("guard-overhead").FullName;
        var window = TimeSpan.FromSeconds(windowSeconds);
        var watched = new[]
        {
            new Condition("guard attach (default session)", (pid, _) => Tool("dotnet", guard, "attach", Str(pid), "--format", "json", "--no-heap-snapshots")),
            new Condition("guard attach --alloc-sampling", (pid, _) => Tool("dotnet", guard, "attach", Str(pid), "--format", "json", "--no-heap-snapshots", "--alloc-sampling")),
            new Condition("dotnet-counters monitor", (pid, _) => Tool(counters, "monitor", "-p", Str(pid), "--refresh-interval", "1")),
            new Condition("dotnet-trace collect (default profile)", (pid, file) => Tool(trace, "collect", "-p", Str(pid), "-o", file)),
            new Condition("dotnet-trace collect --profile gc-collect", (pid, file) => Tool(trace, "collect", "-p", Str(pid), "--profile", "gc-collect", "-o", file)),
        };
        var ratios = watched.ToDictionary(c => c.Name, _ => new List<double>());
        var cpuRatios = watched.ToDictionary(c => c.Name, _ => new List<double>());
        var toolCpu = watched.ToDictionary(c => c.Name, _ => new List<double>());
        var toolMemory = watched.ToDictionary(c => c.Name, _ => new List<double>());
        var alone = new List<double>();
        var findings = new List<int>();
        var total = TimeSpan.FromSeconds(rounds * watched.Length * (windowSeconds * 2 + 12) + 600);
        using var workload = new Workload(targets, total, cpuWork);
        Thread.Sleep(5000); // start-up, tiered JIT

        Console.WriteLine($"# overhead on a throughput workload, {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, "
            + $"{rounds} rounds, {windowSeconds:0} s windows, --cpu-work {cpuWork}, load average {LoadAverage()}");
        for (var round = 0; round < rounds; round++)
        {
            // Rotate the order so no tool always follows the same one.
            var order = Enumerable.Range(0, watched.Length).Select(i => watched[(i + round) % watched.Length]).ToList();
            foreach (var condition in order)
            {
                var (before, beforePerCpu) = workload.MeasureWork(window);
                var file = Path.Combine(scratch, $"r{round}.nettrace");
                using var tool = condition.Start(workload.Pid, file);
                Thread.Sleep(3000); // the session is up and its rundown (if any) done
                var findings0 = Volatile.Read(ref s_findings);
                var cpu0 = Cpu(tool);
                var (during, duringPerCpu) = workload.MeasureWork(window);
                var cpu = (Cpu(tool) - cpu0) / windowSeconds * 100;
                var memory = Resident(tool);
                Stop(tool);
                if (condition.Name.StartsWith("guard", StringComparison.Ordinal))
                    findings.Add(Volatile.Read(ref s_findings) - findings0);
                File.Delete(file);
                Thread.Sleep(2000);
                alone.Add(before);
                ratios[condition.Name].Add(during / before);
                cpuRatios[condition.Name].Add(duringPerCpu / beforePerCpu);
                toolCpu[condition.Name].Add(cpu);
                toolMemory[condition.Name].Add(memory);
                Console.Error.WriteLine($"  round {round + 1}: {condition.Name}: {during:0} vs {before:0} books/s alone ({during / before:0.000}); "
                    + $"{duringPerCpu:0} vs {beforePerCpu:0} books per CPU-second ({duringPerCpu / beforePerCpu:0.000}); tool {cpu:0.0}% of a core, {memory:0} MB");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"alone: median {Median(alone):0} books/s (spread {alone.Min():0} to {alone.Max():0}) over {alone.Count} windows; "
            + $"guard reported {findings.Sum()} finding(s) during its {findings.Count} windows");
        Console.WriteLine();
        // Throughput counts everything, the tool's own CPU competing for the cores included, and moves with whatever else
        // runs on the machine; work per CPU-second of the target counts only what watching costs inside the process.
        Console.WriteLine("| watching with | throughput vs alone, median | spread (min to max) | cost, median | work per target CPU-second vs alone, median | spread | in-process cost, median | the tool's own CPU, % of a core | the tool's memory, MB |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var condition in watched)
        {
            var r = ratios[condition.Name];
            var c = cpuRatios[condition.Name];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {condition.Name} | {Median(r):0.000} | {r.Min():0.000} to {r.Max():0.000} | {(1 - Median(r)) * 100:0.0}% | {Median(c):0.000} | {c.Min():0.000} to {c.Max():0.000} | {(1 - Median(c)) * 100:0.0}% | {Median(toolCpu[condition.Name]):0.0} | {Median(toolMemory[condition.Name]):0} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| one-off cost | target paused | throughput during it vs the window before |");
        Console.WriteLine("|---|---|---|");
        var client = new DiagnosticsClient(workload.Pid);
        for (var i = 0; i < 3; i++)
        {
            var before = workload.Measure(TimeSpan.FromSeconds(2));
            double during = 0;
            var burst = new Thread(() => during = workload.Measure(TimeSpan.FromSeconds(2)));
            burst.Start();
            var stacks = StackBurst.Collect(client, StackBurst.ThreadSampling(), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), CancellationToken.None);
            burst.Join();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| stack burst, 2 s of thread samples ({stacks.Count} samples) | none (sampling) | {during / before:0.000} |"));
            Thread.Sleep(2000);
        }
        var names = new Dictionary<ulong, string>();
        for (var i = 0; i < 3; i++)
        {
            var before = workload.Measure(TimeSpan.FromSeconds(5));
            double during = 0;
            var measuring = new Thread(() => during = workload.Measure(TimeSpan.FromSeconds(5)));
            measuring.Start();
            var snapshot = HeapSnapshotter.Take(client, TimeSpan.FromSeconds(60), CancellationToken.None, names);
            measuring.Join();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| heap snapshot ({snapshot.Graph.NodeCount:N0} objects, {snapshot.Graph.TotalBytes / 1048576.0:0} MB) | {snapshot.Pause.TotalMilliseconds:0} ms | {during / before:0.000} over 5 s |"));
            Thread.Sleep(2000);
        }
        Directory.Delete(scratch, recursive: true);
        return 0;
    }

    /// <summary>guard attached to the busy workload for <paramref name="minutes"/>: its CPU and resident memory every 30 s.</summary>
    public static int Soak(string guard, string targets, double minutes, int cpuWork, string? peer, string peers)
    {
        var name = peer ?? "guard";
        var peerPath = Path.Combine(peers, "dotnet-counters");
        if (peer is not null && (peer != "dotnet-counters" || !File.Exists(peerPath)))
        {
            Console.Error.WriteLine($"--soak-peer takes dotnet-counters, installed in {peers} (see the usage in Overhead.cs)");
            return 2;
        }
        using var workload = new Workload(targets, TimeSpan.FromMinutes(minutes + 2), cpuWork);
        Thread.Sleep(5000);
        // The peer a user would leave running instead: dotnet-counters watching the same runtime counters, redrawn each second.
        using var tool = peer is null
            ? Tool("dotnet", guard, "attach", Str(workload.Pid), "--format", "json", "--duration", Str((int)(minutes * 60) + 30))!
            : Tool(peerPath, "monitor", "-p", Str(workload.Pid), "--refresh-interval", "1")!;
        Console.WriteLine($"# {name} attached to a busy process for {minutes:0} minutes, {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z, {Environment.ProcessorCount} cores, --cpu-work {cpuWork}, load average {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine($"| minute | {name} CPU over the last 30 s, % of a core | {name} resident MB |");
        Console.WriteLine("|---|---|---|");
        var clock = Stopwatch.StartNew();
        var samples = new List<(double Minute, double Cpu, double Memory)>();
        var lastCpu = Cpu(tool);
        var end = TimeSpan.FromMinutes(minutes);
        while (clock.Elapsed < end && !tool.HasExited)
        {
            Thread.Sleep(30_000);
            var cpu = Cpu(tool);
            var share = (cpu - lastCpu) / 30 * 100;
            lastCpu = cpu;
            var memory = Resident(tool);
            samples.Add((clock.Elapsed.TotalMinutes, share, memory));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {clock.Elapsed.TotalMinutes:0.0} | {share:0.00} | {memory:0} |"));
        }
        Stop(tool);
        if (samples.Count >= 4)
        {
            // Flat: the slope of resident memory over the second half, by least squares.
            var half = samples.Skip(samples.Count / 2).ToList();
            var mx = half.Average(s => s.Minute);
            var my = half.Average(s => s.Memory);
            var slope = half.Sum(s => (s.Minute - mx) * (s.Memory - my)) / Math.Max(1e-9, half.Sum(s => (s.Minute - mx) * (s.Minute - mx)));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: CPU median {Median(samples.Select(s => s.Cpu).ToList()):0.00}% of a core (max {samples.Max(s => s.Cpu):0.00}%), resident {samples.Min(s => s.Memory):0} to {samples.Max(s => s.Memory):0} MB, second-half slope {slope:+0.00;-0.00} MB/min"));
        }
        return 0;
    }

    private static int s_findings;

    private static Process? Tool(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        var process = Process.Start(info)!;
        // Drained, so a chatty tool never blocks on a full pipe.
        process.OutputDataReceived += (_, e) =>
        {
            // guard's findings (JSON lines): the cost of a session that finds something includes its culprit collection.
            if (e.Data is { } line && line.StartsWith("{\"kind\"", StringComparison.Ordinal) && !line.Contains("\"resolved\":true", StringComparison.Ordinal))
                Interlocked.Increment(ref s_findings);
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Stop(Process? tool)
    {
        if (tool is null)
            return;
        try
        {
            // A clean stop first (SIGINT, as Ctrl+C), so each tool ends its session as it would for a user.
            if (!tool.HasExited)
                kill(tool.Id, 2);
            if (!tool.WaitForExit(15_000))
                tool.Kill(entireProcessTree: true);
            tool.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private static double Cpu(Process? tool)
    {
        try
        {
            if (tool is null)
                return 0;
            tool.Refresh();
            return tool.TotalProcessorTime.TotalSeconds;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    private static double Resident(Process? tool)
    {
        try
        {
            if (tool is null)
                return 0;
            tool.Refresh();
            return tool.WorkingSet64 / 1048576.0;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
            return double.NaN;
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
