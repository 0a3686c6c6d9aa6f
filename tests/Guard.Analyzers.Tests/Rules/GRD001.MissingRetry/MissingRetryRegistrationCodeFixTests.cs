using System.Linq;
using System.Threading.Tasks;
using Guard.Analyzers.CodeFixes;
using Guard.Analyzers.CodeFixes.Rules.GRD001;
using Guard.Analyzers.Rules.GRD004;
using Guard.Analyzers.Tests.Verifiers;
using Fix = Guard.Analyzers.Tests.Verifiers.CodeFixVerifier<Guard.Analyzers.Rules.GRD001.MissingRetryAnalyzer, Guard.Analyzers.CodeFixes.Rules.GRD001.MissingRetryCodeFixProvider>;

namespace Guard.Analyzers.Tests.Rules.GRD001;

/// <summary>
/// GRD001's fix on the registration of a typed or named client: <c>.AddStandardResilienceHandler()</c>, with
/// retries of unsafe methods off unless every use of the client is known to be safe to repeat.
/// </summary>
public class MissingRetryRegistrationCodeFixTests
{
    /// <summary>Microsoft.Extensions.Http.Resilience as its 9.x/10.x API reads (the test references lack the package).</summary>
    private const string Resilience = """

        namespace Microsoft.Extensions.Http.Resilience
        {
            public class HttpRetryStrategyOptions { }
            public class HttpStandardResilienceOptions { public HttpRetryStrategyOptions Retry { get; } = new HttpRetryStrategyOptions(); }
            public static class HttpRetryStrategyOptionsExtensions { public static void DisableForUnsafeHttpMethods(this HttpRetryStrategyOptions options) { } }
        }
        namespace Microsoft.Extensions.DependencyInjection
        {
            public static class ResilienceHttpClientBuilderExtensions
            {
                public static IHttpClientBuilder AddStandardResilienceHandler(this IHttpClientBuilder builder) => builder;
                public static IHttpClientBuilder AddStandardResilienceHandler(this IHttpClientBuilder builder, System.Action<Microsoft.Extensions.Http.Resilience.HttpStandardResilienceOptions> configure) => builder;
            }
        }
        """;

    /// <summary>The 8.x package: the handler, but no way to turn retries of unsafe methods off.</summary>
    private const string OldResilience = """

        namespace Microsoft.Extensions.Http.Resilience
        {
            public class HttpRetryStrategyOptions { }
            public class HttpStandardResilienceOptions { public HttpRetryStrategyOptions Retry { get; } = new HttpRetryStrategyOptions(); }
        }
        namespace Microsoft.Extensions.DependencyInjection
        {
            public static class ResilienceHttpClientBuilderExtensions
            {
                public static IHttpClientBuilder AddStandardResilienceHandler(this IHttpClientBuilder builder) => builder;
            }
        }
        """;

    private const string Header = """
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;

        """;

    [Fact]
    public Task A_typed_client_that_only_reads_gets_the_plain_handler() => Fix.VerifyFixAsync(Header + """
        namespace Bot
        {
            public sealed class MarketData
            {
                private readonly HttpClient _http;
                public MarketData(HttpClient http) => _http = http;
                public async Task<string> TickerAsync(string symbol) => await [|_http.GetStringAsync("ticker/" + symbol)|];
                public async Task<string> BookAsync(string symbol) => await [|_http.GetStringAsync("book/" + symbol)|];
            }

            static class Startup
            {
                static void Configure(IServiceCollection services)
                {
                    services.AddHttpClient<MarketData>(c => c.BaseAddress = new Uri("https://api.example.com/"));
                }
            }
        }
        """ + Resilience, Header + """
        namespace Bot
        {
            public sealed class MarketData
            {
                private readonly HttpClient _http;
                public MarketData(HttpClient http) => _http = http;
                public async Task<string> TickerAsync(string symbol) => await _http.GetStringAsync("ticker/" + symbol);
                public async Task<string> BookAsync(string symbol) => await _http.GetStringAsync("book/" + symbol);
            }

            static class Startup
            {
                static void Configure(IServiceCollection services)
                {
                    services.AddHttpClient<MarketData>(c => c.BaseAddress = new Uri("https://api.example.com/")).AddStandardResilienceHandler();
                }
            }
        }
        """ + Resilience, equivalenceKey: MissingRetryCodeFixProvider.RegistrationEquivalenceKey);

