using TradingBot;

// A trading bot with the problems Guard exists for: see samples/README.md.
//   TradingBot [--exchange <url>] [--scenario starve|gc|leak] [--duration <seconds>]
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

using var http = new HttpClient { BaseAddress = options.Exchange, Timeout = TimeSpan.FromSeconds(5) };
var exchange = new ExchangeClient(http);
var market = new MarketData(options.Symbols);
var catalog = new InstrumentCatalog(exchange);
var strategy = new MeanReversion(market, catalog, new OrderService(exchange));

Console.WriteLine($"TradingBot started: pid {Environment.ProcessId}, exchange {options.Exchange}, scenario {options.Scenario ?? "none"}");
try
{
    await catalog.LoadAsync(stop.Token);
}
// HttpRequestException: GRD001's missing retry. InvalidOperationException: GRD005's entry without a Size.
catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException)
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
Console.WriteLine($"TradingBot stopped: {strategy.OrdersPlaced} orders placed, {market.PricesSeen} prices remembered, {stream.Messages} stream messages");
return 0;

// On a thread of its own, so that a starved thread pool (--scenario starve) cannot delay the stop.
static void StopAfter(TimeSpan duration, CancellationTokenSource stop)
{
    var watchdog = new Thread(() =>
    {
        Thread.Sleep(duration);
        stop.Cancel();
        Thread.Sleep(TimeSpan.FromSeconds(5));
        Console.WriteLine("TradingBot did not stop within 5 s of the end of its duration: exiting");
        Environment.Exit(0);
    })
    { IsBackground = true, Name = "duration watchdog" };
    watchdog.Start();
}
