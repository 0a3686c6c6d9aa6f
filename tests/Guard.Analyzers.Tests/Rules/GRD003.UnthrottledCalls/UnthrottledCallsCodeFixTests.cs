using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Guard.Analyzers.CodeFixes;
using Guard.Analyzers.CodeFixes.Rules.GRD003;
using Guard.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CodeActions;
using Fix = Guard.Analyzers.Tests.Verifiers.CodeFixVerifier<Guard.Analyzers.Rules.GRD003.UnthrottledCallsAnalyzer, Guard.Analyzers.CodeFixes.Rules.GRD003.UnthrottledCallsCodeFixProvider>;

namespace Guard.Analyzers.Tests.Rules.GRD003;

public class UnthrottledCallsCodeFixTests
{
    /// <summary>The field the fix adds, as it reads after the fix.</summary>
    private static string Field(string indent = "    ", string name = "s_rateLimiter") => string.Join("\n", new[]
    {
        $"private static readonly TokenBucketRateLimiter {name} = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions",
        "{",
        "    TokenLimit = 10,",
        "    TokensPerPeriod = 10,",
        "    ReplenishmentPeriod = TimeSpan.FromSeconds(1),",
        "    QueueLimit = int.MaxValue,",
        "    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,",
        "    AutoReplenishment = true,",
        "});",
    }.Select(line => indent + line));

    /// <summary>The two statements the fix puts at the top of a loop body or lambda.</summary>
    private static string Acquire(string indent, string limiter = "s_rateLimiter", string arguments = "1, ct", string lease = "lease") => string.Join("\n", new[]
    {
        $"using var {lease} = await {limiter}.AcquireAsync({arguments});",
        $"if (!{lease}.IsAcquired)",
        "{",
        "    throw new InvalidOperationException(\"The rate limiter refused a lease.\");",
        "}",
        "",
    }.Select(line => line.Length == 0 ? line : indent + line));

    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.RateLimiting;
        using System.Threading.Tasks;

        """;

    // The statements' class is the compiler's partial Program: the limiter goes in a part of it added to the file.
    [Fact]
    public Task Adds_the_limiter_to_the_entry_point_class_in_top_level_statements() => Fix.VerifyFixAsync("""
        using System.Net.Http;

        var http = new HttpClient();
        foreach (var symbol in args)
            await [|http.GetAsync("https://api/ticker?symbol=" + symbol)|];
        """, $$"""
        using System;
        using System.Net.Http;
        using System.Threading.RateLimiting;

        var http = new HttpClient();
        foreach (var symbol in args)
        {
        {{Acquire("    ", arguments: "1")}}
            await http.GetAsync("https://api/ticker?symbol=" + symbol);
        }

        partial class Program
        {
        {{Field()}}
        }

        """, outputKind: OutputKind.ConsoleApplication);

    [Fact]
    public Task Adds_a_token_bucket_and_acquires_a_lease_at_the_top_of_the_loop() => Fix.VerifyFixAsync("""
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;

        namespace Bot
        {
            class Prices
            {
                private readonly HttpClient _client = new HttpClient();

                async Task Refresh(List<string> symbols, CancellationToken ct)
                {
                    foreach (var symbol in symbols)
                        await [|_client.GetAsync("https://api/ticker?symbol=" + symbol, ct)|];
                }
            }
        }
        """, $$"""
        using System;
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.RateLimiting;
        using System.Threading.Tasks;

        namespace Bot
        {
            class Prices
            {
                private readonly HttpClient _client = new HttpClient();
        {{Field("        ")}}

