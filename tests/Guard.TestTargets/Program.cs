using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
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
            Console.Error.WriteLine("usage: Guard.TestTargets healthy|starve|starve-sync|gc|induced|leak|plateau|sawtooth|exit-soon|spawn"
                + "|cache|warming|bursty|timers|web|flood [--delay s] [--duration s] [--rate MB/s] [--period s]");
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
            // --delay gives a slow watcher time to attach first; by default the target is gone within 2 s.
            Thread.Sleep(delay > TimeSpan.Zero ? delay : TimeSpan.FromSeconds(Math.Min(2, duration.TotalSeconds)));
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
        // Leaks whose culprits are known (heap snapshot tests).
        if (Leaks.LeakScenarios.TryRun(scenario, clock, duration, rate))
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
            // The healthy zoo: programs that look busy, or even alarming at a glance, and are fine.
            case "cache": PeriodicCache(clock, duration, Option(args, "--rate", 2), TimeSpan.FromSeconds(Option(args, "--period", 30))); break;
            case "warming": Warming(clock, duration, Option(args, "--rate", 2), TimeSpan.FromSeconds(Option(args, "--period", 60))); break;
            case "bursty": Bursty(clock, duration); break;
            case "timers": TimersAndAsyncIo(clock, duration); break;
            case "web": HealthyZoo.Web(clock, duration); break;
            // Not healthy, but not a defect either: a GC event flood guard must keep up with.
            case "flood": Flood(clock, duration); break;
            // Not a defect: a workload that reports its throughput, to measure what watching it costs (issue 16).
            case "throughput": Throughput.Run(clock, duration, (int)Option(args, "--cpu-work", 0)); break;
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

    // A cache filled at `rate` MB/s in small entries and cleared every `period`: the heap rises for a whole period, then
    // falls back. The pattern a leak detector must not call a leak.
    private static void PeriodicCache(Stopwatch clock, TimeSpan duration, double rate, TimeSpan period)
    {
        const int chunk = 4096;
        var perTick = Math.Max(1, (int)(rate * 1024 * 1024 / chunk / 10));
        var cache = new Dictionary<int, byte[]>();
        var key = 0;
        var cycle = Stopwatch.StartNew();
        var next = clock.Elapsed;
        while (clock.Elapsed < duration)
        {
            for (var i = 0; i < perTick; i++)
            {
                cache[key++] = new byte[chunk];
                // Transient work beside it, as a service has: strings that die young.
                s_garbage = new string('q', 256);
            }
            if (cycle.Elapsed >= period)
            {
                cache.Clear();
                cache.TrimExcess();
                cycle.Restart();
            }
            next += TimeSpan.FromMilliseconds(100);
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero)
                Thread.Sleep(wait);
        }
        GC.KeepAlive(cache);
    }

    // A cache that warms up slowly and plateaus: it fills at `rate` MB/s at first, slowing as it approaches a bound it
    // reaches after about `period`; then it only replaces entries.
    private static void Warming(Stopwatch clock, TimeSpan duration, double rate, TimeSpan period)
    {
        const int chunk = 4096;
        var capacity = (int)(rate * 1024 * 1024 / chunk * period.TotalSeconds / 2);
        var cache = new byte[capacity][];
        var filled = 0;
        var random = new Random(7);
        var perTick = Math.Max(1, (int)(rate * 1024 * 1024 / chunk / 10));
        while (clock.Elapsed < duration)
        {
            for (var i = 0; i < perTick; i++)
            {
                // A miss adds an entry while there is room; the fuller, the likelier a hit (which replaces one).
                var slot = random.Next(capacity);
                if (cache[slot] == null)
                    filled++;
                cache[slot] = new byte[chunk];
            }
            Thread.Sleep(100);
        }
        Console.WriteLine($"filled {filled}/{capacity}");
        GC.KeepAlive(cache);
    }

    // Bursts of large temporary arrays: frequent (background) gen2 collections that are cheap, since little survives.
    private static void Bursty(Stopwatch clock, TimeSpan duration)
    {
        while (clock.Elapsed < duration)
        {
            for (var i = 0; i < 300; i++)
                s_garbage = new byte[256 * 1024];
            Thread.Sleep(400);
        }
        Console.WriteLine($"collections gen2={GC.CollectionCount(2)} in {clock.Elapsed.TotalSeconds:0} s");
    }

    // Thousands of timers and a steady stream of async file and socket I/O: high rates of pool work, all of it short.
    private static void TimersAndAsyncIo(Stopwatch clock, TimeSpan duration)
    {
        var timers = new List<Timer>();
        for (var i = 0; i < 2000; i++)
            timers.Add(new Timer(_ => Interlocked.Increment(ref s_ticks), null, i % 50, 25 + i % 50));

        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var client = await listener.AcceptTcpClientAsync().ConfigureAwait(false);
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var stream = client.GetStream();
                        var buffer = new byte[1024];
                        int read;
                        while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                            await stream.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
                    }
                });
            }
        });

        var file = Path.Combine(Path.GetTempPath(), $"guard-target-{Environment.ProcessId}.bin");
        var clients = new Task[8];
        for (var c = 0; c < clients.Length; c++)
        {
            clients[c] = Task.Run(async () =>
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port).ConfigureAwait(false);
                var stream = client.GetStream();
                var payload = new byte[512];
                var answer = new byte[512];
                while (clock.Elapsed < duration)
                {
                    await stream.WriteAsync(payload).ConfigureAwait(false);
                    var got = 0;
                    while (got < payload.Length)
                        got += await stream.ReadAsync(answer.AsMemory(got)).ConfigureAwait(false);
                }
            });
        }
        try
        {
            var data = new byte[64 * 1024];
            while (clock.Elapsed < duration)
            {
                using (var writer = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 4096, useAsync: true))
                    writer.WriteAsync(data).AsTask().Wait();
                using (var reader = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.None, 4096, useAsync: true))
                    _ = reader.ReadAsync(data).AsTask().Result;
                Thread.Sleep(5);
            }
            Task.WaitAll(clients, TimeSpan.FromSeconds(5));
        }
        finally
        {
            listener.Stop();
            File.Delete(file);
            foreach (var timer in timers)
                timer.Dispose();
        }
        Console.WriteLine($"ticks {s_ticks}");
    }

    private static int s_ticks;

    internal static void Sink(int value) => s_sink += value;

    // Large arrays on two threads, as fast as they go: the large object heap's budget is spent again and again and the
    // runtime collects gen2 hundreds to thousands of times a second. Each collection is cheap; the events are many.
    private static int FloodArrayBytes = 90_000;

    private static void Flood(Stopwatch clock, TimeSpan duration)
    {
        if (Environment.GetEnvironmentVariable("GUARD_FLOOD_BYTES") is { } bytes)
            FloodArrayBytes = int.Parse(bytes, CultureInfo.InvariantCulture);
        var threads = new Thread[2];
        for (var t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(() =>
            {
                while (clock.Elapsed < duration)
                    s_garbage = new byte[FloodArrayBytes];
            }) { IsBackground = true };
            threads[t].Start();
        }
        // The benchmark reads the rate it achieved from these lines.
        while (threads.Any(t => t.IsAlive))
        {
            Thread.Sleep(1000);
            Console.WriteLine($"gen2 {GC.CollectionCount(2)}");
        }
        Console.WriteLine($"collections gen2={GC.CollectionCount(2)}");
    }
}
