using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Guard.TestTargets;

/// <summary>
/// Misbehaving (and well-behaved) processes for Guard's end-to-end tests and benchmarks.
/// Usage: Guard.TestTargets &lt;scenario&gt; [--delay s] [--duration s] [--rate MB/s]
/// Every scenario ends on its own after --duration (default 120 s) so a forgotten target cannot outlive a test run.
/// </summary>
public static class Program
{
    // Objects kept alive on purpose (the leak, the big live graph); static so the JIT cannot drop them.
    private static readonly List<object> Retained = new();
    private static volatile int s_sink;

    // Garbage is stored here, so it escapes: the JIT would otherwise keep a small array that nobody sees on the stack.
    private static object? s_garbage;

    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: Guard.TestTargets healthy|starve|starve-sync|gc|induced|leak|plateau|sawtooth|exit-soon|spawn [--delay s] [--duration s] [--rate MB/s]");
            return 2;
        }

        var scenario = args[0];
        var delay = TimeSpan.FromSeconds(Option(args, "--delay", 0));
        var duration = TimeSpan.FromSeconds(Option(args, "--duration", 120));
        var rate = Option(args, "--rate", 4);
        var clock = Stopwatch.StartNew();

        Console.WriteLine($"ready pid={Environment.ProcessId} scenario={scenario}");
        Console.Out.Flush();

        // Background load every scenario shares: a little work on the pool and some garbage, as a real service has.
        using var ticker = new Timer(_ => Background(), null, 0, 20);

        if (scenario == "spawn")
            return Spawn();

        if (scenario == "exit-soon")
        {
            Thread.Sleep(TimeSpan.FromSeconds(Math.Min(2, duration.TotalSeconds)));
            Console.WriteLine("exiting");
            return 0;
        }

        using (ServiceScenarios.Baseline(scenario))
            Thread.Sleep(delay);
        Console.WriteLine($"onset {DateTime.UtcNow:O}");
        Console.Out.Flush();
        // The scenarios of the HTTP, timer, memory-limit and exception detectors (ServiceScenarios.Names).
        if (ServiceScenarios.TryRun(scenario, args, clock, duration))
            return 0;

        switch (scenario)
        {
            case "healthy": Healthy(clock, duration); break;
            case "starve": Starve(clock, duration, syncOverAsync: false); break;
            case "starve-sync": Starve(clock, duration, syncOverAsync: true); break;
            case "gc": GcPressure(clock, duration); break;
            case "induced": Induced(clock, duration); break;
            case "leak": Leak(clock, duration, rate); break;
            case "plateau": Plateau(clock, duration, rate); break;
            case "sawtooth": Sawtooth(clock, duration, rate); break;
            default:
                Console.Error.WriteLine($"unknown scenario '{scenario}'");
                return 2;
        }
        return 0;
    }

    // Starts another .NET process (this program, exit-soon) and waits for it: under `guard run`, the child inherits the
    // environment, and must not wait at startup for a diagnostics connection nobody makes.
    private static int Spawn()
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            info.ArgumentList.Add(typeof(Program).Assembly.Location);
        info.ArgumentList.Add("exit-soon");
        using var child = Process.Start(info)!;
        if (!child.WaitForExit(30_000))
        {
            Console.WriteLine("child hung");
            child.Kill();
            return 3;
        }
        Console.WriteLine($"child exited {child.ExitCode}");
        return child.ExitCode;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static void Background()
    {
        for (var i = 0; i < 4; i++)
            ThreadPool.QueueUserWorkItem(_ => s_garbage = new byte[2048]);
    }

    // Steady request-like work: short pool items, awaits, moderate garbage, a bounded cache.
    private static void Healthy(Stopwatch clock, TimeSpan duration)
    {
        var cache = new Dictionary<int, byte[]>();
        var random = new Random(1);
        while (clock.Elapsed < duration)
        {
            var tasks = new Task[8];
            for (var i = 0; i < tasks.Length; i++)
            {
                tasks[i] = Task.Run(async () =>
                {
                    await Task.Delay(1).ConfigureAwait(false);
                    s_sink += new string('x', 512).Length;
                });
            }
            Task.WaitAll(tasks);
            lock (cache)
                cache[random.Next(2000)] = new byte[1024];
            Thread.Sleep(10);
        }
    }

    // Work items that block their pool thread: with plain blocking the pool's starvation detector injects threads one by
    // one; with sync-over-async (waiting on a task that needs a pool thread to finish) it injects for cooperative blocking.
    private static void Starve(Stopwatch clock, TimeSpan duration, bool syncOverAsync)
    {
        while (clock.Elapsed < duration)
        {
            for (var i = 0; i < 4; i++)
            {
                if (syncOverAsync)
                    Task.Run(() => Task.Run(async () => { await Task.Delay(200).ConfigureAwait(false); return 1; }).Result);
                else
                    ThreadPool.QueueUserWorkItem(_ => Thread.Sleep(1000));
            }
            Thread.Sleep(50);
        }
    }

    // A large live graph of small objects (expensive to mark) and a hard stream of mid-life garbage: frequent, long
    // blocking collections.
    private static void GcPressure(Stopwatch clock, TimeSpan duration)
    {
        var live = new object[400_000];
        for (var i = 0; i < live.Length; i++)
            live[i] = new object[] { new byte[64], i.ToString(CultureInfo.InvariantCulture) };
        Retained.Add(live);

        var threads = new Thread[2];
        for (var t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(() =>
            {
                var random = new Random();
                var window = new object[50_000];
                while (clock.Elapsed < duration)
                {
                    // Replacing random slots of a window keeps objects alive long enough to be promoted, then drops them.
                    window[random.Next(window.Length)] = new byte[random.Next(32, 2048)];
                    live[random.Next(live.Length)] = new object[] { new byte[32] };
                }
            }) { IsBackground = true };
            threads[t].Start();
        }
        foreach (var thread in threads)
            thread.Join();
    }

    // "Force garbage collection" as a remedy: GC.Collect on a timer.
    private static void Induced(Stopwatch clock, TimeSpan duration)
    {
        while (clock.Elapsed < duration)
        {
            for (var i = 0; i < 1000; i++)
                s_garbage = new byte[1024];
            GC.Collect();
            Thread.Sleep(500);
        }
    }

    // Retains `rate` MB a second in small arrays, beside ordinary garbage.
    private static void Leak(Stopwatch clock, TimeSpan duration, double rate)
    {
        const int chunk = 4096;
        var perTick = (int)(rate * 1024 * 1024 / chunk / 10);
        var next = clock.Elapsed;
        while (clock.Elapsed < duration)
        {
            for (var i = 0; i < perTick; i++)
            {
                Retained.Add(new byte[chunk]);
                s_garbage = new byte[chunk * 4];
            }
            next += TimeSpan.FromMilliseconds(100);
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero)
                Thread.Sleep(wait);
        }
    }

    // A cache that fills quickly to a bound, then only replaces entries: growth, then a flat line.
    private static void Plateau(Stopwatch clock, TimeSpan duration, double rate)
    {
        const int chunk = 4096;
        var capacity = (int)(64 * 1024 * 1024 / chunk);
        var cache = new byte[capacity][];
        var perTick = (int)(rate * 4 * 1024 * 1024 / chunk / 10);
        var index = 0;
        while (clock.Elapsed < duration)
        {
            for (var i = 0; i < perTick; i++)
            {
                cache[index % capacity] = new byte[chunk];
                index++;
            }
            Thread.Sleep(100);
        }
        GC.KeepAlive(cache);
    }

    // A batch that accumulates then releases everything, again and again.
    private static void Sawtooth(Stopwatch clock, TimeSpan duration, double rate)
    {
        const int chunk = 4096;
        var perTick = (int)(rate * 1024 * 1024 / chunk / 10);
        var batch = new List<byte[]>();
        var cycle = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            for (var i = 0; i < perTick; i++)
                batch.Add(new byte[chunk]);
            if (cycle.Elapsed > TimeSpan.FromSeconds(8))
            {
                batch = new List<byte[]>();
                cycle.Restart();
            }
            Thread.Sleep(100);
        }
        GC.KeepAlive(batch);
    }
}
