using System.Threading.Tasks;
using Fix = Guard.Analyzers.Tests.Verifiers.CodeFixVerifier<Guard.Analyzers.Rules.GRD006.ApiClientPerCallAnalyzer, Guard.Analyzers.CodeFixes.Rules.GRD006.ApiClientPerCallCodeFixProvider>;

namespace Guard.Analyzers.Tests.Rules.GRD006;

public class ApiClientPerCallCodeFixTests
{
    [Fact]
    public Task Hoists_a_client_made_without_arguments_and_recycles_its_connections() => Fix.VerifyFixAsync("""
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;

        public class PriceService
        {
            private readonly string _venue = "binance";

            public async Task<string> GetPriceAsync(string symbol, CancellationToken ct)
            {
                using var client = [|new HttpClient()|];
                return await client.GetStringAsync("https://api.exchange.test/v1/ticker/" + symbol, ct);
            }
        }
        """, """
        using System;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;

        public class PriceService
        {
            private readonly string _venue = "binance";
            private static readonly HttpClient s_client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });

            public async Task<string> GetPriceAsync(string symbol, CancellationToken ct)
            {
                return await s_client.GetStringAsync("https://api.exchange.test/v1/ticker/" + symbol, ct);
            }
        }
        """);

    [Fact]
    public Task Keeps_the_configuration_of_the_client() => Fix.VerifyFixAsync("""
        using System;
        using System.Net;
        using System.Net.Http;
        using System.Threading.Tasks;

        public class Candles
        {
            private const string BaseUrl = "https://api.exchange.test/";

            public async Task<string> LoadAsync(string[] symbols)
            {
                var last = "";
                foreach (var symbol in symbols)
                {
                    var http = [|new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.GZip })
                    {
                        BaseAddress = new Uri(BaseUrl),
                        Timeout = TimeSpan.FromSeconds(10),
                    }|];
                    last = await http.GetStringAsync("v1/candles/" + symbol);
                }
                return last;
            }
        }
        """, """
        using System;
        using System.Net;
        using System.Net.Http;
        using System.Threading.Tasks;

        public class Candles
        {
            private const string BaseUrl = "https://api.exchange.test/";
            private static readonly HttpClient s_http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.GZip })
            {
                BaseAddress = new Uri(BaseUrl),
                Timeout = TimeSpan.FromSeconds(10),
            };

            public async Task<string> LoadAsync(string[] symbols)
            {
                var last = "";
                foreach (var symbol in symbols)
                {
                    last = await s_http.GetStringAsync("v1/candles/" + symbol);
                }
                return last;
            }
        }
        """);

    [Fact]
    public Task FixAll_gives_each_client_a_field_of_its_own() => Fix.VerifyFixAllAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;

        public class Gateway
        {
            public async Task<string> TimeAsync()
            {
                using var client = [|new HttpClient { Timeout = TimeSpan.FromSeconds(3) }|];
                return await client.GetStringAsync("https://api.exchange.test/v1/time");
            }

            public async Task<string> StatusAsync()
            {
                using var client = [|new HttpClient { Timeout = TimeSpan.FromSeconds(5) }|];
                return await client.GetStringAsync("https://api.exchange.test/v1/status");
            }
        }
        """, """
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;

        public class Gateway
        {
            private static readonly HttpClient s_client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = TimeSpan.FromSeconds(3) };
            private static readonly HttpClient s_client2 = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = TimeSpan.FromSeconds(5) };

            public async Task<string> TimeAsync()
            {
                return await s_client.GetStringAsync("https://api.exchange.test/v1/time");
            }

            public async Task<string> StatusAsync()
            {
                return await s_client2.GetStringAsync("https://api.exchange.test/v1/status");
            }
        }
        """);

    [Theory]
    [InlineData("using var client = [|new HttpClient()|]; client.DefaultRequestHeaders.Add(\"X-API-KEY\", apiKey); return await client.GetStringAsync(url);")]
    [InlineData("using var client = [|new HttpClient { BaseAddress = new Uri(url) }|]; return await client.GetStringAsync(\"v1/time\");")]
    [InlineData("using (var client = [|new HttpClient()|]) { return await client.GetStringAsync(url); }")]
    [InlineData("var client = [|new HttpClient()|]; var text = await client.GetStringAsync(url); client.Dispose(); return text;")]
    [InlineData("return await [|new HttpClient()|].GetStringAsync(url);")]
    public Task Offers_no_fix_where_sharing_would_change_behaviour(string body) => Fix.VerifyNoFixAsync($$"""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;

        public class Gateway
        {
            public async Task<string> GetAsync(string url, string apiKey)
            {
                {{body}}
            }
        }
        """);

    [Fact]
    public Task Offers_no_fix_for_an_sdk_client() => Fix.VerifyNoFixAsync("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;

        public sealed class ExchangeApi
        {
            private readonly HttpClient _http = new HttpClient();
            public Task<string> TimeAsync() => _http.GetStringAsync("https://api.exchange.test/v1/time");
        }
        public class Job
        {
            public async Task<string> RunAsync()
            {
                var api = [|new ExchangeApi()|];
                return await api.TimeAsync();
            }
        }
        """);
}