    private const string OrderClient = """
        namespace Bot
        {
            public sealed class Broker(HttpClient http)
            {
                public async Task<string> BalanceAsync() => await [|http.GetStringAsync("balance")|];
                public async Task<HttpResponseMessage> PlaceOrderAsync(HttpContent order) => await [|http.PostAsync("orders", order)|];
            }

            static class Startup
            {
                static void Configure(IServiceCollection services)
                {
                    services.AddHttpClient<Broker>()
                        .SetHandlerLifetime(TimeSpan.FromMinutes(5));
                }
            }
        }
        """;

    private const string OrderClientFixed = """
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Http.Resilience;
        namespace Bot
        {
            public sealed class Broker(HttpClient http)
            {
                public async Task<string> BalanceAsync() => await http.GetStringAsync("balance");
                public async Task<HttpResponseMessage> PlaceOrderAsync(HttpContent order) => await http.PostAsync("orders", order);
            }

            static class Startup
            {
                static void Configure(IServiceCollection services)
                {
                    services.AddHttpClient<Broker>()
                        .SetHandlerLifetime(TimeSpan.FromMinutes(5))
                        .AddStandardResilienceHandler(options => options.Retry.DisableForUnsafeHttpMethods());
                }
            }
        }
        """;

    [Fact]
    public Task A_typed_client_that_posts_orders_gets_the_handler_with_unsafe_methods_off() =>
        Fix.VerifyFixAsync(Header + OrderClient + Resilience, OrderClientFixed + Resilience, equivalenceKey: MissingRetryCodeFixProvider.RegistrationEquivalenceKey);

    [Fact]
    public async Task The_handler_added_for_an_order_client_does_not_retry_the_order() =>
        await AnalyzerVerifier<NonIdempotentRetryAnalyzer>.VerifyAsync(OrderClientFixed + Resilience);

    [Fact]
    public async Task The_plain_handler_on_an_order_client_would_retry_the_order() =>
        await AnalyzerVerifier<NonIdempotentRetryAnalyzer>.VerifyAsync(OrderClientFixed
            .Replace("options => options.Retry.DisableForUnsafeHttpMethods()", "")
            .Replace("await http.PostAsync(\"orders\", order)", "await {|GRD004:http.PostAsync(\"orders\", order)|}") + Resilience);

    [Fact]
    public Task FixAll_adds_the_handler_once_per_registration() => Fix.VerifyFixAllAsync(Header + OrderClient + Resilience, OrderClientFixed + Resilience,
        equivalenceKey: MissingRetryCodeFixProvider.RegistrationEquivalenceKey);

    [Fact]
    public Task A_named_client_gets_the_handler_with_unsafe_methods_off() => Fix.VerifyFixAsync(Header + """
        namespace Bot
        {
            public sealed class Prices(IHttpClientFactory factory)
            {
                public async Task<string> TickerAsync()
                {
                    var client = factory.CreateClient("binance");
                    return await [|client.GetStringAsync("ticker")|];
                }
            }

            static class Startup
            {
                static void Configure(IServiceCollection services)
                {
                    services.AddHttpClient("binance");
                }
            }
        }
        """ + Resilience, """
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Http.Resilience;
        namespace Bot
        {
            public sealed class Prices(IHttpClientFactory factory)
            {
                public async Task<string> TickerAsync()
                {
                    var client = factory.CreateClient("binance");
                    return await client.GetStringAsync("ticker");
                }
            }

            static class Startup
            {
                static void Configure(IServiceCollection services)
                {
                    services.AddHttpClient("binance").AddStandardResilienceHandler(options => options.Retry.DisableForUnsafeHttpMethods());
                }
            }
        }
        """ + Resilience, equivalenceKey: MissingRetryCodeFixProvider.RegistrationEquivalenceKey);

