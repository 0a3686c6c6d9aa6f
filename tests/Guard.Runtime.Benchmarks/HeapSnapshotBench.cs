using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Guard.Runtime.Heap;
using Microsoft.Diagnostics.NETCore.Client;

namespace Guard.Runtime.Benchmarks;

/// <summary>
/// The cost of one heap snapshot on a large heap: starts the big-heap target with --rate MB of live data, takes `runs`
/// snapshots as guard does (HeapSnapshotter), and prints the target's pause, the time to read the snapshot, and the
/// objects and memory guard needed. Usage: -- --heap-snapshot-mb 1024 [--runs 3]
/// </summary>
internal static class HeapSnapshotBench
{
    public static int Run(string targets, double sizeMB, int runs)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { targets, "big-heap", "--rate", sizeMB.ToString(CultureInfo.InvariantCulture), "--duration", "900" })
            info.ArgumentList.Add(argument);
        using var target = Process.Start(info)!;
        try
        {
            string? line;
            var ready = "";
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while ((line = target.StandardOutput.ReadLine()) is not null && DateTime.UtcNow < deadline)
            {
                if (line.StartsWith("heap ready", StringComparison.Ordinal))
                {
                    ready = line;
                    break;
                }
            }
            if (ready.Length == 0)
            {
                Console.Error.WriteLine("the big-heap target did not get ready");
                return 2;
            }

            Console.WriteLine($"# heap snapshot cost, {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
            Console.WriteLine($"# target: {ready}");
            Console.WriteLine();
            Console.WriteLine("| run | objects | heap MB | target paused ms | read s | graph build s | guard working set MB |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            var client = new DiagnosticsClient(target.Id);
            var names = new Dictionary<ulong, string>();
            for (var run = 1; run <= runs; run++)
            {
                var snapshot = HeapSnapshotter.Take(client, TimeSpan.FromMinutes(5), CancellationToken.None, names);
                var clock = Stopwatch.StartNew();
                var histogram = HeapHistogram.Of(snapshot.Graph);
                var tree = RetentionPaths.SpanningTree(snapshot.Graph);
                var path = RetentionPaths.Find(snapshot.Graph, tree, "Guard.TestTargets.Big.MarketRecord");
                var analysis = clock.Elapsed.TotalSeconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {run} | {snapshot.Graph.NodeCount:N0} | {histogram.TotalBytes / 1048576.0:0} | {snapshot.Pause.TotalMilliseconds:0} | {snapshot.Elapsed.TotalSeconds:0.0} | {analysis:0.0} | {Process.GetCurrentProcess().WorkingSet64 / 1048576.0:0} |"));
                if (run == 1 && path is not null)
                    Console.WriteLine($"# path: {path.Describe()}");
                GC.Collect();
                Thread.Sleep(2000);
            }
            Console.WriteLine($"# guard peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MB; target alive after: {!target.HasExited}");
            return 0;
        }
        finally
        {
            if (!target.HasExited)
                target.Kill();
            target.WaitForExit(5000);
        }
    }
}
