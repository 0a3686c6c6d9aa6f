using Microsoft.Extensions.Caching.Memory;

namespace TradingBot.Fixed;

/// <summary>What the bot remembers of the market: recent prices and the latest order books, both bounded.</summary>
public sealed class MarketData(IReadOnlyList<string> symbols)
{
    private static readonly TimeSpan PriceWindow = TimeSpan.FromMinutes(5);

    // A window of recent prices per symbol, trimmed on every write: its size follows the symbols, not the uptime.
    private readonly Dictionary<string, PriceHistory> _prices = symbols.ToDictionary(s => s, _ => new PriceHistory(PriceWindow), StringComparer.Ordinal);

    // A bounded cache: a SizeLimit counted in entries, a Size of 1 on each, and an expiration.
    private readonly MemoryCache _books = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1_000 });

    public IReadOnlyList<string> Symbols => symbols;

    public void Record(IEnumerable<Quote> quotes)
    {
        foreach (var quote in quotes)
        {
            if (_prices.TryGetValue(quote.Symbol, out var history))
                history.Add(quote.Time, quote.Last);
        }
    }

    public void Record(IEnumerable<OrderBook> books)
    {
        foreach (var book in books)
            _books.Set(book.Symbol, book, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(30) });
    }

    public OrderBook? LatestBook(string symbol) => _books.Get<OrderBook>(symbol);

    /// <summary>The average price of the symbol over the window, once there are enough prices to tell.</summary>
    public decimal? AveragePrice(string symbol, TimeSpan window) =>
        _prices.TryGetValue(symbol, out var history) ? history.Average(DateTimeOffset.UtcNow - window, minimumCount: 5) : null;

    public int PricesSeen => _prices.Values.Sum(h => h.Count);

    /// <summary>Prices of one symbol, oldest first, no older than the window.</summary>
    private sealed class PriceHistory(TimeSpan window)
    {
        private readonly Queue<(DateTimeOffset Time, decimal Price)> _prices = new();

        public int Count
        {
            get { lock (_prices) return _prices.Count; }
        }

        public void Add(DateTimeOffset time, decimal price)
        {
            lock (_prices)
            {
                _prices.Enqueue((time, price));
                while (_prices.Peek().Time < time - window)
                    _prices.Dequeue();
            }
        }

        public decimal? Average(DateTimeOffset since, int minimumCount)
        {
            lock (_prices)
            {
                var recent = _prices.Where(p => p.Time >= since).Select(p => p.Price).ToList();
                return recent.Count >= minimumCount ? recent.Average() : null;
            }
        }
    }
}
