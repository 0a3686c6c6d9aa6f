using System.Diagnostics;

namespace TradingBot;

/// <summary>Once a second: quotes and order books for every symbol, then the strategy.</summary>
public static class TradingLoop
{
    public const int BookDepth = 250;

    public static async Task RunAsync(ExchangeClient exchange, MarketData market, MeanReversion strategy, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var tick = 0;
        do
        {
            tick++;
            var watch = Stopwatch.StartNew();
            try
            {
                if (!await exchange.IsUpAsync(ct))
                {
                    Console.WriteLine($"tick {tick}: the exchange is down, skipped");
                    continue;
                }
                var quotes = await exchange.GetQuotesAsync(market.Symbols, ct);
                market.Record(quotes);
                market.Record(await exchange.GetOrderBooksAsync(market.Symbols, BookDepth, ct));
                await strategy.RunAsync(quotes, ct);
                if (tick % 5 == 1 || watch.Elapsed > TimeSpan.FromSeconds(1))
                    Console.WriteLine($"tick {tick}: {quotes.Count} quotes in {watch.ElapsedMilliseconds} ms, {strategy.OrdersPlaced} orders so far");
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
            {
                Console.WriteLine($"tick {tick} failed after {watch.ElapsedMilliseconds} ms: {ex.Message}");
            }
        }
        while (await timer.WaitForNextTickAsync(ct));
    }
}
