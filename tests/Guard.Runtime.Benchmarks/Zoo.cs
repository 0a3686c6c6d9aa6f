using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Guard.Tests.Shared;

namespace Guard.Runtime.Benchmarks;

/// <summary>
/// The healthy zoo at length (issue 11): programs that are fine, watched for minutes, where any finding is a false alarm;
/// and a GC event flood, where guard must keep up, say it sheds detail, and end on time. Guard's own CPU and peak memory
/// are read from /proc while it runs.
/// </summary>
internal static class Zoo
{
    private sealed record Member(string Name, string[] Arguments, string? Environment = null);

    private static readonly Member[] Members =
    {
        new("cache, cleared every 10 s", new[] { "cache", "--period", "10", "--rate", "2" }),
        new("cache, cleared every 30 s", new[] { "cache", "--period", "30", "--rate", "2" }),
        new("cache, cleared every 60 s", new[] { "cache", "--period", "60", "--rate", "2" }),
        new("cache, cleared every 2 min", new[] { "cache", "--period", "120", "--rate", "1" }),
        new("warming cache, plateau after ~2 min", new[] { "warming", "--rate", "2", "--period", "120" }),
        new("bursty gen2 at low pause", new[] { "bursty" }),
        new("timers and async I/O", new[] { "timers" }),
        new("ASP.NET Core under load", new[] { "web" }),
        new("server GC", new[] { "healthy" }, "DOTNET_gcServer=1"),
        new("healthy (workstation GC)", new[] { "healthy" }),
    };

    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
    private static string Guard => RepositoryPaths.Combine("runtime", "Guard.Cli", "bin", Configuration, "net8.0", "guard.dll");
    private static string Targets => RepositoryPaths.Combine("tests", "Guard.TestTargets", "bin", Configuration, "net10.0", "Guard.TestTargets.dll");

