namespace TradingBot;

/// <summary>
/// Buys a symbol that trades below its recent average and sells it back above: a toy strategy, here to make the
/// bot place orders now and then.
/// </summary>
public sealed class MeanReversion(MarketData market, InstrumentCatalog catalog, OrderService orders)
{
    private const decimal Threshold = 0.0015m;
    private const decimal Notional = 500m;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, decimal> _positions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastOrder = new(StringComparer.Ordinal);

    public int OrdersPlaced { get; private set; }

    public async Task RunAsync(IReadOnlyList<Quote> quotes, CancellationToken ct)
    {
        foreach (var quote in quotes)
        {
            if (market.AveragePrice(quote.Symbol, Window) is not { } average || !CoolingDown(quote.Symbol))
                continue;
            var position = _positions.GetValueOrDefault(quote.Symbol);
            if (position == 0 && quote.Ask < average * (1 - Threshold))
                await BuyAsync(quote.Symbol, Quantity(quote.Symbol, quote.Ask), quote.Ask, ct);
            else if (position > 0 && quote.Bid > average * (1 + Threshold))
                await SellAsync(quote.Symbol, position, quote.Bid, ct);
        }
    }

    private bool CoolingDown(string symbol) =>
        !_lastOrder.TryGetValue(symbol, out var last) || DateTimeOffset.UtcNow - last >= Cooldown;

    private decimal Quantity(string symbol, decimal price)
    {
        var lot = catalog.Find(symbol)?.LotSize ?? 0.0001m;
        return Math.Max(lot, Math.Floor(Notional / price / lot) * lot);
    }

    private async Task BuyAsync(string symbol, decimal quantity, decimal price, CancellationToken ct)
    {
        _lastOrder[symbol] = DateTimeOffset.UtcNow;
        if (await orders.BuyAsync(symbol, quantity, price, ct) is { } ack)
            Placed(ack, quantity);
    }

    private async Task SellAsync(string symbol, decimal quantity, decimal price, CancellationToken ct)
    {
        _lastOrder[symbol] = DateTimeOffset.UtcNow;
        if (await orders.SellAsync(symbol, quantity, price, ct) is { } ack)
            Placed(ack, 0);
    }

    private void Placed(OrderAck ack, decimal position)
    {
        OrdersPlaced++;
        _positions[ack.Symbol] = position;
        Console.WriteLine($"order {ack.OrderId}: {ack.Side} {ack.Quantity} {ack.Symbol} @ {ack.Price}");
    }
}
