using System.Threading.Tasks;
using Guard.Analyzers.Rules.GRD001;
using Verify = Guard.Analyzers.Tests.Verifiers.AnalyzerVerifier<Guard.Analyzers.Rules.GRD001.MissingRetryAnalyzer>;
using FixVerify = Guard.Analyzers.Tests.Verifiers.CodeFixVerifier<Guard.Analyzers.Rules.GRD001.MissingRetryAnalyzer, Guard.Analyzers.CodeFixes.Rules.GRD001.MissingRetryCodeFixProvider>;

namespace Guard.Analyzers.Tests.Rules.GRD001;

/// <summary>Shapes met in public exchange clients and SDKs (docs/precision.md): what GRD001 must and must not say there.</summary>
public class MissingRetryRealCodeTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Net;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    // ---- HttpWebRequest / WebRequest / WebClient are outbound ----

    [Fact]
    public Task Reports_a_WebRequest_sent_with_GetResponse() => Verify.VerifyAsync(Usings + """
        class LegacyApi
        {
            async Task<string> Ticker(string url)
            {
                var request = (HttpWebRequest)WebRequest.Create(url);
                using var response = await [|request.GetResponseAsync()|];
                using var reader = new StreamReader(response.GetResponseStream());
                return await reader.ReadToEndAsync();
            }

            string TickerSync(string url)
            {
                var request = WebRequest.Create(url);
                using var response = [|request.GetResponse()|];
                return response.ContentType;
            }

            string Download(WebClient client, string url) => [|client.DownloadString(url)|];
        }
        """);

    [Fact]
    public Task Offers_no_fix_around_a_WebRequest_which_can_be_sent_only_once() => FixVerify.VerifyNoFixAsync(Usings + """
        class LegacyApi
        {
            async Task<WebResponse> Send(HttpWebRequest request) => await [|request.GetResponseAsync()|];
        }
        """);

    [Fact]
    public Task The_message_says_why_a_WebRequest_is_not_retried_as_it_is() => Verify.VerifyAsync(Usings + """
        class LegacyApi
        {
            async Task<WebResponse> Send(HttpWebRequest request) => await [|request.GetResponseAsync()|];
        }
        """, null, false, System.Array.Empty<string>(), messageContains: "GetResponseAsync");

    // ---- a listed request helper is the transport: its callers are judged, not its body ----

    [Fact]
    public Task A_listed_helper_forwarding_to_its_own_overload_is_reported_only_at_its_callers() => Verify.VerifyAsync(Usings + """
        class RequestMaker
        {
            private readonly HttpClient _http = new HttpClient();

            public Task<string> MakeRequestAsync(string url) => MakeRequestAsync(url, "GET");

            public async Task<string> MakeRequestAsync(string url, string method)
            {
                using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
                return await response.Content.ReadAsStringAsync();
            }
        }

        interface IRequestMaker { Task<string> SendAsync(string url); }

        class Maker : IRequestMaker
        {
            private readonly HttpClient _http = new HttpClient();
            public Task<string> SendAsync(string url) => _http.GetStringAsync(url);
        }

        class SpotApi : RequestMaker
        {
            // A wrapper of the same name in a derived client: it forwards to the listed helper.
            internal async Task<string> MakeRequestAsync(string url, int weight)
            {
                var result = await base.MakeRequestAsync(url, "GET");
                return weight > 1 ? result : result.Trim();
            }
        }

        class Exchange
        {
            private readonly RequestMaker _maker = new RequestMaker();
            private readonly IRequestMaker _other = new Maker();

            public Task<string> Ticker() => [|_maker.MakeRequestAsync("/ticker")|];
            public Task<string> Book() => [|_other.SendAsync("/book")|];
        }
        """, "guard.outbound_methods = RequestMaker.MakeRequestAsync, IRequestMaker.SendAsync");

    [Fact]
    public Task Options_in_a_globalconfig_are_read() => Verify.VerifyAsync(Usings + """
        class Exchange
        {
            public Task<string> FetchQuote(string symbol) => Task.FromResult(symbol);
        }
        class Bot
        {
            Task<string> M(Exchange exchange) => [|exchange.FetchQuote("BTC")|];
        }
        """, "is_global = true\nguard.outbound_methods = Exchange.FetchQuote\n");

    // ---- a request whose continuation handles the outcome: a latency race, a best-effort probe ----

    [Fact]
    public Task A_fire_and_forget_latency_race_handled_in_its_continuation_is_not_reported() => Verify.VerifyAsync(Usings + """
        class FastestMirror
        {
            string[] Urls = { "api1.example.com", "api2.example.com", "api3.example.com" };
            int failed;
            readonly TaskCompletionSource<string> fastest = new TaskCompletionSource<string>();

            void Race()
            {
                var client = new HttpClient();
                foreach (var url in Urls)
                {
                    var u = url;
                    client.GetAsync($"https://{u}").ContinueWith(t =>
                    {
                        if (t.Exception != null)
                        {
                            if (Interlocked.Increment(ref failed) == Urls.Length)
                                fastest.TrySetException(new Exception("all mirrors failed"));
                            return;
                        }
                        fastest.TrySetResult(u);
                    });
                }
            }
        }
        """);

    [Fact]
    public Task A_continuation_that_ignores_the_outcome_does_not_hide_the_call() => Verify.VerifyAsync(Usings + """
        class Notifier
        {
            void Notify(HttpClient client) =>
                [|client.GetAsync("https://hooks.example.com/ping")|].ContinueWith(t => Console.WriteLine("sent"));
        }
        """);

    // ---- a client from the SDK's own factory, when the SDK has a retrying handler (Alpaca) ----

    [Fact]
    public Task A_client_made_by_a_factory_method_of_an_SDK_with_a_retrying_handler_is_not_reported() => Verify.VerifyAsync(Usings + """
        using Polly;
        sealed class ThrottleHandler : DelegatingHandler
        {
            private readonly IAsyncPolicy<HttpResponseMessage> _policy;
            public ThrottleHandler(IAsyncPolicy<HttpResponseMessage> policy) : base(new HttpClientHandler()) => _policy = policy;
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
                _policy.ExecuteAsync(token => base.SendAsync(request, token), ct);
        }
        sealed class Configuration
        {
            internal IAsyncPolicy<HttpResponseMessage> Policy { get; set; } = Polly.Policy.NoOpAsync<HttpResponseMessage>();
            internal HttpClient GetConfiguredHttpClient() => new HttpClient(new ThrottleHandler(Policy));
        }
        sealed class TradingClient
        {
            private readonly HttpClient _httpClient;
            private static readonly HttpClient s_plain = new HttpClient();
            public TradingClient(Configuration configuration) => _httpClient = configuration.GetConfiguredHttpClient();

            public Task<string> Clock() => _httpClient.GetStringAsync("v2/clock");
            public Task<string> Plain() => [|s_plain.GetStringAsync("v2/clock")|];
        }
        partial class PartialTradingClient
        {
            private readonly HttpClient _httpClient;
            public PartialTradingClient(Configuration configuration) => _httpClient = configuration.GetConfiguredHttpClient();
        }
        abstract class DataClientBase(HttpClient httpClient)
        {
            protected readonly HttpClient HttpClient = httpClient;
            public Task<string> Bars() => HttpClient.GetStringAsync("v2/bars");
        }
        """, null, false, new[] { """
        using System.Net.Http;
        using System.Threading.Tasks;
        partial class PartialTradingClient
        {
            public Task<string> Account() => _httpClient.GetStringAsync("v2/account");
        }
        """ }, null);

    [Fact]
    public Task A_client_from_a_factory_method_is_reported_when_no_handler_retries() => Verify.VerifyAsync(Usings + """
        sealed class Configuration
        {
            internal HttpClient GetConfiguredHttpClient() => new HttpClient();
        }
        sealed class TradingClient
        {
            private readonly HttpClient _httpClient;
            public TradingClient(Configuration configuration) => _httpClient = configuration.GetConfiguredHttpClient();
            public Task<string> Clock() => [|_httpClient.GetStringAsync("v2/clock")|];
        }
        """);

    [Fact]
    public async Task A_read_named_after_withdrawals_is_not_said_to_withdraw()
    {
        var project = Guard.Analyzers.Tests.Verifiers.TestWorkspace.CreateProject(Usings + """
            class Wallet
            {
                public Task<string> GetWithdrawalsAsync(HttpClient client) => client.GetStringAsync("sapi/v1/capital/withdraw/history");
                public Task<string> DoWithdraw(HttpClient client) => client.GetStringAsync("sapi/v1/capital/withdraw/apply");
            }
            """);
        var diagnostics = await FixVerify.AnalyzerDiagnosticsAsync(project);
        Assert.Equal(2, diagnostics.Length);
        var read = Assert.Single(diagnostics, d => d.GetMessage().Contains("GetStringAsync") && !d.GetMessage().Contains("DoWithdraw"));
        Assert.DoesNotContain("withdraws", read.GetMessage());
        Assert.False(read.Properties.ContainsKey(MissingRetryAnalyzer.RetrySafeProperty)); // still no automatic retry
        Assert.Contains(diagnostics, d => d.GetMessage().Contains("it runs in 'DoWithdraw', which withdraws funds"));
    }
}
