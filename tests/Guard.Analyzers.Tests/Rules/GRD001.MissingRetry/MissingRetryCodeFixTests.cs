using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Guard.Analyzers.CodeFixes;
using Guard.Analyzers.CodeFixes.Rules.GRD001;
using Guard.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Fix = Guard.Analyzers.Tests.Verifiers.CodeFixVerifier<Guard.Analyzers.Rules.GRD001.MissingRetryAnalyzer, Guard.Analyzers.CodeFixes.Rules.GRD001.MissingRetryCodeFixProvider>;

namespace Guard.Analyzers.Tests.Rules.GRD001;

public class MissingRetryCodeFixTests
{
    /// <summary>The field the fix adds, as it reads after the fix (8 spaces of indentation: a type in a namespace).</summary>
    private static string Field(string name = "s_retryPipeline", string indent = "        ") => string.Join("\n", new[]
    {
        $"private static readonly ResiliencePipeline {name} = new ResiliencePipelineBuilder()",
        "    .AddTimeout(TimeSpan.FromSeconds(30))",
        "    .AddRetry(new RetryStrategyOptions",
        "    {",
        "        ShouldHandle = new PredicateBuilder()",
        "            .Handle<HttpRequestException>(e => e.StatusCode == null || (int)e.StatusCode >= 500 || (int)e.StatusCode == 408 || (int)e.StatusCode == 429)",
        "            .Handle<IOException>()",
        "            .Handle<TimeoutRejectedException>()",
        "            .Handle<OperationCanceledException>(e => e.InnerException is TimeoutException)",
        "            .HandleResult(r => r is HttpResponseMessage response && ((int)response.StatusCode >= 500 || (int)response.StatusCode == 408 || (int)response.StatusCode == 429)),",
        "        DelayGenerator = args =>",
        "        {",
        "            var response = args.Outcome.Result as HttpResponseMessage;",
        "            var retryAfter = response != null && ((int)response.StatusCode == 429 || (int)response.StatusCode == 503) ? response.Headers.RetryAfter : null;",
        "            if (retryAfter == null)",
        "                return new ValueTask<TimeSpan?>((TimeSpan?)null);",
        "            var wait = retryAfter.Delta ?? (retryAfter.Date.HasValue ? retryAfter.Date.Value - DateTimeOffset.UtcNow : TimeSpan.Zero);",
        "            var cap = TimeSpan.FromSeconds(20);",
        "            return new ValueTask<TimeSpan?>(wait < TimeSpan.Zero ? TimeSpan.Zero : wait > cap ? cap : wait);",
        "        },",
        "        OnRetry = args =>",
        "        {",
        "            (args.Outcome.Result as IDisposable)?.Dispose();",
        "            return default;",
        "        },",
        "        MaxRetryAttempts = 3,",
        "        BackoffType = DelayBackoffType.Exponential,",
        "        UseJitter = true,",
        "        Delay = TimeSpan.FromMilliseconds(1000),",
        "    })",
        "    .AddTimeout(TimeSpan.FromSeconds(10))",
        "    .Build();",
    }.Select(line => indent + line));

    [Fact]
    public Task Adds_a_retry_pipeline_field_and_runs_the_call_through_it() => Fix.VerifyFixAsync("""
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;

        namespace Bot
        {
            class MarketData
            {
                private readonly HttpClient _client = new HttpClient();

                public async Task<string> TickerAsync(string url, CancellationToken cancellationToken)
                {
                    return await [|_client.GetStringAsync(url, cancellationToken)|];
                }
            }
        }
        """, $$"""
        using System;
        using System.IO;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using Polly;
        using Polly.Retry;
        using Polly.Timeout;

        namespace Bot
        {
            class MarketData
            {
                private readonly HttpClient _client = new HttpClient();
        {{Field()}}

                public async Task<string> TickerAsync(string url, CancellationToken cancellationToken)
                {
                    return await s_retryPipeline.ExecuteAsync(async ct => await _client.GetStringAsync(url, ct), cancellationToken);
                }
            }
        }
        """);

    [Fact]
    public Task Adds_the_field_first_in_a_type_without_fields_and_keeps_existing_usings() => Fix.VerifyFixAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Polly;

