using System.Globalization;

namespace TradingBot;

public sealed record BotOptions(Uri Exchange, string? Scenario, TimeSpan? Duration, IReadOnlyList<string> Symbols)
{
    public const string Usage = """
        usage: TradingBot [--exchange <url>] [--scenario starve|gc|leak] [--duration <seconds>] [--symbols A,B,...]
          --exchange   the exchange's address (default: $EXCHANGE_URL, else http://127.0.0.1:5080)
          --scenario   also run a run-time problem for `guard attach` to find:
                         starve  thread-pool starvation (sync over async)
                         gc      GC pressure (big throwaway allocations and GC.Collect)
                         leak    a memory leak (order-book snapshots kept forever, about 4 MB/s)
          --duration   stop after this many seconds (default: run until Ctrl+C)
        """;

    private static readonly string[] DefaultSymbols = ["BTC-USD", "ETH-USD", "SOL-USD", "ADA-USD", "XRP-USD", "DOGE-USD", "LTC-USD", "DOT-USD"];

    /// <summary>The options, or null when the arguments are wrong.</summary>
    public static BotOptions? Parse(string[] args)
    {
        var exchange = Environment.GetEnvironmentVariable("EXCHANGE_URL") is { Length: > 0 } fromEnvironment ? fromEnvironment : "http://127.0.0.1:5080";
        string? scenario = null;
        TimeSpan? duration = null;
        IReadOnlyList<string> symbols = DefaultSymbols;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--exchange" when value != null:
                    exchange = value;
                    break;
                case "--scenario" when value != null && Scenarios.Names.Contains(value):
                    scenario = value;
                    break;
                case "--duration" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
                    duration = TimeSpan.FromSeconds(seconds);
                    break;
                case "--symbols" when value != null:
                    symbols = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                default:
                    return null;
            }
            i++;
        }
        // HttpClient resolves "api/..." against the base address only when it ends with a slash.
        return Uri.TryCreate(exchange.TrimEnd('/') + "/", UriKind.Absolute, out var uri) ? new BotOptions(uri, scenario, duration, symbols) : null;
    }
}
