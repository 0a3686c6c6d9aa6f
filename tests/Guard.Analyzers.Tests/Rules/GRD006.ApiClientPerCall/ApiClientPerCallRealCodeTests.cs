using System.Threading.Tasks;
using Verify = Guard.Analyzers.Tests.Verifiers.AnalyzerVerifier<Guard.Analyzers.Rules.GRD006.ApiClientPerCallAnalyzer>;

namespace Guard.Analyzers.Tests.Rules.GRD006;

/// <summary>Shapes met in public exchange clients and SDKs (issue 17): what GRD006 must and must not say there.</summary>
public class ApiClientPerCallRealCodeTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    [Fact]
    public Task A_mirror_race_a_constructor_starts_is_made_once_per_exchange_object() => Verify.VerifyAsync(Usings + """
        public class MirrorPicker
        {
            private readonly string[] _hosts = { "api1.example.com", "api2.example.com" };
            private readonly TaskCompletionSource<string> _fastest = new();
            public MirrorPicker() { PickFastest(); }
            void PickFastest()
            {
                var client = new HttpClient();
                foreach (var host in _hosts)
                {
                    var h = host;
                    client.GetAsync("https://" + h).ContinueWith(t => _fastest.TrySetResult(h));
                }
            }
        }
        """);

    [Fact]
    public Task A_client_factory_that_configures_and_returns_the_client_is_not_reported() => Verify.VerifyAsync(Usings + """
        public sealed class RestOptions { public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20); }
        public class RequestFactory
        {
            private HttpClient? _httpClient;
            public void Configure(RestOptions options) => _httpClient = CreateClient(options);
            private static HttpClient CreateClient(RestOptions options)
            {
                var handler = new HttpClientHandler();
                var client = new HttpClient(handler) { Timeout = options.RequestTimeout };
                return client;
            }
            internal HttpClient GetHttpClient(Func<HttpMessageHandler, HttpMessageHandler> wrap) =>
                new(wrap(new HttpClientHandler()), true) { Timeout = Timeout.InfiniteTimeSpan };
        }
        """);

    [Fact]
    public Task An_sdk_client_kept_by_its_owner_or_taken_from_DI_is_not_reported() => Verify.VerifyAsync(Usings + """
        public interface IVenueRestClient { Task<string> TickerAsync(string symbol); }
        public sealed class VenueRestClient : IVenueRestClient
        {
            private readonly HttpClient _http;
            public VenueRestClient(HttpClient? http = null) { _http = http ?? new HttpClient(); }
            public Task<string> TickerAsync(string symbol) => _http.GetStringAsync("https://api.venue.test/ticker/" + symbol);
        }
        public sealed class OrderBookTracker
        {
            private readonly IVenueRestClient _rest;
            public OrderBookTracker(IVenueRestClient? rest = null) { _rest = rest ?? new VenueRestClient(); }
        }
        public sealed class TrackerFactory
        {
            private readonly IServiceProvider? _services;
            public TrackerFactory(IServiceProvider? services) => _services = services;
            public OrderBookTracker Create()
            {
                var rest = (IVenueRestClient?)_services?.GetService(typeof(IVenueRestClient)) ?? new VenueRestClient();
                return new OrderBookTracker(rest);
            }
        }
        public sealed class SocketApi
        {
            private VenueRestClient? _tokenClient;
            public Task<string> ListenKeyAsync() => (_tokenClient ??= new VenueRestClient(null)).TickerAsync("listenKey");
        }
        """);

    [Fact]
    public Task A_view_model_that_makes_an_sdk_client_per_click_is_reported() => Verify.VerifyAsync(Usings + """
        public sealed class TradingApi { public Task<bool> CancelOrderAsync(string symbol, long id) => Task.FromResult(true); }
        public sealed class VenueRestClient : IDisposable
        {
            private readonly HttpClient _http = new HttpClient();
            public TradingApi Trading { get; } = new TradingApi();
            public void Dispose() => _http.Dispose();
        }
        public sealed class MainViewModel
        {
            public string Symbol { get; set; } = "BTCUSDT";
            public MainViewModel() { Task.Run(() => LoadSymbolsAsync()); }
            private async Task LoadSymbolsAsync()
            {
                using (var client = new VenueRestClient())
                    await client.Trading.CancelOrderAsync(Symbol, 0);
            }
            public async Task Cancel(long id)
            {
                using (var client = [|new VenueRestClient()|])
                {
                    if (!await client.Trading.CancelOrderAsync(Symbol, id))
                        Console.WriteLine("cancel failed");
                }
            }
        }
        """);
}
