using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Guard.Tests.Shared;

namespace Guard.Samples.Tests;

/// <summary>The sample exchange serves the bots, and both bots trade against it.</summary>
[Collection(SamplesCollection.Name)]
public partial class SampleRunTests(SampleBuilds builds)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [GeneratedRegex(@"Exchange listening on (?<url>http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    [Fact]
    public async Task Exchange_places_an_order_once_per_client_order_id()
    {
        using var exchange = StartExchange(faultRate: 0);
        using var http = new HttpClient { BaseAddress = ExchangeUrl(exchange) };

        var order = new { symbol = "BTC-USD", side = "buy", quantity = 0.01m, price = 64_000m, clientOrderId = "test-1" };
        using var first = await http.PostAsJsonAsync("api/orders", order);
        using var again = await http.PostAsJsonAsync("api/orders", order);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(OrderId(await first.Content.ReadAsStringAsync()), OrderId(await again.Content.ReadAsStringAsync()));

        // Without a client order id, the same order sent twice is two orders.
        var anonymous = new { symbol = "BTC-USD", side = "buy", quantity = 0.01m, price = 64_000m };
        using var third = await http.PostAsJsonAsync("api/orders", anonymous);
        using var fourth = await http.PostAsJsonAsync("api/orders", anonymous);
        Assert.NotEqual(OrderId(await third.Content.ReadAsStringAsync()), OrderId(await fourth.Content.ReadAsStringAsync()));
        exchange.WaitFor(new Regex("without a client order id: if it was a retry"), StartTimeout);
    }

    [Fact]
    public async Task Exchange_answers_429_past_its_rate_limit()
    {
        using var exchange = StartExchange(faultRate: 0, rateLimit: 5);
        using var http = new HttpClient { BaseAddress = ExchangeUrl(exchange) };
        var statuses = new HttpStatusCode[10];
        for (var i = 0; i < statuses.Length; i++)
        {
            using var response = await http.GetAsync("api/quotes/ETH-USD");
            statuses[i] = response.StatusCode;
        }
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public void TradingBot_trades_and_its_GRD005_cache_write_throws()
    {
        var output = RunBot("TradingBot", faultRate: 0);
        Assert.Contains("TradingBot started", output, StringComparison.Ordinal);
        Assert.Matches(@"tick \d+: 8 quotes", output);
        // What GRD005 warns about, at run time: the first write to the size-limited cache throws.
        Assert.Contains("instrument catalog not loaded", output, StringComparison.Ordinal);
        Assert.Contains("Size", output, StringComparison.Ordinal);
        Assert.Contains("TradingBot stopped", output, StringComparison.Ordinal);
    }

    [Fact]
    public void TradingBot_Fixed_trades_through_transient_failures()
    {
        // One request in twenty fails: the retries absorb them, so no tick fails.
        var output = RunBot("TradingBot.Fixed", faultRate: 0.05);
        Assert.Contains("TradingBot.Fixed started", output, StringComparison.Ordinal);
        Assert.Matches(@"tick \d+: 8 quotes", output);
        Assert.DoesNotContain("failed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not loaded", output, StringComparison.Ordinal);
        Assert.Contains("TradingBot.Fixed stopped", output, StringComparison.Ordinal);
    }

    private string RunBot(string sample, double faultRate)
    {
        var bot = Path.Combine(builds.OutputOf(sample), sample + ".dll");
        builds.BuildSucceeded(sample);
        using var exchange = StartExchange(faultRate);
        var run = ProcessRunner.Run("dotnet", $"\"{bot}\" --exchange {ExchangeUrl(exchange)} --duration 7", RepositoryPaths.Root, TimeSpan.FromSeconds(60));
        Assert.False(run.TimedOut, $"{sample} did not stop after its duration:\n{run.Output}");
        Assert.True(run.ExitCode == 0, $"{sample} exited with {run.ExitCode}:\n{run.Output}");
        return run.Output;
    }

    private BackgroundProcess StartExchange(double faultRate, int rateLimit = 50)
    {
        builds.BuildSucceeded("Exchange");
        var exchange = Path.Combine(builds.OutputOf("Exchange"), "Exchange.dll");
        return new BackgroundProcess("dotnet",
            $"\"{exchange}\" --urls http://127.0.0.1:0 --fault-rate {faultRate.ToString(System.Globalization.CultureInfo.InvariantCulture)} --rate-limit {rateLimit} --shutdown-after 120",
            RepositoryPaths.Root);
    }

    private static Uri ExchangeUrl(BackgroundProcess exchange) =>
        new(exchange.WaitFor(Listening(), StartTimeout).Groups["url"].Value + "/");

    private static long OrderId(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("orderId").GetInt64();
    }
}
