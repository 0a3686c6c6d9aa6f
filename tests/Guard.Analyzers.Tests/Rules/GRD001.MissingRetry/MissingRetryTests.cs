using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Guard.Analyzers.Rules.GRD001;
using Guard.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Verify = Guard.Analyzers.Tests.Verifiers.AnalyzerVerifier<Guard.Analyzers.Rules.GRD001.MissingRetryAnalyzer>;

namespace Guard.Analyzers.Tests.Rules.GRD001;

public class MissingRetryTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Net.Http.Json;
        using System.Threading;
        using System.Threading.Tasks;
        using Polly;

        """;

    // ---- What is an outbound call ----

    [Theory]
    [InlineData("await [|client.GetAsync(url)|];")]
    [InlineData("await [|client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct)|];")]
    [InlineData("await [|client.PostAsync(url, new StringContent(\"x\"))|];")]
    [InlineData("await [|client.PutAsync(url, new StringContent(\"x\"), ct)|];")]
    [InlineData("await [|client.PatchAsync(url, new StringContent(\"x\"))|];")]
    [InlineData("await [|client.DeleteAsync(url)|];")]
    [InlineData("await [|client.SendAsync(new HttpRequestMessage(HttpMethod.Get, url), ct)|];")]
    [InlineData("[|client.Send(new HttpRequestMessage(HttpMethod.Get, url))|];")]
    [InlineData("await [|client.GetStringAsync(url)|];")]
    [InlineData("await [|client.GetStreamAsync(url, ct)|];")]
    [InlineData("await [|client.GetByteArrayAsync(url)|];")]
    [InlineData("await [|client.GetFromJsonAsync<int[]>(url, ct)|];")]
    [InlineData("await [|client.PostAsJsonAsync(url, new { Id = 1 })|];")]
    [InlineData("await [|client.PutAsJsonAsync(url, 1, ct)|];")]
    [InlineData("await [|client.PatchAsJsonAsync(url, 1)|];")]
    [InlineData("await [|client.DeleteFromJsonAsync<int>(url)|];")]
    [InlineData("await foreach (var item in [|client.GetFromJsonAsAsyncEnumerable<int>(url)|]) { }")]
    public Task Reports_every_outbound_http_method(string statement) => Verify.VerifyAsync(Usings + $$"""
        class C
        {
            async Task M(HttpClient client, string url, CancellationToken ct)
            {
                {{statement}}
            }
        }
        """);

    [Fact]
    public Task Reports_the_message_with_the_method_name() => Verify.VerifyAsync(Usings + """
        class C
        {
            Task<string> M(HttpClient client) => [|client.GetStringAsync("https://api.example.com/ticker")|];
        }
        """, null, false, System.Array.Empty<string>(), messageContains: "'GetStringAsync' is an outbound call with no retry protection");

    [Fact]
    public Task Reports_a_call_on_a_class_derived_from_HttpClient_and_through_conditional_access() => Verify.VerifyAsync(Usings + """
        class ExchangeHttpClient : HttpClient { }
        class C
        {
            async Task M(ExchangeHttpClient client, HttpClient? maybe)
            {
                await [|client.GetAsync("https://api.example.com")|];
                var r = maybe?[|.GetAsync("https://api.example.com")|];
                if (r != null) await r;
            }
        }
        """);

    [Fact]
    public Task Does_not_report_reading_a_response_or_a_non_http_method_with_the_same_name() => Verify.VerifyAsync(Usings + """
        class Repository { public Task<string> GetAsync(string key) => Task.FromResult(key); }
        class C
        {
            async Task<string> M(HttpClient client, Repository repository)
            {
                using var response = await [|client.GetAsync("https://api.example.com")|];
                var body = await response.Content.ReadAsStringAsync();
                var json = await response.Content.ReadFromJsonAsync<int[]>();
                var stream = await response.Content.ReadAsStreamAsync();
                return body + await repository.GetAsync("k");
            }
        }
        """);

    [Theory]
    [InlineData("guard.outbound_methods = FetchQuote")]
    [InlineData("guard.outbound_methods = Exchange.FetchQuote")]
    [InlineData("guard.outbound_methods = Trading.Exchange.FetchQuote")]
    [InlineData("guard.GRD001.outbound_methods = Other.Thing, Exchange.FetchQuote")]
    public Task Reports_a_user_listed_outbound_method(string option) => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        namespace Trading
        {
            class Exchange { public Task<string> FetchQuote(string s) => Task.FromResult(s); }
            class C
            {
                Task<string> M(Exchange exchange) => [|exchange.FetchQuote("BTC")|];
            }
        }
        """, editorConfig: option);

    [Theory]
    [InlineData("guard.outbound_methods = Other.FetchQuote")]
    [InlineData("guard.outbound_methods = Trading.Other.FetchQuote")]
    [InlineData("guard.GRD003.outbound_methods = Exchange.FetchQuote")]
    public Task Does_not_report_a_method_the_list_does_not_name(string option) => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        namespace Trading
        {
            class Exchange { public Task<string> FetchQuote(string s) => Task.FromResult(s); }
            class C
            {
                Task<string> M(Exchange exchange) => exchange.FetchQuote("BTC");
            }
        }
        """, editorConfig: option);

    [Fact]
    public Task Reports_a_user_listed_extension_method() => Verify.VerifyAsync(Usings + """
        static class ExchangeExtensions
        {
            public static Task<string> GetTickerAsync(this HttpClient client, string symbol) => Task.FromResult(symbol);
        }
        class C
        {
            Task<string> M(HttpClient client) => [|client.GetTickerAsync("BTC")|];
        }
        """, editorConfig: "guard.outbound_methods = ExchangeExtensions.GetTickerAsync");

    // ---- Polly ----

    [Fact]
    public Task Does_not_report_inside_a_v8_pipeline() => Verify.VerifyAsync(Usings + """
        class C
        {
            private readonly ResiliencePipeline _pipeline;
            private readonly ResiliencePipeline<HttpResponseMessage> _typed;
            C(ResiliencePipeline pipeline, ResiliencePipeline<HttpResponseMessage> typed) { _pipeline = pipeline; _typed = typed; }

            async Task M(HttpClient client, string url, CancellationToken token)
            {
                await _pipeline.ExecuteAsync(async ct => await client.GetAsync(url, ct), token);
                await _pipeline.ExecuteAsync(static async (state, ct) => await state.client.GetStringAsync(state.url, ct), (client, url), token);
                await _typed.ExecuteAsync(async ct => await client.GetAsync(url, ct), token);
                _pipeline.Execute(() => client.Send(new HttpRequestMessage(HttpMethod.Get, url)));
                await _pipeline.ExecuteAsync(async ct =>
                {
                    using var response = await client.PostAsync(url, new StringContent("x"), ct);
                    response.EnsureSuccessStatusCode();
                }, token);
            }
        }
        """);

    [Fact]
    public Task Does_not_report_inside_a_v7_policy() => Verify.VerifyAsync(Usings + """
        class C
        {
            private static readonly IAsyncPolicy s_retry = Policy.Handle<HttpRequestException>().WaitAndRetryAsync(3, i => TimeSpan.FromSeconds(i));
            private static readonly ISyncPolicy s_syncRetry = Policy.Handle<HttpRequestException>().Retry(3);
            private static readonly IAsyncPolicy<HttpResponseMessage> s_typed = Policy<HttpResponseMessage>.Handle<HttpRequestException>().RetryAsync(2);
            private static readonly Polly.Retry.AsyncRetryPolicy s_concrete = Policy.Handle<HttpRequestException>().RetryAsync(2);

            async Task M(HttpClient client, string url, CancellationToken token)
            {
                await s_retry.ExecuteAsync(() => client.GetStringAsync(url));
                await s_retry.ExecuteAsync(ct => client.GetStringAsync(url, ct), token);
                s_syncRetry.Execute(() => client.Send(new HttpRequestMessage(HttpMethod.Get, url)));
                await s_typed.ExecuteAsync(() => client.GetAsync(url));
                await s_concrete.ExecuteAsync(() => client.GetAsync(url));
                await s_retry.ExecuteAndCaptureAsync(() => client.GetAsync(url));
            }
        }
        """);

    [Fact]
    public Task Does_not_report_in_a_method_group_passed_to_polly() => Verify.VerifyAsync(Usings + """
        class C
        {
            private readonly HttpClient _client = new HttpClient();
            private readonly ResiliencePipeline _pipeline = ResiliencePipeline.Empty;
            private readonly IAsyncPolicy _policy = Policy.Handle<HttpRequestException>().RetryAsync(3);

            async Task M(CancellationToken token)
            {
                await _pipeline.ExecuteAsync(FetchAsync, token);
                await _policy.ExecuteAsync(this.PostAsync);
                await _pipeline.ExecuteAsync(LocalAsync, token);

                async ValueTask<string> LocalAsync(CancellationToken ct) => await _client.GetStringAsync("https://a", ct);
            }

            private async ValueTask<string> FetchAsync(CancellationToken ct) => await _client.GetStringAsync("https://a", ct);
            private async Task PostAsync() => await _client.PostAsync("https://a", null);
            private async Task NotPassedAsync() => await [|_client.PostAsync("https://a", null)|];
        }
        """);

    [Fact]
    public Task Finds_method_groups_passed_to_polly_however_the_call_is_written() => Verify.VerifyAsync(Usings + """
        class C
        {
            private readonly HttpClient _client = new HttpClient();
            private readonly ResiliencePipeline? _pipeline = ResiliencePipeline.Empty;

            // ExecuteAsync(InCommentAsync) is not a call; nor is the one in the string below.
            async Task M(CancellationToken token)
            {
                var text = "_pipeline.ExecuteAsync(InStringAsync, token)";
                await _pipeline!.@ExecuteAsync(VerbatimAsync, token);
                await (_pipeline?.ExecuteAsync(ConditionalAsync, token) ?? ValueTask.FromResult(""));
            }

            private async ValueTask<string> VerbatimAsync(CancellationToken ct) => await _client.GetStringAsync("https://a", ct);
            private async ValueTask<string> ConditionalAsync(CancellationToken ct) => await _client.GetStringAsync("https://a", ct);
            private async ValueTask<string> InCommentAsync(CancellationToken ct) => await [|_client.GetStringAsync("https://a", ct)|];
            private async ValueTask<string> InStringAsync(CancellationToken ct) => await [|_client.GetStringAsync("https://a", ct)|];
        }
        """);

    [Fact]
    public Task Does_not_report_in_a_generic_method_group_passed_to_polly() => Verify.VerifyAsync(Usings + """
        class C
        {
            private readonly HttpClient _client = new HttpClient();
            private readonly ResiliencePipeline _pipeline = ResiliencePipeline.Empty;

            async Task<int[]?> M(CancellationToken token) => await _pipeline.ExecuteAsync(FetchAsync<int[]>, token);

            private async ValueTask<T?> FetchAsync<T>(CancellationToken ct) => await _client.GetFromJsonAsync<T>("https://a", ct);
        }
        """);

    [Fact]
    public Task Reports_inside_a_pipeline_known_to_have_no_retry() => Verify.VerifyAsync(Usings + """
        class C
        {
            private static readonly ResiliencePipeline s_timeout = new ResiliencePipelineBuilder().AddTimeout(TimeSpan.FromSeconds(2)).Build();
            private static readonly IAsyncPolicy s_v7Timeout = Policy.TimeoutAsync(2);

            async Task M(HttpClient client, CancellationToken token)
            {
                await s_timeout.ExecuteAsync(async ct => await [|client.GetAsync("https://a", ct)|], token);
                await s_v7Timeout.ExecuteAsync(() => [|client.GetAsync("https://a")|]);
                await ResiliencePipeline.Empty.ExecuteAsync(async ct => await [|client.GetAsync("https://a", ct)|], token);
            }
        }
        """);

    [Fact]
    public Task Does_not_report_a_timeout_pipeline_nested_in_a_retry() => Verify.VerifyAsync(Usings + """
        class C
        {
            private static readonly ResiliencePipeline s_timeout = new ResiliencePipelineBuilder().AddTimeout(TimeSpan.FromSeconds(2)).Build();
            private static readonly ResiliencePipeline s_retry = new ResiliencePipelineBuilder().AddRetry(new Polly.Retry.RetryStrategyOptions()).Build();

            async Task M(HttpClient client, CancellationToken token)
            {
                await s_retry.ExecuteAsync(async outer =>
                    await s_timeout.ExecuteAsync(async ct => await client.GetAsync("https://a", ct), outer), token);
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await s_timeout.ExecuteAsync(async ct => await client.GetAsync("https://a", ct), token);
                        return;
                    }
                    catch (HttpRequestException) when (attempt < 3)
                    {
                        await Task.Delay(100 * attempt, token);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Treats_a_pipeline_it_cannot_read_as_protecting() => Verify.VerifyAsync(Usings + """
        static class PipelineDefaults
        {
            public static ResiliencePipelineBuilder AddExchangeDefaults(this ResiliencePipelineBuilder builder) =>
                builder.AddRetry(new Polly.Retry.RetryStrategyOptions());
        }
        class C
        {
            private static readonly ResiliencePipeline s_custom = new ResiliencePipelineBuilder().AddExchangeDefaults().Build();
            private static readonly ResiliencePipeline s_fromLocal = Create();
            private readonly ResiliencePipeline _fromProvider;

            C(Polly.Registry.ResiliencePipelineProvider<string> provider) => _fromProvider = provider.GetPipeline("exchange");

            static ResiliencePipeline Create()
            {
                var builder = new ResiliencePipelineBuilder();
                builder.AddRetry(new Polly.Retry.RetryStrategyOptions());
                return builder.Build();
            }

            async Task M(HttpClient client, CancellationToken token)
            {
                await s_custom.ExecuteAsync(async ct => await client.GetAsync("https://a", ct), token);
                await s_fromLocal.ExecuteAsync(async ct => await client.GetAsync("https://a", ct), token);
                await _fromProvider.ExecuteAsync(async ct => await client.GetAsync("https://a", ct), token);
            }
        }
        """);

    [Fact]
    public Task Reads_a_pipeline_built_on_a_local_builder() => Verify.VerifyAsync(Usings + """
        class C
        {
            async Task M(HttpClient client, CancellationToken token)
            {
                var retrying = new ResiliencePipelineBuilder();
                retrying.AddRetry(new Polly.Retry.RetryStrategyOptions());
                var withRetry = retrying.Build();
                await withRetry.ExecuteAsync(async ct => await client.GetAsync("https://a", ct), token);

                var timing = new ResiliencePipelineBuilder();
                timing.AddTimeout(TimeSpan.FromSeconds(1));
                var timeoutOnly = timing.Build();
                await timeoutOnly.ExecuteAsync(async ct => await [|client.GetAsync("https://a", ct)|], token);
            }
        }
        """);

    [Fact]
    public Task Reads_a_pipeline_assigned_once_in_the_constructor() => Verify.VerifyAsync(Usings + """
        class C
        {
            private readonly ResiliencePipeline _timeout;
            private readonly ResiliencePipeline _retry;

            C()
            {
                _timeout = new ResiliencePipelineBuilder().AddTimeout(TimeSpan.FromSeconds(1)).Build();
                this._retry = new ResiliencePipelineBuilder().AddRetry(new Polly.Retry.RetryStrategyOptions()).Build();
            }

            async Task M(HttpClient client, CancellationToken token)
            {
                await _timeout.ExecuteAsync(async ct => await [|client.GetAsync("https://a", ct)|], token);
                await _retry.ExecuteAsync(async ct => await client.GetAsync("https://a", ct), token);
            }
        }
        """);

    // ---- Hand-written retry loops ----

    [Fact]
    public Task Does_not_report_in_hand_written_retry_loops() => Verify.VerifyAsync(Usings + """
        class C
        {
            async Task<string> For(HttpClient client, CancellationToken ct)
            {
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        return await client.GetStringAsync("https://a", ct);
                    }
                    catch (HttpRequestException) when (attempt < 3)
                    {
                        await Task.Delay(200 * attempt, ct);
                    }
                }
            }

            async Task<HttpResponseMessage> WhileBreak(HttpClient client)
            {
                HttpResponseMessage? response = null;
                var attempts = 0;
                while (true)
                {
                    try
                    {
                        response = await client.GetAsync("https://a");
                    }
                    catch (HttpRequestException)
                    {
                        if (++attempts == 3) throw;
                        await Task.Delay(100);
                        continue;
                    }
                    break;
                }
                return response;
            }

            async Task DoWhileFlag(HttpClient client)
            {
                var done = false;
                var attempts = 0;
                do
                {
                    try
                    {
                        await client.PostAsync("https://a", null);
                        done = true;
                    }
                    catch (HttpRequestException)
                    {
                        attempts++;
                    }
                } while (!done && attempts < 3);
            }
        }
        """);

    [Fact]
    public Task Reports_in_loops_that_do_not_retry() => Verify.VerifyAsync(Usings + """
        class C
        {
            async Task M(HttpClient client, List<string> urls)
            {
                foreach (var url in urls)
                {
                    try { await [|client.GetAsync(url)|]; return; }
                    catch (HttpRequestException) { }
                }
                for (var i = 0; i < urls.Count; i++)
                {
                    try { await [|client.GetAsync(urls[i])|]; }
                    catch (HttpRequestException) { }
                }
                while (true)
                {
                    try { await [|client.GetAsync("https://a")|]; return; }
                    catch (HttpRequestException) { throw; }
                }
            }
        }
        """);

    [Fact]
    public Task Reports_a_call_in_a_lambda_defined_inside_a_retry_loop() => Verify.VerifyAsync(Usings + """
        class C
        {
            Func<Task>? _later;

            async Task M(HttpClient client)
            {
                while (true)
                {
                    try
                    {
                        _later = async () => await [|client.GetAsync("https://a")|];
                        await client.GetAsync("https://b");
                        return;
                    }
                    catch (HttpRequestException) { }
                }
            }
        }
        """);

    // ---- Clients from IHttpClientFactory with a resilience handler ----

    [Theory]
    [InlineData("services.AddHttpClient<ExchangeClient>().AddStandardResilienceHandler();")]
    [InlineData("services.AddHttpClient<IExchangeClient, ExchangeClient>().AddStandardHedgingHandler();")]
    [InlineData("services.AddHttpClient<ExchangeClient>(c => c.BaseAddress = new Uri(\"https://a\")).AddResilienceHandler(\"x\", b => b.AddRetry(new Polly.Retry.HttpRetryStrategyOptionsStub()));")]
    [InlineData("services.AddHttpClient<Api.ExchangeClient>().AddPolicyHandler(Policy<HttpResponseMessage>.Handle<HttpRequestException>().RetryAsync(3));")]
    [InlineData("services.AddHttpClient<ExchangeClient>().AddTransientHttpErrorPolicy(p => p.RetryAsync(3));")]
    [InlineData("var builder = services.AddHttpClient<ExchangeClient>(); builder.AddStandardResilienceHandler();")]
    [InlineData("services.ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler());")]
    public Task Does_not_report_in_a_typed_client_registered_with_a_resilience_handler(string registration) => Verify.VerifyAsync(Usings + """
        using Microsoft.Extensions.DependencyInjection;
        using Api;
        namespace Api
        {
            interface IExchangeClient { Task<string> TickerAsync(); }
            class ExchangeClient : IExchangeClient
            {
                private readonly HttpClient _http;
                public ExchangeClient(HttpClient http) => _http = http;
                public Task<string> TickerAsync() => _http.GetStringAsync("ticker");
            }
        }
        namespace Polly.Retry { public class HttpRetryStrategyOptionsStub : RetryStrategyOptions<HttpResponseMessage> { } }
        """ + $$"""
        static class Startup
        {
            static void Configure(IServiceCollection services) { {{registration}} }
        }
        """, null, false, TestStubs.Registrations);

    [Fact]
    public Task Reports_in_a_typed_client_registered_without_a_handler() => Verify.VerifyAsync(Usings + """
        using Microsoft.Extensions.DependencyInjection;
        class ExchangeClient
        {
            private readonly HttpClient _http;
            public ExchangeClient(HttpClient http) => _http = http;
            public Task<string> TickerAsync() => [|_http.GetStringAsync("ticker")|];
        }
        class OtherClient
        {
            private readonly HttpClient _http;
            public OtherClient(HttpClient http) => _http = http;
            public Task<string> TickerAsync() => _http.GetStringAsync("ticker");
        }
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddHttpClient<ExchangeClient>();
                services.AddHttpClient<OtherClient>().AddStandardResilienceHandler();
            }
        }
        """, null, false, TestStubs.Registrations);

    [Fact]
    public Task Does_not_report_on_a_named_client_registered_with_a_resilience_handler() => Verify.VerifyAsync(Usings + """
        using Microsoft.Extensions.DependencyInjection;
        static class Names { public const string Exchange = "exchange"; }
        class Service
        {
            private readonly HttpClient _fromConstructor;
            private readonly HttpClient _fromInitializer;
            private readonly HttpClient _unregistered;
            private readonly IHttpClientFactory _factory;

            public Service(IHttpClientFactory factory)
            {
                _factory = factory;
                _fromConstructor = factory.CreateClient(Names.Exchange);
                _fromInitializer = factory.CreateClient("exchange");
                _unregistered = factory.CreateClient("other");
            }

            async Task M()
            {
                await _fromConstructor.GetAsync("a");
                await _fromInitializer.GetAsync("a");
                await _factory.CreateClient("exchange").GetAsync("a");
                var local = _factory.CreateClient(nameof(Service));
                await local.GetAsync("a");
                await [|_unregistered.GetAsync("a")|];
                await [|_factory.CreateClient("other").GetAsync("a")|];
            }
        }
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddHttpClient("exchange").AddStandardResilienceHandler();
                services.AddHttpClient(nameof(Service)).AddStandardResilienceHandler();
                services.AddHttpClient("other");
            }
        }
        """, null, false, TestStubs.Registrations);

    [Fact]
    public Task Matches_a_named_client_registered_with_a_constant() => Verify.VerifyAsync(Usings + """
        using Microsoft.Extensions.DependencyInjection;
        static class Names { public const string Exchange = "exchange"; }
        class Service
        {
            async Task M(IHttpClientFactory factory)
            {
                var client = factory.CreateClient("exchange");
                await client.GetAsync("a");
            }
        }
        static class Startup
        {
            static void Configure(IServiceCollection services) => services.AddHttpClient(Names.Exchange).AddStandardResilienceHandler();
        }
        """, null, false, TestStubs.Registrations);

    [Fact]
    public Task Reports_a_new_HttpClient_even_when_every_factory_client_is_resilient() => Verify.VerifyAsync(Usings + """
        using Microsoft.Extensions.DependencyInjection;
        class Service
        {
            private static readonly HttpClient s_client = new HttpClient();
            private readonly HttpClient _factoryClient;
            public Service(HttpClient client) => _factoryClient = client;

            async Task M()
            {
                await [|s_client.GetAsync("https://a")|];
                await [|new HttpClient().GetAsync("https://a")|];
                await _factoryClient.GetAsync("https://a");
            }
        }
        static class Startup
        {
            static void Configure(IServiceCollection services) => services.ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler());
        }
        """, null, false, TestStubs.Registrations);

    [Fact]
    public Task Does_not_report_a_client_made_with_a_retrying_handler() => Verify.VerifyAsync(Usings + """
        class RetryingHandler : DelegatingHandler { public RetryingHandler() : base(new HttpClientHandler()) { } }
        class LoggingHandler : DelegatingHandler { public LoggingHandler() : base(new HttpClientHandler()) { } }
        class Service
        {
            private static readonly HttpClient s_direct = new HttpClient(new RetryingHandler());
            private static readonly HttpClient s_logging = new HttpClient(new LoggingHandler());
            private readonly HttpClient _fromLocal;

            public Service()
            {
                var handler = new RetryingHandler();
                _fromLocal = new HttpClient(handler, disposeHandler: true);
            }

            async Task M()
            {
                await s_direct.GetAsync("https://a");
                await _fromLocal.GetAsync("https://a");
                await [|s_logging.GetAsync("https://a")|];
                await new HttpClient(new RetryingHandler()).GetAsync("https://a");
            }
        }
        """);

    [Fact]
    public Task Does_not_report_a_handed_in_client_when_a_handler_of_the_compilation_retries_through_polly() => Verify.VerifyAsync(Usings + """
        // An SDK that builds every HttpClient on its own Polly handler, and sends through helpers that take the client.
        sealed class PolicyHandler : HttpClientHandler
        {
            private readonly IAsyncPolicy<HttpResponseMessage> _policy;
            public PolicyHandler(IAsyncPolicy<HttpResponseMessage> policy) => _policy = policy;

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
                _policy.ExecuteAsync(() => base.SendAsync(request, ct));
        }
        static class Transport
        {
            public static Task<HttpResponseMessage> Send(HttpClient client, HttpRequestMessage request, CancellationToken ct) =>
                client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        class TradingClient
        {
            private readonly HttpClient _client;
            private static readonly HttpClient s_plain = new HttpClient();
            public TradingClient(HttpClient client) => _client = client;

            async Task M()
            {
                await _client.GetAsync("https://a");
                await [|s_plain.GetAsync("https://a")|];
            }
        }
        """);

    [Fact]
    public Task Reports_a_handed_in_client_when_the_handler_pipeline_is_known_not_to_retry() => Verify.VerifyAsync(Usings + """
        sealed class TimeoutHandler : DelegatingHandler
        {
            private static readonly ResiliencePipeline s_timeout = new ResiliencePipelineBuilder().AddTimeout(TimeSpan.FromSeconds(5)).Build();

            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
                await s_timeout.ExecuteAsync(async token => await base.SendAsync(request, token), ct);
        }
        static class Transport
        {
            public static Task<HttpResponseMessage> Send(HttpClient client, HttpRequestMessage request) => [|client.SendAsync(request)|];
        }
        """);

    // ---- Retry wrappers ----

    [Fact]
    public Task Does_not_report_in_or_through_a_RetryWrapper() => Verify.VerifyAsync(Usings + """
        using Contoso.Reliability;
        class C
        {
            [RetryWrapper]
            static async Task<T> WithRetry<T>(Func<Task<T>> operation)
            {
                for (var i = 0; ; i++)
                {
                    try { return await operation(); }
                    catch (HttpRequestException) when (i < 3) { }
                }
            }

            [RetryWrapper]
            async Task<string> Wrapped(HttpClient client) => await client.GetStringAsync("https://a");

            async Task M(HttpClient client)
            {
                await WithRetry(() => client.GetStringAsync("https://a"));
                await WithRetry(async () => { var r = await client.GetAsync("https://a"); return r.StatusCode; });
            }
        }
        """, null, false, TestStubs.Attributes);

    [Theory]
    [InlineData("guard.retry_wrappers = Retry.Run")]
    [InlineData("guard.GRD001.retry_wrappers = Run")]
    public Task Honours_the_retry_wrappers_option(string option) => Verify.VerifyAsync(Usings + """
        static class Retry
        {
            public static Task<T> Run<T>(Func<Task<T>> operation) => operation();
        }
        class C
        {
            Task<string> M(HttpClient client) => Retry.Run(() => client.GetStringAsync("https://a"));
        }
        """, editorConfig: option);

    [Fact]
    public Task Reports_through_a_method_that_is_not_a_retry_wrapper() => Verify.VerifyAsync(Usings + """
        static class Retry
        {
            public static Task<T> Run<T>(Func<Task<T>> operation) => operation();
        }
        class C
        {
            Task<string> M(HttpClient client) => Retry.Run(() => [|client.GetStringAsync("https://a")|]);
        }
        """);

    [Fact]
    public Task Does_not_report_through_a_method_that_runs_its_delegate_through_polly() => Verify.VerifyAsync(Usings + """
        class Resilient
        {
            private readonly ResiliencePipeline _pipeline;
            private readonly IAsyncPolicy _policy;
            public Resilient(ResiliencePipeline pipeline, IAsyncPolicy policy) { _pipeline = pipeline; _policy = policy; }

            public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken token) =>
                await _pipeline.ExecuteAsync(async ct => await operation(ct), token);

            public ValueTask<T> RunValueAsync<T>(Func<CancellationToken, ValueTask<T>> operation, CancellationToken token) =>
                _pipeline.ExecuteAsync(operation, token);

            public Task RunV7Async(Func<Task> operation) => _policy.ExecuteAsync(() => operation.Invoke());
        }
        class C
        {
            async Task M(Resilient resilient, HttpClient client, CancellationToken token)
            {
                await resilient.RunAsync(ct => client.GetStringAsync("https://a", ct), token);
                await resilient.RunValueAsync(async ct => await client.GetStringAsync("https://a", ct), token);
                await resilient.RunV7Async(() => client.GetAsync("https://a"));
            }
        }
        """);

    [Fact]
    public Task Reports_through_a_method_whose_delegate_is_not_the_one_polly_runs() => Verify.VerifyAsync(Usings + """
        class Worker(ResiliencePipeline pipeline, HttpClient client)
        {
            public async Task RunAsync(Func<Task> callback, CancellationToken ct)
            {
                await pipeline.ExecuteAsync(async token => await client.GetAsync("https://a", token), ct);
                await callback();
            }
        }
        class C
        {
            Task M(Worker worker, HttpClient client) => worker.RunAsync(() => [|client.GetAsync("https://b")|], default);
        }
        """);

    [Fact]
    public Task Does_not_report_through_a_wrapper_that_returns_the_pipelines_task() => Verify.VerifyAsync(Usings + """
        class Resilient(ResiliencePipeline pipeline)
        {
            public Task<T> WithRetryAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct) =>
                pipeline.ExecuteAsync(async token => await call(token), ct).AsTask();
        }
        class C
        {
            Task<string> M(Resilient resilient, HttpClient client, CancellationToken ct) =>
                resilient.WithRetryAsync(token => client.GetStringAsync("https://a", token), ct);
        }
        """);

    [Fact]
    public Task Reports_in_top_level_statements() => Verify.VerifyAsync("""
        using System.Net.Http;
        using var client = new HttpClient();
        var quote = await [|client.GetStringAsync("http://127.0.0.1:5005/quote/BTCUSD")|];
        System.Console.WriteLine(quote);
        """, allowCompilerErrors: true);

    // ---- Where the rule stays silent ----

    [Fact]
    public Task Does_not_analyze_generated_code() => Verify.VerifyAsync("""
        // <auto-generated/>
        using System.Net.Http;
        using System.Threading.Tasks;
        class C
        {
            Task<string> M(HttpClient client) => client.GetStringAsync("https://a");
        }
        """);

    [Fact]
    public async Task Does_not_analyze_a_test_project()
    {
        var project = TestWorkspace.CreateProject(Usings + """
            class C
            {
                Task<string> M(HttpClient client) => client.GetStringAsync("https://a");
            }
            """).AddMetadataReference(MetadataReference.CreateFromFile(typeof(FactAttribute).Assembly.Location));
        Assert.Contains((await TestWorkspace.CompileAsync(project)).ReferencedAssemblyNames, a => a.Name == "xunit.core");
        var diagnostics = await TestWorkspace.GetAnalyzerDiagnosticsAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(new MissingRetryAnalyzer()));
        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task Reports_the_same_source_outside_a_test_project()
    {
        var project = TestWorkspace.CreateProject(Usings + """
            class C
            {
                Task<string> M(HttpClient client) => client.GetStringAsync("https://a");
            }
            """);
        var diagnostics = await TestWorkspace.GetAnalyzerDiagnosticsAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(new MissingRetryAnalyzer()));
        Assert.Equal("GRD001", Assert.Single(diagnostics).Id);
    }

    // ---- Broken and partial code ----

    [Theory]
    [InlineData("await [|client.GetAsync(url)|]")]
    [InlineData("await client.GetAsync(")]
    [InlineData("await client.GetAsync(undefined, ct)")]
    [InlineData("await client.Nope(url);")]
    [InlineData("await _missingPipeline.ExecuteAsync(async ct => await client.GetAsync(url, ct), ct);")]
    [InlineData("await ResiliencePipeline.Empty.ExecuteAsync(async ct => await [|client.GetAsync(url, ct)|], ct, 1, 2);")]
    [InlineData("while (true) { try { await [|client.GetAsync(url)|]; } catch }")]
    [InlineData("await Policy.Handle<>().RetryAsync().ExecuteAsync(() => client.GetAsync(url));")]
    public Task Does_not_throw_on_broken_code(string statement) => Verify.VerifyAsync(Usings + $$"""
        class C
        {
            async Task M(HttpClient client, string url, CancellationToken ct)
            {
                {{statement}}
            }
        }
        """, allowCompilerErrors: true);

    [Fact]
    public Task Does_not_throw_on_broken_registrations_and_method_groups() => Verify.VerifyAsync(Usings + """
        using Microsoft.Extensions.DependencyInjection;
        class C
        {
            void Configure(IServiceCollection services)
            {
                services.AddHttpClient<>().AddStandardResilienceHandler();
                services.AddHttpClient(Missing.Name).AddStandardResilienceHandler();
                undefined.AddStandardResilienceHandler();
                AddStandardResilienceHandler();
                ResiliencePipeline.Empty.ExecuteAsync(Missing, default);
                ResiliencePipeline.Empty.ExecuteAsync(this.Missing);
            }
            Task<string> M(HttpClient client) => [|client.GetStringAsync("https://a")|];
        }
        """, allowCompilerErrors: true);
}
