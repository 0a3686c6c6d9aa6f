using System.Collections.Immutable;
using System.Threading.Tasks;
using Guard.Analyzers.Rules.GRD003;
using Guard.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Verify = Guard.Analyzers.Tests.Verifiers.AnalyzerVerifier<Guard.Analyzers.Rules.GRD003.UnthrottledCallsAnalyzer>;

namespace Guard.Analyzers.Tests.Rules.GRD003;

public class UnthrottledCallsTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Net.Http;
        using System.Net.Http.Json;
        using System.Threading;
        using System.Threading.RateLimiting;
        using System.Threading.Tasks;
        using Polly;

        """;

    private static Task VerifyInMethod(string body, string? editorConfig = null) => Verify.VerifyAsync(Usings + $$"""
        class C
        {
            async Task M(HttpClient client, List<string> urls, CancellationToken ct)
            {
                {{body}}
            }
        }
        """, editorConfig);

    // ---- Loops ----

    [Theory]
    [InlineData("foreach (var url in urls) { await [|client.GetAsync(url, ct)|]; }")]
    [InlineData("foreach (var url in urls) await [|client.GetStringAsync(url)|];")]
    [InlineData("for (var i = 0; i < urls.Count; i++) { await [|client.GetAsync(urls[i])|]; }")]
    [InlineData("var i = 0; while (i < urls.Count) { await [|client.PostAsync(urls[i++], null)|]; }")]
    [InlineData("var j = 0; do { await [|client.DeleteAsync(urls[j])|]; } while (++j < urls.Count);")]
    [InlineData("while (!ct.IsCancellationRequested) { var price = await [|client.GetFromJsonAsync<decimal>(\"https://api/ticker\")|]; }")]
    [InlineData("while ((await [|client.GetStringAsync(\"https://api/status\")|]) != \"done\") { }")]
    [InlineData("await foreach (var url in Urls()) { await [|client.GetAsync(url)|]; }")]
    [InlineData("foreach (var url in urls) { _ = [|client.GetAsync(url)|]; }")]
    [InlineData("urls.ForEach(url => [|client.GetAsync(url)|].Wait());")]
    [InlineData("foreach (var url in urls) await Task.Run(() => [|client.GetAsync(url)|]);")]
    [InlineData("foreach (var url in urls) await Task.Run(() => [|client.GetAsync(url)|]).ConfigureAwait(false);")]
    public Task Reports_a_call_repeated_in_a_loop(string body) => Verify.VerifyAsync(Usings + $$"""
        class C
        {
            async Task M(HttpClient client, List<string> urls, CancellationToken ct)
            {
                {{body}}
            }
            static async IAsyncEnumerable<string> Urls() { yield return "https://a"; await Task.Yield(); }
        }
        """, null, false, System.Array.Empty<string>(), messageContains: "is called in a loop with no throttle");

    [Fact]
    public Task Reports_a_user_listed_outbound_method_in_a_loop() => Verify.VerifyAsync(Usings + """
        class Exchange { public Task<decimal> GetPriceAsync(string symbol) => Task.FromResult(1m); }
        class C
        {
            async Task M(Exchange exchange, List<string> symbols)
            {
                foreach (var symbol in symbols)
                    await [|exchange.GetPriceAsync(symbol)|];
            }
        }
        """, editorConfig: "guard.GRD003.outbound_methods = Exchange.GetPriceAsync");

    [Fact]
    public Task Does_not_report_a_call_made_once_before_or_after_a_loop() => VerifyInMethod("""
        foreach (var item in await client.GetFromJsonAsync<int[]>("https://api/items") ?? Array.Empty<int>()) { Console.WriteLine(item); }
        for (var response = await client.GetAsync("https://api/first"); response.IsSuccessStatusCode; ) { break; }
        await client.GetAsync("https://api/after");
        """);

    // ---- Fan-outs ----

    [Theory]
    [InlineData("await Task.WhenAll(urls.Select(url => [|client.GetStringAsync(url)|]));")]
    [InlineData("await Task.WhenAll(urls.Select(async url => await [|client.GetStringAsync(url, ct)|]).ToList());")]
    [InlineData("var tasks = urls.Select(url => [|client.GetAsync(url)|]); await Task.WhenAll(tasks);")]
    [InlineData("var tasks = urls.Select(url => [|client.GetAsync(url)|]).ToArray(); var first = await Task.WhenAny(tasks);")]
    [InlineData("var query = from url in urls select [|client.GetStringAsync(url)|]; await Task.WhenAll(query);")]
    [InlineData("Parallel.ForEach(urls, url => [|client.Send(new HttpRequestMessage(HttpMethod.Get, url))|]);")]
    [InlineData("await Parallel.ForEachAsync(urls, async (url, token) => await [|client.GetAsync(url, token)|]);")]
    [InlineData("await Parallel.ForEachAsync(urls, new ParallelOptions { CancellationToken = ct }, async (url, token) => await [|client.GetAsync(url, token)|]);")]
    [InlineData("await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = -1 }, async (url, token) => await [|client.GetAsync(url, token)|]);")]
    [InlineData("Parallel.For(0, urls.Count, i => [|client.GetStringAsync(urls[i])|].Wait());")]
    [InlineData("var tasks = new List<Task>(); foreach (var url in urls) tasks.Add(Task.Run(() => [|client.GetAsync(url)|])); await Task.WhenAll(tasks);")]
    [InlineData("for (var i = 0; i < urls.Count; i++) { var url = urls[i]; _ = Task.Factory.StartNew(() => [|client.GetStringAsync(url)|]); }")]
    public Task Reports_a_call_in_a_parallel_fan_out(string body) => Verify.VerifyAsync(Usings + $$"""
        class C
        {
            async Task M(HttpClient client, List<string> urls, CancellationToken ct)
            {
                {{body}}
            }
        }
        """, null, false, System.Array.Empty<string>(), messageContains: "is called in a parallel fan-out with no throttle");

    [Fact]
    public Task Reports_a_fan_out_inside_a_loop_once() => VerifyInMethod("""
        foreach (var batch in urls.Chunk(10))
            await Task.WhenAll(batch.Select(url => [|client.GetStringAsync(url)|]));
        """);

    [Theory]
    [InlineData("var first = urls.Select(url => client.GetStringAsync(url)).First(); await first;")]
    [InlineData("var handlers = new Dictionary<string, Func<Task>>(); foreach (var url in urls) handlers[url] = () => client.GetAsync(url);")]
    [InlineData("foreach (var url in urls) { async Task Later() => await client.GetAsync(url); }")]
    [InlineData("await Task.Run(() => client.GetAsync(\"https://a\"));")]
    [InlineData("foreach (var url in urls) { Register(() => client.GetAsync(url)); }")]
    public Task Does_not_report_a_lambda_that_is_not_run_per_item(string body) => Verify.VerifyAsync(Usings + $$"""
        class C
        {
            async Task M(HttpClient client, List<string> urls, CancellationToken ct)
            {
                {{body}}
            }
            static void Register(Func<Task> callback) { }
        }
        """);

    // ---- Throttles ----

    [Theory]
    [InlineData("foreach (var url in urls) { using var lease = await s_limiter.AcquireAsync(1, ct); await client.GetAsync(url, ct); }")]
    [InlineData("foreach (var url in urls) { using var lease = s_limiter.AttemptAcquire(); if (lease.IsAcquired) await client.GetAsync(url, ct); }")]
    [InlineData("foreach (var url in urls) { using var lease = await s_partitioned.AcquireAsync(url, 1, ct); await client.GetAsync(url, ct); }")]
    [InlineData("foreach (var url in urls) { await client.GetAsync(url, ct); await Task.Delay(100, ct); }")]
    [InlineData("foreach (var url in urls) { client.Send(new HttpRequestMessage(HttpMethod.Get, url)); Thread.Sleep(100); }")]
    [InlineData("using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1)); while (await timer.WaitForNextTickAsync(ct)) { await client.GetAsync(\"https://a\", ct); }")]
    [InlineData("await Task.WhenAll(urls.Select(async url => { await s_gate.WaitAsync(ct); try { return await client.GetStringAsync(url, ct); } finally { s_gate.Release(); } }));")]
    [InlineData("var tasks = new List<Task>(); foreach (var url in urls) { await s_gate.WaitAsync(ct); tasks.Add(Task.Run(async () => { try { await client.GetAsync(url); } finally { s_gate.Release(); } })); }")]
    [InlineData("foreach (var batch in urls.Chunk(5)) { await Task.WhenAll(batch.Select(url => client.GetStringAsync(url))); await Task.Delay(1000, ct); }")]
    [InlineData("foreach (var url in urls) { await s_gate.WaitAsync(ct); try { foreach (var page in new[] { 1, 2, 3, 4, 5 }) await client.GetAsync(url + page); } finally { s_gate.Release(); } }")]
    public Task Does_not_report_a_throttled_loop_or_fan_out(string body) => Verify.VerifyAsync(Usings + $$"""
        class C
        {
            private static readonly RateLimiter s_limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions { TokenLimit = 10, TokensPerPeriod = 10, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 100 });
            private static readonly PartitionedRateLimiter<string> s_partitioned = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetNoLimiter(key));
            private static readonly SemaphoreSlim s_gate = new SemaphoreSlim(4);

            async Task M(HttpClient client, List<string> urls, CancellationToken ct)
            {
                {{body}}
            }
        }
        """);

    [Theory]
    [InlineData("await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (url, token) => await client.GetAsync(url, token));")]
    [InlineData("var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }; await Parallel.ForEachAsync(urls, options, async (url, token) => await client.GetAsync(url, token));")]
    [InlineData("var options = new ParallelOptions(); options.MaxDegreeOfParallelism = 2; Parallel.ForEach(urls, options, url => client.GetStringAsync(url).Wait());")]
    [InlineData("await Parallel.ForEachAsync(urls, configured, async (url, token) => await client.GetAsync(url, token));")]
    public Task Treats_MaxDegreeOfParallelism_as_a_bound(string body) => Verify.VerifyAsync(Usings + $$"""
        class C
        {
            async Task M(HttpClient client, List<string> urls, ParallelOptions configured)
            {
                {{body}}
            }
        }
        """);

    [Fact]
    public Task Reports_a_loop_inside_a_bounded_fan_out() => Verify.VerifyAsync(Usings + """
        class C
        {
            async Task M(HttpClient client, List<string> urls)
            {
                await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (url, token) =>
                {
                    foreach (var page in Enumerable.Range(1, 20))
                        await [|client.GetAsync(url + page, token)|];
                });
            }
        }
        """);

    [Fact]
    public Task Does_not_report_calls_through_a_pipeline_with_a_rate_limiter() => Verify.VerifyAsync(Usings + """
        class C
        {
            private static readonly ResiliencePipeline s_limited = new ResiliencePipelineBuilder()
                .AddRetry(new Polly.Retry.RetryStrategyOptions())
                .AddRateLimiter(new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions { PermitLimit = 10, Window = TimeSpan.FromSeconds(1), SegmentsPerWindow = 2 }))
                .Build();
            private static readonly ResiliencePipeline s_retryOnly = new ResiliencePipelineBuilder().AddRetry(new Polly.Retry.RetryStrategyOptions()).Build();

            async Task M(HttpClient client, List<string> urls, CancellationToken token)
            {
                foreach (var url in urls)
                    await s_limited.ExecuteAsync(async ct => await client.GetAsync(url, ct), token);
                foreach (var url in urls)
                    await s_retryOnly.ExecuteAsync(async ct => await [|client.GetAsync(url, ct)|], token);
            }
        }
        """, null, false, TestStubs.RateLimiterStrategy);

    [Fact]
    public Task Does_not_report_calls_through_a_v7_rate_limit_or_bulkhead_policy() => Verify.VerifyAsync(Usings + """
        class C
        {
            private static readonly IAsyncPolicy s_rate = Policy.RateLimitAsync(10, TimeSpan.FromSeconds(1));
            private static readonly IAsyncPolicy s_bulkhead = Policy.BulkheadAsync(4, int.MaxValue);
            private static readonly IAsyncPolicy s_timeout = Policy.TimeoutAsync(2);

            async Task M(HttpClient client, List<string> urls)
            {
                foreach (var url in urls)
                    await s_rate.ExecuteAsync(() => client.GetAsync(url));
                await Task.WhenAll(urls.Select(url => s_bulkhead.ExecuteAsync(() => client.GetAsync(url))));
                foreach (var url in urls)
                    await s_timeout.ExecuteAsync(() => [|client.GetAsync(url)|]);
            }
        }
        """);

    [Fact]
    public Task Treats_an_unknown_pipeline_as_throttled_when_the_project_builds_limiters() => Verify.VerifyAsync(Usings + """
        class C
        {
            private readonly ResiliencePipeline _injected;
            C(ResiliencePipeline injected) => _injected = injected;

            async Task M(HttpClient client, List<string> urls, CancellationToken token)
            {
                foreach (var url in urls)
                    await _injected.ExecuteAsync(async ct => await client.GetAsync(url, ct), token);
            }
        }
        """, null, false, TestStubs.RateLimiterStrategy, """
        using Polly;
        static class Pipelines
        {
            public static ResiliencePipeline Create() =>
                new ResiliencePipelineBuilder().AddConcurrencyLimiter(10).Build();
        }
        """);

    [Fact]
    public Task Reports_an_unknown_pipeline_when_the_project_builds_no_limiter() => Verify.VerifyAsync(Usings + """
        class C
        {
            private readonly ResiliencePipeline _injected;
            C(ResiliencePipeline injected) => _injected = injected;

            async Task M(HttpClient client, List<string> urls, CancellationToken token)
            {
                foreach (var url in urls)
                    await _injected.ExecuteAsync(async ct => await [|client.GetAsync(url, ct)|], token);
            }
        }
        """);

    [Theory]
    [InlineData("guard.throttle_methods = Pacer.WaitTurnAsync")]
    [InlineData("guard.GRD003.throttle_methods = WaitTurnAsync")]
    public Task Honours_the_throttle_methods_option(string option) => Verify.VerifyAsync(Usings + """
        class Pacer
        {
            public Task WaitTurnAsync(CancellationToken ct) => Task.CompletedTask;
            public Task<T> RunAsync<T>(Func<Task<T>> call) => call();
        }
        class C
        {
            async Task M(HttpClient client, List<string> urls, Pacer pacer, CancellationToken ct)
            {
                foreach (var url in urls)
                {
                    await pacer.WaitTurnAsync(ct);
                    await client.GetAsync(url, ct);
                }
            }
        }
        """, editorConfig: option);

    [Fact]
    public Task Treats_a_lambda_passed_to_a_listed_throttle_method_as_throttled() => Verify.VerifyAsync(Usings + """
        class Pacer
        {
            public Task<T> RunAsync<T>(Func<Task<T>> call) => call();
        }
        class C
        {
            async Task M(HttpClient client, List<string> urls, Pacer pacer)
            {
                foreach (var url in urls)
                    await pacer.RunAsync(() => client.GetStringAsync(url));
                await Task.WhenAll(urls.Select(url => pacer.RunAsync(() => client.GetStringAsync(url))));
            }
        }
        """, editorConfig: "guard.throttle_methods = Pacer.RunAsync");

    [Fact]
    public Task Does_not_report_a_client_registered_with_a_limiter() => Verify.VerifyAsync(Usings + """
        using Microsoft.Extensions.DependencyInjection;
        class RateLimitingHandler : DelegatingHandler { }
        class QuoteClient
        {
            private readonly HttpClient _http;
            public QuoteClient(HttpClient http) => _http = http;
            public async Task M(List<string> symbols)
            {
                foreach (var symbol in symbols)
                    await _http.GetAsync(symbol);
            }
        }
        class OrderClient
        {
            private readonly HttpClient _http;
            public OrderClient(HttpClient http) => _http = http;
            public async Task M(List<string> symbols)
            {
                foreach (var symbol in symbols)
                    await [|_http.GetAsync(symbol)|];
            }
        }
        class Service
        {
            public async Task M(IHttpClientFactory factory, List<string> symbols)
            {
                var client = factory.CreateClient("market");
                foreach (var symbol in symbols)
                    await client.GetAsync(symbol);
            }
        }
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddHttpClient<QuoteClient>().AddHttpMessageHandler<RateLimitingHandler>();
                services.AddHttpClient<OrderClient>().AddStandardResilienceHandler();
                services.AddHttpClient("market").AddResilienceHandler("market", b => b.AddRateLimiter(new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 4, QueueLimit = 100 })));
            }
        }
        """, null, false, TestStubs.Registrations);

    // ---- Retry is not a throttle, and a retry loop is not a fan-out ----

    [Fact]
    public Task Reports_a_retried_call_in_a_loop() => Verify.VerifyAsync(Usings + """
        class C
        {
            private static readonly ResiliencePipeline s_retry = new ResiliencePipelineBuilder().AddRetry(new Polly.Retry.RetryStrategyOptions()).Build();

            async Task M(HttpClient client, List<string> urls, CancellationToken token)
            {
                foreach (var url in urls)
                    await s_retry.ExecuteAsync(async ct => await [|client.GetAsync(url, ct)|], token);
            }
        }
        """);

    [Fact]
    public Task Does_not_report_a_hand_written_retry_loop_but_reports_the_loop_around_it() => Verify.VerifyAsync(Usings + """
        class C
        {
            async Task<string> Once(HttpClient client, CancellationToken ct)
            {
                for (var attempt = 1; ; attempt++)
                {
                    try { return await client.GetStringAsync("https://a", ct); }
                    catch (HttpRequestException) when (attempt < 3) { }
                }
            }

            async Task Each(HttpClient client, List<string> urls, CancellationToken ct)
            {
                foreach (var url in urls)
                {
                    for (var attempt = 1; ; attempt++)
                    {
                        try { await [|client.GetStringAsync(url, ct)|]; break; }
                        catch (HttpRequestException) when (attempt < 3) { }
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Does_not_report_a_failover_loop_over_endpoints() => Verify.VerifyAsync(Usings + """
        class C
        {
            async Task<string> M(HttpClient client, List<string> mirrors, CancellationToken ct)
            {
                foreach (var mirror in mirrors)
                {
                    try
                    {
                        return await client.GetStringAsync(mirror, ct);
                    }
                    catch (HttpRequestException)
                    {
                    }
                }
                throw new InvalidOperationException("every mirror failed");
            }
        }
        """);

    [Fact]
    public Task Reports_a_polling_loop_that_leaves_only_when_the_answer_says_so() => Verify.VerifyAsync(Usings + """
        class C
        {
            async Task M(HttpClient client, string orderUrl, CancellationToken ct)
            {
                while (true)
                {
                    try
                    {
                        var status = await [|client.GetStringAsync(orderUrl, ct)|];
                        if (status == "FILLED")
                            return;
                    }
                    catch (HttpRequestException)
                    {
                    }
                }
            }
        }
        """);

    // ---- Small constant loops ----

    [Theory]
    [InlineData("for (var i = 0; i < 3; i++) await client.GetAsync(urls[i]);")]
    [InlineData("for (var i = 1; i <= 2; i++) await client.GetAsync(urls[i]);")]
    [InlineData("for (var i = 3; i > 0; i--) await client.GetAsync(urls[i]);")]
    [InlineData("foreach (var url in new[] { \"https://a\", \"https://b\" }) await client.GetAsync(url);")]
    [InlineData("foreach (var url in new string[] { \"https://a\", \"https://b\", \"https://c\" }) await client.GetAsync(url);")]
    [InlineData("foreach (var url in (string[])[\"https://a\", \"https://b\"]) await client.GetAsync(url);")]
    [InlineData("foreach (var url in s_mirrors) await client.GetAsync(url);")]
    [InlineData("await Task.WhenAll(Enumerable.Range(0, 3).Select(i => client.GetAsync(urls[i])));")]
    [InlineData("await Task.WhenAll(s_mirrors.Select(url => client.GetAsync(url)));")]
    [InlineData("Parallel.For(0, 2, i => client.GetStringAsync(urls[i]).Wait());")]
    public Task Does_not_report_a_loop_with_a_small_constant_bound(string body) => Verify.VerifyAsync(Usings + $$"""
        class C
        {
            private static readonly string[] s_mirrors = { "https://a", "https://b" };

            async Task M(HttpClient client, List<string> urls)
            {
                {{body}}
            }
        }
        """);

    [Theory]
    [InlineData("for (var i = 0; i < 4; i++) await [|client.GetAsync(urls[i])|];")]
    [InlineData("for (var i = 0; i < 3; i++) { await [|client.GetAsync(urls[i])|]; i--; }")]
    [InlineData("foreach (var url in s_mutable) await [|client.GetAsync(url)|];")]
    [InlineData("foreach (var symbol in urls) for (var i = 0; i < 2; i++) await [|client.GetAsync(symbol + i)|];")]
    public Task Reports_a_loop_whose_bound_is_not_small_and_constant(string body) => Verify.VerifyAsync(Usings + $$"""
        class C
        {
            private static string[] s_mutable = { "https://a", "https://b" };

            // Reassigned: its length is not known where the loop runs.
            void Reload(string[] urls) => s_mutable = urls;

            async Task M(HttpClient client, List<string> urls)
            {
                {{body}}
            }
        }
        """);

    [Fact]
    public Task Honours_the_max_constant_iterations_option() => VerifyInMethod("""
        for (var i = 0; i < 10; i++) await client.GetAsync(urls[i]);
        for (var i = 0; i < 11; i++) await [|client.GetAsync(urls[i])|];
        """, editorConfig: "guard.GRD003.max_constant_iterations = 10");

    // ---- Where the rule stays silent ----

    [Fact]
    public async Task Does_not_analyze_a_test_project()
    {
        var project = TestWorkspace.CreateProject(Usings + """
            class C
            {
                async Task M(HttpClient client, List<string> urls) { foreach (var url in urls) await client.GetAsync(url); }
            }
            """).AddMetadataReference(MetadataReference.CreateFromFile(typeof(FactAttribute).Assembly.Location));
        var diagnostics = await TestWorkspace.GetAnalyzerDiagnosticsAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(new UnthrottledCallsAnalyzer()));
        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task Points_at_the_loop_as_an_additional_location()
    {
        var source = Usings + """
            class C
            {
                async Task M(HttpClient client, List<string> urls) { foreach (var url in urls) await client.GetAsync(url); }
            }
            """;
        var project = TestWorkspace.CreateProject(source);
        var diagnostics = await TestWorkspace.GetAnalyzerDiagnosticsAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(new UnthrottledCallsAnalyzer()));
        var diagnostic = Assert.Single(diagnostics);
        var loop = Assert.Single(diagnostic.AdditionalLocations);
        Assert.StartsWith("foreach (var url in urls)", source.Substring(loop.SourceSpan.Start), System.StringComparison.Ordinal);
        Assert.Equal("Loop", diagnostic.Properties[UnthrottledCallsAnalyzer.KindProperty]);
    }

    // ---- Broken and partial code ----

    [Theory]
    [InlineData("foreach (var url in urls) await [|client.GetAsync(url)|]")]
    [InlineData("foreach (var url in ) await client.GetAsync(url);")]
    [InlineData("foreach (var url in urls) await client.GetAsync(")]
    [InlineData("for (var i = 0; i < ; i++) await [|client.GetAsync(urls[i])|];")]
    [InlineData("for (var i = 0; i < 2; i += Missing) await [|client.GetAsync(urls[i])|];")]
    [InlineData("await Task.WhenAll(urls.Select(url => client.GetAsync(url, undefined)));")]
    [InlineData("await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = }, async (url, token) => await client.GetAsync(url, token));")]
    [InlineData("await Parallel.ForEachAsync(urls, missingOptions, async (url, token) => await client.GetAsync(url, token));")]
    [InlineData("foreach (var url in urls) { await s_missing.AcquireAsync(1); await [|client.GetAsync(url)|]; }")]
    public Task Does_not_throw_on_broken_code(string body) => Verify.VerifyAsync(Usings + $$"""
        class C
        {
            async Task M(HttpClient client, List<string> urls, CancellationToken ct)
            {
                {{body}}
            }
        }
        """, allowCompilerErrors: true);
}
