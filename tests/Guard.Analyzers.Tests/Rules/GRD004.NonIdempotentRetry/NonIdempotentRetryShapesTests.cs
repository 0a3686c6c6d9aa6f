using System;
using System.Threading.Tasks;
using Guard.Analyzers.Rules.GRD004;
using static Guard.Analyzers.Tests.Rules.GRD004.NonIdempotentRetryTests;

namespace Guard.Analyzers.Tests.Rules.GRD004;

/// <summary>GRD004 in every shape a double order takes: names anywhere, hand-written retries, retrying handlers, resubmissions.</summary>
public class NonIdempotentRetryShapesTests
{
    private const string Sdk = """

        public interface IFunds
        {
            System.Threading.Tasks.Task WithdrawAsync(string asset, decimal amount, string address);
            System.Threading.Tasks.Task UniversalTransferAsync(string asset, decimal amount);
            System.Threading.Tasks.Task ClosePositionAsync(string symbol);
            System.Threading.Tasks.Task AddMarginAsync(string symbol, decimal amount);
            System.Threading.Tasks.Task<string> GetWithdrawHistoryAsync(string asset);
            System.Threading.Tasks.Task CancelWithdrawalAsync(string id);
            System.Threading.Tasks.Task PlaceTestOrderAsync(OrderRequest order);
        }

        public sealed class Broker
        {
            public System.Threading.Tasks.Task<OrderResult> OnPlaceOrderAsync(PlainOrder order) => System.Threading.Tasks.Task.FromResult(new OrderResult());
            public System.Threading.Tasks.Task<OrderResult> PlaceOrderInternal(PlainOrder order) => System.Threading.Tasks.Task.FromResult(new OrderResult());
            public System.Threading.Tasks.Task<OrderResult> MarketBuyAsync(string symbol, decimal quantity) => System.Threading.Tasks.Task.FromResult(new OrderResult());
        }

        public static class HttpHelpers
        {
            public static System.Threading.Tasks.Task<T?> PostAsync<T>(this System.Net.Http.HttpClient client, string requestUri, object body) => System.Threading.Tasks.Task.FromResult<T?>(default);
        }

        public sealed class RetryingHandler : System.Net.Http.DelegatingHandler
        {
            private readonly Polly.ResiliencePipeline _pipeline = new Polly.ResiliencePipelineBuilder().AddRetry(new Polly.Retry.RetryStrategyOptions()).Build();

            protected override System.Threading.Tasks.Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, System.Threading.CancellationToken cancellationToken) =>
                _pipeline.ExecuteAsync(async ct => await base.SendAsync(request, ct), cancellationToken).AsTask();
        }
        """;

    private static Task Verify(string body, string? editorConfig = null, string? messageContains = null) =>
        Verifiers.AnalyzerVerifier<NonIdempotentRetryAnalyzer>.VerifyAsync(Usings + body + Exchange + Sdk, editorConfig, false, Array.Empty<string>(), messageContains);

    // ---- what must not run twice, by name anywhere in the identifier ----

    [Fact]
    public Task Reports_order_methods_named_anywhere_in_the_identifier() => Verify("""
        class Bot
        {
            async Task M(Broker broker, PlainOrder order, ResiliencePipeline pipeline)
            {
                await pipeline.ExecuteAsync(async ct => await [|broker.OnPlaceOrderAsync(order)|]);
                await pipeline.ExecuteAsync(async ct => await [|broker.PlaceOrderInternal(order)|]);
                await pipeline.ExecuteAsync(async ct => await [|broker.MarketBuyAsync("BTCUSDT", 1m)|]);
            }
        }
        """);

    [Fact]
    public Task Reports_withdrawals_transfers_positions_and_margin() => Verify("""
        class Bot
        {
            async Task M(IFunds funds, ResiliencePipeline pipeline)
            {
                await pipeline.ExecuteAsync(async ct => await [|funds.WithdrawAsync("BTC", 0.1m, "bc1q")|]);
                await pipeline.ExecuteAsync(async ct => await [|funds.UniversalTransferAsync("USDT", 10m)|]);
                await pipeline.ExecuteAsync(async ct => await [|funds.ClosePositionAsync("BTCUSDT")|]);
                await pipeline.ExecuteAsync(async ct => await [|funds.AddMarginAsync("BTCUSDT", 5m)|]);
            }
        }
        """, messageContains: "a second time; create an idempotency key once");

