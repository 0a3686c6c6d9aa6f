using System.Diagnostics;

namespace TradingBot;

/// <summary>
/// Three ways a bot goes wrong at run time, each behind --scenario, for `guard attach` to find. None of them is
/// visible to the analyzers: the code compiles clean and looks reasonable in review.
/// </summary>
public static class Scenarios
{
    public static readonly string[] Names = ["starve", "gc", "leak"];

    public static Task Start(string? name, MarketData market, CancellationToken ct)
    {
        if (name is null)
            return Task.CompletedTask;
        StartReporter(name, ct);
        return name switch
        {
            "starve" => Task.Run(() => new SignalRefresher(market).RunAsync(ct), ct),
            "gc" => Task.Factory.StartNew(() => Backtester.Run(ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default),
            "leak" => Task.Run(() => new BookRecorder(market).RunAsync(ct), ct),
            _ => throw new ArgumentException($"unknown scenario '{name}'", nameof(name)),
        };
    }

    /// <summary>A line every 5 s on what the scenario is doing, from its own thread so that starvation cannot delay it.</summary>
    private static void StartReporter(string name, CancellationToken ct)
    {
        var thread = new Thread(() =>
        {
            var started = Stopwatch.StartNew();
            var lastPause = GC.GetTotalPauseDuration();
            while (!ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(5)))
            {
                var pause = GC.GetTotalPauseDuration();
                Console.WriteLine($"[{name} {started.Elapsed.TotalSeconds:0}s] heap {GC.GetTotalMemory(false) / 1_048_576} MB, " +
                    $"paused in GC {(pause - lastPause).TotalMilliseconds / 50:0}% of the last 5 s, gen2 collections {GC.CollectionCount(2)}, " +
                    $"thread pool {ThreadPool.ThreadCount} threads / {ThreadPool.PendingWorkItemCount} queued");
                lastPause = pause;
            }
        })
        { IsBackground = true, Name = "scenario reporter" };
        thread.Start();
    }
}

/// <summary>
/// starve: thread-pool starvation ("response times > 2 seconds, timeouts"). Each refresh blocks a pool thread on an
/// async call (.Result), and that call needs a pool thread to finish: the pool adds threads slowly, the queue grows,
/// and everything else the bot does (its trading loop, its HTTP calls) waits in that queue.
/// </summary>
public sealed class SignalRefresher(MarketData market)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(ct))
        {
            foreach (var symbol in market.Symbols)
                _ = Task.Run(() => Refresh(symbol), ct);
        }
    }

    // Sync over async: a pool thread waits here for work that itself needs a pool thread.
    private decimal Refresh(string symbol) => ScoreAsync(symbol).Result;

    private async Task<decimal> ScoreAsync(string symbol)
    {
        // Stands in for reading a symbol's history from a store, a page at a time: each page is an I/O wait
        // resumed on the thread pool.
        for (var page = 0; page < 16; page++)
            await Task.Delay(100).ConfigureAwait(false);
        return market.AveragePrice(symbol, TimeSpan.FromMinutes(1)) ?? 0m;
    }
}

/// <summary>
/// gc: GC pressure. A backtest over a year of one-minute candles kept in memory builds big throwaway series for
/// every pass, then "frees memory" with GC.Collect(): each call is a full, blocking collection that walks every
/// candle, many times a second.
/// </summary>
public static class Backtester
{
    private const int MinutesInAYear = 525_600;

    public sealed record Candle(DateTime Time, decimal Open, decimal High, decimal Low, decimal Close, decimal Volume);

    public static void Run(CancellationToken ct)
    {
        var candles = LoadCandles();
        var passes = 0;
        var best = double.MinValue;
        while (!ct.IsCancellationRequested)
        {
            var signal = 0.0;
            for (var i = 0; i < 32; i++)
            {
                var series = new double[32_768];
                var offset = (passes * 7919 + i * 104_729) % (candles.Count - series.Length);
                for (var j = 0; j < series.Length; j++)
                    series[j] = (double)candles[offset + j].Close;
                signal += series[^1] - series[0];
            }
            passes++;
            best = Math.Max(best, signal);
            // "Force garbage collection" to keep the memory down: the remedy that is the problem.
            GC.Collect();
        }
        Console.WriteLine($"backtest: {passes} passes, best signal {best:0.##}");
    }

    private static List<Candle> LoadCandles()
    {
        var candles = new List<Candle>(MinutesInAYear);
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var random = new Random(42);
        var price = 64_000m;
        for (var i = 0; i < MinutesInAYear; i++)
        {
            var move = (decimal)(random.NextDouble() - 0.5) * 40m;
            candles.Add(new Candle(start.AddMinutes(i), price, price + 25m, price - 25m, price + move, 1.5m));
            price += move;
        }
        return candles;
    }
}

/// <summary>
/// leak: a memory leak ("increasing memory usage"). Every order book is snapshotted twenty times a second and kept
/// for a replay that never runs: about 4 MB a second, until the process runs out of memory.
/// </summary>
public sealed class BookRecorder(MarketData market)
{
    private readonly List<OrderBookSnapshot> _journal = [];

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (await timer.WaitForNextTickAsync(ct))
        {
            foreach (var symbol in market.Symbols)
            {
                if (market.LatestBook(symbol) is { } book)
                    _journal.Add(OrderBookSnapshot.Capture(book));
            }
        }
    }
}

/// <summary>A copy of an order book at one instant, so that later updates cannot change it.</summary>
public sealed class OrderBookSnapshot(string symbol, long sequence, DateTimeOffset takenAt, BookLevel[] bids, BookLevel[] asks)
{
    public string Symbol { get; } = symbol;
    public long Sequence { get; } = sequence;
    public DateTimeOffset TakenAt { get; } = takenAt;
    public BookLevel[] Bids { get; } = bids;
    public BookLevel[] Asks { get; } = asks;

    public static OrderBookSnapshot Capture(OrderBook book) =>
        new(book.Symbol, book.Sequence, DateTimeOffset.UtcNow, Copy(book.Bids), Copy(book.Asks));

    private static BookLevel[] Copy(BookLevel[] levels) => Array.ConvertAll(levels, level => new BookLevel(level.Price, level.Quantity));
}
