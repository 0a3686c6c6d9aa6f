using System.Net.WebSockets;

namespace TradingBot.Fixed;

/// <summary>
/// The exchange's quote stream, watched for silence (GRD007): each receive has a deadline, reset by every message,
/// and the socket pings the exchange and gives up when no pong comes. Either way the receive throws instead of
/// waiting forever, and the stream reconnects.
/// </summary>
public sealed class QuoteStream(Uri exchange)
{
    /// <summary>The exchange sends every second: ten seconds without a message is a stalled feed.</summary>
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(10);

    public int Messages { get; private set; }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await ReceiveAsync(ct);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                Console.WriteLine($"quote stream silent for {Silence.TotalSeconds:0} s: reconnecting");
            }
            catch (WebSocketException ex)
            {
                Console.WriteLine($"quote stream lost ({ex.Message}): reconnecting");
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ReceiveAsync(CancellationToken ct)
    {
        using var socket = new ClientWebSocket();
        // A dead connection: a ping every 15 s, and the socket aborts when its pong does not come within 10 s.
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
        socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(10);
        await socket.ConnectAsync(Address(exchange), ct);
        Console.WriteLine("quote stream connected");
        var buffer = new byte[64 * 1024];
        while (socket.State == WebSocketState.Open)
        {
            // A live connection that stops sending: no pong goes missing, so each receive has a deadline of its own.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(Silence);
            var result = await socket.ReceiveAsync(buffer, deadline.Token);
            if (result.MessageType == WebSocketMessageType.Close)
                return;
            Messages++;
        }
    }

    /// <summary>ws://host:port/ws/quotes for http://host:port/.</summary>
    public static Uri Address(Uri exchange) =>
        new UriBuilder(exchange) { Scheme = exchange.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Path = "ws/quotes" }.Uri;
}
