namespace TradingBot.Shared;

public sealed record Instrument(string Symbol, decimal TickSize, decimal LotSize);

public sealed record Quote(string Symbol, decimal Bid, decimal Ask, decimal Last, DateTimeOffset Time);

public sealed record BookLevel(decimal Price, decimal Quantity);

public sealed record OrderBook(string Symbol, long Sequence, DateTimeOffset Time, BookLevel[] Bids, BookLevel[] Asks);

public sealed record OrderRequest(string Symbol, string Side, decimal Quantity, decimal Price)
{
    /// <summary>The idempotency key: the exchange places an order once per id, however often it is sent.</summary>
    public string? ClientOrderId { get; init; }
}

public sealed record OrderAck(long OrderId, string? ClientOrderId, string Symbol, string Side, decimal Quantity, decimal Price, string Status, DateTimeOffset Time);
