namespace Exchange;

/// <summary>
/// Prices that walk at random, a little at each read, and order books built around them. Thread-safe: one lock,
/// held for microseconds.
/// </summary>
public sealed class Market
{
    public const int MaxDepth = 1000;

    private static readonly (string Symbol, decimal Price, decimal Tick, decimal Lot)[] Listings =
    [
        ("BTC-USD", 64_000m, 0.5m, 0.0001m),
        ("ETH-USD", 3_100m, 0.05m, 0.001m),
        ("SOL-USD", 145m, 0.01m, 0.01m),
        ("ADA-USD", 0.45m, 0.0001m, 1m),
        ("XRP-USD", 0.52m, 0.0001m, 1m),
        ("DOGE-USD", 0.12m, 0.00001m, 10m),
        ("LTC-USD", 82m, 0.01m, 0.01m),
        ("DOT-USD", 6.9m, 0.001m, 0.1m),
    ];

    private readonly object _gate = new();
    private readonly Random _random = new(20_240_611);
    private readonly Dictionary<string, decimal> _prices = Listings.ToDictionary(l => l.Symbol, l => l.Price, StringComparer.OrdinalIgnoreCase);
    private long _sequence;

    public IReadOnlyList<Instrument> Instruments { get; } = Listings.Select(l => new Instrument(l.Symbol, l.Tick, l.Lot)).ToArray();

    public Instrument? Find(string symbol) => Instruments.FirstOrDefault(i => string.Equals(i.Symbol, symbol, StringComparison.OrdinalIgnoreCase));

    public Quote Quote(Instrument instrument)
    {
        var (mid, _) = Step(instrument);
        var half = instrument.TickSize * 2;
        return new Quote(instrument.Symbol, mid - half, mid + half, mid, DateTimeOffset.UtcNow);
    }

    public OrderBook Book(Instrument instrument, int depth)
    {
        depth = Math.Clamp(depth, 1, MaxDepth);
        var (mid, sequence) = Step(instrument);
        var bids = new BookLevel[depth];
        var asks = new BookLevel[depth];
        // Deeper levels hold more size, with some noise so that successive books differ.
        var noise = new Random(unchecked((int)sequence));
        for (var i = 0; i < depth; i++)
        {
            var offset = instrument.TickSize * (2 + i);
            bids[i] = new BookLevel(mid - offset, Size(instrument, i, noise));
            asks[i] = new BookLevel(mid + offset, Size(instrument, i, noise));
        }
        return new OrderBook(instrument.Symbol, sequence, DateTimeOffset.UtcNow, bids, asks);
    }

    private static decimal Size(Instrument instrument, int level, Random noise) =>
        instrument.LotSize * (10 + level * 3 + noise.Next(0, 50));

    private (decimal Mid, long Sequence) Step(Instrument instrument)
    {
        lock (_gate)
        {
            var price = _prices[instrument.Symbol];
            // A random walk of about 0.05% a step, kept on the tick grid.
            var move = (decimal)(_random.NextDouble() - 0.5) * price * 0.001m;
            price = Math.Max(instrument.TickSize * 10, Math.Round((price + move) / instrument.TickSize) * instrument.TickSize);
            _prices[instrument.Symbol] = price;
            return (price, ++_sequence);
        }
    }
}