    [Fact]
    public Task Does_not_report_reads_cancels_and_test_orders() => Verify("""
        class Bot
        {
            async Task M(IFunds funds, ResiliencePipeline pipeline)
            {
                await pipeline.ExecuteAsync(async ct => await funds.GetWithdrawHistoryAsync("BTC"));
                await pipeline.ExecuteAsync(async ct => await funds.CancelWithdrawalAsync("id"));
                await pipeline.ExecuteAsync(async ct => await funds.PlaceTestOrderAsync(new OrderRequest()));
            }
        }
        """);

    // ---- hand-written retries of every common form ----

    [Fact]
    public Task Reports_an_order_in_a_retry_loop_with_a_conditional_exit() => Verify("""
        class Bot
        {
            static bool ShouldRetry(OrderResult? result, Exception? error) => error != null;

            async Task M(IExchange exchange, PlainOrder order)
            {
                var retry = 0;
                while (true)
                {
                    OrderResult? result = null;
                    Exception? error = null;
                    try
                    {
                        result = await [|exchange.NewOrderAsync(order)|];
                    }
                    catch (Exception e)
                    {
                        error = e;
                    }
                    if (!ShouldRetry(result, error))
                        break;
                    retry += 1;
                    await Task.Delay(100 * retry);
                }
            }
        }
        """, messageContains: "in a retry loop");

    [Fact]
    public Task Reports_an_order_in_a_counted_loop_without_a_try() => Verify("""
        class Bot
        {
            async Task<HttpResponseMessage> M(HttpClient http)
            {
                var attempt = 0;
                while (true)
                {
                    var response = await [|http.PostAsJsonAsync("https://api.exchange.com/api/v3/order", new { symbol = "BTCUSDT" })|];
                    if (response.IsSuccessStatusCode)
                        return response;
                    if (++attempt >= 3)
                        throw new HttpRequestException("gave up");
                    await Task.Delay(200);
                }
            }
        }
        """);

    [Fact]
    public Task Reports_an_order_in_a_do_while_retry() => Verify("""
        class Bot
        {
            async Task M(HttpClient http)
            {
                var tries = 0;
                HttpResponseMessage response;
                do
                {
                    response = await [|http.PostAsJsonAsync("https://api.exchange.com/v1/orders", new { symbol = "BTCUSDT" })|];
                    await Task.Delay(100);
                }
                while (!response.IsSuccessStatusCode && tries++ < 3);
            }
        }
        """);

    [Fact]
    public Task Reports_an_order_retried_by_recursion_from_a_catch() => Verify("""
        class Bot
        {
            async Task<OrderResult> PlaceAsync(IExchange exchange, string symbol, int retries)
            {
                try
                {
                    return await [|exchange.PlaceOrderAsync(new OrderRequest { Symbol = symbol })|];
                }
                catch (HttpRequestException) when (retries > 0)
                {
                    return await PlaceAsync(exchange, symbol, retries - 1);
                }
            }
        }
        """, messageContains: "by 'PlaceAsync' calling itself again when an attempt fails");

    [Fact]
    public Task Does_not_report_a_batch_or_a_recursion_that_carries_the_key() => Verify("""
        class Bot
        {
            async Task Batch(IExchange exchange, PlainOrder[] orders)
            {
                for (var i = 0; i < orders.Length; i++)
                    await exchange.NewOrderAsync(orders[i]);
            }

            async Task<OrderResult> PlaceAsync(IExchange exchange, OrderRequest order, int retries)
            {
                try
                {
                    return await exchange.PlaceOrderAsync(order);
                }
                catch (HttpRequestException) when (retries > 0)
                {
                    return await PlaceAsync(exchange, order, retries - 1);
                }
            }
        }
        """);

