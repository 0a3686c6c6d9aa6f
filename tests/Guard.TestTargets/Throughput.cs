using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading;

namespace Guard.TestTargets;

/// <summary>
/// A CPU- and allocation-bound workload that reports its own throughput, for measuring what a watching tool costs the
/// process it watches: one worker per core parses and re-serializes order books (the work of a market-data handler:
/// JSON, small objects, arithmetic), and the running total of books handled is printed every 100 ms as
/// <c>ops &lt;total&gt; &lt;elapsed ms&gt;</c>.
/// </summary>
internal static class Throughput
{
    private static long s_ops;

    public sealed record Level(decimal Price, decimal Quantity);

    public sealed record Book(string Symbol, long Sequence, List<Level> Bids, List<Level> Asks);

    /// <param name="cpuWork">Rounds of allocation-free arithmetic per book: 0 is allocation-bound (on 2 cores, 100-300
    /// gen0 collections a second); larger values make a service whose work is mostly computation.</param>
    public static void Run(Stopwatch clock, TimeSpan duration, int cpuWork)
    {
        var workers = new Thread[Environment.ProcessorCount];
        for (var i = 0; i < workers.Length; i++)
        {
            var seed = i;
            workers[i] = new Thread(() => Work(seed, clock, duration, cpuWork)) { IsBackground = true, Name = "throughput-" + i };
            workers[i].Start();
        }
        while (clock.Elapsed < duration)
        {
            Thread.Sleep(100);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ops {Interlocked.Read(ref s_ops)} {clock.ElapsedMilliseconds} gen0={GC.CollectionCount(0)}"));
            Console.Out.Flush();
        }
    }

    private static void Work(int seed, Stopwatch clock, TimeSpan duration, int cpuWork)
    {
        var random = new Random(seed);
        var book = new Book("BTC-USD", 0, new List<Level>(), new List<Level>());
        for (var i = 0; i < 50; i++)
        {
            book.Bids.Add(new Level(64_000m - i, (decimal)random.NextDouble()));
            book.Asks.Add(new Level(64_001m + i, (decimal)random.NextDouble()));
        }
        var json = JsonSerializer.Serialize(book);
        decimal total = 0;
        while (clock.Elapsed < duration)
        {
            var parsed = JsonSerializer.Deserialize<Book>(json)!;
            foreach (var level in parsed.Bids)
                total += level.Price * level.Quantity;
            json = JsonSerializer.Serialize(parsed with { Sequence = parsed.Sequence + 1 });
            // A pricing model's worth of arithmetic, allocating nothing.
            var x = (double)parsed.Sequence;
            for (var k = 0; k < cpuWork; k++)
                x = Math.Sqrt(x * 1.000001 + k);
            total += (decimal)(x % 3);
            Interlocked.Increment(ref s_ops);
        }
        Program.Sink((int)(total % 7));
    }
}
