using System.Threading.Tasks;
using Verify = Guard.Analyzers.Tests.Verifiers.AnalyzerVerifier<Guard.Analyzers.Rules.GRD007.SilentStreamAnalyzer>;

namespace Guard.Analyzers.Tests.Rules.GRD007;

public class SilentStreamTests
{
    private const string Usings = """
        using System;
        using System.IO;
        using System.Net.Http;
        using System.Net.WebSockets;
        using System.Text;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    // ---- Receive loops that wait forever ----

    [Fact]
    public Task Reports_the_classic_market_data_loop() => Verify.VerifyAsync(Usings + """
        public sealed class TickerStream
        {
            public event Action<string>? Tick;

            public async Task RunAsync(Uri uri, CancellationToken ct)
            {
                using var ws = new ClientWebSocket();
                await ws.ConnectAsync(uri, ct);
                var buffer = new byte[8192];
                while (ws.State == WebSocketState.Open)
                {
                    var result = await [|ws.ReceiveAsync(new ArraySegment<byte>(buffer), ct)|];
                    if (result.MessageType == WebSocketMessageType.Close)
                        break;
                    Tick?.Invoke(Encoding.UTF8.GetString(buffer, 0, result.Count));
                }
            }
        }
        """, null, false, System.Array.Empty<string>(), messageContains: "waits for the next message in a loop with no deadline");

    [Fact]
    public Task Reports_loops_on_a_socket_field_without_a_token_and_on_memory() => Verify.VerifyAsync(Usings + """
        public sealed class OrderBookFeed
        {
            private readonly ClientWebSocket _socket = new();
            private WebSocket _raw = new ClientWebSocket();

            public async Task PumpAsync()
            {
                var buffer = new byte[16 * 1024];
                do
                {
                    var result = await [|_socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None)|];
                    if (result.MessageType == WebSocketMessageType.Close)
                        return;
                }
                while (true);
            }

