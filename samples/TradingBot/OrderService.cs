namespace TradingBot;

/// <summary>Places orders, retrying on failure.</summary>
public sealed class OrderService(ExchangeClient exchange)
{
    private const int MaxAttempts = 3;

    public async Task<OrderAck?> PlaceAsync(string symbol, string side, decimal quantity, decimal price, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            try
            {
                // GRD004: "order failed: retry". The request has no client order id, so when the exchange placed the
                // order and only its answer was lost, the next attempt places a second order.
                return await exchange.PlaceOrderAsync(new OrderRequest(symbol, side, quantity, price), ct); // expect: GRD004
            }
            catch (HttpRequestException ex)
            {
                Console.WriteLine($"order {side} {quantity} {symbol} failed (attempt {attempt}): {ex.Message}");
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
            }
        }
        return null;
    }
}
