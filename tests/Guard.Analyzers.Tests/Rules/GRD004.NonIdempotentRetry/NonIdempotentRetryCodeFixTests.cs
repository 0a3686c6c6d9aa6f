using System.Threading.Tasks;
using Guard.Analyzers.CodeFixes;
using Guard.Analyzers.CodeFixes.Rules.GRD004;
using Fix = Guard.Analyzers.Tests.Verifiers.CodeFixVerifier<Guard.Analyzers.Rules.GRD004.NonIdempotentRetryAnalyzer, Guard.Analyzers.CodeFixes.Rules.GRD004.NonIdempotentRetryCodeFixProvider>;

namespace Guard.Analyzers.Tests.Rules.GRD004;

public class NonIdempotentRetryCodeFixTests
{
    private static string Code(string body) => NonIdempotentRetryTests.Usings + body + NonIdempotentRetryTests.Exchange;

    [Fact]
    public Task Sets_the_key_member_from_a_local_made_before_the_pipeline() => Fix.VerifyFixAsync(Code("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline)
            {
                await pipeline.ExecuteAsync(async ct => await [|exchange.PlaceOrderAsync(new OrderRequest { Symbol = "BTCUSDT", Quantity = 1m }, ct)|]);
            }
        }
        """), Code("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline)
            {
                var clientOrderId = Guid.NewGuid().ToString("N");
                await pipeline.ExecuteAsync(async ct => await exchange.PlaceOrderAsync(new OrderRequest { Symbol = "BTCUSDT", Quantity = 1m, ClientOrderId = clientOrderId }, ct));
            }
        }
        """), equivalenceKey: NonIdempotentRetryCodeFixProvider.EquivalenceKey);

    [Fact]
    public Task Turns_an_expression_bodied_method_into_a_block() => Fix.VerifyFixAsync(Code("""
        class Bot
        {
            Task<OrderResult> M(IExchange exchange, IAsyncPolicy policy) =>
                policy.ExecuteAsync(() => [|exchange.PlaceOrderAsync(new OrderRequest())|]);

            async Task N(IExchange exchange, ResiliencePipeline pipeline) => await pipeline.ExecuteAsync(async ct => await [|exchange.PlaceOrderAsync(new() { Symbol = "ETHUSDT" }, ct)|]);
        }
        """), Code("""
        class Bot
        {
            Task<OrderResult> M(IExchange exchange, IAsyncPolicy policy)
            {
                var clientOrderId = Guid.NewGuid().ToString("N");
                return policy.ExecuteAsync(() => exchange.PlaceOrderAsync(new OrderRequest() { ClientOrderId = clientOrderId }));
            }

            async Task N(IExchange exchange, ResiliencePipeline pipeline)
            {
                var clientOrderId = Guid.NewGuid().ToString("N");
                await pipeline.ExecuteAsync(async ct => await exchange.PlaceOrderAsync(new() { Symbol = "ETHUSDT", ClientOrderId = clientOrderId }, ct));
            }
        }
        """));

    [Fact]
    public Task Keeps_a_multi_line_initializer_one_member_per_line_in_a_retry_loop() => Fix.VerifyFixAsync(Code("""
        class Bot
        {
            async Task M(IExchange exchange, string symbol)
            {
                var placed = false;
                while (!placed)
                {
                    try
                    {
                        var order = new OrderRequest
                        {
                            Symbol = symbol,
                            Quantity = 2m,
                        };
                        await [|exchange.PlaceOrderAsync(order)|];
                        placed = true;
                    }
                    catch (HttpRequestException)
                    {
                    }
                }
            }
        }
        """), Code("""
        class Bot
        {
            async Task M(IExchange exchange, string symbol)
            {
                var placed = false;
                var clientOrderId = Guid.NewGuid().ToString("N");
                while (!placed)
                {
                    try
                    {
                        var order = new OrderRequest
                        {
                            Symbol = symbol,
                            Quantity = 2m,
                            ClientOrderId = clientOrderId,
                        };
                        await exchange.PlaceOrderAsync(order);
                        placed = true;
                    }
                    catch (HttpRequestException)
                    {
                    }
                }
            }
        }
        """));

    [Fact]
    public Task Passes_the_omitted_key_parameter_by_name() => Fix.VerifyFixAsync(Code("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline)
            {
                await pipeline.ExecuteAsync(async ct => await [|exchange.SubmitOrderAsync("BTCUSDT", 1m)|]);
            }
        }
        """), Code("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline)
            {
                var newClientOrderId = Guid.NewGuid().ToString("N");
                await pipeline.ExecuteAsync(async ct => await exchange.SubmitOrderAsync("BTCUSDT", 1m, newClientOrderId: newClientOrderId));
            }
        }
        """));

    [Fact]
    public Task Adds_the_idempotency_key_header_to_a_post_request() => Fix.VerifyFixAsync(Code("""
        class Bot
        {
            async Task M(HttpClient http, ResiliencePipeline pipeline, string json)
            {
                await pipeline.ExecuteAsync(async ct =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/orders") { Content = new StringContent(json) };
                    using var response = await [|http.SendAsync(request, ct)|];
                });
            }
        }
        """), Code("""
        class Bot
        {
            async Task M(HttpClient http, ResiliencePipeline pipeline, string json)
            {
                var idempotencyKey = Guid.NewGuid().ToString("N");
                await pipeline.ExecuteAsync(async ct =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/orders") { Content = new StringContent(json) };
                    request.Headers.Add("Idempotency-Key", idempotencyKey);
                    using var response = await http.SendAsync(request, ct);
                });
            }
        }
        """));

    [Fact]
    public Task Moves_a_key_expression_made_inside_the_retry_before_it() => Fix.VerifyFixAsync(Code("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline, HttpClient http, string prefix)
            {
                await pipeline.ExecuteAsync(async ct => await [|exchange.SubmitOrderAsync("BTCUSDT", 1m, newClientOrderId: $"{prefix}-{Guid.NewGuid():N}", ct: ct)|]);
                await pipeline.ExecuteAsync(async ct => await [|http.PostAsync($"/api/v3/order?symbol=BTCUSDT&newClientOrderId={Guid.NewGuid():N}", null, ct)|]);
            }
        }
        """), Code("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline, HttpClient http, string prefix)
            {
                var newClientOrderId = $"{prefix}-{Guid.NewGuid():N}";
                await pipeline.ExecuteAsync(async ct => await exchange.SubmitOrderAsync("BTCUSDT", 1m, newClientOrderId: newClientOrderId, ct: ct));
                var newClientOrderId2 = Guid.NewGuid();
                await pipeline.ExecuteAsync(async ct => await http.PostAsync($"/api/v3/order?symbol=BTCUSDT&newClientOrderId={newClientOrderId2:N}", null, ct));
            }
        }
        """));

    [Fact]
    public Task Moves_a_key_local_declared_inside_the_retry_before_it() => Fix.VerifyFixAsync(Code("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline)
            {
                await pipeline.ExecuteAsync(async ct =>
                {
                    var id = Guid.NewGuid().ToString();
                    await [|exchange.PlaceOrderAsync(new OrderRequest { Symbol = "BTCUSDT", ClientOrderId = id }, ct)|];
                });
            }
        }
        """), Code("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline)
            {
                var id = Guid.NewGuid().ToString();
                await pipeline.ExecuteAsync(async ct =>
                {
                    await exchange.PlaceOrderAsync(new OrderRequest { Symbol = "BTCUSDT", ClientOrderId = id }, ct);
                });
            }
        }
        """));

    [Fact]
    public Task Makes_a_guid_key_for_a_guid_member_and_adds_using_system() => Fix.VerifyFixAsync("""
        using System.Threading.Tasks;
        using Polly;

        public sealed class CoinbaseOrder { public string ProductId { get; set; } = ""; public System.Guid? ClientOid { get; set; } }
        public interface ICoinbase { Task CreateOrderAsync(CoinbaseOrder order); }
        class Bot
        {
            async Task M(ICoinbase coinbase, ResiliencePipeline pipeline)
            {
                await pipeline.ExecuteAsync(async ct => await [|coinbase.CreateOrderAsync(new CoinbaseOrder { ProductId = "BTC-USD" })|]);
            }
        }
        """, """
        using System;
        using System.Threading.Tasks;
        using Polly;

        public sealed class CoinbaseOrder { public string ProductId { get; set; } = ""; public System.Guid? ClientOid { get; set; } }
        public interface ICoinbase { Task CreateOrderAsync(CoinbaseOrder order); }
        class Bot
        {
            async Task M(ICoinbase coinbase, ResiliencePipeline pipeline)
            {
                var clientOid = Guid.NewGuid();
                await pipeline.ExecuteAsync(async ct => await coinbase.CreateOrderAsync(new CoinbaseOrder { ProductId = "BTC-USD", ClientOid = clientOid }));
            }
        }
        """);

    [Fact]
    public Task Sets_the_key_of_a_record_whose_key_parameter_was_left_out() => Fix.VerifyFixAsync(Code("""
        public sealed record OkxOrder(string InstId, string? ClOrdId = null);
        interface IOkx { Task PlaceOrderAsync(OkxOrder order); }
        class Bot
        {
            async Task M(IOkx okx, ResiliencePipeline pipeline)
            {
                await pipeline.ExecuteAsync(async ct => await [|okx.PlaceOrderAsync(new OkxOrder("BTC-USDT"))|]);
            }
        }
        namespace System.Runtime.CompilerServices { static class IsExternalInit { } }
        """), Code("""
        public sealed record OkxOrder(string InstId, string? ClOrdId = null);
        interface IOkx { Task PlaceOrderAsync(OkxOrder order); }
        class Bot
        {
            async Task M(IOkx okx, ResiliencePipeline pipeline)
            {
                var clOrdId = Guid.NewGuid().ToString("N");
                await pipeline.ExecuteAsync(async ct => await okx.PlaceOrderAsync(new OkxOrder("BTC-USDT") { ClOrdId = clOrdId }));
            }
        }
        namespace System.Runtime.CompilerServices { static class IsExternalInit { } }
        """));

    [Fact]
    public Task Moves_a_header_key_made_in_a_retry_loop_before_the_loop() => Fix.VerifyFixAsync(Code("""
        class Bot
        {
            async Task<string?> M(HttpClient http, object body, CancellationToken ct)
            {
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/orders") { Content = JsonContent.Create(body) };
                        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                        using var response = await [|http.SendAsync(request, ct)|];
                        return await response.Content.ReadAsStringAsync(ct);
                    }
                    catch (HttpRequestException) when (attempt < 2) { }
                }
                return null;
            }
        }
        """), Code("""
        class Bot
        {
            async Task<string?> M(HttpClient http, object body, CancellationToken ct)
            {
                var idempotencyKey = Guid.NewGuid().ToString();
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/orders") { Content = JsonContent.Create(body) };
                        request.Headers.Add("Idempotency-Key", idempotencyKey);
                        using var response = await http.SendAsync(request, ct);
                        return await response.Content.ReadAsStringAsync(ct);
                    }
                    catch (HttpRequestException) when (attempt < 2) { }
                }
                return null;
            }
        }
        """));

    [Fact]
    public Task Sends_a_key_made_in_the_call_when_the_handler_retries() => Fix.VerifyFixAsync(Code("""
        using Microsoft.Extensions.DependencyInjection;
        static class Startup
        {
            public static void Configure(IServiceCollection services) =>
                services.AddHttpClient<ExchangeClient>().AddStandardResilienceHandler();
        }
        class ExchangeClient
        {
            private readonly HttpClient _http;
            public ExchangeClient(HttpClient http) => _http = http;

            public Task<HttpResponseMessage> Place(string symbol) =>
                [|_http.PostAsJsonAsync("api/v3/order", new OrderRequest { Symbol = symbol })|];
        }
        """ + NonIdempotentRetryTests.ResilienceStubs), Code("""
        using Microsoft.Extensions.DependencyInjection;
        static class Startup
        {
            public static void Configure(IServiceCollection services) =>
                services.AddHttpClient<ExchangeClient>().AddStandardResilienceHandler();
        }
        class ExchangeClient
        {
            private readonly HttpClient _http;
            public ExchangeClient(HttpClient http) => _http = http;

            public Task<HttpResponseMessage> Place(string symbol) =>
                _http.PostAsJsonAsync("api/v3/order", new OrderRequest { Symbol = symbol, ClientOrderId = Guid.NewGuid().ToString("N") });
        }
        """ + NonIdempotentRetryTests.ResilienceStubs));

    [Fact]
    public Task Adds_a_header_made_in_the_call_when_the_handler_retries() => Fix.VerifyFixAsync(Code("""
        using Microsoft.Extensions.DependencyInjection;
        static class Startup
        {
            public static void Configure(IServiceCollection services) =>
                services.ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler());
        }
        class ExchangeClient
        {
            private readonly HttpClient _http;
            public ExchangeClient(HttpClient http) => _http = http;

            public async Task Place(string json)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "v1/orders") { Content = new StringContent(json) };
                using var response = await [|_http.SendAsync(request)|];
            }
        }
        """ + NonIdempotentRetryTests.ResilienceStubs), Code("""
        using Microsoft.Extensions.DependencyInjection;
        static class Startup
        {
            public static void Configure(IServiceCollection services) =>
                services.ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler());
        }
        class ExchangeClient
        {
            private readonly HttpClient _http;
            public ExchangeClient(HttpClient http) => _http = http;

            public async Task Place(string json)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "v1/orders") { Content = new StringContent(json) };
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                using var response = await _http.SendAsync(request);
            }
        }
        """ + NonIdempotentRetryTests.ResilienceStubs));

    [Fact]
    public Task Fixes_all_with_a_distinct_key_per_order() => Fix.VerifyFixAllAsync(Code("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline)
            {
                await pipeline.ExecuteAsync(async ct =>
                {
                    await [|exchange.PlaceOrderAsync(new OrderRequest { Symbol = "BTCUSDT" }, ct)|];
                    await [|exchange.PlaceOrderAsync(new OrderRequest { Symbol = "ETHUSDT" }, ct)|];
                });
                await pipeline.ExecuteAsync(async ct => await [|exchange.SubmitOrderAsync("SOLUSDT", 3m, ct: ct)|]);
            }
        }
        """), Code("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline)
            {
                var clientOrderId = Guid.NewGuid().ToString("N");
                var clientOrderId2 = Guid.NewGuid().ToString("N");
                await pipeline.ExecuteAsync(async ct =>
                {
                    await exchange.PlaceOrderAsync(new OrderRequest { Symbol = "BTCUSDT", ClientOrderId = clientOrderId }, ct);
                    await exchange.PlaceOrderAsync(new OrderRequest { Symbol = "ETHUSDT", ClientOrderId = clientOrderId2 }, ct);
                });
                var newClientOrderId = Guid.NewGuid().ToString("N");
                await pipeline.ExecuteAsync(async ct => await exchange.SubmitOrderAsync("SOLUSDT", 3m, ct: ct, newClientOrderId: newClientOrderId));
            }
        }
        """));

    [Fact]
    public Task Honours_options_when_fixing() => Fix.VerifyFixAsync(Code("""
        public sealed class BuyRequest { public string Symbol { get; set; } = ""; public string? Tag { get; set; } }
        class Broker { public Task BuyAsync(BuyRequest request) => Task.CompletedTask; }
        class Bot
        {
            async Task M(Broker broker, ResiliencePipeline pipeline)
            {
                await pipeline.ExecuteAsync(async ct => await [|broker.BuyAsync(new BuyRequest { Symbol = "BTCUSDT" })|]);
            }
        }
        """), Code("""
        public sealed class BuyRequest { public string Symbol { get; set; } = ""; public string? Tag { get; set; } }
        class Broker { public Task BuyAsync(BuyRequest request) => Task.CompletedTask; }
        class Bot
        {
            async Task M(Broker broker, ResiliencePipeline pipeline)
            {
                var tag = Guid.NewGuid().ToString("N");
                await pipeline.ExecuteAsync(async ct => await broker.BuyAsync(new BuyRequest { Symbol = "BTCUSDT", Tag = tag }));
            }
        }
        """), editorConfig: "guard.GRD004.non_idempotent_methods = Broker.BuyAsync\nguard.GRD004.idempotency_key_names = Tag");

    [Fact]
    public Task Offers_no_fix_where_it_cannot_write_correct_code() => Fix.VerifyNoFixAsync(Code("""
        class Bot
        {
            async Task Anonymous(HttpClient http, ResiliencePipeline pipeline) =>
                await pipeline.ExecuteAsync(async ct => await [|http.PostAsJsonAsync("api/v3/order", new { symbol = "BTCUSDT" }, ct)|]);

            async Task Counter(IExchange exchange)
            {
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    try { await [|exchange.PlaceOrderAsync(new OrderRequest { ClientOrderId = "sig-" + attempt })|]; return; }
                    catch (HttpRequestException) { }
                }
            }

            async Task ReadsInsideValues(IExchange exchange, ResiliencePipeline pipeline) =>
                await pipeline.ExecuteAsync(async ct =>
                {
                    var symbol = "BTCUSDT";
                    await [|exchange.SubmitOrderAsync(symbol, 1m, symbol + Guid.NewGuid(), ct)|];
                });

            async Task EmbeddedStatement(IExchange exchange, ResiliencePipeline pipeline, bool go)
            {
                if (go) await pipeline.ExecuteAsync(async ct => await [|exchange.PlaceOrderAsync(new OrderRequest(), ct)|]);
            }

            async Task SeveralOrdersPerAttempt(IExchange exchange, ResiliencePipeline pipeline, string[] symbols) =>
                await pipeline.ExecuteAsync(async ct =>
                {
                    foreach (var symbol in symbols)
                        await [|exchange.PlaceOrderAsync(new OrderRequest { Symbol = symbol }, ct)|];
                    await Task.WhenAll(System.Linq.Enumerable.Select(symbols, s => [|exchange.SubmitOrderAsync(s, 1m, ct: ct)|]));
                });

            async Task NoKeyToSet(IExchange exchange, ResiliencePipeline pipeline) =>
                await pipeline.ExecuteAsync(async ct => await [|exchange.NewOrderAsync(new PlainOrder(), ct)|]);

            ValueTask<OrderResult> MethodGroup(ResiliencePipeline pipeline) => pipeline.ExecuteAsync(PlaceAsync);

            async ValueTask<OrderResult> PlaceAsync(CancellationToken ct) =>
                await [|((IExchange)null!).PlaceOrderAsync(new OrderRequest(), ct)|];
        }
        """));
}