            public async Task PumpRawAsync()
            {
                var segment = new ArraySegment<byte>(new byte[4096]);
                for (;;)
                {
                    var result = await [|_raw.ReceiveAsync(segment, default)|].ConfigureAwait(false);
                    if (result.Count == 0) break;
                }
            }
        }
        """);

    [Fact]
    public Task Reports_a_loop_on_a_socket_wrapper() => Verify.VerifyAsync(Usings + """
        public interface IExchangeSocket
        {
            Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken token);
        }
        public sealed class UserDataStream
        {
            private readonly IExchangeSocket _socket;
            public UserDataStream(IExchangeSocket socket) => _socket = socket;

            public async Task ListenAsync(CancellationToken stoppingToken)
            {
                var buffer = new ArraySegment<byte>(new byte[4096]);
                while (!stoppingToken.IsCancellationRequested)
                {
                    var result = await [|_socket.ReceiveAsync(buffer, stoppingToken)|];
                    Console.WriteLine(result.Count);
                }
            }
        }
        """);

    [Fact]
    public Task Reports_a_token_source_made_without_a_delay() => Verify.VerifyAsync(Usings + """
        public sealed class TradesFeed
        {
            public async Task RunAsync(ClientWebSocket ws, CancellationToken ct)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var buffer = new byte[4096];
                while (ws.State == WebSocketState.Open)
                    await [|ws.ReceiveAsync(buffer, linked.Token)|];
            }
        }
        """);

    [Fact]
    public Task Reports_streaming_http_reads_in_a_loop() => Verify.VerifyAsync(Usings + """
        public sealed class PriceEvents
        {
            private static readonly HttpClient Http = new HttpClient();

            public async Task ReadEventsAsync(string url, CancellationToken ct)
            {
                using var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
                using var stream = await response.Content.ReadAsStreamAsync(ct);
                using var reader = new StreamReader(stream);
                while (!reader.EndOfStream)
                {
                    var line = await [|reader.ReadLineAsync()|];
                    if (line is { Length: > 0 })
                        Console.WriteLine(line);
                }
            }

            public async Task<long> DownloadTradesAsync(string url)
            {
                var stream = await Http.GetStreamAsync(url);
                var buffer = new byte[8192];
                long total = 0;
                int read;
                while ((read = await [|stream.ReadAsync(buffer, 0, buffer.Length)|]) > 0)
                    total += read;
                return total;
            }
        }
        """, null, false, System.Array.Empty<string>(), messageContains: "reads a streaming response in a loop with no deadline");

    [Fact]
    public Task Reports_requests_without_a_token_on_a_client_with_an_infinite_timeout() => Verify.VerifyAsync(Usings + """
        public sealed class StreamingApi
        {
            private readonly HttpClient _http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            private readonly HttpClient _other;

            public StreamingApi()
            {
                _other = new HttpClient();
                _other.Timeout = Timeout.InfiniteTimeSpan;
            }

            public async Task<string> SnapshotAsync(string url, CancellationToken ct)
            {
                var first = await [|_http.GetStringAsync(url)|];
                var second = await [|_other.GetAsync(url, CancellationToken.None)|];
                var third = await _http.GetStringAsync(url, ct);
                var local = new HttpClient { Timeout = TimeSpan.FromMilliseconds(-1) };
                var fourth = await [|local.GetStringAsync(url)|];
                return first + second + third + fourth;
            }
        }
        """, null, false, System.Array.Empty<string>(), messageContains: "on an HttpClient whose Timeout is infinite");

    [Fact]
    public Task Reports_a_request_when_the_infinite_timeout_is_set_in_another_part_of_the_type() => Verify.VerifyAsync(Usings + """
        public sealed partial class StreamingApi
        {
            public Task<string> SnapshotAsync(string url) => [|_http.GetStringAsync(url)|];
        }
        """, null, false, new[]
        {
            Usings + """
            public sealed partial class StreamingApi
            {
                private readonly HttpClient _http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            }
            """,
        }, messageContains: "on an HttpClient whose Timeout is infinite");

    // ---- Loops that notice silence, and waits that are not receive loops ----

    [Fact]
    public Task Does_not_report_a_per_receive_deadline() => Verify.VerifyAsync(Usings + """
        public sealed class TickerStream
        {
            private static readonly TimeSpan Silence = TimeSpan.FromSeconds(30);

            public async Task RunAsync(ClientWebSocket ws, CancellationToken ct)
            {
                var buffer = new byte[8192];
                while (ws.State == WebSocketState.Open)
                {
                    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    deadline.CancelAfter(Silence);
                    var result = await ws.ReceiveAsync(buffer, deadline.Token);
                    if (result.MessageType == WebSocketMessageType.Close) break;
                }
            }
        }
        """);

    [Fact]
    public Task Does_not_report_a_socket_with_a_keep_alive_timeout() => Verify.VerifyAsync(Usings + """
        public sealed class TickerStream
        {
            public async Task RunAsync(Uri uri, CancellationToken ct)
            {
                using var ws = new ClientWebSocket();
                ws.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
                ws.Options.KeepAliveTimeout = TimeSpan.FromSeconds(10);
                await ws.ConnectAsync(uri, ct);
                var buffer = new byte[8192];
                while (ws.State == WebSocketState.Open)
                    await ws.ReceiveAsync(buffer, ct);
            }
        }
        """);

    [Fact]
    public Task Does_not_report_a_receive_raced_against_a_timeout() => Verify.VerifyAsync(Usings + """
        public sealed class Feeds
        {
            public async Task WaitAsyncAsync(ClientWebSocket ws, CancellationToken ct)
            {
                var buffer = new byte[8192];
                while (true)
                {
                    var result = await ws.ReceiveAsync(buffer.AsMemory(), ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct);
                    if (result.Count == 0) break;
                }
            }

            public async Task WhenAnyAsync(ClientWebSocket ws, CancellationToken ct)
            {
                var buffer = new ArraySegment<byte>(new byte[8192]);
                while (true)
                {
                    var receive = ws.ReceiveAsync(buffer, ct);
                    if (await Task.WhenAny(receive, Task.Delay(30_000, ct)) != receive)
                        throw new TimeoutException("no market data for 30 s");
                }
            }
        }
        """);

    [Fact]
    public Task Does_not_report_a_watchdog_on_the_last_message_time() => Verify.VerifyAsync(Usings + """
        public sealed class WatchedFeed : IDisposable
        {
            private readonly ClientWebSocket _ws = new();
            private readonly Timer _timer;
            private DateTime _lastMessageUtc = DateTime.UtcNow;

            public WatchedFeed() => _timer = new Timer(_ => { if (DateTime.UtcNow - _lastMessageUtc > TimeSpan.FromSeconds(30)) _ws.Abort(); }, null, 5_000, 5_000);

            public async Task RunAsync(CancellationToken ct)
            {
                var buffer = new byte[8192];
                while (_ws.State == WebSocketState.Open)
                {
                    await _ws.ReceiveAsync(buffer, ct);
                    _lastMessageUtc = DateTime.UtcNow;
                }
            }

            public void Dispose() => _timer.Dispose();
        }
        """);

    [Fact]
    public Task Trusts_a_token_handed_in_when_the_compilation_has_a_watchdog() => Verify.VerifyAsync(Usings + """
        public interface IWatchdogTimer { void Kick(); }
        public sealed class StreamClient
        {
            public async Task StreamAsync(ClientWebSocket socket, CancellationToken token)
            {
                var buffer = new ArraySegment<byte>(new byte[4096]);
                while (!token.IsCancellationRequested)
                    await socket.ReceiveAsync(buffer, token);
            }

            public async Task StreamForeverAsync(ClientWebSocket socket)
            {
                var buffer = new ArraySegment<byte>(new byte[4096]);
                while (true)
                    await [|socket.ReceiveAsync(buffer, CancellationToken.None)|];
            }
        }
        """);

    [Fact]
    public Task Does_not_report_tokens_it_cannot_see_single_receives_or_server_sockets() => Verify.VerifyAsync(Usings + """
        public sealed class Misc
        {
            private readonly CancellationTokenSource _stop = new();

            public async Task FieldTokenAsync(ClientWebSocket ws)
            {
                var buffer = new byte[8192];
                while (ws.State == WebSocketState.Open)
                    await ws.ReceiveAsync(buffer, _stop.Token);
            }

            public async Task<string> OnceAsync(ClientWebSocket ws, CancellationToken ct)
            {
                var buffer = new byte[8192];
                var result = await ws.ReceiveAsync(buffer, ct);
                return Encoding.UTF8.GetString(buffer, 0, result.Count);
            }

            public async Task EchoAsync(WebSocket accepted, CancellationToken ct)
            {
                var buffer = new byte[8192];
                while (accepted.State == WebSocketState.Open)
                    await accepted.ReceiveAsync(buffer, ct);
            }

            public async Task FileAsync(string path)
            {
                using var file = File.OpenRead(path);
                var buffer = new byte[8192];
                while (await file.ReadAsync(buffer, 0, buffer.Length) > 0) { }
            }

            public async Task<string> FiniteAsync(HttpClient shared, string url)
            {
                var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
                return await http.GetStringAsync(url) + await shared.GetStringAsync(url);
            }
        }
        """);
}