        namespace Bot;

        public sealed class MarketData(HttpClient client)
        {
            public async Task<string> TickerAsync() => await [|client.GetStringAsync("https://api.example.com/ticker")|];
        }
        """, $$"""
        using System;
        using System.IO;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Polly;
        using Polly.Retry;
        using Polly.Timeout;

        namespace Bot;

        public sealed class MarketData(HttpClient client)
        {
        {{Field(indent: "    ")}}

            public async Task<string> TickerAsync() => await s_retryPipeline.ExecuteAsync(async ct => await client.GetStringAsync("https://api.example.com/ticker", ct));
        }
        """);

    [Fact]
    public Task Keeps_ConfigureAwait_on_both_awaits_and_appends_the_token_when_an_overload_takes_one() => Fix.VerifyFixAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Polly;
        using Polly.Retry;

        class C
        {
            async Task M(HttpClient client)
            {
                using var response = await [|client.GetAsync("https://a")|].ConfigureAwait(false);
            }
        }
        """, $$"""
        using System;
        using System.IO;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Polly;
        using Polly.Retry;
        using Polly.Timeout;

        class C
        {
        {{Field(indent: "    ")}}

            async Task M(HttpClient client)
            {
                using var response = await s_retryPipeline.ExecuteAsync(async ct => await client.GetAsync("https://a", ct).ConfigureAwait(false)).ConfigureAwait(false);
            }
        }
        """);

    [Fact]
    public Task Picks_a_lambda_parameter_name_that_shadows_nothing() => Fix.VerifyFixAsync("""
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using Polly;

        class C
        {
            async Task M(HttpClient client, CancellationToken ct)
            {
                var token = "abc";
                await [|client.PutAsync("https://a/" + token, new StringContent("x"), ct)|];
            }

            async Task N(ResiliencePipeline pipeline, HttpClient client, CancellationToken ct)
            {
                await [|client.GetAsync("https://a", ct)|];
            }
        }
        """, $$"""
        using System;
        using System.IO;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using Polly;
        using Polly.Retry;
        using Polly.Timeout;

        class C
        {
        {{Field(indent: "    ")}}

            async Task M(HttpClient client, CancellationToken ct)
            {
                var token = "abc";
                await s_retryPipeline.ExecuteAsync(async cancellationToken => await client.PutAsync("https://a/" + token, new StringContent("x"), cancellationToken), ct);
            }

            async Task N(ResiliencePipeline pipeline, HttpClient client, CancellationToken ct)
            {
                await pipeline.ExecuteAsync(async token => await client.GetAsync("https://a", token), ct);
            }
        }
        """);

    [Fact]
    public Task Reuses_the_one_pipeline_in_scope() => Fix.VerifyFixAsync("""
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using Polly;

        class C
        {
            private readonly ResiliencePipeline _pipeline;
            private static readonly ResiliencePipeline s_timeout = new ResiliencePipelineBuilder().AddTimeout(System.TimeSpan.FromSeconds(1)).Build();

            C(ResiliencePipeline pipeline) => _pipeline = pipeline;

            async Task<int[]?> M(Prices prices, string url) => await [|prices.FetchAsync(url)|];
        }
        static class PriceExtensions
        {
            public static Task<int[]?> FetchAsync(this Prices prices, string url, CancellationToken cancellationToken = default) => Task.FromResult<int[]?>(null);
        }
        class Prices { }
        """, """
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using Polly;

        class C
        {
            private readonly ResiliencePipeline _pipeline;
            private static readonly ResiliencePipeline s_timeout = new ResiliencePipelineBuilder().AddTimeout(System.TimeSpan.FromSeconds(1)).Build();

            C(ResiliencePipeline pipeline) => _pipeline = pipeline;

            async Task<int[]?> M(Prices prices, string url) => await _pipeline.ExecuteAsync(async ct => await prices.FetchAsync(url, ct));
        }
        static class PriceExtensions
        {
            public static Task<int[]?> FetchAsync(this Prices prices, string url, CancellationToken cancellationToken = default) => Task.FromResult<int[]?>(null);
        }
        class Prices { }
        """, editorConfig: "guard.outbound_methods = PriceExtensions.FetchAsync");

    [Fact]
    public Task Does_not_use_an_instance_pipeline_from_a_static_method() => Fix.VerifyFixAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Polly;
        using Polly.Retry;

        class C
        {
            private readonly ResiliencePipeline _pipeline = ResiliencePipeline.Empty;

            static async Task M(HttpClient client) => await [|client.DeleteAsync("https://a")|];
        }
        """, $$"""
        using System;
        using System.IO;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Polly;
        using Polly.Retry;
        using Polly.Timeout;

        class C
        {
            private readonly ResiliencePipeline _pipeline = ResiliencePipeline.Empty;
        {{Field(indent: "    ")}}

            static async Task M(HttpClient client) => await s_retryPipeline.ExecuteAsync(async ct => await client.DeleteAsync("https://a", ct));
        }
        """);

    [Fact]
    public Task Passes_the_token_to_an_optional_parameter_by_position_or_by_name() => Fix.VerifyFixAllAsync("""
        using System;
        using System.Net.Http;
        using System.Net.Http.Json;
        using System.Threading.Tasks;
        using Polly;
        using Polly.Retry;

        class C
        {
            private static readonly ResiliencePipeline s_retryPipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions()).Build();

            async Task M(HttpClient client)
            {
                var prices = await [|client.GetFromJsonAsync<decimal[]>("https://a/prices")|];
                await [|client.PutAsJsonAsync("https://a/watchlist", prices, options: null)|];
            }
        }
        """, """
        using System;
        using System.Net.Http;
        using System.Net.Http.Json;
        using System.Threading.Tasks;
        using Polly;
        using Polly.Retry;

        class C
        {
            private static readonly ResiliencePipeline s_retryPipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions()).Build();

            async Task M(HttpClient client)
            {
                var prices = await s_retryPipeline.ExecuteAsync(async ct => await client.GetFromJsonAsync<decimal[]>("https://a/prices", ct));
                await s_retryPipeline.ExecuteAsync(async ct => await client.PutAsJsonAsync("https://a/watchlist", prices, options: null, cancellationToken: ct));
            }
        }
        """);

    [Fact]
    public Task Wraps_a_user_listed_method_without_a_token() => Fix.VerifyFixAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Polly;
        using Polly.Retry;

        class Exchange { public Task<decimal> FetchQuote(string symbol) => Task.FromResult(1m); }
        class C
        {
            private static readonly ResiliencePipeline s_retryPipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions()).Build();

            async Task<decimal> M(Exchange exchange) => await [|exchange.FetchQuote("BTC")|];
        }
        """, """
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Polly;
        using Polly.Retry;

        class Exchange { public Task<decimal> FetchQuote(string symbol) => Task.FromResult(1m); }
        class C
        {
            private static readonly ResiliencePipeline s_retryPipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions()).Build();

            async Task<decimal> M(Exchange exchange) => await s_retryPipeline.ExecuteAsync(async ct => await exchange.FetchQuote("BTC"));
        }
        """, editorConfig: "guard.outbound_methods = Exchange.FetchQuote");

    // One at a time, the retry around PutAsync also covers the GetStringAsync inside it, which is then no longer
    // reported; FixAll fixes every call reported before.
    [Fact]
    public Task Fixes_every_call_of_a_document_with_one_field_per_type()
    {
        var fixedSource = $$"""
            using System;
            using System.Collections.Generic;
            using System.IO;
            using System.Net.Http;
            using System.Threading;
            using System.Threading.Tasks;
            using Polly;
            using Polly.Retry;
            using Polly.Timeout;

            class Quotes
            {
            {{Field(indent: "    ")}}

                async Task<string> A(HttpClient client, CancellationToken ct) => await s_retryPipeline.ExecuteAsync(async token => await client.GetStringAsync("https://a", token), ct);
                async Task B(HttpClient client) => await s_retryPipeline.ExecuteAsync(async ct => await client.PutAsync("https://a/watch", new StringContent(await s_retryPipeline.ExecuteAsync(async token => await client.GetStringAsync("https://b", token))), ct));
            }

            class Candles
            {
                private readonly HttpClient _client = new HttpClient();
            {{Field(indent: "    ")}}

                async Task<List<string>> C(IEnumerable<string> urls)
                {
                    var results = new List<string>();
                    foreach (var url in urls)
                        results.Add(await s_retryPipeline.ExecuteAsync(async ct => await _client.GetStringAsync(url, ct)));
                    return results;
                }
            }
            """;
        return Fix.VerifyFixAllAsync("""
            using System.Collections.Generic;
            using System.Net.Http;
            using System.Threading;
            using System.Threading.Tasks;

            class Quotes
            {
                async Task<string> A(HttpClient client, CancellationToken ct) => await [|client.GetStringAsync("https://a", ct)|];
                async Task B(HttpClient client) => await [|client.PutAsync("https://a/watch", new StringContent(await [|client.GetStringAsync("https://b")|]))|];
            }

            class Candles
            {
                private readonly HttpClient _client = new HttpClient();

                async Task<List<string>> C(IEnumerable<string> urls)
                {
                    var results = new List<string>();
                    foreach (var url in urls)
                        results.Add(await [|_client.GetStringAsync(url)|]);
                    return results;
                }
            }
            """, fixedSource,
            oneAtATimeMarkup: fixedSource.Replace(
                """new StringContent(await s_retryPipeline.ExecuteAsync(async token => await client.GetStringAsync("https://b", token)))""",
                """new StringContent(await client.GetStringAsync("https://b"))""", System.StringComparison.Ordinal));
    }

    [Fact]
    public Task Names_the_field_around_an_existing_member() => Fix.VerifyFixAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Polly;
        using Polly.Retry;

        class C
        {
            private static readonly string s_retryPipeline = "taken";

            async Task M(HttpClient client) => await [|client.GetAsync("https://a")|];
        }
        """, $$"""
        using System;
        using System.IO;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Polly;
        using Polly.Retry;
        using Polly.Timeout;

        class C
        {
            private static readonly string s_retryPipeline = "taken";
        {{Field("s_retryPipeline2", "    ")}}

            async Task M(HttpClient client) => await s_retryPipeline2.ExecuteAsync(async ct => await client.GetAsync("https://a", ct));
        }
        """);

    // ---- Where no fix is offered ----

    [Theory]
    [InlineData("await [|client.PostAsJsonAsync(\"https://api.exchange.com/api/v3/order\", new { Symbol = \"BTCUSDT\" })|];")]
    [InlineData("await [|client.PostAsync($\"{baseUrl}/orders?symbol=BTC\", new StringContent(\"x\"))|];")]
    [InlineData("await [|client.SendAsync(new HttpRequestMessage(HttpMethod.Post, baseUrl + \"/order/test\"))|];")]
    [InlineData("await [|exchange.PlaceOrderAsync(\"BTC\", 1m)|];")]
    [InlineData("await [|exchange.Submit(\"BTC\")|];")]
    public Task Offers_no_fix_for_a_non_idempotent_call(string statement) => Fix.VerifyNoFixAsync(Sources.Exchange + $$"""
        class C
        {
            async Task M(HttpClient client, Exchange exchange, string baseUrl)
            {
                {{statement}}
            }
        }
        """, editorConfig: "guard.outbound_methods = Exchange.PlaceOrderAsync, Exchange.Submit");

    [Fact]
    public Task Offers_no_fix_inside_an_order_placing_method() => Fix.VerifyNoFixAsync(Sources.Exchange + """
        class C
        {
            async Task SubmitOrderAsync(HttpClient client) => await [|client.PutAsync("https://a/x", new StringContent("x"))|];

            async Task PlaceOrdersAsync(HttpClient client, string[] legs) =>
                await Task.WhenAll(legs.Select(async leg => await [|client.PutAsync("https://a/" + leg, new StringContent("x"))|]));

            [Contoso.Reliability.NonIdempotent]
            async Task Rebalance(HttpClient client) => await [|client.PatchAsync("https://a/x", new StringContent("x"))|];
        }
        """);

    // "Must not be sent twice" has one definition (RetrySafety), shared with GRD004: a method the user declares
    // non-idempotent, in .editorconfig or with [NonIdempotent], is never wrapped in a retry, one at a time or by FixAll.
    [Fact]
    public Task Offers_no_fix_for_a_call_declared_non_idempotent_in_editorconfig() => Fix.VerifyNoFixAsync(Sources.Exchange + """
        class Desk
        {
            public Task Relay(string symbol) => Task.CompletedTask;
        }
        class C
        {
            async Task M(Desk desk)
            {
                await [|desk.Relay("BTC")|];
            }
        }
        """, editorConfig: "guard.outbound_methods = Desk.Relay\nguard.GRD004.non_idempotent_methods = Desk.Relay");

    [Fact]
    public Task FixAll_leaves_a_call_declared_non_idempotent_in_editorconfig() => Fix.VerifyFixAllAsync(Sources.Exchange + """
        class Desk
        {
            public Task Relay(string symbol) => Task.CompletedTask;
        }
        class C
        {
            private static readonly ResiliencePipeline s_retryPipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions()).Build();

            async Task M(Exchange exchange, Desk desk)
            {
                await [|exchange.CancelAllAsync("BTC")|];
                await [|desk.Relay("BTC")|];
            }
        }
        """, Sources.Exchange + """
        class Desk
        {
            public Task Relay(string symbol) => Task.CompletedTask;
        }
        class C
        {
            private static readonly ResiliencePipeline s_retryPipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions()).Build();

            async Task M(Exchange exchange, Desk desk)
            {
                await s_retryPipeline.ExecuteAsync(async ct => await exchange.CancelAllAsync("BTC"));
                await [|desk.Relay("BTC")|];
            }
        }
        """, editorConfig: "guard.outbound_methods = Exchange.CancelAllAsync, Desk.Relay\nguard.GRD004.non_idempotent_methods = Desk.Relay");

    [Fact]
    public Task FixAll_leaves_a_call_marked_NonIdempotent() => Fix.VerifyFixAllAsync(Sources.Exchange + """
        class C
        {
            private static readonly ResiliencePipeline s_retryPipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions()).Build();

            async Task M(Exchange exchange)
            {
                await [|exchange.CancelAllAsync("BTC")|];
                await [|exchange.Submit("BTC")|];
            }
        }
        """, Sources.Exchange + """
        class C
        {
            private static readonly ResiliencePipeline s_retryPipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions()).Build();

            async Task M(Exchange exchange)
            {
                await s_retryPipeline.ExecuteAsync(async ct => await exchange.CancelAllAsync("BTC"));
                await [|exchange.Submit("BTC")|];
            }
        }
        """, editorConfig: "guard.outbound_methods = Exchange.CancelAllAsync, Exchange.Submit");

    [Fact]
    public Task Offers_the_fix_for_a_cancel_by_name() => Fix.VerifyFixAsync(Sources.Exchange + """
        class C
        {
            private static readonly ResiliencePipeline s_retryPipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions()).Build();

            async Task M(Exchange exchange)
            {
                await [|exchange.CancelAllAsync("BTC")|];
            }
        }
        """, Sources.Exchange + """
        class C
        {
            private static readonly ResiliencePipeline s_retryPipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions()).Build();

            async Task M(Exchange exchange)
            {
                await s_retryPipeline.ExecuteAsync(async ct => await exchange.CancelAllAsync("BTC"));
            }
        }
        """, editorConfig: "guard.outbound_methods = Exchange.CancelAllAsync");

    [Theory]
    [InlineData("await [|client.SendAsync(request)|];")]
    [InlineData("await [|client.PostAsync(\"https://a\", new StreamContent(stream))|];")]
    [InlineData("await [|client.PostAsync(\"https://a\", content)|];")]
    [InlineData("var pending = [|client.GetStringAsync(\"https://a\")|]; await pending;")]
    [InlineData("[|client.Send(new HttpRequestMessage(HttpMethod.Get, \"https://a\"))|];")]
    [InlineData("await (client?[|.GetStringAsync(\"https://a\")|] ?? Task.FromResult(\"\"));")]
    [InlineData("await ([|client.GetStringAsync(\"https://a\")|]);")]
    public Task Offers_no_fix_where_the_rewrite_would_be_wrong(string statement) => Fix.VerifyNoFixAsync("""
        using System.IO;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Polly;

        class C
        {
            async Task M(HttpClient? client, HttpRequestMessage request, Stream stream, HttpContent content)
            {
        """ + statement + """

            }
        }
        """);

    [Fact]
    public Task Uses_a_pipeline_declared_in_top_level_statements() => Fix.VerifyFixAsync("""
        using System.Net.Http;
        using Polly;

        var pipeline = new ResiliencePipelineBuilder().AddRetry(new Polly.Retry.RetryStrategyOptions()).Build();
        var http = new HttpClient();
        var body = await [|http.GetStringAsync("https://api.example.com/v1/ticker")|];
        System.Console.WriteLine(body);
        """, """
        using System.Net.Http;
        using Polly;

        var pipeline = new ResiliencePipelineBuilder().AddRetry(new Polly.Retry.RetryStrategyOptions()).Build();
        var http = new HttpClient();
        var body = await pipeline.ExecuteAsync(async ct => await http.GetStringAsync("https://api.example.com/v1/ticker", ct));
        System.Console.WriteLine(body);
        """, outputKind: OutputKind.ConsoleApplication);

    /// <summary>The usings of a file of top-level statements after the pipeline fix, and the blank line after them.</summary>
    private const string TopLevelUsings = """
        using System;
        using System.IO;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Polly;
        using Polly.Retry;
        using Polly.Timeout;

        """;

    // The statements' class is the compiler's partial Program: the field goes in a part of it added to the file.
    [Fact]
    public Task Adds_the_pipeline_field_to_the_entry_point_class_in_top_level_statements() => Fix.VerifyFixAsync("""
        using System.Net.Http;

        var http = new HttpClient();
        var body = await [|http.GetStringAsync("https://api.example.com/v1/ticker")|];
        System.Console.WriteLine(body);
        """, $$"""
        {{TopLevelUsings}}
        var http = new HttpClient();
        var body = await s_retryPipeline.ExecuteAsync(async ct => await http.GetStringAsync("https://api.example.com/v1/ticker", ct));
        System.Console.WriteLine(body);

        partial class Program
        {
        {{Field(indent: "    ")}}
        }

        """, outputKind: OutputKind.ConsoleApplication);

    // A part of Program already in the file (the user's, as for WebApplicationFactory<Program>, or one an earlier fix
    // added) takes the field, under a name free in the whole class.
    [Fact]
    public Task Names_the_top_level_field_apart_from_the_members_of_a_partial_Program_in_source() => Fix.VerifyFixAsync("""
        using System.Net.Http;

        var http = new HttpClient();
        System.Console.WriteLine(await [|http.GetStringAsync("https://api.example.com/v1/ticker")|]);

        public partial class Program
        {
            private static readonly int s_retryPipeline = 1;
        }
        """, $$"""
        {{TopLevelUsings}}
        var http = new HttpClient();
        System.Console.WriteLine(await s_retryPipeline2.ExecuteAsync(async ct => await http.GetStringAsync("https://api.example.com/v1/ticker", ct)));

        public partial class Program
        {
            private static readonly int s_retryPipeline = 1;
        {{Field("s_retryPipeline2", "    ")}}
        }
        """, outputKind: OutputKind.ConsoleApplication);

    // A part added after the last member would land inside the #if region that ends the file.
    [Fact]
    public Task Offers_no_pipeline_field_in_top_level_statements_when_the_file_ends_in_a_conditional_region() => Fix.VerifyNoFixAsync("""
        using System.Net.Http;

        var http = new HttpClient();
        System.Console.WriteLine(await [|http.GetStringAsync("https://api.example.com/v1/ticker")|]);

        #if !NEVER
        partial class Program
        {
        }
        #endif
        """, outputKind: OutputKind.ConsoleApplication);

    // Fix All in a file of top-level statements, a call in a local function among them: one part, one field.
    [Fact]
    public Task Fixes_all_top_level_calls_with_one_field() => Fix.VerifyFixAllAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;

        var http = new HttpClient();
        System.Console.WriteLine(await [|http.GetStringAsync("https://api.example.com/a")|]);
        System.Console.WriteLine(await Ticker());

        async Task<string> Ticker() => await [|http.GetStringAsync("https://api.example.com/b")|];

        """, $$"""
        {{TopLevelUsings}}
        var http = new HttpClient();
        System.Console.WriteLine(await s_retryPipeline.ExecuteAsync(async ct => await http.GetStringAsync("https://api.example.com/a", ct)));
        System.Console.WriteLine(await Ticker());

        async Task<string> Ticker() => await s_retryPipeline.ExecuteAsync(async ct => await http.GetStringAsync("https://api.example.com/b", ct));

        partial class Program
        {
        {{Field(indent: "    ")}}
        }

        """, outputKind: OutputKind.ConsoleApplication);

    [Fact]
    public async Task Offers_no_fix_without_Polly()
    {
        var source = """
            using System.Net.Http;
            using System.Threading.Tasks;
            class C
            {
                async Task M(HttpClient client) => await client.GetAsync("https://a");
            }
            """;
        var project = TestWorkspace.CreateProject(source);
        project = project.WithMetadataReferences(project.MetadataReferences.Where(r => !(r.Display ?? "").Contains("Polly", System.StringComparison.Ordinal)));
        var diagnostic = Assert.Single(await Fix.AnalyzerDiagnosticsAsync(project));
        Assert.Empty(await Fix.OfferedActionsAsync(project.Documents.Single(), diagnostic));
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    public async Task Keeps_the_line_breaks_of_the_document(string newLine)
    {
        var source = string.Join(newLine, new[]
        {
            "using System.Collections.Generic;",
            "using System.Net.Http;",
            "using System.Threading.Tasks;",
            "class C",
            "{",
            "    async Task M(HttpClient client) => await client.GetAsync(\"https://a\");",
            "}",
            "",
        });
        var fixedText = await Fix.ApplyOnlyFixAsync(TestWorkspace.CreateProject(source));
        Assert.Contains("s_retryPipeline", fixedText, System.StringComparison.Ordinal);
        var lines = fixedText.Split('\n');
        Assert.All(lines.Take(lines.Length - 1), line => Assert.Equal(newLine == "\r\n", line.EndsWith('\r')));
    }

    [Fact]
    public async Task Does_not_throw_on_broken_code()
    {
        var project = TestWorkspace.CreateProject("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Net.Http;
            using System.Threading;
            using System.Threading.Tasks;
            class C
            {
                async Task M(HttpClient client, CancellationToken ct)
                {
                    var a = await client.GetAsync("https://a", ct)
                    var b = await client.GetStringAsync("https://a", undefined);
                    await client.PostAsync("https://a", , ct);
                    await missing.ExecuteAsync(async t => await client.GetAsync("https://a", t));
                }
            """);
        var diagnostics = await Fix.AnalyzerDiagnosticsAsync(project);
        Assert.NotEmpty(diagnostics);
        var document = project.Documents.Single();
        foreach (var diagnostic in diagnostics)
        {
            foreach (var action in await Fix.OfferedActionsAsync(document, diagnostic))
                Assert.NotEmpty(await action.GetOperationsAsync(CancellationToken.None));
        }
    }

    [Fact]
    public void Offers_FixAll_and_fixes_GRD001_only()
    {
        var provider = new MissingRetryCodeFixProvider();
        Assert.Equal(new[] { "GRD001" }, provider.FixableDiagnosticIds);
        Assert.NotNull(provider.GetFixAllProvider());
    }

    private static class Sources
    {
        public const string Exchange = """
            using System;
            using System.Linq;
            using System.Net.Http;
            using System.Net.Http.Json;
            using System.Threading.Tasks;
            using Polly;
            using Polly.Retry;

            class Exchange
            {
                public Task PlaceOrderAsync(string symbol, decimal quantity) => Task.CompletedTask;
                [Contoso.Reliability.NonIdempotent] public Task Submit(string symbol) => Task.CompletedTask;
                public Task CancelAllAsync(string symbol) => Task.CompletedTask;
            }
            namespace Contoso.Reliability
            {
                public sealed class NonIdempotentAttribute : Attribute { }
            }

            """;
    }
}
