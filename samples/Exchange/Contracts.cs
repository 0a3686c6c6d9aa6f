namespace Exchange;

public sealed record Instrument(string Symbol, decimal TickSize, decimal LotSize);

public sealed record Quote(string Symbol, decimal Bid, decimal Ask, decimal Last, DateTimeOffset Time);

public sealed record BookLevel(decimal Price, decimal Quantity);

public sealed record OrderBook(string Symbol, long Sequence, DateTimeOffset Time, BookLevel[] Bids, BookLevel[] Asks);

/// <summary>An order as clients send it. <see cref="ClientOrderId"/> is optional; when present, placement is idempotent on it.</summary>
public sealed record OrderRequest(string Symbol, string Side, decimal Quantity, decimal Price, string? ClientOrderId = null);

public sealed record OrderAck(long OrderId, string? ClientOrderId, string Symbol, string Side, decimal Quantity, decimal Price, string Status, DateTimeOffset Time);
