using System.Threading.Tasks;
using Verify = Guard.Analyzers.Tests.Verifiers.AnalyzerVerifier<Guard.Analyzers.Rules.GRD006.ApiClientPerCallAnalyzer>;

namespace Guard.Analyzers.Tests.Rules.GRD006;

public class ApiClientPerCallTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Net.Http;
        using System.Net.Http.Json;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    /// <summary>An exchange SDK of the compilation: each instance makes an HttpClient of its own.</summary>
    private const string ExchangeSdk = """
        public sealed class ExchangeApi : IDisposable
        {
            private readonly HttpClient _http;
            public ExchangeApi(string apiKey) { _http = new HttpClient { BaseAddress = new Uri("https://api.exchange.test/") }; _http.DefaultRequestHeaders.Add("X-API-KEY", apiKey); }
            public ExchangeApi(HttpClient http) { _http = http; }
            public Task<string> GetTickerAsync(string symbol) => _http.GetStringAsync("v1/ticker/" + symbol);
            public void Dispose() => _http.Dispose();
        }
        public sealed class LenientApi
        {
            private readonly HttpClient _http;
            public LenientApi(HttpClient? http = null) { _http = http ?? new HttpClient(); }
            public Task<string> GetTickerAsync(string symbol) => _http.GetStringAsync("https://api.exchange.test/v1/ticker/" + symbol);
        }
        public sealed class Calculator { public decimal Mid(decimal bid, decimal ask) => (bid + ask) / 2; }

        """;

    // ---- Reported ----

    [Fact]
    public Task Reports_the_classic_using_in_a_method() => Verify.VerifyAsync(Usings + """
        public class PriceService
        {
            public async Task<string> GetPriceAsync(string symbol, CancellationToken ct)
            {
                using var client = [|new HttpClient()|];
                return await client.GetStringAsync("https://api.exchange.test/v1/ticker/" + symbol, ct);
            }
        }
        """, null, false, System.Array.Empty<string>(), messageContains: "is created on every call of 'GetPriceAsync' and dropped");

    [Fact]
    public Task Reports_a_using_statement_and_a_client_called_straight_away() => Verify.VerifyAsync(Usings + """
        public class Balances
        {
            public async Task<string> GetBalanceAsync(string account)
            {
                using (var http = [|new HttpClient { Timeout = TimeSpan.FromSeconds(10) }|])
                {
                    http.DefaultRequestHeaders.Add("X-Account", account);
                    return await http.GetStringAsync("https://api.exchange.test/v1/balance");
                }
            }
            public Task<string> GetServerTimeAsync() => [|new HttpClient()|].GetStringAsync("https://api.exchange.test/v1/time");
        }
        """);

    [Fact]
    public Task Reports_a_client_made_in_every_iteration_of_a_loop_even_in_Main() => Verify.VerifyAsync(Usings + """
        public static class Program
        {
            public static async Task Main(string[] args)
            {
                foreach (var symbol in args)
                {
                    using var http = [|new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.GZip })|];
                    Console.WriteLine(await http.GetStringAsync("https://api.exchange.test/v1/ticker/" + symbol));
                }
            }
        }
        """, null, false, System.Array.Empty<string>(), messageContains: "in a loop, once per iteration,");

    [Fact]
    public Task Reports_a_client_made_per_item_of_a_fan_out() => Verify.VerifyAsync(Usings + """
        public class Quotes
        {
            public Task<string[]> GetAllAsync(IEnumerable<string> symbols) =>
                Task.WhenAll(symbols.Select(async symbol =>
                {
                    using var http = [|new HttpClient()|];
                    return await http.GetStringAsync("https://api.exchange.test/v1/ticker/" + symbol);
                }));
        }
        """);

    [Fact]
    public Task Reports_a_property_that_makes_a_client_on_every_read() => Verify.VerifyAsync(Usings + """
        public class OrderGateway
        {
            private HttpClient Http => [|new HttpClient { BaseAddress = new Uri("https://api.exchange.test/") }|];
            public Task<HttpResponseMessage> CancelAsync(string id) => Http.DeleteAsync("v1/orders/" + id);
        }
        """, null, false, System.Array.Empty<string>(), messageContains: "on every read of 'Http'");

    [Fact]
    public Task Reports_an_sdk_client_of_the_compilation_made_per_call() => Verify.VerifyAsync(Usings + ExchangeSdk + """
        public class TickerJob
        {
            private readonly string _apiKey = "key";
            public async Task<string> RunAsync(string symbol)
            {
                using var api = [|new ExchangeApi(_apiKey)|];
                return await api.GetTickerAsync(symbol);
            }
            public Task<string> PeekAsync(string symbol) => [|new LenientApi()|].GetTickerAsync(symbol);
            public async Task<string> FreshAsync(string symbol)
            {
                var api = [|new ExchangeApi(new HttpClient())|];
                return await api.GetTickerAsync(symbol);
            }
        }
        """, null, false, System.Array.Empty<string>(), messageContains: "(which opens an HttpClient of its own)");

    [Fact]
    public Task Reports_an_sdk_client_called_through_its_parts() => Verify.VerifyAsync(Usings + """
        public sealed class SpotApi { public Task<string> PlaceOrderAsync(string symbol) => Task.FromResult(symbol); }
        public sealed class VenueRestClient : IDisposable
        {
            private readonly HttpClient _http = new HttpClient();
            public SpotApi Spot { get; } = new SpotApi();
            public void Dispose() => _http.Dispose();
        }
        public class OrderButtons
        {
            public async Task BuyAsync(string symbol)
            {
                using (var client = [|new VenueRestClient()|])
                {
                    var ack = await client.Spot.PlaceOrderAsync(symbol);
                    Console.WriteLine(ack);
                }
            }
            public Task<string> SellAsync(string symbol) => [|new VenueRestClient()|].Spot.PlaceOrderAsync(symbol);
        }
        """);

    [Fact]
    public Task Reports_a_client_a_controller_makes_for_itself() => Verify.VerifyAsync(Usings + """
        namespace Microsoft.AspNetCore.Mvc { public abstract class ControllerBase { } }
        namespace Bot.Api
        {
            public sealed class PricesController : Microsoft.AspNetCore.Mvc.ControllerBase
            {
                private static readonly HttpClient Shared = new HttpClient();
                private readonly HttpClient _http = [|new HttpClient { BaseAddress = new Uri("https://api.exchange.test/") }|];
                private readonly HttpClient _orders;
                private readonly HttpClient _injected;
                public PricesController(HttpClient injected)
                {
                    _orders = [|new HttpClient()|];
                    _injected = injected;
                }
                public Task<string> Get(string symbol) => _http.GetStringAsync("v1/ticker/" + symbol);
            }
        }
        """, null, false, System.Array.Empty<string>(), messageContains: "with every 'PricesController' (made once per request)");

    [Fact]
    public Task Reports_a_client_type_listed_in_the_options() => Verify.VerifyAsync(Usings + """
        namespace Vendor.Sdk
        {
            public sealed class TradingClient { public Task<string> GetAccountAsync() => Task.FromResult(""); }
        }
        public class Accounts
        {
            public Task<string> ReadAsync() => [|new Vendor.Sdk.TradingClient()|].GetAccountAsync();
        }
        """, editorConfig: "guard.GRD006.client_types = Vendor.Sdk.TradingClient");

    // ---- Not reported ----

    [Fact]
    public Task Does_not_report_clients_made_once() => Verify.VerifyAsync(Usings + ExchangeSdk + """
        public class MarketData
        {
            private static readonly HttpClient Shared = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            private static readonly Lazy<HttpClient> LazyClient = new Lazy<HttpClient>(() => new HttpClient());
            private static readonly TimeSpan DefaultTimeout = new HttpClient().Timeout;
            private readonly HttpClient _http;
            private readonly ExchangeApi _api;
            private readonly Dictionary<string, HttpClient> _perVenue = new();
            private HttpClient? _lazy;
            static MarketData() { using var warmup = new HttpClient(); warmup.GetStringAsync("https://api.exchange.test/v1/ping").Wait(); }
            public MarketData(string key)
            {
                _http = new HttpClient();
                _api = new ExchangeApi(key);
                Probe();
                Task.Run(() => LoadSymbolsAsync());
            }
            private async Task LoadSymbolsAsync()
            {
                using var client = new HttpClient();
                Console.WriteLine(await client.GetStringAsync("https://api.exchange.test/v1/symbols"));
            }
            private void Probe()
            {
                var client = new HttpClient();
                client.GetAsync("https://api.exchange.test/v1/ping");
            }
            public void AddVenues(IEnumerable<string> venues)
            {
                foreach (var venue in venues)
                    _perVenue[venue] = new HttpClient { BaseAddress = new Uri(venue) };
            }
            public HttpClient Client => _lazy ??= new HttpClient();
        }
        """);

    [Fact]
    public Task Does_not_report_Main_or_top_level_setup() => Verify.VerifyAsync(Usings + """
        public static class Program
        {
            public static async Task<int> Main(string[] args)
            {
                using var http = new HttpClient { BaseAddress = new Uri("https://api.exchange.test/") };
                Console.WriteLine(await http.GetStringAsync("v1/time"));
                return 0;
            }
        }
        """);

    [Fact]
    public Task Does_not_report_a_private_method_only_Main_calls() => Verify.VerifyAsync(Usings + """
        public static class Program
        {
            public static async Task Main(string[] args)
            {
                await CheckConnectivityAsync();
                await RunAsync(args);
            }
            private static async Task CheckConnectivityAsync()
            {
                using var http = new HttpClient();
                Console.WriteLine(await http.GetStringAsync("https://api.exchange.test/v1/ping"));
            }
            private static async Task RunAsync(string[] symbols)
            {
                foreach (var symbol in symbols)
                    Console.WriteLine(await PriceAsync(symbol));
            }
            private static async Task<string> PriceAsync(string symbol)
            {
                using var http = [|new HttpClient()|];
                return await http.GetStringAsync("https://api.exchange.test/v1/ticker/" + symbol);
            }
        }
        """);

    [Fact]
    public Task Does_not_report_clients_handed_out_or_given_their_connections() => Verify.VerifyAsync(Usings + ExchangeSdk + """
        public class Factory
        {
            private static readonly HttpMessageHandler Handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
            private readonly HttpClient _shared = new HttpClient();
            public static HttpClient Create(Uri baseAddress)
            {
                var client = new HttpClient { BaseAddress = baseAddress };
                client.DefaultRequestHeaders.Add("User-Agent", "bot");
                return client;
            }
            public ExchangeApi CreateApi() { var http = new HttpClient(); return new ExchangeApi(http); }
            public async Task<string> ViaSharedHandlerAsync()
            {
                using var client = new HttpClient(Handler, disposeHandler: false);
                return await client.GetStringAsync("https://api.exchange.test/v1/time");
            }
            public Task<string> ViaSharedClientAsync(string symbol) => new ExchangeApi(_shared).GetTickerAsync(symbol);
            public Task<string> ViaInjectedAsync(HttpClient injected) => new LenientApi(injected).GetTickerAsync("BTC-USD");
            public decimal NotAClient() => new Calculator().Mid(1, 2);
            public TimeSpan DefaultTimeout() { var probe = new HttpClient(); return probe.Timeout; }
        }
        """);

    [Fact]
    public Task Does_not_report_a_client_that_serves_a_long_running_loop() => Verify.VerifyAsync(Usings + """
        public class Poller
        {
            public async Task RunAsync(CancellationToken ct)
            {
                using var http = new HttpClient { BaseAddress = new Uri("https://api.exchange.test/") };
                while (!ct.IsCancellationRequested)
                {
                    Console.WriteLine(await http.GetStringAsync("v1/ticker/BTC-USD", ct));
                    await Task.Delay(1000, ct);
                }
            }
        }
        """);

    [Fact]
    public Task Does_not_report_clients_in_lambdas_it_cannot_place() => Verify.VerifyAsync(Usings + """
        public class Heartbeat
        {
            private Timer? _timer;
            public void Start()
            {
                _timer = new Timer(_ =>
                {
                    using var http = new HttpClient();
                    http.GetAsync("https://api.exchange.test/v1/ping").Wait();
                }, null, 0, 30_000);
            }
            public void Later(HttpClient shared)
            {
                var http = new HttpClient();
                Action ping = () => http.GetAsync("https://api.exchange.test/v1/ping");
                ping();
            }
        }
        """);

    [Fact]
    public Task Does_not_report_DI_registrations() => Verify.VerifyAsync(Usings + """
        using Microsoft.Extensions.DependencyInjection;
        public static class Registration
        {
            public static IServiceCollection AddExchange(this IServiceCollection services) =>
                services.AddTransient(sp => new HttpClient { BaseAddress = new Uri("https://api.exchange.test/") });
        }
        """);

    [Fact]
    public Task Does_not_report_in_a_compilation_without_HttpClient_use() => Verify.VerifyAsync("""
        public class C { public object M() => new object(); }
        """);
}