    public static int Run(double minutes, int parallel, string[]? only)
    {
        var selected = Members.Where(m => only is null || only.Any(o => m.Name.Contains(o, StringComparison.OrdinalIgnoreCase))).ToList();
        Console.WriteLine($"# healthy zoo, {minutes:0.#} min each, {Math.Max(1, parallel)} at a time, {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z, "
            + $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine("| program | watched s | findings | guard CPU % of a core | guard peak RSS MB | exit |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var results = new Dictionary<Member, string>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallel) };
        Parallel.ForEach(selected, options, member =>
        {
            var line = Watch(member, minutes * 60);
            lock (results)
                results[member] = line;
            Console.Error.WriteLine("  " + line);
        });
        foreach (var member in selected)
            Console.WriteLine(results[member]);
        return 0;
    }

    private static string Watch(Member member, double seconds)
    {
        using var target = Start(Targets, member.Arguments.Concat(new[] { "--duration", (seconds + 60).ToString(CultureInfo.InvariantCulture) }), member.Environment);
        if (!target.WaitFor("ready pid=", TimeSpan.FromSeconds(60)))
            return $"| {member.Name} | - | target did not start | - | - | - |";
        var clock = Stopwatch.StartNew();
        using var guard = Start(Guard, new[] { "attach", target.Process.Id.ToString(CultureInfo.InvariantCulture), "--format", "json", "--duration", seconds.ToString(CultureInfo.InvariantCulture) }, null);
        var usage = Sample(guard.Process, TimeSpan.FromSeconds(seconds + 120));
        var wall = clock.Elapsed.TotalSeconds;
        var findings = guard.Lines.Where(l => l.StartsWith("{", StringComparison.Ordinal)).Select(Describe).ToList();
        var exit = guard.Process.HasExited ? guard.Process.ExitCode.ToString(CultureInfo.InvariantCulture) : "killed";
        return $"| {member.Name} | {wall:0} | {(findings.Count == 0 ? "none" : string.Join("; ", findings))} | {usage.CpuPercent:0.0} | {usage.PeakMB:0} | {exit} |";
    }

    public static int Flood(double seconds, int runs)
    {
        Console.WriteLine($"# GC event flood, guard attach --duration {seconds:0.#}, {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine("| run | target gen2/s | guard wall s | overrun s | guard CPU % of a core | guard peak RSS MB | events dropped | shed said | findings |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        for (var run = 1; run <= Math.Max(1, Math.Min(runs, 5)); run++)
        {
            using var target = Start(Targets, new[] { "flood", "--duration", (seconds + 40).ToString(CultureInfo.InvariantCulture) }, null);
            target.WaitFor("ready pid=", TimeSpan.FromSeconds(60));
            Thread.Sleep(2000);
            var gen2Before = Gen2(target);
            var before = Stopwatch.StartNew();
            var clock = Stopwatch.StartNew();
            using var guard = Start(Guard, new[] { "attach", target.Process.Id.ToString(CultureInfo.InvariantCulture), "--format", "json", "--duration", seconds.ToString(CultureInfo.InvariantCulture) }, null, captureError: true);
            var usage = Sample(guard.Process, TimeSpan.FromSeconds(seconds + 60));
            var wall = clock.Elapsed.TotalSeconds;
            var gen2After = Gen2(target);
            var span = before.Elapsed.TotalSeconds;
            var dropped = guard.Errors.FirstOrDefault(l => l.Contains("dropped", StringComparison.Ordinal)) is { } d ? d.Split(' ')[4] : "0";
            var shed = guard.Errors.Any(l => l.Contains("detail is shed", StringComparison.Ordinal)) ? "yes" : "no";
            var findings = guard.Lines.Where(l => l.StartsWith("{", StringComparison.Ordinal)).Select(Describe).ToList();
            var rate = gen2Before is { } b && gen2After is { } a ? ((a - b) / span).ToString("0", CultureInfo.InvariantCulture) : "?";
            Console.WriteLine($"| {run} | {rate} | {wall:0.00} | {wall - seconds:0.00} | {usage.CpuPercent:0.0} | {usage.PeakMB:0} | {dropped} | {shed} | {(findings.Count == 0 ? "none" : string.Join("; ", findings))} |");
        }
        return 0;
    }

    /// <summary>The target's own count of gen2 collections, from the last "gen2 N" line it printed (once a second).</summary>
    private static long? Gen2(Child target) =>
        target.Lines.LastOrDefault(l => l.StartsWith("gen2 ", StringComparison.Ordinal)) is { } line ? long.Parse(line.Substring(5), CultureInfo.InvariantCulture) : null;

    private static string Describe(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var resolved = root.TryGetProperty("resolved", out var r) && r.GetBoolean() ? " resolved" : "";
        return $"{root.GetProperty("kind").GetString()} {root.GetProperty("severity").GetString()}{resolved}: {root.GetProperty("message").GetString()}";
    }

    private readonly record struct Usage(double CpuPercent, double PeakMB);

    /// <summary>Polls /proc until the process exits (or the bound passes, then kills it): CPU seconds and peak RSS.</summary>
    private static Usage Sample(Process process, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        double cpuSeconds = 0, peakKB = 0;
        var ticks = 100.0; // USER_HZ on Linux
        while (!process.HasExited && clock.Elapsed < bound)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{process.Id}/stat");
                var fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
                cpuSeconds = (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / ticks;
                foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                        peakKB = double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
            }
            Thread.Sleep(250);
        }
        var elapsed = clock.Elapsed.TotalSeconds;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        return new Usage(elapsed > 0 ? 100 * cpuSeconds / elapsed : 0, peakKB / 1024);
    }

    private sealed class Child : IDisposable
    {
        private readonly List<string> _lines = new();
        private readonly List<string> _errors = new();
        public Process Process { get; }

        public Child(Process process, bool captureError)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (_lines) _lines.Add(e.Data); };
            process.BeginOutputReadLine();
            if (captureError)
            {
                process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_errors) _errors.Add(e.Data); };
                process.BeginErrorReadLine();
            }
        }

        public IReadOnlyList<string> Lines { get { lock (_lines) return _lines.ToList(); } }
        public IReadOnlyList<string> Errors { get { lock (_errors) return _errors.ToList(); } }

        public bool WaitFor(string prefix, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                if (Lines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal)))
                    return true;
                Thread.Sleep(50);
            }
            return false;
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

    private static Child Start(string dll, IEnumerable<string> arguments, string? environment, bool captureError = false)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = captureError, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        if (environment is { } pair && pair.Split('=') is [var name, var value])
            info.Environment[name] = value;
        return new Child(Process.Start(info)!, captureError);
    }
}