    // ---- an order built in view, its key left unset ----

    [Fact]
    public Task Reports_an_order_built_before_the_retry_without_its_key() => Verify("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline)
            {
                var order = new OrderRequest { Symbol = "BTCUSDT", Quantity = 1m };
                await pipeline.ExecuteAsync(async ct => await [|exchange.PlaceOrderAsync(order, ct)|]);
            }
        }
        """);

    [Fact]
    public Task Does_not_report_an_order_built_before_the_retry_with_its_key() => Verify("""
        class Bot
        {
            async Task M(IExchange exchange, ResiliencePipeline pipeline)
            {
                var order = new OrderRequest { Symbol = "BTCUSDT", Quantity = 1m, ClientOrderId = Guid.NewGuid().ToString() };
                await pipeline.ExecuteAsync(async ct => await exchange.PlaceOrderAsync(order, ct));
                var stamped = new OrderRequest { Symbol = "ETHUSDT" };
                stamped.ClientOrderId = Guid.NewGuid().ToString();
                await pipeline.ExecuteAsync(async ct => await exchange.PlaceOrderAsync(stamped, ct));
            }
        }
        """);

    // ---- retrying handlers, posts through any method ----

    [Fact]
    public Task Reports_an_order_post_through_an_extension_on_a_client_with_a_retrying_handler() => Verify("""
        class Bot
        {
            private readonly HttpClient _http = new HttpClient(new RetryingHandler());

            async Task M() => await [|_http.PostAsync<OrderResult>("v2/orders", new PlainOrder { Symbol = "AAPL" })|];
        }
        """, messageContains: "by the HttpClient's resilience handler");

    [Fact]
    public Task Does_not_report_a_post_through_a_plain_client_or_with_a_key() => Verify("""
        class Bot
        {
            private readonly HttpClient _plain = new HttpClient();
            private readonly HttpClient _http = new HttpClient(new RetryingHandler());

            async Task M()
            {
                await _plain.PostAsync<OrderResult>("v2/orders", new PlainOrder { Symbol = "AAPL" });
                await _http.PostAsync<OrderResult>("v2/orders", new OrderRequest { Symbol = "AAPL", ClientOrderId = Guid.NewGuid().ToString() });
                await _http.PostAsync<OrderResult>("v2/watchlists", new PlainOrder { Symbol = "AAPL" });
            }
        }
        """);

    // ---- resubmission paths ----

    [Fact]
    public Task Reports_a_resubmission_that_builds_the_order_afresh() => Verify("""
        class Bot
        {
            private readonly System.Collections.Generic.List<OrderRequest> _failedOrders = new();

            async Task RetryFailedOrdersAsync(IExchange exchange)
            {
                foreach (var failed in _failedOrders)
                    await [|exchange.PlaceOrderAsync(new OrderRequest { Symbol = failed.Symbol, Quantity = failed.Quantity })|];
            }

            async Task Sweep(IExchange exchange, System.Collections.Generic.List<OrderRequest> missingOrders)
            {
                foreach (var missing in missingOrders)
                    await [|exchange.PlaceOrderAsync(new OrderRequest { Symbol = missing.Symbol, ClientOrderId = Guid.NewGuid().ToString() })|];
            }
        }
        """, messageContains: "as a resubmission in the loop over '");

    [Fact]
    public Task Does_not_report_a_resubmission_that_carries_the_original_key() => Verify("""
        class Bot
        {
            async Task ResubmitAsync(IExchange exchange, System.Collections.Generic.List<OrderRequest> failedOrders)
            {
                foreach (var failed in failedOrders)
                {
                    await exchange.PlaceOrderAsync(failed);
                    await exchange.PlaceOrderAsync(new OrderRequest { Symbol = failed.Symbol, ClientOrderId = failed.ClientOrderId });
                }
            }

            async Task Rebalance(IExchange exchange, System.Collections.Generic.List<OrderRequest> targets)
            {
                foreach (var target in targets)
                    await exchange.PlaceOrderAsync(new OrderRequest { Symbol = target.Symbol });
            }
        }
        """);
}
