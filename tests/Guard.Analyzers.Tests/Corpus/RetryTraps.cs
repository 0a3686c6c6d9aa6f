// Traps for Guard's code fixes, compiled by FixAllSafetyTests (not by the test project). Every call on a line
// marked "// trap:" is reported by GRD001 and must never be wrapped in a retry: sending it again places a second
// order, moves money twice, or fails on a request that was already sent. Lines marked "// safe:" must be fixed.
using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Corpus.Traps
{
    public sealed class OrderRequest
    {
        public string Symbol { get; set; } = "";
        public decimal Quantity { get; set; }
        public string? ClientOrderId { get; set; }
    }

    public sealed class OrderResult
    {
    }

    public static class HttpClientExtensions
    {
        /// <summary>A user's generic POST helper, named like HttpClient's own.</summary>
        public static async Task<T?> PostAsync<T>(this HttpClient client, string requestUri, object body, CancellationToken ct = default)
        {
            using var response = await client.PostAsJsonAsync(requestUri, body, ct); // not reported: the helper is listed as outbound, so its callers are judged (and they are traps below)
            return await response.Content.ReadFromJsonAsync<T>(ct);
        }
    }

    /// <summary>A request helper of the kind exchange libraries have (listed in guard.outbound_methods).</summary>
    public sealed class RestClient
    {
        private readonly HttpClient _http;

        public RestClient(HttpClient http) => _http = http;

        public async Task<HttpResponseMessage> SendRequestAsync(string path, HttpMethod method, HttpContent? content = null, CancellationToken ct = default)
        {
            return await _http.SendAsync(new HttpRequestMessage(method, path) { Content = content }, ct); // not reported: inside a listed helper (RestClient.SendRequestAsync), whose callers are judged
        }

        public async Task<string> RequestAsync(string path, string method, CancellationToken ct = default)
        {
            using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), ct); // not reported: inside a listed helper (RestClient.RequestAsync), whose callers are judged
            return await response.Content.ReadAsStringAsync(ct);
        }
    }

    /// <summary>A library's own request object holding one HttpRequestMessage (as CryptoExchange.Net's IRequest does).</summary>
    public interface IRequest
    {
        Task<HttpResponseMessage> GetResponseAsync(CancellationToken ct);
    }

    public sealed class RequestSender
    {
        public async Task<HttpResponseMessage> SendAsync(IRequest request, CancellationToken ct)
        {
            return await request.GetResponseAsync(ct); // trap: the request object is sent once
        }
    }

    /// <summary>An exchange SDK's surface (listed in guard.outbound_methods).</summary>
    public interface ISdk
    {
        Task TransferAsync(string asset, decimal amount, string toAccount);
        Task UniversalTransferAsync(string asset, decimal amount);
        Task WithdrawAsync(string asset, decimal amount, string address);
        Task ClosePositionAsync(string symbol);
        Task AddMarginAsync(string symbol, decimal amount);
        Task CreatePaymentAsync(decimal amount, string currency);
        Task MarketBuyAsync(string symbol, decimal quantity);
        Task Rebalance(string portfolio);
        Task<string> GetTickerAsync(string symbol);
    }

    public sealed class Exchange
    {
        private readonly RestClient _rest;
        private readonly HttpClient _http;
        private readonly ISdk _sdk;

        public Exchange(RestClient rest, HttpClient http, ISdk sdk)
        {
            _rest = rest;
            _http = http;
            _sdk = sdk;
        }

        public async Task OnPlaceOrderAsync(OrderRequest order)
        {
            await _rest.SendRequestAsync("/api/v3/order", HttpMethod.Post, JsonContent.Create(order)); // trap: an order POST through a helper
        }

        public async Task PlaceOrderInternal(OrderRequest order)
        {
            await _http.PutAsync("https://api.example.com/v1/orders", JsonContent.Create(order)); // trap: inside an order-placing method
        }

        public async Task DoWithdraw(string asset)
        {
            await _rest.SendRequestAsync("/sapi/v1/capital/withdraw/apply?coin=" + asset, HttpMethod.Post); // trap: a withdrawal
        }

        public async Task<string> SubmitTransferAsync(string asset)
        {
            return await _http.GetStringAsync("https://api.example.com/v1/transfer/quote?asset=" + asset); // trap: inside a transfer
        }

        public async Task<OrderResult?> PlaceViaExtensionAsync(OrderRequest order)
        {
            return await _http.PostAsync<OrderResult>("v2/orders", order); // trap: an order POST through an extension method
        }

        public async Task<string> Lookup(string symbol)
        {
            return await _rest.RequestAsync("/api/v3/order?symbol=" + symbol, "POST"); // trap: a POST by string
        }

        public async Task<HttpResponseMessage> Forward(string path, HttpMethod method)
        {
            return await _rest.SendRequestAsync(path, method); // trap: the verb comes from the caller
        }

        public async Task UnknownPosts()
        {
            await _http.PostAsync("https://api.example.com/v1/watchlist", new StringContent("x")); // not reported: the helper is listed as outbound, so its callers are judged (and they are traps below)
            await _http.PatchAsync("https://api.example.com/v1/account", new StringContent("x")); // trap: a PATCH of unknown idempotency
        }

        public async Task OneShotRequests(Stream upload)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.example.com/v1/time");
            await _http.SendAsync(request); // trap: a request message is sent once
            await _http.PutAsync("https://api.example.com/v1/files/a", new StreamContent(upload)); // trap: a stream is read once
        }

#pragma warning disable SYSLIB0014 // WebRequest is obsolete, and still in real exchange clients
        public async Task<long> LegacyAsync(Uri uri)
        {
            var request = (HttpWebRequest)WebRequest.Create(uri);
            request.Method = "GET";
            using var response = await request.GetResponseAsync(); // trap: a WebRequest is sent once
            return response.ContentLength;
        }
#pragma warning restore SYSLIB0014

        public async Task MoneyMovers()
        {
            await _sdk.TransferAsync("USDT", 10m, "sub-1"); // trap: a transfer
            await _sdk.UniversalTransferAsync("USDT", 10m); // trap: a transfer
            await _sdk.WithdrawAsync("BTC", 0.1m, "bc1q"); // trap: a withdrawal
            await _sdk.ClosePositionAsync("BTCUSDT"); // trap: closing a position
            await _sdk.AddMarginAsync("BTCUSDT", 5m); // trap: adding margin
            await _sdk.CreatePaymentAsync(10m, "EUR"); // trap: a payment
            await _sdk.MarketBuyAsync("BTCUSDT", 1m); // trap: an order
            await _sdk.Rebalance("main"); // trap: declared non-idempotent in .editorconfig
        }

        public async Task<string> Reads()
        {
            var ticker = await _sdk.GetTickerAsync("BTCUSDT"); // safe: a read by name
            var time = await _http.GetStringAsync("https://api.example.com/v1/time"); // safe: a GET
            using var response = await _rest.SendRequestAsync("/api/v3/depth", HttpMethod.Get); // safe: a GET through the helper
            return ticker + time;
        }
    }
}
