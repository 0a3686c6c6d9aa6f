using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.RateLimiting;
using Exchange;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// A local exchange for the trading bot samples.
//   dotnet run --project samples/Exchange -- --urls http://127.0.0.1:5080
// Options (command line --name value, or environment variable):
//   --urls / ASPNETCORE_URLS     where to listen; without it, http://127.0.0.1:$EXCHANGE_PORT (default 5080).
//                                Port 0 picks a free port; the chosen address is printed on start.
//   --fault-rate / EXCHANGE_FAULT_RATE   share of reads answered 503 (default 0.02)
//   --lost-ack-rate / EXCHANGE_LOST_ACK_RATE   share of orders placed and then answered 503, as when the
//                                        answer is lost on the way back (default: the fault rate)
//   --rate-limit / EXCHANGE_RATE_LIMIT   requests a second before 429 Too Many Requests (default 50)
//   --shutdown-after             stop by itself after this many seconds (0: never)
//   --stream-stall-after / EXCHANGE_STREAM_STALL_AFTER   the quote stream (/ws/quotes) goes silent after this many
//                                        seconds, its connection left open (0: never)
var builder = WebApplication.CreateBuilder(args);
var settings = builder.Configuration;

if (string.IsNullOrEmpty(settings["urls"]))
    builder.WebHost.UseUrls($"http://127.0.0.1:{settings["EXCHANGE_PORT"] ?? "5080"}");

var faultRate = Number(settings["fault-rate"] ?? settings["EXCHANGE_FAULT_RATE"], 0.02);
var lostAckRate = Number(settings["lost-ack-rate"] ?? settings["EXCHANGE_LOST_ACK_RATE"], faultRate);
var rateLimit = (int)Number(settings["rate-limit"] ?? settings["EXCHANGE_RATE_LIMIT"], 50);
var shutdownAfter = Number(settings["shutdown-after"], 0);
var streamStallAfter = Number(settings["stream-stall-after"] ?? settings["EXCHANGE_STREAM_STALL_AFTER"], 0);

builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

builder.Services.AddSingleton<Market>();
builder.Services.AddSingleton<OrderDesk>();
builder.Services.AddRateLimiter(limiter =>
{
    // One budget for everyone, as exchanges do per API key: a burst of unthrottled calls gets 429s.
    // The health check and the quote stream's upgrade are not metered.
    limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        context.Request.Path.StartsWithSegments("/api")
            ? RateLimitPartition.GetFixedWindowLimiter("api", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = rateLimit,
                Window = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
            })
            : RateLimitPartition.GetNoLimiter("other"));
    limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
    limiter.OnRejected = (context, _) =>
    {
        context.HttpContext.Response.Headers.RetryAfter = "1";
        return ValueTask.CompletedTask;
    };
});

var app = builder.Build();
app.UseRateLimiter();

// Transient failures, as real exchanges have them: a read answered 503 now and then.
app.Use(async (context, next) =>
{
    if (HttpMethods.IsGet(context.Request.Method) && context.Request.Path.StartsWithSegments("/api") && Random.Shared.NextDouble() < faultRate)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        return;
    }
    await next(context);
});

app.MapGet("/health", () => Results.Ok("ok"));

// Every quote, pushed once a second over a WebSocket. With --stream-stall-after the stream goes silent after that
// many seconds and leaves the connection open: the stalled feed a receive loop must notice (GRD007).
app.UseWebSockets();
app.Map("/ws/quotes", async (HttpContext context, Market market) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }
    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var connected = DateTimeOffset.UtcNow;
    var aborted = context.RequestAborted;
    try
    {
        while (socket.State == WebSocketState.Open)
        {
            if (streamStallAfter <= 0 || (DateTimeOffset.UtcNow - connected).TotalSeconds < streamStallAfter)
            {
                var quotes = market.Instruments.Select(market.Quote).ToArray();
                await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(quotes, JsonSerializerOptions.Web), WebSocketMessageType.Text, true, aborted);
            }
            await Task.Delay(TimeSpan.FromSeconds(1), aborted);
        }
    }
    catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
    {
        // The client went away, or the exchange is stopping.
    }
});

app.MapGet("/api/instruments", (Market market) => market.Instruments);

app.MapGet("/api/quotes/{symbol}", (string symbol, Market market) =>
    market.Find(symbol) is { } instrument ? Results.Ok(market.Quote(instrument)) : Results.NotFound());

app.MapGet("/api/orderbooks/{symbol}", (string symbol, int? depth, Market market) =>
    market.Find(symbol) is { } instrument ? Results.Ok(market.Book(instrument, depth ?? 20)) : Results.NotFound());

app.MapGet("/api/orders", (OrderDesk desk) => desk.Orders);

app.MapPost("/api/orders", (OrderRequest request, Market market, OrderDesk desk) =>
{
    if (market.Find(request.Symbol) is not { } instrument)
        return Results.NotFound();
    if (!IsSide(request.Side) || request.Quantity <= 0 || request.Price <= 0)
        return Results.BadRequest("side must be buy or sell, quantity and price positive");

    var (ack, replayed) = desk.Place(request, instrument);
    // The order is placed, but the answer never reaches the client: the case that makes a blind retry dangerous.
    if (!replayed && Random.Shared.NextDouble() < lostAckRate)
        return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
    return replayed ? Results.Ok(ack) : Results.Created($"/api/orders/{ack.OrderId}", ack);
});

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
    // A stable line that scripts wait for: the address, with the real port when port 0 was asked for.
    Console.WriteLine($"Exchange listening on {addresses?.FirstOrDefault()} (fault rate {faultRate:0.###}, lost acknowledgements {lostAckRate:0.###}, rate limit {rateLimit}/s)");
});
if (shutdownAfter > 0)
    _ = Task.Delay(TimeSpan.FromSeconds(shutdownAfter), app.Lifetime.ApplicationStopping).ContinueWith(_ => app.Lifetime.StopApplication(), TaskScheduler.Default);

app.Run();

static bool IsSide(string? side) =>
    string.Equals(side, "buy", StringComparison.OrdinalIgnoreCase) || string.Equals(side, "sell", StringComparison.OrdinalIgnoreCase);

static double Number(string? text, double fallback) =>
    double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : fallback;
