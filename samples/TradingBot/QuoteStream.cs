using System.Net.WebSockets;

namespace TradingBot;

/// <summary>The exchange's quote stream: every quote, pushed over a WebSocket once a second, between the polls.</summary>
public sealed class QuoteStream(Uri exchange)
{
    public int Messages { get; private set; }

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            using var socket = new ClientWebSocket();
            await socket.ConnectAsync(Address(exchange), ct);
            Console.WriteLine("quote stream connected");
            var buffer = new byte[64 * 1024];
            while (socket.State == WebSocketState.Open)
            {
                // GRD007: nothing bounds this wait. When the feed stalls on an open connection (start the exchange with
                // --stream-stall-after 20), or the connection goes half-open, the bot waits here forever: no error,
                // no reconnect, and the prices it streamed last are the prices it keeps.
                var result = await socket.ReceiveAsync(buffer, ct); // expect: GRD007
                if (result.MessageType == WebSocketMessageType.Close)
                    break;
                Messages++;
            }
            Console.WriteLine("quote stream closed by the exchange");
        }
        catch (Exception ex) when (ex is WebSocketException || (ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            if (!ct.IsCancellationRequested)
                Console.WriteLine($"quote stream lost: {ex.Message}");
        }
    }

    /// <summary>ws://host:port/ws/quotes for http://host:port/.</summary>
    public static Uri Address(Uri exchange) =>
        new UriBuilder(exchange) { Scheme = exchange.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Path = "ws/quotes" }.Uri;
}
