using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading.Tasks;
using Guard.Analyzers.Tests.Verifiers;
using Fix = Guard.Analyzers.Tests.Verifiers.CodeFixVerifier<Guard.Analyzers.Rules.GRD001.MissingRetryAnalyzer, Guard.Analyzers.CodeFixes.Rules.GRD001.MissingRetryCodeFixProvider>;

namespace Guard.Analyzers.Tests.Rules.GRD001;

/// <summary>
/// Runs the pipeline the GRD001 fix writes: the fixed source is compiled, loaded and called against a scripted
/// handler. The fallback backoff is set to ten minutes, so a call that returns within the bounded wait proves the
/// delay came from Retry-After or that the per-attempt timeout cut the first attempt; no test measures time.
/// </summary>
public class MissingRetryPipelineBehaviourTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private const string Source = """
        using System;
        using System.Net;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class Scripted : HttpMessageHandler
        {
            private readonly string _first;
            public int Calls;

            public Scripted(string first) => _first = first;

            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (++Calls > 1)
                    return new HttpResponseMessage(HttpStatusCode.OK);
                if (_first == "hang")
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    throw new InvalidOperationException("unreachable");
                }
                var parts = _first.Split(' ', 2);
                var response = new HttpResponseMessage((HttpStatusCode)int.Parse(parts[0]));
                if (parts.Length > 1)
                    response.Headers.TryAddWithoutValidation("Retry-After", parts[1]);
                return response;
            }
        }

        public static class Probe
        {
            public static async Task<string> RunAsync(string first)
            {
                var handler = new Scripted(first);
                var client = new HttpClient(handler);
                using var response = await client.GetAsync("https://api.example.com/ticker");
                return (int)response.StatusCode + " after " + handler.Calls + " calls";
            }
        }
        """;

    private const string SlowFallback = """
        guard.GRD001.retry_base_delay_ms = 600000
        guard.GRD001.total_timeout_seconds = 3600
        guard.GRD001.attempt_timeout_seconds = 1800
        guard.GRD001.retry_after_max_seconds = 1
        """;

    [Theory]
    [InlineData("429 0")]
    [InlineData("503 0")]
    [InlineData("429 Wed, 21 Oct 2015 07:28:00 GMT")]
    [InlineData("429 3600")]
    public async Task A_429_or_503_waits_as_Retry_After_asks_capped(string first) =>
        Assert.Equal("200 after 2 calls", await RunFixedAsync(SlowFallback, first));

    [Fact]
    public async Task An_attempt_that_hangs_is_cut_by_the_attempt_timeout_and_retried() =>
        Assert.Equal("200 after 2 calls", await RunFixedAsync("""
            guard.GRD001.retry_base_delay_ms = 1
            guard.GRD001.attempt_timeout_seconds = 1
            """, "hang"));

    [Fact]
    public async Task The_settings_reach_the_added_field()
    {
        var text = await Fix.ApplyOnlyFixAsync(TestWorkspace.CreateProject(Source, """
            guard.GRD001.retry_attempts = 5
            guard.GRD001.retry_base_delay_ms = 250
            guard.GRD001.retry_after_max_seconds = 45
            guard.GRD001.attempt_timeout_seconds = 7
            guard.GRD001.total_timeout_seconds = 90
            """));
        Assert.Contains(".AddTimeout(TimeSpan.FromSeconds(90))", text);
        Assert.Contains(".AddTimeout(TimeSpan.FromSeconds(7))", text);
        Assert.Contains("MaxRetryAttempts = 5,", text);
        Assert.Contains("Delay = TimeSpan.FromMilliseconds(250),", text);
        Assert.Contains("var cap = TimeSpan.FromSeconds(45);", text);
        // The total comes first: Polly runs the strategies added first outermost.
        Assert.True(text.IndexOf("FromSeconds(90)", StringComparison.Ordinal) < text.IndexOf(".AddRetry(", StringComparison.Ordinal));
        Assert.True(text.IndexOf("FromSeconds(7)", StringComparison.Ordinal) > text.IndexOf(".AddRetry(", StringComparison.Ordinal));
    }

    private static async Task<string> RunFixedAsync(string editorConfig, string first)
    {
        var project = TestWorkspace.CreateProject(Source, editorConfig);
        var text = await Fix.ApplyOnlyFixAsync(project);
        var document = project.Documents.Single();
        var compilation = await TestWorkspace.CompileAsync(document.WithText(Microsoft.CodeAnalysis.Text.SourceText.From(text)).Project);
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics) + "\n" + text);

        var context = new AssemblyLoadContext("fixed-pipeline", isCollectible: true);
        try
        {
            image.Position = 0;
            var assembly = context.LoadFromStream(image);
            var run = assembly.GetType("Probe")!.GetMethod("RunAsync", BindingFlags.Public | BindingFlags.Static)!;
            var call = (Task<string>)run.Invoke(null, new object[] { first })!;
            var finished = await Task.WhenAny(call, Task.Delay(Bound));
            Assert.True(finished == call, $"The fixed call with first answer '{first}' did not return within {Bound.TotalSeconds} s");
            return await call;
        }
        finally
        {
            context.Unload();
        }
    }
}
