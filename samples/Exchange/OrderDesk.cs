namespace Exchange;

/// <summary>
/// Accepts orders. Placement is idempotent on the client order id: the same id again returns the first order
/// instead of placing a second one. Orders without an id are placed every time; the desk only points out the ones
/// that look like a retry of the previous order, which is how a retried POST turns into a double position.
/// </summary>
public sealed class OrderDesk(ILogger<OrderDesk> log)
{
    private const int Keep = 10_000;
    private static readonly TimeSpan DuplicateWindow = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private readonly Dictionary<string, OrderAck> _byClientOrderId = new(StringComparer.Ordinal);
    private readonly Queue<OrderAck> _orders = new();
    private long _lastOrderId;

    public IReadOnlyList<OrderAck> Orders
    {
        get { lock (_gate) return _orders.ToArray(); }
    }

    /// <summary>Places the order, or returns the order already placed with the same client order id.</summary>
    public (OrderAck Ack, bool Replayed) Place(OrderRequest request, Instrument instrument)
    {
        var side = request.Side.ToLowerInvariant();
        var key = string.IsNullOrWhiteSpace(request.ClientOrderId) ? null : request.ClientOrderId;
        lock (_gate)
        {
            if (key != null && _byClientOrderId.TryGetValue(key, out var existing))
            {
                log.LogInformation("Order {OrderId} replayed for client order id {ClientOrderId}: placed once, acknowledged again", existing.OrderId, key);
                return (existing, true);
            }

            var ack = new OrderAck(++_lastOrderId, key, instrument.Symbol, side, request.Quantity, request.Price, "accepted", DateTimeOffset.UtcNow);
            var previous = _orders.Count > 0 ? _orders.Last() : null;
            Remember(ack);

            if (key is null && previous is { ClientOrderId: null } &&
                previous.Symbol == ack.Symbol && previous.Side == ack.Side && previous.Quantity == ack.Quantity &&
                previous.Price == ack.Price && ack.Time - previous.Time < DuplicateWindow)
            {
                log.LogWarning("Order {OrderId} repeats order {PreviousId} ({Side} {Quantity} {Symbol} @ {Price}) without a client order id: if it was a retry, the position is now doubled",
                    ack.OrderId, previous.OrderId, side, ack.Quantity, ack.Symbol, ack.Price);
            }
            else
            {
                log.LogInformation("Order {OrderId} accepted: {Side} {Quantity} {Symbol} @ {Price} (client order id: {ClientOrderId})",
                    ack.OrderId, side, ack.Quantity, ack.Symbol, ack.Price, key ?? "none");
            }
            return (ack, false);
        }
    }

    private void Remember(OrderAck ack)
    {
        _orders.Enqueue(ack);
        if (ack.ClientOrderId != null)
            _byClientOrderId[ack.ClientOrderId] = ack;
        while (_orders.Count > Keep)
        {
            var old = _orders.Dequeue();
            if (old.ClientOrderId != null)
                _byClientOrderId.Remove(old.ClientOrderId);
        }
    }
}