    [Theory]
    [InlineData("    private readonly HttpClient _http = new HttpClient();\n    public Broker() { }", "")] // not the injected client
    [InlineData("    private readonly HttpClient _http;\n    public Broker(HttpClient http) => _http = http;", "old")] // posts, and the package cannot turn unsafe retries off
    [InlineData("    private readonly HttpClient _http;\n    public Broker(HttpClient http) => _http = http;", "none")] // no Http.Resilience package
    [InlineData("    private readonly HttpClient _http;\n    public Broker(HttpClient http) => _http = http;", "unregistered")]
    public async Task No_registration_fix_where_it_would_not_be_right(string members, string variant)
    {
        var registration = variant == "unregistered" ? "" : "services.AddHttpClient<Broker>();";
        var stubs = variant switch { "old" => OldResilience, "none" => "", _ => Resilience };
        var source = Header + $$"""
            public sealed class Broker
            {
            {{members}}
                public async Task<string> BalanceAsync() => await _http.GetStringAsync("balance");
                public async Task<HttpResponseMessage> PlaceOrderAsync(HttpContent order) => await _http.PostAsync("orders", order);
            }

            static class Startup
            {
                static void Configure(IServiceCollection services) { {{registration}} }
            }
            """ + stubs;
        var project = TestWorkspace.CreateProject(source);
        var diagnostics = await Fix.AnalyzerDiagnosticsAsync(project);
        Assert.NotEmpty(diagnostics);
        foreach (var diagnostic in diagnostics)
        {
            var actions = await Fix.OfferedActionsAsync(project.Documents.Single(), diagnostic);
            Assert.DoesNotContain(actions, a => a.EquivalenceKey == MissingRetryCodeFixProvider.RegistrationEquivalenceKey);
        }
    }

    [Fact]
    public async Task An_experimental_switch_is_not_used()
    {
        var source = Header + OrderClient.Replace("[|", "").Replace("|]", "") + Resilience.Replace(
            "public static class HttpRetryStrategyOptionsExtensions",
            "[System.Diagnostics.CodeAnalysis.Experimental(\"EXTEXP0001\")] public static class HttpRetryStrategyOptionsExtensions");
        var project = TestWorkspace.CreateProject(source);
        foreach (var diagnostic in await Fix.AnalyzerDiagnosticsAsync(project))
        {
            var actions = await Fix.OfferedActionsAsync(project.Documents.Single(), diagnostic);
            Assert.DoesNotContain(actions, a => a.EquivalenceKey == MissingRetryCodeFixProvider.RegistrationEquivalenceKey);
        }
    }

    [Fact]
    public async Task The_registration_in_another_file_is_fixed_there()
    {
        var client = Header + """
            namespace Bot
            {
                public sealed class MarketData(HttpClient http)
                {
                    public async Task<string> TickerAsync() => await http.GetStringAsync("ticker");
                }
            }
            """;
        var startup = """
            using Microsoft.Extensions.DependencyInjection;
            namespace Bot
            {
                static class Startup
                {
                    static void Configure(IServiceCollection services)
                    {
                        services.AddHttpClient<MarketData>();
                    }
                }
            }
            """ + Resilience;
        var project = TestWorkspace.CreateProject(client, extraSources: new[] { startup });
        var diagnostic = Assert.Single(await Fix.AnalyzerDiagnosticsAsync(project));
        var actions = await Fix.OfferedActionsAsync(project.Documents.Single(d => d.FilePath == TestWorkspace.FileName), diagnostic);
        var action = Assert.Single(actions, a => a.EquivalenceKey == MissingRetryCodeFixProvider.RegistrationEquivalenceKey);
        Assert.Equal("Add the standard resilience handler to the registration of MarketData", action.Title);
        var operations = await action.GetOperationsAsync(default);
        var solution = operations.OfType<Microsoft.CodeAnalysis.CodeActions.ApplyChangesOperation>().Single().ChangedSolution;
        var fixedStartup = (await solution.GetProject(project.Id)!.Documents.Single(d => d.FilePath != TestWorkspace.FileName).GetTextAsync()).ToString();
        Assert.Contains("services.AddHttpClient<MarketData>().AddStandardResilienceHandler();", fixedStartup);
        var fixedProject = solution.GetProject(project.Id)!;
        Assert.Empty(TestWorkspace.CompilerErrors(await TestWorkspace.CompileAsync(fixedProject)));
        Assert.Empty(await Fix.AnalyzerDiagnosticsAsync(fixedProject));
    }
}
