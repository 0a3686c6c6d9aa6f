using System;
using System.Threading.Tasks;
using Guard.Analyzers.Rules.GRD004;
using Verify = Guard.Analyzers.Tests.Verifiers.AnalyzerVerifier<Guard.Analyzers.Rules.GRD004.NonIdempotentRetryAnalyzer>;

namespace Guard.Analyzers.Tests.Rules.GRD004;

public class NonIdempotentRetryTests
{
    /// <summary>An exchange SDK as the tests' bots see it: orders with and without a client order id.</summary>
    internal const string Exchange = """

        public sealed class OrderRequest
        {
            public string Symbol { get; set; } = "";
            public decimal Quantity { get; set; }
            public string? ClientOrderId { get; set; }
        }

        public sealed class PlainOrder
        {
            public string Symbol { get; set; } = "";
            public decimal Quantity { get; set; }
        }

        public sealed class OrderResult { }

        public interface IExchange
        {
            System.Threading.Tasks.Task<OrderResult> PlaceOrderAsync(OrderRequest request, System.Threading.CancellationToken ct = default);
            System.Threading.Tasks.Task<OrderResult> SubmitOrderAsync(string symbol, decimal quantity, string? newClientOrderId = null, System.Threading.CancellationToken ct = default);
            System.Threading.Tasks.Task<OrderResult> NewOrderAsync(PlainOrder order, System.Threading.CancellationToken ct = default);
            OrderResult PlaceOrder(OrderRequest request);
            System.Threading.Tasks.Task<OrderResult> GetOrderAsync(string id, System.Threading.CancellationToken ct = default);
            System.Threading.Tasks.Task CancelOrderAsync(string id, System.Threading.CancellationToken ct = default);
        }
        """;

    internal const string Usings = """
        using System;
        using System.Net.Http;
        using System.Net.Http.Json;
        using System.Threading;
        using System.Threading.Tasks;
        using Polly;

        """;

    private static string Code(string body) => Usings + body + Exchange;

    private static Task Verify(string body, string? editorConfig = null, string? messageContains = null) =>
        Verifiers.AnalyzerVerifier<NonIdempotentRetryAnalyzer>.VerifyAsync(Code(body), editorConfig, false, Array.Empty<string>(), messageContains);

    // ---- retried by Polly, no key ----

    [Fact]
    public Task Reports_an_order_without_a_key_in_a_polly_pipeline() => Verify("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline) =>
                await pipeline.ExecuteAsync(async ct => await [|exchange.PlaceOrderAsync(new OrderRequest { Symbol = "BTCUSDT", Quantity = 1m }, ct)|]);
        }
        """, messageContains: "'PlaceOrderAsync' is retried by a Polly resilience pipeline: if the order reached the exchange and only the response was lost, the retry places a second order");

    [Fact]
    public Task Reports_an_order_in_a_polly_v7_retry_policy() => Verify("""
        class Bot
        {
            private readonly IAsyncPolicy _policy = Policy.Handle<HttpRequestException>().WaitAndRetryAsync(3, i => TimeSpan.FromSeconds(i));

            Task<OrderResult> M(IExchange exchange, PlainOrder order) =>
                _policy.ExecuteAsync(() => [|exchange.NewOrderAsync(order)|]);
        }
        """, messageContains: "by a Polly retry policy");

    [Fact]
    public Task Reports_a_synchronous_order_in_a_v7_policy() => Verify("""
        class Bot
        {
            OrderResult M(IExchange exchange, ISyncPolicy policy) =>
                policy.Execute(() => [|exchange.PlaceOrder(new OrderRequest { Symbol = "ETHUSDT" })|]);
        }
        """);

    [Fact]
    public Task Reports_an_order_in_a_pipeline_built_with_retry() => Verify("""
        using Polly.Retry;
        class Bot
        {
            private static readonly ResiliencePipeline Pipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions()).Build();

