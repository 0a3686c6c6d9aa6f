using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;

namespace TradingBot;

/// <summary>What the bot remembers of the market: recent prices and the latest order books.</summary>
public sealed class MarketData(IReadOnlyList<string> symbols)
{
    // GRD002: every price the bot has seen, keyed by symbol and time, added each tick and never removed.
    private static readonly ConcurrentDictionary<(string Symbol, DateTimeOffset Time), decimal> PriceHistory = new(); // expect: GRD002

    // GRD002: a MemoryCache without a SizeLimit: each book is kept under its sequence number with no expiration.
    private static readonly MemoryCache Books = new MemoryCache(new MemoryCacheOptions()); // expect: GRD002

    public IReadOnlyList<string> Symbols => symbols;

    public void Record(IEnumerable<Quote> quotes)
    {
        foreach (var quote in quotes)
            PriceHistory[(quote.Symbol, quote.Time)] = quote.Last;
    }

    public void Record(IEnumerable<OrderBook> books)
    {
        foreach (var book in books)
        {
            Books.Set(book.Symbol, book);
            Books.Set((book.Symbol, book.Sequence), book);
        }
    }

    public OrderBook? LatestBook(string symbol) => Books.Get<OrderBook>(symbol);

    /// <summary>The average price of the symbol over the window, once there are enough prices to tell.</summary>
    public decimal? AveragePrice(string symbol, TimeSpan window)
    {
        var since = DateTimeOffset.UtcNow - window;
        var prices = PriceHistory.Where(p => p.Key.Symbol == symbol && p.Key.Time >= since).Select(p => p.Value).ToList();
        return prices.Count >= 5 ? prices.Average() : null;
    }

    public int PricesSeen => PriceHistory.Count;
}
