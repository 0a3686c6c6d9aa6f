using System.Net.Http.Json;

namespace TradingBot;

/// <summary>The exchange's REST API, called straight through HttpClient.</summary>
public sealed class ExchangeClient(HttpClient http)
{
    // GRD001: no retry. One 503 during start-up and the bot has no instruments.
    public async Task<Instrument[]> GetInstrumentsAsync(CancellationToken ct) =>
        await http.GetFromJsonAsync<Instrument[]>("api/instruments", ct) ?? []; // expect: GRD001

    public async Task<IReadOnlyList<Quote>> GetQuotesAsync(IEnumerable<string> symbols, CancellationToken ct)
    {
        var quotes = new List<Quote>();
        foreach (var symbol in symbols)
        {
            // GRD001: a timeout or a 503 on any symbol fails the whole tick.
            // GRD003: one request per symbol, as fast as the loop turns: with enough symbols, 429 Too Many Requests.
            var quote = await http.GetFromJsonAsync<Quote>($"api/quotes/{symbol}", ct); // expect: GRD001, GRD003
            if (quote != null)
                quotes.Add(quote);
        }
        return quotes;
    }

    public async Task<IReadOnlyList<OrderBook>> GetOrderBooksAsync(IEnumerable<string> symbols, int depth, CancellationToken ct)
    {
        // GRD001 and GRD003 again, in a fan-out: every request leaves at the same instant.
        var books = await Task.WhenAll(symbols.Select(symbol =>
            http.GetFromJsonAsync<OrderBook>($"api/orderbooks/{symbol}?depth={depth}", ct))); // expect: GRD001, GRD003
        return books.OfType<OrderBook>().ToArray();
    }

    // GRD006: "is the exchange up?" once a tick, on an HttpClient of its own that is dropped after the call. Each one
    // opens a new connection and leaves it in TIME_WAIT when it goes: one more socket a second, for as long as the bot
    // runs (`ss -tan state time-wait | wc -l` keeps climbing), and a DNS lookup and a handshake every tick.
    public async Task<bool> IsUpAsync(CancellationToken ct)
    {
        using var probe = new HttpClient { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromSeconds(2) }; // expect: GRD006
        using var response = await probe.GetAsync("health", ct); // expect: GRD001
        return response.IsSuccessStatusCode;
    }

    public async Task<OrderAck> PlaceOrderAsync(OrderRequest order, CancellationToken ct)
    {
        // GRD001: nothing here retries. (OrderService retries the whole call, without an idempotency key: GRD004.)
        using var response = await http.PostAsJsonAsync("api/orders", order, ct); // expect: GRD001
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<OrderAck>(ct) ?? throw new HttpRequestException("The exchange sent an empty acknowledgement.");
    }
}