                async Task Refresh(List<string> symbols, CancellationToken ct)
                {
                    foreach (var symbol in symbols)
                    {
        {{Acquire("                ")}}
                        await _client.GetAsync("https://api/ticker?symbol=" + symbol, ct);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Acquires_once_per_iteration_for_several_calls_in_a_block() => Fix.VerifyFixAllAsync(Usings + """
        class C
        {
            async Task M(HttpClient client, List<string> urls, CancellationToken ct)
            {
                var i = 0;
                while (i < urls.Count)
                {
                    var text = await [|client.GetStringAsync(urls[i], ct)|];
                    await [|client.PostAsync(urls[i++], new StringContent(text), ct)|];
                }
            }
        }
        """, Usings + $$"""
        class C
        {
        {{Field()}}

            async Task M(HttpClient client, List<string> urls, CancellationToken ct)
            {
                var i = 0;
                while (i < urls.Count)
                {
        {{Acquire("            ")}}
                    var text = await client.GetStringAsync(urls[i], ct);
                    await client.PostAsync(urls[i++], new StringContent(text), ct);
                }
            }
        }
        """);

    [Fact]
    public Task Makes_a_task_returning_select_lambda_async() => Fix.VerifyFixAsync(Usings + """
        class C
        {
            async Task<string[]> M(HttpClient client, List<string> urls) =>
                await Task.WhenAll(urls.Select(url => [|client.GetStringAsync(url)|]));
        }
        """, Usings + $$"""
        class C
        {
        {{Field()}}

            async Task<string[]> M(HttpClient client, List<string> urls) =>
                await Task.WhenAll(urls.Select(async url =>
                {
        {{Acquire("            ", arguments: "1")}}
                    return await client.GetStringAsync(url);
                }));
        }
        """);

    [Fact]
    public Task Uses_the_lambdas_own_token_in_Parallel_ForEachAsync() => Fix.VerifyFixAsync(Usings + """
        class C
        {
            async Task M(HttpClient client, List<string> urls, CancellationToken cancellationToken)
            {
                await Parallel.ForEachAsync(urls, cancellationToken, async (url, ct) => await [|client.DeleteAsync(url, ct)|]);
            }
        }
        """, Usings + $$"""
        class C
        {
        {{Field()}}

            async Task M(HttpClient client, List<string> urls, CancellationToken cancellationToken)
            {
                await Parallel.ForEachAsync(urls, cancellationToken, async (url, ct) =>
                {
        {{Acquire("            ")}}
                    await client.DeleteAsync(url, ct);
                });
            }
        }
        """);

    [Fact]
    public Task Paces_the_loop_that_starts_tasks() => Fix.VerifyFixAsync(Usings + """
        class C
        {
            async Task M(HttpClient client, List<string> urls)
            {
                var tasks = new List<Task>();
                for (var i = 0; i < urls.Count; i++)
                {
                    var url = urls[i];
                    tasks.Add(Task.Run(() => [|client.GetAsync(url)|]));
                }
                await Task.WhenAll(tasks);
            }
        }
        """, Usings + $$"""
        class C
        {
        {{Field()}}

            async Task M(HttpClient client, List<string> urls)
            {
                var tasks = new List<Task>();
                for (var i = 0; i < urls.Count; i++)
                {
        {{Acquire("            ", arguments: "1")}}
                    var url = urls[i];
                    tasks.Add(Task.Run(() => client.GetAsync(url)));
                }
                await Task.WhenAll(tasks);
            }
        }
        """);

    [Fact]
    public Task Reuses_the_one_rate_limiter_in_scope_and_picks_a_free_lease_name() => Fix.VerifyFixAsync(Usings + """
        class C
        {
            private readonly RateLimiter _limiter;
            C(RateLimiter limiter) => _limiter = limiter;

            async Task M(HttpClient client, List<string> urls, CancellationToken ct)
            {
                do
                {
                    var lease = urls[0];
                    await [|client.GetAsync(lease, ct)|];
                } while (urls.Count > 1);
            }
        }
        """, Usings + $$"""
        class C
        {
            private readonly RateLimiter _limiter;
            C(RateLimiter limiter) => _limiter = limiter;

            async Task M(HttpClient client, List<string> urls, CancellationToken ct)
            {
                do
                {
        {{Acquire("            ", limiter: "_limiter", lease: "rateLimitLease")}}
                    var lease = urls[0];
                    await client.GetAsync(lease, ct);
                } while (urls.Count > 1);
            }
        }
        """);

    // One at a time, the outer lease comes first and throttles the inner call too, which is then no longer reported;
    // FixAll fixes both calls reported before.
    [Fact]
    public Task Gives_nested_leases_different_names() => Fix.VerifyFixAllAsync(Usings + """
        class C
        {
            async Task M(HttpClient client, List<string> symbols, List<string> intervals, CancellationToken ct)
            {
                foreach (var symbol in symbols)
                {
                    await [|client.GetAsync(symbol, ct)|];
                    foreach (var interval in intervals)
                        await [|client.GetAsync(symbol + interval, ct)|];
                }
            }
        }
        """, Usings + $$"""
        class C
        {
        {{Field()}}

            async Task M(HttpClient client, List<string> symbols, List<string> intervals, CancellationToken ct)
            {
                foreach (var symbol in symbols)
                {
        {{Acquire("            ")}}
                    await client.GetAsync(symbol, ct);
                    foreach (var interval in intervals)
                    {
        {{Acquire("                ", lease: "rateLimitLease")}}
                        await client.GetAsync(symbol + interval, ct);
                    }
                }
            }
        }
        """, oneAtATimeMarkup: Usings + $$"""
        class C
        {
        {{Field()}}

            async Task M(HttpClient client, List<string> symbols, List<string> intervals, CancellationToken ct)
            {
                foreach (var symbol in symbols)
                {
        {{Acquire("            ")}}
                    await client.GetAsync(symbol, ct);
                    foreach (var interval in intervals)
                        await client.GetAsync(symbol + interval, ct);
                }
            }
        }
        """);

    [Fact]
    public Task Fixes_every_loop_of_a_document_with_one_field_per_type() => Fix.VerifyFixAllAsync(Usings + """
        class Quotes
        {
            async Task A(HttpClient client, List<string> urls, CancellationToken ct)
            {
                foreach (var url in urls) await [|client.GetAsync(url, ct)|];
                urls.ForEach(async url => await [|client.GetAsync(url, ct)|]);
            }
        }

        struct Candles
        {
            async Task B(HttpClient client, List<string> urls)
            {
                for (var i = 0; i < urls.Count; i++) { await [|client.GetAsync(urls[i])|]; }
            }
        }
        """, Usings + $$"""
        class Quotes
        {
        {{Field()}}

            async Task A(HttpClient client, List<string> urls, CancellationToken ct)
            {
                foreach (var url in urls)
                {
        {{Acquire("            ")}}
                    await client.GetAsync(url, ct);
                }
                urls.ForEach(async url =>
                {
        {{Acquire("            ")}}
                    await client.GetAsync(url, ct);
                });
            }
        }

        struct Candles
        {
        {{Field()}}

            async Task B(HttpClient client, List<string> urls)
            {
                for (var i = 0; i < urls.Count; i++)
                {
        {{Acquire("            ", arguments: "1")}}
                    await client.GetAsync(urls[i]);
                }
            }
        }
        """);

    // ---- Where no fix is offered ----

    [Theory]
    [InlineData("void M(HttpClient client, List<string> urls) { foreach (var url in urls) [|client.Send(new HttpRequestMessage(HttpMethod.Get, url))|]; }")]
    [InlineData("void M(HttpClient client, List<string> urls) { Parallel.ForEach(urls, url => [|client.Send(new HttpRequestMessage(HttpMethod.Get, url))|]); }")]
    [InlineData("void M(HttpClient client, List<string> urls) { foreach (var url in urls) _ = [|client.GetAsync(url)|]; }")]
    [InlineData("async Task M(HttpClient client, List<string> urls) { lock (urls) { foreach (var url in urls) _ = [|client.GetAsync(url)|]; } await Task.Yield(); }")]
    [InlineData("async Task M(HttpClient client, List<string> urls) { await Task.WhenAll(urls.Select(url => { return [|client.GetAsync(url)|]; })); }")]
    [InlineData("async Task M(HttpClient client, List<string> urls) { await Task.WhenAll(from url in urls select [|client.GetStringAsync(url)|]); }")]
    public Task Offers_no_fix_where_the_lease_cannot_be_awaited(string member) => Fix.VerifyNoFixAsync(Usings + $$"""
        class C
        {
            {{member}}
        }
        """);

    [Fact]
    public async Task Offers_no_fix_before_CSharp_8()
    {
        var project = TestWorkspace.CreateProject(Usings + """
            class C
            {
                async Task M(HttpClient client, List<string> urls) { foreach (var url in urls) await client.GetAsync(url); }
            }
            """);
        project = project.WithParseOptions(new CSharpParseOptions(LanguageVersion.CSharp7_3));
        Assert.Empty(await FixesFor(project));
    }

    [Fact]
    public async Task Offers_no_fix_without_System_Threading_RateLimiting()
    {
        var project = TestWorkspace.CreateProject("""
            using System.Collections.Generic;
            using System.Net.Http;
            using System.Threading.Tasks;
            class C
            {
                async Task M(HttpClient client, List<string> urls) { foreach (var url in urls) await client.GetAsync(url); }
            }
            """);
        project = project.WithMetadataReferences(project.MetadataReferences.Where(r => !(r.Display ?? "").Contains("RateLimiting", System.StringComparison.Ordinal)));
        Assert.Empty(await FixesFor(project));
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
            "    async Task M(HttpClient client, List<string> urls) { foreach (var url in urls) await client.GetAsync(url); }",
            "}",
            "",
        });
        var fixedText = await Fix.ApplyOnlyFixAsync(TestWorkspace.CreateProject(source));
        Assert.Contains("s_rateLimiter", fixedText, System.StringComparison.Ordinal);
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
                async Task M(HttpClient client, List<string> urls, CancellationToken ct)
                {
                    foreach (var url in urls) await client.GetAsync(url, ct)
                    foreach (var url in urls) { await client.GetAsync(url, undefined); }
                    await Task.WhenAll(urls.Select(url => client.GetStringAsync(url, )));
                    while (Missing()) await client.GetAsync("https://a");
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
    public void Offers_FixAll_and_fixes_GRD003_only()
    {
        var provider = new UnthrottledCallsCodeFixProvider();
        Assert.Equal(new[] { "GRD003" }, provider.FixableDiagnosticIds);
        Assert.NotNull(provider.GetFixAllProvider());
    }

    private static async Task<List<CodeAction>> FixesFor(Project project) =>
        await Fix.OfferedActionsAsync(project.Documents.Single(), Assert.Single(await Fix.AnalyzerDiagnosticsAsync(project)));

    [Fact]
    public async Task Names_the_package_and_is_not_offered_without_it()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Net.Http;
            using System.Threading.Tasks;
            class Refresher
            {
                async Task Refresh(HttpClient client, List<string> symbols)
                {
                    foreach (var symbol in symbols)
                        await client.GetAsync("https://api.example.com/ticker/" + symbol);
                }
            }
            """;
        var withPackage = TestWorkspace.CreateProject(source);
        var document = withPackage.Documents.Single();
        var offered = await Fix.OfferedActionsAsync(document, Assert.Single(await Fix.AnalyzerDiagnosticsAsync(withPackage)));
        Assert.Contains("(System.Threading.RateLimiting)", Assert.Single(offered).Title);

        // Microsoft.NETCore.App does not carry System.Threading.RateLimiting: without the package, no fix.
        var withoutPackage = withPackage;
        foreach (var reference in withPackage.MetadataReferences)
        {
            if (reference is PortableExecutableReference { FilePath: { } path } && path.EndsWith("System.Threading.RateLimiting.dll", System.StringComparison.Ordinal))
                withoutPackage = withoutPackage.RemoveMetadataReference(reference);
        }
        Assert.NotEqual(withPackage.MetadataReferences.Count, withoutPackage.MetadataReferences.Count);
        var diagnostic = Assert.Single(await Fix.AnalyzerDiagnosticsAsync(withoutPackage));
        Assert.Empty(await Fix.OfferedActionsAsync(withoutPackage.Documents.Single(), diagnostic));
    }
}
