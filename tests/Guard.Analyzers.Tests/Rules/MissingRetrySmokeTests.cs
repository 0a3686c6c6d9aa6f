using System.Threading.Tasks;
using Verify = Guard.Analyzers.Tests.Verifiers.AnalyzerVerifier<Guard.Analyzers.MissingRetryAnalyzer>;

namespace Guard.Analyzers.Tests.Rules;

/// <summary>The foundation's first checks of GRD001; the rule's full suite lives beside it.</summary>
public class MissingRetrySmokeTests
{
    [Fact]
    public Task Reports_a_bare_http_call() => Verify.VerifyAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        class C
        {
            async Task<string> M(HttpClient client) => await [|client.GetStringAsync("http://x")|];
        }
        """);

    [Fact]
    public Task Ignores_a_call_inside_a_polly_pipeline() => Verify.VerifyAsync("""
        using System.Net.Http;
        using System.Threading.Tasks;
        using Polly;
        class C
        {
            async Task<string> M(HttpClient client, ResiliencePipeline pipeline) =>
                await pipeline.ExecuteAsync(async ct => await client.GetStringAsync("http://x", ct));
        }
        """);

    [Fact]
    public Task Honours_an_editorconfig_option() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        class Exchange { public Task<string> FetchQuote(string s) => Task.FromResult(s); }
        class C
        {
            Task<string> M(Exchange exchange) => [|exchange.FetchQuote("BTC")|];
        }
        """, editorConfig: "guard.outbound_methods = Exchange.FetchQuote");
}
