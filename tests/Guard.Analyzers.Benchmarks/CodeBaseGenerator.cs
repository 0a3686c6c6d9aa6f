using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Guard.Analyzers.Benchmarks;

/// <summary>
/// Writes a buildable service code base of about the requested number of lines: exchange and API clients over
/// HttpClient, caches (dictionaries and MemoryCache), loops and fan-outs that call APIs, order placement behind Polly
/// retries, async streams and websocket receive loops, beside plain domain code (records, validation, LINQ), which is
/// most of any real service. Some units are written the way Guard flags, most the way it accepts: the analyzers run
/// their full course on both.
/// </summary>
public static class CodeBaseGenerator
{
    public const string PollyVersion = "8.5.2";
    public const string ExtensionsVersion = "10.0.14";

    private static readonly Func<int, string>[] Units =
    {
        MarketDataClient, OrderService, QuoteCache, PortfolioFanOut, TradeStream, DomainModel, ReportBuilder, AccountClient,
    };

    /// <summary>Writes the project into <paramref name="directory"/>; returns the number of C# lines written.</summary>
    public static int Generate(string directory, int lines, string peers)
    {
        Directory.CreateDirectory(directory);
        foreach (var old in Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories))
            File.Delete(old);
        File.WriteAllText(Path.Combine(directory, "Generated.Service.csproj"), Project(peers));
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), "<Project />\n");
        var written = 0;
        var shared = Shared();
        File.WriteAllText(Path.Combine(directory, "Shared.cs"), shared);
        written += Count(shared);
        for (var i = 0; written < lines; i++)
        {
            var unit = Units[i % Units.Length](i);
            var folder = Path.Combine(directory, "Area" + (i / 100).ToString("D3", CultureInfo.InvariantCulture));
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, $"Unit{i:D5}.cs"), unit);
            written += Count(unit);
        }
        return written;
    }

    private static int Count(string text) => text.Count(c => c == '\n');

    /// <summary>
    /// The project: Guard's analyzer assembly by path, and the three peer analyzer packages at the versions the
    /// registry serves, all in one csc run (AnalysisMode All turns on every NetAnalyzers rule).
    /// </summary>
    private static string Project(string peers) => $$"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <OutputType>Library</OutputType>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <LangVersion>latest</LangVersion>
            <AnalysisMode>All</AnalysisMode>
            <ReportAnalyzer>true</ReportAnalyzer>
            <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
            <GenerateDocumentationFile>false</GenerateDocumentationFile>
            <Deterministic>true</Deterministic>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Polly.Core" Version="{{PollyVersion}}" />
            <PackageReference Include="Microsoft.Extensions.Caching.Memory" Version="{{ExtensionsVersion}}" />
            <PackageReference Include="Microsoft.Extensions.Http" Version="{{ExtensionsVersion}}" />
        {{peers}}
            <Analyzer Include="$(GuardAnalyzer)" Condition="'$(GuardAnalyzer)' != ''" />
          </ItemGroup>
        </Project>

        """;

    private static string Shared() => """
        using System.Net.Http.Json;
        using System.Runtime.CompilerServices;
        using Polly;
        using Polly.Retry;

        namespace Generated.Service;

        public sealed record Quote(string Symbol, decimal Bid, decimal Ask, DateTimeOffset Time);
        public sealed record OrderRequest(string Symbol, decimal Quantity, decimal Price, string? ClientOrderId = null);
        public sealed record OrderResult(string OrderId, string Status);
        public sealed record Position(string Symbol, decimal Quantity, decimal AveragePrice);

        public static class Pipelines
        {
            public static readonly ResiliencePipeline Retry = new ResiliencePipelineBuilder()
                .AddRetry(new RetryStrategyOptions { MaxRetryAttempts = 3, BackoffType = DelayBackoffType.Exponential, UseJitter = true })
                .Build();
        }

        """;

    // ---- The units: each a file with one or two classes, named by its index ----

    private static string MarketDataClient(int i) => $$"""
        using System.Net.Http.Json;
        using Polly;

        namespace Generated.Service.Area{{i / 100:D3}};

        /// <summary>Market data from an exchange REST API.</summary>
        public sealed class MarketDataClient{{i}}
        {
            private readonly HttpClient _http;
            private readonly ResiliencePipeline _retry = Pipelines.Retry;

            public MarketDataClient{{i}}(HttpClient http) => _http = http;

            public async Task<Quote?> GetQuoteAsync(string symbol, CancellationToken ct)
            {
                // Reads are retried through the shared pipeline.
                return await _retry.ExecuteAsync(async token =>
                    await _http.GetFromJsonAsync<Quote>($"api/v3/ticker?symbol={symbol}", token), ct);
            }

            public async Task<string> GetDepthAsync(string symbol, int limit, CancellationToken ct)
            {
                if (limit <= 0 || limit > 5000)
                    throw new ArgumentOutOfRangeException(nameof(limit));
                using var response = await _http.GetAsync($"api/v3/depth?symbol={symbol}&limit={limit}", ct);
                response.EnsureSuccessStatusCode();
                return await response.Content.ReadAsStringAsync(ct);
            }

            public async Task<IReadOnlyList<Quote>> GetQuotesAsync(IEnumerable<string> symbols, CancellationToken ct)
            {
                var quotes = new List<Quote>();
                foreach (var symbol in symbols)
                {
                    var quote = await _http.GetFromJsonAsync<Quote>($"api/v3/ticker?symbol={symbol}", ct);
                    if (quote is not null)
                        quotes.Add(quote);
                }
                return quotes;
            }

            public static decimal Spread(Quote quote) => quote.Ask - quote.Bid;

            public static decimal Mid(Quote quote) => (quote.Ask + quote.Bid) / 2m;

            public static bool IsStale(Quote quote, TimeSpan maxAge, DateTimeOffset now) => now - quote.Time > maxAge;
        }

        """;

    private static string OrderService(int i) => $$"""
        using System.Net.Http.Json;
        using Polly;

        namespace Generated.Service.Area{{i / 100:D3}};

        /// <summary>Places orders; some paths retry with a key made once, some without.</summary>
        public sealed class OrderService{{i}}
        {
            private readonly HttpClient _http;
            private readonly ResiliencePipeline _retry = Pipelines.Retry;

            public OrderService{{i}}(IHttpClientFactory factory) => _http = factory.CreateClient("exchange");

            public async Task<OrderResult?> PlaceOrderAsync(OrderRequest order, CancellationToken ct)
            {
                var keyed = order with { ClientOrderId = Guid.NewGuid().ToString("N") };
                return await _retry.ExecuteAsync(async token =>
                {
                    using var response = await _http.PostAsJsonAsync("api/v3/order", keyed, token);
                    response.EnsureSuccessStatusCode();
                    return await response.Content.ReadFromJsonAsync<OrderResult>(token);
                }, ct);
            }

            public async Task<OrderResult?> PlaceOrderUnsafeAsync(OrderRequest order, CancellationToken ct)
            {
                return await _retry.ExecuteAsync(async token =>
                {
                    using var response = await _http.PostAsJsonAsync("api/v3/order", order, token);
                    return await response.Content.ReadFromJsonAsync<OrderResult>(token);
                }, ct);
            }

            public async Task CancelOrderAsync(string orderId, CancellationToken ct)
            {
                using var response = await _http.DeleteAsync($"api/v3/order?orderId={orderId}", ct);
                response.EnsureSuccessStatusCode();
            }

            public static OrderRequest Validate(OrderRequest order)
            {
                if (string.IsNullOrWhiteSpace(order.Symbol))
                    throw new ArgumentException("symbol is required", nameof(order));
                if (order.Quantity <= 0)
                    throw new ArgumentException("quantity must be positive", nameof(order));
                return order with { Symbol = order.Symbol.ToUpperInvariant() };
            }
        }

        """;

    private static string QuoteCache(int i) => $$"""
        using System.Collections.Concurrent;
        using Microsoft.Extensions.Caching.Memory;

        namespace Generated.Service.Area{{i / 100:D3}};

        /// <summary>Caches of quotes and instruments: one bounded, one that only grows, one with a size limit.</summary>
        public sealed class QuoteCache{{i}}
        {
            private static readonly ConcurrentDictionary<string, Quote> Latest = new();
            private readonly MemoryCache _instruments = new(new MemoryCacheOptions { SizeLimit = 10_000 });
            private readonly Dictionary<string, decimal> _bounded = new();

            public void OnQuote(Quote quote) => Latest[quote.Symbol + ":" + quote.Time.Ticks] = quote;

            public Quote? Find(string symbol) => Latest.Values.Where(q => q.Symbol == symbol).MaxBy(q => q.Time);

            public void Remember(string symbol, Position position) =>
                _instruments.Set(symbol, position, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(5) });

            public void RememberUnsized(string symbol, Quote quote) => _instruments.Set("q:" + symbol, quote);

            public void Track(string symbol, decimal price)
            {
                if (_bounded.Count > 1_000)
                    _bounded.Clear();
                _bounded[symbol] = price;
            }

            public decimal Average() => _bounded.Count == 0 ? 0m : _bounded.Values.Average();
        }

        """;

    private static string PortfolioFanOut(int i) => $$"""
        using System.Net.Http.Json;

        namespace Generated.Service.Area{{i / 100:D3}};

        /// <summary>Fans out over a portfolio: one path throttled by a semaphore, one not.</summary>
        public sealed class PortfolioService{{i}}
        {
            private readonly HttpClient _http;
            private readonly SemaphoreSlim _gate = new(4);

            public PortfolioService{{i}}(HttpClient http) => _http = http;

            public async Task<Position?[]> RefreshAllAsync(IReadOnlyList<string> symbols, CancellationToken ct)
            {
                return await Task.WhenAll(symbols.Select(s => _http.GetFromJsonAsync<Position>($"api/positions/{s}", ct)));
            }

            public async Task<Position?[]> RefreshThrottledAsync(IReadOnlyList<string> symbols, CancellationToken ct)
            {
                return await Task.WhenAll(symbols.Select(async s =>
                {
                    await _gate.WaitAsync(ct);
                    try
                    {
                        return await _http.GetFromJsonAsync<Position>($"api/positions/{s}", ct);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }));
            }

            public static decimal Value(IEnumerable<Position> positions, IReadOnlyDictionary<string, decimal> prices) =>
                positions.Sum(p => prices.TryGetValue(p.Symbol, out var price) ? p.Quantity * price : 0m);

            public static IEnumerable<Position> Largest(IEnumerable<Position> positions, int count) =>
                positions.OrderByDescending(p => Math.Abs(p.Quantity * p.AveragePrice)).Take(count);
        }

        """;

    private static string TradeStream(int i) => $$"""
        using System.Net.WebSockets;
        using System.Runtime.CompilerServices;
        using System.Text;

        namespace Generated.Service.Area{{i / 100:D3}};

        /// <summary>Trades over a websocket, as an async stream.</summary>
        public sealed class TradeStream{{i}}
        {
            private readonly Uri _endpoint;

            public TradeStream{{i}}(Uri endpoint) => _endpoint = endpoint;

            public async IAsyncEnumerable<string> ReadAsync([EnumeratorCancellation] CancellationToken ct)
            {
                using var socket = new ClientWebSocket();
                await socket.ConnectAsync(_endpoint, ct);
                var buffer = new byte[8192];
                while (socket.State == WebSocketState.Open)
                {
                    var result = await socket.ReceiveAsync(buffer, ct);
                    if (result.MessageType == WebSocketMessageType.Close)
                        yield break;
                    yield return Encoding.UTF8.GetString(buffer, 0, result.Count);
                }
            }

            public static async Task<int> CountAsync(IAsyncEnumerable<string> messages, string symbol, CancellationToken ct)
            {
                var count = 0;
                await foreach (var message in messages.WithCancellation(ct))
                {
                    if (message.Contains(symbol, StringComparison.Ordinal))
                        count++;
                }
                return count;
            }
        }

        """;

    private static string DomainModel(int i) => $$"""
        namespace Generated.Service.Area{{i / 100:D3}};

        /// <summary>Plain domain code: no I/O at all.</summary>
        public sealed class RiskModel{{i}}
        {
            private readonly List<decimal> _returns = new();

            public int Count => _returns.Count;

            public void Add(decimal value)
            {
                _returns.Add(value);
                if (_returns.Count > 500)
                    _returns.RemoveAt(0);
            }

            public decimal Mean() => _returns.Count == 0 ? 0m : _returns.Average();

            public double StandardDeviation()
            {
                if (_returns.Count < 2)
                    return 0;
                var mean = (double)Mean();
                var sum = _returns.Sum(r => Math.Pow((double)r - mean, 2));
                return Math.Sqrt(sum / (_returns.Count - 1));
            }

            public double ValueAtRisk(double confidence)
            {
                if (confidence is <= 0 or >= 1)
                    throw new ArgumentOutOfRangeException(nameof(confidence));
                var sorted = _returns.Select(r => (double)r).OrderBy(r => r).ToArray();
                if (sorted.Length == 0)
                    return 0;
                var index = (int)Math.Floor((1 - confidence) * sorted.Length);
                return -sorted[Math.Clamp(index, 0, sorted.Length - 1)];
            }

            public IReadOnlyList<decimal> Drawdowns()
            {
                var peak = decimal.MinValue;
                var equity = 0m;
                var result = new List<decimal>(_returns.Count);
                foreach (var r in _returns)
                {
                    equity += r;
                    peak = Math.Max(peak, equity);
                    result.Add(peak - equity);
                }
                return result;
            }
        }

        """;

    private static string ReportBuilder(int i) => $$"""
        using System.Globalization;
        using System.Text;

        namespace Generated.Service.Area{{i / 100:D3}};

        /// <summary>Formats reports: strings, switch expressions, pattern matching.</summary>
        public static class ReportBuilder{{i}}
        {
            public static string Format(IEnumerable<Position> positions, IReadOnlyDictionary<string, decimal> prices)
            {
                var text = new StringBuilder();
                foreach (var position in positions.OrderBy(p => p.Symbol, StringComparer.Ordinal))
                {
                    var price = prices.TryGetValue(position.Symbol, out var p) ? p : position.AveragePrice;
                    var pnl = (price - position.AveragePrice) * position.Quantity;
                    text.Append(position.Symbol).Append(';')
                        .Append(position.Quantity.ToString(CultureInfo.InvariantCulture)).Append(';')
                        .Append(pnl.ToString("F2", CultureInfo.InvariantCulture)).Append(';')
                        .Append(Rating(pnl)).AppendLine();
                }
                return text.ToString();
            }

            public static string Rating(decimal pnl) => pnl switch
            {
                > 10_000m => "excellent",
                > 0m => "good",
                0m => "flat",
                > -10_000m => "poor",
                _ => "bad",
            };

            public static string Describe(object value) => value switch
            {
                Quote q => $"{q.Symbol} {q.Bid}/{q.Ask}",
                OrderResult r => $"{r.OrderId} {r.Status}",
                Position p when p.Quantity == 0 => $"{p.Symbol} closed",
                Position p => $"{p.Symbol} {p.Quantity}",
                _ => value.ToString() ?? string.Empty,
            };
        }

        """;

    private static string AccountClient(int i) => $$"""
        using System.Net.Http.Json;

        namespace Generated.Service.Area{{i / 100:D3}};

        /// <summary>Account endpoints: one client made per call, one shared.</summary>
        public sealed class AccountClient{{i}}
        {
            private static readonly HttpClient Shared = new() { BaseAddress = new Uri("https://api.example.com/"), Timeout = TimeSpan.FromSeconds(10) };

            public async Task<string> GetBalanceAsync(string account, CancellationToken ct)
            {
                using var http = new HttpClient { BaseAddress = new Uri("https://api.example.com/") };
                return await http.GetStringAsync($"api/accounts/{account}/balance", ct);
            }

            public Task<Position[]?> GetPositionsAsync(string account, CancellationToken ct) =>
                Shared.GetFromJsonAsync<Position[]>($"api/accounts/{account}/positions", ct);

            public static string Mask(string account) =>
                account.Length <= 4 ? account : new string('*', account.Length - 4) + account[^4..];
        }

        """;
}