            async Task M(IExchange exchange) =>
                await Pipeline.ExecuteAsync(async ct => await [|exchange.SubmitOrderAsync("BTCUSDT", 0.5m, ct: ct)|]);
        }
        """);

    [Fact]
    public Task Reports_an_order_passed_as_a_method_group_to_polly() => Verify("""
        class Bot
        {
            private readonly IExchange _exchange = null!;

            ValueTask<OrderResult> M(ResiliencePipeline pipeline) => pipeline.ExecuteAsync(PlaceAsync);

            async ValueTask<OrderResult> PlaceAsync(CancellationToken ct) =>
                await [|_exchange.PlaceOrderAsync(new OrderRequest { Symbol = "BTCUSDT" }, ct)|];
        }
        """, messageContains: "by Polly (the method is passed to Execute)");

    // ---- retried by a hand-written loop or a wrapper ----

    [Fact]
    public Task Reports_an_order_in_a_retry_loop() => Verify("""
        class Bot
        {
            async Task<OrderResult?> M(IExchange exchange, PlainOrder order)
            {
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    try
                    {
                        return await [|exchange.NewOrderAsync(order)|];
                    }
                    catch (HttpRequestException)
                    {
                        await Task.Delay(1000);
                    }
                }
                return null;
            }
        }
        """, messageContains: "'NewOrderAsync' is retried in a retry loop");

    [Fact]
    public Task Reports_the_recreate_order_submit_order_loop() => Verify("""
        class Bot
        {
            async Task M(IExchange exchange, string symbol, decimal quantity)
            {
                var placed = false;
                while (!placed)
                {
                    try
                    {
                        var order = new OrderRequest { Symbol = symbol, Quantity = quantity };
                        await [|exchange.PlaceOrderAsync(order)|];
                        placed = true;
                    }
                    catch (TaskCanceledException)
                    {
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Reports_an_order_in_a_retry_wrapper() => Verify("""
        [AttributeUsage(AttributeTargets.Method)] sealed class RetryWrapperAttribute : Attribute { }
        static class Retry
        {
            [RetryWrapper]
            public static async Task<T> WithRetry<T>(Func<Task<T>> action)
            {
                while (true)
                {
                    try { return await action(); }
                    catch (HttpRequestException) { }
                }
            }
        }
        class Bot
        {
            Task<OrderResult> M(IExchange exchange) =>
                Retry.WithRetry(() => [|exchange.SubmitOrderAsync("BTCUSDT", 1m)|]);
        }
        """, messageContains: "by the retry wrapper 'WithRetry'");

    // ---- keys ----

    [Fact]
    public Task Ignores_a_key_argument_made_before_the_retry() => Verify("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline)
            {
                var clientOrderId = Guid.NewGuid().ToString("N");
                await pipeline.ExecuteAsync(async ct => await exchange.SubmitOrderAsync("BTCUSDT", 1m, clientOrderId, ct));
            }
        }
        """);

    [Fact]
    public Task Ignores_a_key_in_the_initializer_made_before_the_retry() => Verify("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline, string signalId)
            {
                await pipeline.ExecuteAsync(async ct => await exchange.PlaceOrderAsync(new OrderRequest { Symbol = "BTCUSDT", ClientOrderId = "sig-" + signalId }, ct));
            }
        }
        """);

    [Fact]
    public Task Ignores_an_order_built_before_the_retry_whose_type_has_a_key() => Verify("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline, OrderRequest order)
            {
                var copy = new OrderRequest { Symbol = order.Symbol };
                await pipeline.ExecuteAsync(async ct => await exchange.PlaceOrderAsync(order, ct));
                await pipeline.ExecuteAsync(async ct => await exchange.PlaceOrderAsync(copy, ct));
            }
        }
        """);

    [Fact]
    public Task Ignores_a_key_made_once_by_get_or_add() => Verify("""
        using System.Collections.Concurrent;
        class Bot
        {
            private readonly ConcurrentDictionary<string, string> _keys = new();

            async Task M(IExchange exchange, ResiliencePipeline pipeline, string signalId) =>
                await pipeline.ExecuteAsync(async ct => await exchange.SubmitOrderAsync("BTCUSDT", 1m, _keys.GetOrAdd(signalId, _ => Guid.NewGuid().ToString()), ct));
        }
        """);

    [Fact]
    public Task Ignores_a_key_kept_outside_and_set_once_with_coalescing_assignment() => Verify("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline)
            {
                string? key = null;
                await pipeline.ExecuteAsync(async ct => await exchange.SubmitOrderAsync("BTCUSDT", 1m, key ??= Guid.NewGuid().ToString(), ct));
            }
        }
        """);

    [Fact]
    public Task Reports_a_key_argument_made_inside_the_retry() => Verify("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline) =>
                await pipeline.ExecuteAsync(async ct => await [|exchange.SubmitOrderAsync("BTCUSDT", 1m, newClientOrderId: Guid.NewGuid().ToString(), ct: ct)|]);
        }
        """, messageContains: "its client order id is created inside the retried code, so each attempt sends a new one");

    [Fact]
    public Task Reports_a_key_local_declared_inside_the_retry() => Verify("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline)
            {
                await pipeline.ExecuteAsync(async ct =>
                {
                    var id = Ulid.NewUlid().ToString();
                    await [|exchange.PlaceOrderAsync(new OrderRequest { Symbol = "BTCUSDT", ClientOrderId = id }, ct)|];
                });
            }
        }
        readonly struct Ulid { public static Ulid NewUlid() => default; }
        """, messageContains: "created inside the retried code");

    [Fact]
    public Task Reports_a_key_set_inside_the_retry_on_an_order_built_before_it() => Verify("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline, OrderRequest order)
            {
                await pipeline.ExecuteAsync(async ct =>
                {
                    order.ClientOrderId = $"bot-{DateTime.UtcNow.Ticks}";
                    await [|exchange.PlaceOrderAsync(order, ct)|];
                });
            }
        }
        """, messageContains: "created inside the retried code");

    [Fact]
    public Task Reports_a_key_made_from_the_attempt_counter() => Verify("""
        class Bot
        {
            async Task M(IExchange exchange, string signal)
            {
                for (var attempt = 1; attempt <= 3; attempt++)
                {
                    try
                    {
                        await [|exchange.PlaceOrderAsync(new OrderRequest { Symbol = "BTCUSDT", ClientOrderId = signal + "-" + attempt })|];
                        break;
                    }
                    catch (HttpRequestException) { }
                }
            }
        }
        """, messageContains: "created inside the retried code");

    [Fact]
    public Task Reports_a_type_that_makes_a_new_key_per_instance_created_inside_the_retry() => Verify("""
        public sealed class StampedOrder
        {
            public string Symbol { get; init; } = "";
            public string ClientOid { get; init; } = Guid.NewGuid().ToString("N");
        }
        interface IKuCoin { Task<OrderResult> PlaceOrderAsync(StampedOrder order); }
        class Bot
        {
            async Task M(IKuCoin exchange, ResiliencePipeline pipeline) =>
                await pipeline.ExecuteAsync(async ct => await [|exchange.PlaceOrderAsync(new StampedOrder { Symbol = "BTC-USDT" })|]);
        }
        """, messageContains: "created inside the retried code");

    [Fact]
    public Task Ignores_a_type_that_sets_its_key_in_the_constructor() => Verify("""
        public sealed class KeyedOrder
        {
            public KeyedOrder(string key) { ClientOrderId = key; }
            public string ClientOrderId { get; }
        }
        interface IBroker { Task<OrderResult> PlaceOrderAsync(KeyedOrder order); }
        class Bot
        {
            async Task M(IBroker broker, ResiliencePipeline pipeline, string key) =>
                await pipeline.ExecuteAsync(async ct => await broker.PlaceOrderAsync(new KeyedOrder(key)));
        }
        """);

    [Fact]
    public Task Ignores_a_method_that_mentions_a_key_guard_does_not_link() => Verify("""
        using System.Collections.Generic;
        interface IRest { Task<OrderResult> PlaceOrderAsync(IDictionary<string, object> parameters); }
        class Bot
        {
            async Task M(IRest rest, ResiliencePipeline pipeline, string id)
            {
                var parameters = new Dictionary<string, object> { ["symbol"] = "BTCUSDT", ["newClientOrderId"] = id };
                await pipeline.ExecuteAsync(async ct => await rest.PlaceOrderAsync(parameters));
            }
        }
        """);

    [Fact]
    public Task Ignores_an_order_built_inside_the_retry_and_handed_to_a_helper() => Verify("""
        class Bot
        {
            static void Stamp(OrderRequest order) { }

            async Task M(IExchange exchange, ResiliencePipeline pipeline) =>
                await pipeline.ExecuteAsync(async ct =>
                {
                    var order = new OrderRequest { Symbol = "BTCUSDT" };
                    Stamp(order);
                    await exchange.PlaceOrderAsync(order, ct);
                });
        }
        """);

    [Fact]
    public Task Reports_an_order_without_a_key_beside_one_with_a_key() => Verify("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline)
            {
                var clientOrderId = Guid.NewGuid().ToString("N");
                await pipeline.ExecuteAsync(async ct =>
                {
                    await exchange.PlaceOrderAsync(new OrderRequest { Symbol = "BTCUSDT", ClientOrderId = clientOrderId }, ct);
                    await [|exchange.PlaceOrderAsync(new OrderRequest { Symbol = "ETHUSDT" }, ct)|];
                });
            }
        }
        """);

    [Fact]
    public Task Ignores_a_json_body_that_carries_a_key() => Verify("""
        class Bot
        {
            async Task M(HttpClient http, ResiliencePipeline pipeline, string symbol, string id)
            {
                var body = "{\"symbol\":\"" + symbol + "\",\"clientOrderId\":\"" + id + "\"}";
                await pipeline.ExecuteAsync(async ct => await http.PostAsync("/api/v1/orders", new StringContent(body), ct));
            }
        }
        """);

    // ---- what is not flagged ----

    [Fact]
    public Task Ignores_an_order_placed_once_without_retry() => Verify("""
        class Bot
        {
            async Task M(IExchange exchange)
            {
                await exchange.PlaceOrderAsync(new OrderRequest { Symbol = "BTCUSDT" });
                try { await exchange.SubmitOrderAsync("BTCUSDT", 1m); }
                catch (HttpRequestException) { }
            }
        }
        """);

    [Fact]
    public Task Ignores_reads_and_cancels_retried_freely() => Verify("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline, string id)
            {
                await pipeline.ExecuteAsync(async ct => await exchange.GetOrderAsync(id, ct));
                await pipeline.ExecuteAsync(async ct => await exchange.CancelOrderAsync(id, ct));
            }
        }
        """);

    [Fact]
    public Task Ignores_a_pipeline_with_only_a_timeout() => Verify("""
        class Bot
        {
            private static readonly ResiliencePipeline Timeout = new ResiliencePipelineBuilder().AddTimeout(TimeSpan.FromSeconds(5)).Build();
            private static readonly IAsyncPolicy TimeoutPolicy = Policy.TimeoutAsync(5);

            async Task M(IExchange exchange)
            {
                await Timeout.ExecuteAsync(async ct => await exchange.PlaceOrderAsync(new OrderRequest { Symbol = "BTCUSDT" }, ct));
                await TimeoutPolicy.ExecuteAsync(() => exchange.NewOrderAsync(new PlainOrder()));
            }
        }
        """);

    [Fact]
    public Task Ignores_a_foreach_over_orders() => Verify("""
        using System.Collections.Generic;
        class Bot
        {
            async Task M(IExchange exchange, IEnumerable<PlainOrder> orders)
            {
                foreach (var order in orders)
                {
                    try { await exchange.NewOrderAsync(order); }
                    catch (HttpRequestException) { }
                }
            }
        }
        """);

    [Fact]
    public Task Ignores_a_method_marked_idempotent() => Verify("""
        [AttributeUsage(AttributeTargets.Method)] sealed class IdempotentAttribute : Attribute { }
        class SafeExchange
        {
            [Idempotent] public Task PlaceOrderAsync(string symbol) => Task.CompletedTask;
        }
        class Bot
        {
            async Task M(SafeExchange exchange, IExchange raw, ResiliencePipeline pipeline)
            {
                await pipeline.ExecuteAsync(async ct => await exchange.PlaceOrderAsync("BTCUSDT"));
                await PlaceDeduplicated(raw, pipeline);
            }

            [Idempotent]
            async Task PlaceDeduplicated(IExchange exchange, ResiliencePipeline pipeline) =>
                await pipeline.ExecuteAsync(async ct => await exchange.NewOrderAsync(new PlainOrder(), ct));
        }
        """);

    [Fact]
    public Task Ignores_a_synchronous_method_that_builds_an_order() => Verify("""
        class Bot
        {
            static OrderRequest CreateOrder(string symbol) => new OrderRequest { Symbol = symbol };

            async Task M(IExchange exchange, ResiliencePipeline pipeline, string key) =>
                await pipeline.ExecuteAsync(async ct =>
                {
                    var order = CreateOrder("BTCUSDT");
                    order.ClientOrderId = key;
                    await exchange.PlaceOrderAsync(order, ct);
                });
        }
        """);

    [Fact]
    public Task Reports_a_synchronous_place_order_that_returns_the_order() => Verify("""
        public sealed class Order { public string Symbol { get; set; } = ""; }
        interface IBrokerSession { Order PlaceOrder(string symbol, decimal quantity); }
        class Bot
        {
            Order M(IBrokerSession session, ISyncPolicy policy) =>
                policy.Execute(() => [|session.PlaceOrder("AAPL", 10m)|]);
        }
        """);

    // ---- declared and listed methods ----

    [Fact]
    public Task Reports_a_method_marked_non_idempotent() => Verify("""
        namespace My.Markers { [AttributeUsage(AttributeTargets.Method)] sealed class NonIdempotentAttribute : Attribute { } }
        class Wallet
        {
            [My.Markers.NonIdempotent] public Task WithdrawAsync(decimal amount) => Task.CompletedTask;
        }
        class Bot
        {
            async Task M(Wallet wallet, ResiliencePipeline pipeline) =>
                await pipeline.ExecuteAsync(async ct => await [|wallet.WithdrawAsync(10m)|]);
        }
        """, messageContains: "if the request reached the server and only the response was lost, the retry runs it twice; create an idempotency key once");

    [Fact]
    public Task Honours_the_method_list_options() => Verify("""
        class Broker
        {
            public Task BuyAsync(string symbol) => Task.CompletedTask;
        }
        class Bot
        {
            async Task M(Broker broker, IExchange exchange, ResiliencePipeline pipeline)
            {
                await pipeline.ExecuteAsync(async ct => await [|broker.BuyAsync("BTCUSDT")|]);
                await pipeline.ExecuteAsync(async ct => await exchange.PlaceOrderAsync(new OrderRequest(), ct));
            }
        }
        """, "guard.GRD004.non_idempotent_methods = Broker.BuyAsync\nguard.GRD004.idempotent_methods = IExchange.PlaceOrderAsync");

    [Fact]
    public Task Honours_the_key_names_option() => Verify("""
        public sealed class DeribitOrder { public string Label { get; set; } = ""; }
        interface IDeribit { Task PlaceOrderAsync(DeribitOrder order); }
        class Bot
        {
            async Task M(IDeribit deribit, ResiliencePipeline pipeline, DeribitOrder order, string label)
            {
                await pipeline.ExecuteAsync(async ct => await deribit.PlaceOrderAsync(order));
                await pipeline.ExecuteAsync(async ct => await deribit.PlaceOrderAsync(new DeribitOrder { Label = label }));
                await pipeline.ExecuteAsync(async ct => await [|deribit.PlaceOrderAsync(new DeribitOrder { Label = Guid.NewGuid().ToString() })|]);
            }
        }
        """, "guard.GRD004.idempotency_key_names = label");

    // ---- HTTP POSTs to order endpoints ----

    [Fact]
    public Task Reports_a_json_post_to_an_order_path_in_a_pipeline() => Verify("""
        class Bot
        {
            async Task M(HttpClient http, ResiliencePipeline pipeline, string symbol) =>
                await pipeline.ExecuteAsync(async ct => await [|http.PostAsJsonAsync("api/v3/order", new { symbol, quantity = 1m }, ct)|]);
        }
        """, messageContains: "'PostAsJsonAsync' is retried by a Polly resilience pipeline: if the order reached the exchange");

    /// <summary>
    /// The analyzer-cost benchmark's order service (tests/Guard.Analyzers.Benchmarks): a pipeline field given another
    /// class's static pipeline retries the POST (an unknown pipeline may retry), so a body without a key is reported;
    /// its "unsafe" path posts the caller's order, whose type has a ClientOrderId the caller may have set: silent,
    /// precision first, as for any order from outside the method.
    /// </summary>
    [Fact]
    public Task Judges_the_benchmark_order_paths_by_their_body_not_by_the_shared_pipeline() => Verify("""
        public sealed record BenchOrder(string Symbol, decimal Quantity, string? ClientOrderId = null);

        public static class Pipelines
        {
            public static readonly ResiliencePipeline Retry = new ResiliencePipelineBuilder().AddRetry(new Polly.Retry.RetryStrategyOptions()).Build();
        }

        class OrderService
        {
            private readonly HttpClient _http;
            private readonly ResiliencePipeline _retry = Pipelines.Retry;

            public OrderService(IHttpClientFactory factory) => _http = factory.CreateClient("exchange");

            async Task<HttpResponseMessage> CallersOrder(BenchOrder order, CancellationToken ct) =>
                await _retry.ExecuteAsync(async token => await _http.PostAsJsonAsync("api/v3/order", order, token), ct);

            async Task<HttpResponseMessage> BodyWithoutKey(string symbol, CancellationToken ct) =>
                await _retry.ExecuteAsync(async token => await [|_http.PostAsJsonAsync("api/v3/order", new { symbol, quantity = 1m }, token)|], ct);
        }
        """);

    [Fact]
    public Task Reports_a_post_to_a_const_or_interpolated_order_uri_in_a_retry_loop() => Verify("""
        class Bot
        {
            private const string OrdersPath = "/v2/orders";
            private readonly string _baseUrl = "https://api.example.com";

            async Task M(HttpClient http, string json)
            {
                while (true)
                {
                    try
                    {
                        await [|http.PostAsync(OrdersPath, new StringContent(json))|];
                        await [|http.PostAsync($"{_baseUrl}/api/v1/orders", new StringContent(json))|];
                        return;
                    }
                    catch (HttpRequestException) { }
                }
            }
        }
        """);

    [Fact]
    public Task Ignores_posts_that_do_not_place_orders_and_other_verbs() => Verify("""
        class Bot
        {
            async Task M(HttpClient http, ResiliencePipeline pipeline, string id, string json) =>
                await pipeline.ExecuteAsync(async ct =>
                {
                    await http.PostAsync($"/api/v1/orders/{id}/cancel", new StringContent(json), ct);
                    await http.PostAsync("/api/v3/order/test", new StringContent(json), ct);
                    await http.PostAsync("/api/v3/userDataStream", new StringContent(json), ct);
                    await http.GetAsync("/api/v3/order?orderId=" + id, ct);
                    await http.DeleteAsync("/api/v3/order?orderId=" + id, ct);
                    await http.PutAsync("/api/v3/order", new StringContent(json), ct);
                });
        }
        """);

    [Fact]
    public Task Reports_a_post_request_message_without_an_idempotency_key_header() => Verify("""
        class Bot
        {
            async Task M(HttpClient http, ResiliencePipeline pipeline, string json) =>
                await pipeline.ExecuteAsync(async ct =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.example.com/v1/orders") { Content = new StringContent(json) };
                    using var response = await [|http.SendAsync(request, ct)|];
                });
        }
        """, messageContains: "create an idempotency key once");

    [Fact]
    public Task Ignores_an_idempotency_key_header_made_before_the_retry() => Verify("""
        class Bot
        {
            async Task M(HttpClient http, ResiliencePipeline pipeline, string json)
            {
                var key = Guid.NewGuid().ToString();
                await pipeline.ExecuteAsync(async ct =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/orders") { Content = new StringContent(json) };
                    request.Headers.Add("Idempotency-Key", key);
                    using var response = await http.SendAsync(request, ct);
                });
                await pipeline.ExecuteAsync(async ct =>
                {
                    var request = new HttpRequestMessage { Method = HttpMethod.Post, RequestUri = new Uri("/v1/orders", UriKind.Relative) };
                    request.Headers.TryAddWithoutValidation("X-Idempotency-Key", key);
                    using var response = await http.SendAsync(request, ct);
                });
            }
        }
        """);

    [Fact]
    public Task Reports_an_idempotency_key_header_made_inside_the_retry() => Verify("""
        class Bot
        {
            async Task M(HttpClient http, ResiliencePipeline pipeline) =>
                await pipeline.ExecuteAsync(async ct =>
                {
                    var request = new HttpRequestMessage(new HttpMethod("POST"), "/v1/orders");
                    request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                    using var response = await [|http.SendAsync(request, ct)|];
                });
        }
        """, messageContains: "its idempotency key is created inside the retried code");

    [Fact]
    public Task Ignores_a_request_message_built_before_the_retry_and_get_requests() => Verify("""
        class Bot
        {
            async Task M(HttpClient http, ResiliencePipeline pipeline)
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/v1/orders");
                await pipeline.ExecuteAsync(async ct => await http.SendAsync(request, ct));
                await pipeline.ExecuteAsync(async ct => await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/orders"), ct));
            }
        }
        """);

    [Fact]
    public Task Judges_a_key_in_the_query_string() => Verify("""
        class Bot
        {
            async Task M(HttpClient http, ResiliencePipeline pipeline, string symbol)
            {
                var id = Guid.NewGuid().ToString("N");
                await pipeline.ExecuteAsync(async ct => await http.PostAsync($"/api/v3/order?symbol={symbol}&newClientOrderId={id}", null, ct));
                await pipeline.ExecuteAsync(async ct => await [|http.PostAsync($"/api/v3/order?symbol={symbol}&newClientOrderId={Guid.NewGuid():N}", null, ct)|]);
            }
        }
        """);

    [Fact]
    public Task Judges_a_key_in_an_anonymous_body() => Verify("""
        class Bot
        {
            async Task M(HttpClient http, ResiliencePipeline pipeline, string clientOid)
            {
                await pipeline.ExecuteAsync(async ct => await http.PostAsJsonAsync("/api/v1/orders", new { symbol = "BTC-USDT", clientOid }, ct));
                await pipeline.ExecuteAsync(async ct => await [|http.PostAsJsonAsync("/api/v1/orders", new { symbol = "BTC-USDT", client_oid = Guid.NewGuid() }, ct)|]);
            }
        }
        """);

    [Fact]
    public Task Ignores_a_json_content_of_an_order_built_before_the_retry() => Verify("""
        class Bot
        {
            async Task M(HttpClient http, ResiliencePipeline pipeline, OrderRequest order) =>
                await pipeline.ExecuteAsync(async ct => await http.PostAsync("/api/v1/orders", JsonContent.Create(order), ct));
        }
        """);

    [Fact]
    public Task Judges_with_expressions_constructor_keys_and_header_initializers() => Verify("""
        public sealed record OkxOrder(string InstId, string? ClOrdId = null);
        interface IOkx { Task PlaceOrderAsync(OkxOrder order); }
        class Bot
        {
            async Task M(IOkx okx, HttpClient http, ResiliencePipeline pipeline, OkxOrder template, string key)
            {
                await pipeline.ExecuteAsync(async ct => await okx.PlaceOrderAsync(template with { InstId = "BTC-USDT" }));
                await pipeline.ExecuteAsync(async ct => await [|okx.PlaceOrderAsync(template with { ClOrdId = Guid.NewGuid().ToString() })|]);
                await pipeline.ExecuteAsync(async ct => await okx.PlaceOrderAsync(new OkxOrder("BTC-USDT", key)));
                await pipeline.ExecuteAsync(async ct => await [|okx.PlaceOrderAsync(new OkxOrder("BTC-USDT"))|]);
                await pipeline.ExecuteAsync(async ct => await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/orders") { Headers = { { "Idempotency-Key", key } } }, ct));
            }
        }
        namespace System.Runtime.CompilerServices { static class IsExternalInit { } }
        """);

    // ---- HttpClient resilience handlers ----

    internal const string ResilienceStubs = """

        namespace Microsoft.Extensions.DependencyInjection
        {
            public sealed class RetryOptions
            {
                public void DisableForUnsafeHttpMethods() { }
                public void DisableFor(params System.Net.Http.HttpMethod[] methods) { }
            }
            public sealed class StandardResilienceOptions { public RetryOptions Retry { get; } = new(); }
            public static class ResilienceStubs
            {
                public static IHttpClientBuilder AddStandardResilienceHandler(this IHttpClientBuilder builder, Action<StandardResilienceOptions>? configure = null) => builder;
            }
        }
        """;

    [Fact]
    public Task Reports_a_post_through_a_client_whose_handler_retries_posts() => Verify("""
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
                [|_http.PostAsJsonAsync("api/v3/order", new { symbol })|];

            public Task<HttpResponseMessage> PlaceWithKey(string symbol) =>
                _http.PostAsJsonAsync("api/v3/order", new OrderRequest { Symbol = symbol, ClientOrderId = Guid.NewGuid().ToString() });

            public Task<HttpResponseMessage> Quote(string symbol) => _http.PostAsJsonAsync("api/v3/quote", new { symbol });
        }
        """ + ResilienceStubs, messageContains: "by the HttpClient's resilience handler");

    [Fact]
    public Task Ignores_a_client_whose_handler_does_not_retry_unsafe_methods() => Verify("""
        using Microsoft.Extensions.DependencyInjection;
        static class Startup
        {
            public static void Configure(IServiceCollection services)
            {
                services.AddHttpClient<ExchangeClient>().AddStandardResilienceHandler(o => o.Retry.DisableForUnsafeHttpMethods());
                services.AddHttpClient<OtherClient>().AddStandardResilienceHandler(o => o.Retry.DisableFor(HttpMethod.Post));
            }
        }
        class ExchangeClient
        {
            private readonly HttpClient _http;
            public ExchangeClient(HttpClient http) => _http = http;
            public Task<HttpResponseMessage> Place(string symbol) => _http.PostAsJsonAsync("api/v3/order", new { symbol });
        }
        class OtherClient
        {
            private readonly HttpClient _http;
            public OtherClient(HttpClient http) => _http = http;
            public Task<HttpResponseMessage> Place(string symbol) => _http.PostAsJsonAsync("api/v3/order", new { symbol });
        }
        """ + ResilienceStubs);

    [Fact]
    public Task Reports_a_post_through_a_named_client_with_a_polly_handler() => Verify("""
        using Microsoft.Extensions.DependencyInjection;
        static class Startup
        {
            public static void Configure(IServiceCollection services) =>
                services.AddHttpClient("exchange").AddPolicyHandler(Policy.Handle<HttpRequestException>().OrResult<HttpResponseMessage>(r => false).RetryAsync(3));
        }
        static class PollyHandlerStubs
        {
            public static IHttpClientBuilder AddPolicyHandler(this IHttpClientBuilder builder, IAsyncPolicy<HttpResponseMessage> policy) => builder;
        }
        class Trader
        {
            private readonly IHttpClientFactory _factory;
            public Trader(IHttpClientFactory factory) => _factory = factory;

            public async Task<HttpResponseMessage> Buy(string symbol)
            {
                var http = _factory.CreateClient("exchange");
                return await [|http.PostAsJsonAsync("/api/v3/order", new { symbol, side = "BUY" })|];
            }
        }
        """);

    // ---- broken code ----

    [Fact]
    public Task Does_not_throw_on_broken_code() => Verifiers.AnalyzerVerifier<NonIdempotentRetryAnalyzer>.VerifyAsync(Code("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline, HttpClient http)
            {
                await pipeline.ExecuteAsync(async ct => await exchange.PlaceOrderAsync(new OrderRequest { ClientOrderId = }, ct));
                await pipeline.ExecuteAsync(async ct => await exchange.PlaceOrderAsync(new Missing { ClientOrderId = Guid.NewGuid() }, ct));
                await pipeline.ExecuteAsync(async ct => await exchange.SubmitOrderAsync(, ct));
                await pipeline.ExecuteAsync(async ct => await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, ), ct));
                await pipeline.ExecuteAsync(async ct => await http.PostAsync(UnknownUri, null, ct));
                await pipeline.ExecuteAsync(async ct => await undefined.PlaceOrderAsync(x => x.ClientOrderId = Guid.NewGuid()));
                for (;;) { try { await [|exchange.PlaceOrderAsync(null!)|]; break; } catch { } }
                while (true) try { await [|exchange.PlaceOrderAsync(new OrderRequest { ClientOrderId = id++ })|]; return; } catch { }
            }
        }
        """), allowCompilerErrors: true);
}
