using System.Threading.RateLimiting;
using TradingBot.Fixed;

// samples/TradingBot, fixed: see samples/README.md.
//   TradingBot.Fixed [--exchange <url>] [--scenario starve|gc|leak] [--duration <seconds>]
var options = BotOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BotOptions.Usage);
    return 2;
}

var stop = new CancellationTokenSource();
// First Ctrl+C: stop gracefully. A second one ends the process.
Console.CancelKeyPress += (_, e) => { e.Cancel = !stop.IsCancellationRequested; stop.Cancel(); };
if (options.Duration is { } duration)
    StopAfter(duration, stop);

// HttpClient's own timeout is the outer bound; the pipeline times out each attempt sooner.
using var http = new HttpClient { BaseAddress = options.Exchange, Timeout = TimeSpan.FromSeconds(10) };
// 20 requests a second for the whole bot, well under the exchange's 50.
using var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
{
    TokenLimit = 10,
    TokensPerPeriod = 10,
    ReplenishmentPeriod = TimeSpan.FromMilliseconds(500),
    QueueLimit = 100,
    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
});
var exchange = new ExchangeClient(http, limiter);
var market = new MarketData(options.Symbols);
var catalog = new InstrumentCatalog(exchange);
var strategy = new MeanReversion(market, catalog, new OrderService(exchange));

Console.WriteLine($"TradingBot.Fixed started: pid {Environment.ProcessId}, exchange {options.Exchange}, scenario {options.Scenario ?? "none"}");
try
{
    await catalog.LoadAsync(stop.Token);
}
catch (HttpRequestException ex)
{
    Console.WriteLine($"instrument catalog not loaded, trading with default lot sizes: {ex.Message}");
}

var stream = new QuoteStream(options.Exchange);
_ = Task.Run(() => stream.RunAsync(stop.Token));

var scenario = Scenarios.Start(options.Scenario, market, stop.Token);
try
{
    await TradingLoop.RunAsync(exchange, market, strategy, stop.Token);
    await scenario;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
}
Console.WriteLine($"TradingBot.Fixed stopped: {strategy.OrdersPlaced} orders placed, {market.PricesSeen} prices remembered, {stream.Messages} stream messages");
return 0;

// On a thread of its own, so that the stop does not depend on the thread pool.
static void StopAfter(TimeSpan duration, CancellationTokenSource stop)
{
    var watchdog = new Thread(() =>
    {
        Thread.Sleep(duration);
        stop.Cancel();
        Thread.Sleep(TimeSpan.FromSeconds(5));
        Console.WriteLine("TradingBot.Fixed did not stop within 5 s of the end of its duration: exiting");
        Environment.Exit(0);
    })
    { IsBackground = true, Name = "duration watchdog" };
    watchdog.Start();
}
