using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Guard.TestTargets;

/// <summary>Members of the healthy zoo that need more than the console: an ASP.NET Core service under steady load.</summary>
internal static class HealthyZoo
{
    private sealed record Quote(string Symbol, decimal Bid, decimal Ask, DateTime Time);

    // A small JSON API (quotes from a bounded in-memory book, an order echo) on loopback, and a load generator in the same
    // process: eight clients, each a request every few milliseconds. Steady, well within what two cores serve.
    public static void Web(Stopwatch clock, TimeSpan duration)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var book = new ConcurrentDictionary<string, Quote>();
        var symbols = Enumerable.Range(0, 500).Select(i => $"SYM{i}").ToArray();
        app.MapGet("/quote/{symbol}", (string symbol) =>
        {
            var quote = book.AddOrUpdate(symbol, s => new Quote(s, 100m, 100.5m, DateTime.UtcNow),
                (s, q) => q with { Bid = q.Bid + 0.01m, Ask = q.Ask + 0.01m, Time = DateTime.UtcNow });
            return Results.Json(quote);
        });
        app.MapPost("/orders", async (HttpRequest request) =>
        {
            using var reader = new System.IO.StreamReader(request.Body);
            var body = await reader.ReadToEndAsync().ConfigureAwait(false);
            return Results.Json(new { accepted = true, length = body.Length, id = Guid.NewGuid() });
        });
        app.StartAsync().GetAwaiter().GetResult();
        var address = app.Urls.First();
        Console.WriteLine($"listening {address}");
        Console.Out.Flush();

        using var http = new HttpClient { BaseAddress = new Uri(address) };
        long requests = 0;
        var clients = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            while (clock.Elapsed < duration)
            {
                if (random.Next(4) == 0)
                {
                    using var content = new StringContent($"{{\"symbol\":\"{symbols[random.Next(symbols.Length)]}\",\"qty\":{random.Next(1, 100)}}}");
                    using var response = await http.PostAsync("/orders", content).ConfigureAwait(false);
                    await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                }
                else
                {
                    var text = await http.GetStringAsync($"/quote/{symbols[random.Next(symbols.Length)]}").ConfigureAwait(false);
                    Program.Sink(text.Length);
                }
                Interlocked.Increment(ref requests);
                await Task.Delay(4).ConfigureAwait(false);
            }
        })).ToArray();
        Task.WaitAll(clients);
        app.StopAsync().GetAwaiter().GetResult();
        Console.WriteLine($"requests {Interlocked.Read(ref requests)}");
    }
}
