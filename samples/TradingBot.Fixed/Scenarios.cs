using System.Buffers;
using System.Diagnostics;

namespace TradingBot.Fixed;

/// <summary>
/// The same work as samples/TradingBot's scenarios, written so that `guard attach` has nothing to report:
/// async all the way, pooled buffers and no GC.Collect, a journal with a bound.
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

/// <summary>starve, fixed: the refresh awaits its async work instead of blocking a pool thread on it.</summary>
public sealed class SignalRefresher(MarketData market)
{
    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (await timer.WaitForNextTickAsync(ct))
            await Task.WhenAll(market.Symbols.Select(ScoreAsync));
    }

    private async Task<decimal> ScoreAsync(string symbol)
    {
        for (var page = 0; page < 16; page++)
            await Task.Delay(100).ConfigureAwait(false);
        return market.AveragePrice(symbol, TimeSpan.FromMinutes(1)) ?? 0m;
    }
}

/// <summary>gc, fixed: the series buffers come from a pool and go back to it; the GC runs when it decides to.</summary>
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
                var series = ArrayPool<double>.Shared.Rent(32_768);
                try
                {
                    var offset = (passes * 7919 + i * 104_729) % (candles.Count - 32_768);
                    for (var j = 0; j < 32_768; j++)
                        series[j] = (double)candles[offset + j].Close;
                    signal += series[32_767] - series[0];
                }
                finally
                {
                    ArrayPool<double>.Shared.Return(series);
                }
            }
            passes++;
            best = Math.Max(best, signal);
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

/// <summary>leak, fixed: the journal keeps the last few snapshots of each symbol, not all of them.</summary>
public sealed class BookRecorder(MarketData market)
{
    private const int Keep = 40;
    private readonly Queue<OrderBookSnapshot> _journal = new();

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (await timer.WaitForNextTickAsync(ct))
        {
            foreach (var symbol in market.Symbols)
            {
                if (market.LatestBook(symbol) is not { } book)
                    continue;
                _journal.Enqueue(OrderBookSnapshot.Capture(book));
                if (_journal.Count > Keep)
                    _journal.Dequeue();
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
