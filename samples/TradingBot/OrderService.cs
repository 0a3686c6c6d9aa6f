using Polly;
using Polly.Retry;

namespace TradingBot;

/// <summary>Places orders, retrying on failure.</summary>
public sealed class OrderService(ExchangeClient exchange)
{
    private const int MaxAttempts = 3;

    // Added later "to make exits reliable": Polly's retry, with its defaults, around the whole order call.
    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions { MaxRetryAttempts = 2, Delay = TimeSpan.FromMilliseconds(200) })
        .Build();

    public async Task<OrderAck?> BuyAsync(string symbol, decimal quantity, decimal price, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            try
            {
                // GRD004: "order failed: retry". The request has no client order id, so when the exchange placed the
                // order and only its answer was lost, the next attempt places a second order.
                return await exchange.PlaceOrderAsync(new OrderRequest(symbol, "buy", quantity, price), ct); // expect: GRD004
            }
            catch (HttpRequestException ex)
            {
                Console.WriteLine($"order buy {quantity} {symbol} failed (attempt {attempt}): {ex.Message}");
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
            }
        }
        return null;
    }

    public async Task<OrderAck?> SellAsync(string symbol, decimal quantity, decimal price, CancellationToken ct)
    {
        try
        {
            // GRD004 again, with Polly: each attempt builds a new request without a client order id.
            return await _retry.ExecuteAsync(async token => await exchange.PlaceOrderAsync(new OrderRequest(symbol, "sell", quantity, price), token), ct); // expect: GRD004
        }
        catch (HttpRequestException ex)
        {
            Console.WriteLine($"order sell {quantity} {symbol} failed: {ex.Message}");
            return null;
        }
    }
}
