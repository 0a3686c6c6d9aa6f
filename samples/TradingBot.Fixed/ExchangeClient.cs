using System.Net;
using System.Net.Http.Json;
using System.Threading.RateLimiting;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace TradingBot.Fixed;

/// <summary>
/// The exchange's REST API. Every call runs through a Polly pipeline (GRD001), calls in loops take a permit from a
/// shared rate limiter first (GRD003), and an order carries one client order id through all its attempts (GRD004).
/// </summary>
public sealed class ExchangeClient(HttpClient http, RateLimiter limiter)
{
    // Exponential backoff with jitter, so that clients that failed together do not retry together; and a timeout
    // per attempt, shorter than HttpClient's. Retried: network errors, timeouts, 408, 429 and 5xx, not a 400 or a 404.
    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder()
                .Handle<HttpRequestException>(ex => ex.StatusCode is null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int?)ex.StatusCode >= 500)
                .Handle<TimeoutRejectedException>(),
            MaxRetryAttempts = 3,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
        })
        .AddTimeout(TimeSpan.FromSeconds(2))
        .Build();

    // One HttpClient for the whole bot (GRD006): the health check shares its connections, and its retry.
    public async Task<bool> IsUpAsync(CancellationToken ct)
    {
        using var response = await _retry.ExecuteAsync(async token => await http.GetAsync("health", token), ct);
        return response.IsSuccessStatusCode;
    }

    public async Task<Instrument[]> GetInstrumentsAsync(CancellationToken ct) =>
        await _retry.ExecuteAsync(async token => await http.GetFromJsonAsync<Instrument[]>("api/instruments", token), ct) ?? [];

    public async Task<IReadOnlyList<Quote>> GetQuotesAsync(IEnumerable<string> symbols, CancellationToken ct)
    {
        var quotes = new List<Quote>();
        foreach (var symbol in symbols)
        {
            // A permit per request, from a budget below the exchange's limit: the loop goes only as fast as allowed.
            using var lease = await limiter.AcquireAsync(1, ct);
            if (!lease.IsAcquired)
                continue;
            var quote = await _retry.ExecuteAsync(async token => await http.GetFromJsonAsync<Quote>($"api/quotes/{symbol}", token), ct);
            if (quote != null)
                quotes.Add(quote);
        }
        return quotes;
    }

    public async Task<IReadOnlyList<OrderBook>> GetOrderBooksAsync(IEnumerable<string> symbols, int depth, CancellationToken ct)
    {
        // Still a fan-out, but each request waits for its permit.
        var books = await Task.WhenAll(symbols.Select(async symbol =>
        {
            using var lease = await limiter.AcquireAsync(1, ct);
            if (!lease.IsAcquired)
                return null;
            return await _retry.ExecuteAsync(async token => await http.GetFromJsonAsync<OrderBook>($"api/orderbooks/{symbol}?depth={depth}", token), ct);
        }));
        return books.OfType<OrderBook>().ToArray();
    }

    public async Task<OrderAck> PlaceOrderAsync(OrderRequest order, CancellationToken ct)
    {
        // The client order id is made once, before the first attempt. When an attempt reached the exchange and only
        // its answer was lost, the retry sends the same id and the exchange returns the order it already placed.
        var request = order.ClientOrderId is null ? order with { ClientOrderId = Guid.NewGuid().ToString("N") } : order;
        return await _retry.ExecuteAsync(async token =>
        {
            using var response = await http.PostAsJsonAsync("api/orders", request, token);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<OrderAck>(token) ?? throw new HttpRequestException("The exchange sent an empty acknowledgement.");
        }, ct);
    }
}
