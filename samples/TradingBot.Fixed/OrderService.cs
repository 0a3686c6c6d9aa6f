namespace TradingBot.Fixed;

/// <summary>Places orders. The retries, and the client order id that makes them safe, are in ExchangeClient.</summary>
public sealed class OrderService(ExchangeClient exchange)
{
    public Task<OrderAck?> BuyAsync(string symbol, decimal quantity, decimal price, CancellationToken ct) =>
        PlaceAsync(new OrderRequest(symbol, "buy", quantity, price), ct);

    public Task<OrderAck?> SellAsync(string symbol, decimal quantity, decimal price, CancellationToken ct) =>
        PlaceAsync(new OrderRequest(symbol, "sell", quantity, price), ct);

    private async Task<OrderAck?> PlaceAsync(OrderRequest order, CancellationToken ct)
    {
        try
        {
            return await exchange.PlaceOrderAsync(order, ct);
        }
        catch (HttpRequestException ex)
        {
            // The retries are spent: report, and let the strategy decide again on the next tick.
            Console.WriteLine($"order {order.Side} {order.Quantity} {order.Symbol} failed: {ex.Message}");
            return null;
        }
    }
}
