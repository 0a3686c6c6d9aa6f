namespace TradingBot.Fixed;

/// <summary>Places orders. The retries, and the client order id that makes them safe, are in ExchangeClient.</summary>
public sealed class OrderService(ExchangeClient exchange)
{
    public async Task<OrderAck?> PlaceAsync(string symbol, string side, decimal quantity, decimal price, CancellationToken ct)
    {
        try
        {
            return await exchange.PlaceOrderAsync(new OrderRequest(symbol, side, quantity, price), ct);
        }
        catch (HttpRequestException ex)
        {
            // The retries are spent: report and let the strategy decide again on the next tick.
            Console.WriteLine($"order {side} {quantity} {symbol} failed: {ex.Message}");
            return null;
        }
    }
}
