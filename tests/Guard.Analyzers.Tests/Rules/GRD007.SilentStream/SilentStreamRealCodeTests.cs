using System.Threading.Tasks;
using Verify = Guard.Analyzers.Tests.Verifiers.AnalyzerVerifier<Guard.Analyzers.Rules.GRD007.SilentStreamAnalyzer>;

namespace Guard.Analyzers.Tests.Rules.GRD007;

/// <summary>Shapes met in public exchange clients and SDKs (issue 17): what GRD007 must and must not say there.</summary>
public class SilentStreamRealCodeTests
{
    private const string Usings = """
        using System;
        using System.IO;
        using System.Net.WebSockets;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    [Fact]
    public Task A_socket_client_whose_loop_token_is_a_field_source_is_not_judged() => Verify.VerifyAsync(Usings + """
        public sealed class ExchangeWebSocketClient
        {
            private readonly ClientWebSocket _socket = new();
            private readonly CancellationTokenSource _ctsSource = new();
            private readonly CancellationToken _token;
            public ExchangeWebSocketClient() => _token = _ctsSource.Token;

            public async Task ReceiveLoopAsync()
            {
                var buffer = new ArraySegment<byte>(new byte[65536]);
                while (true)
                {
                    var result = await _socket.ReceiveAsync(buffer, _ctsSource.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close) break;
                    result = await _socket.ReceiveAsync(buffer, _token).ConfigureAwait(false);
                }
            }
        }
        """);

    [Fact]
    public Task A_wrapper_with_its_own_result_type_or_a_single_forwarding_receive_is_not_a_loop() => Verify.VerifyAsync(Usings + """
        public readonly record struct ReceiveResult(int Count, bool EndOfMessage);
        public interface IWebSocket { ValueTask<ReceiveResult> ReceiveAsync(Memory<byte> buffer); }
        public sealed class ClientWebSocketWrapper : IWebSocket
        {
            private readonly ClientWebSocket _client = new();
            public async ValueTask<ReceiveResult> ReceiveAsync(Memory<byte> buffer)
            {
                var result = await _client.ReceiveAsync(buffer, CancellationToken.None);
                return new ReceiveResult(result.Count, result.EndOfMessage);
            }
        }
        public sealed class Transport
        {
            private readonly IWebSocket _socket = new ClientWebSocketWrapper();
            public async Task LoopAsync()
            {
                var memory = new byte[4096].AsMemory();
                while (true)
                    await _socket.ReceiveAsync(memory);
            }
        }
        """);

    [Fact]
    public Task A_server_echo_loop_is_not_judged() => Verify.VerifyAsync(Usings + """
        public sealed class WsController
        {
            public async Task EchoAsync(WebSocket webSocket)
            {
                var buffer = new byte[4096];
                while (webSocket.State == WebSocketState.Open)
                {
                    var result = await webSocket.ReceiveAsync(buffer, CancellationToken.None);
                    await webSocket.SendAsync(new ArraySegment<byte>(buffer, 0, result.Count), result.MessageType, result.EndOfMessage, CancellationToken.None);
                }
            }
        }
        """);

    [Fact]
    public Task A_stream_loop_without_any_watchdog_in_the_library_is_reported() => Verify.VerifyAsync(Usings + """
        public interface IClientWebSocket : IDisposable
        {
            WebSocketState State { get; }
            Task ConnectAsync(Uri uri, CancellationToken token);
            Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken token);
        }
        public sealed class DefaultWebSocketClient
        {
            private readonly Func<IClientWebSocket> _factory;
            public DefaultWebSocketClient(Func<IClientWebSocket> factory) => _factory = factory;
            public async Task StreamAsync(Uri uri, CancellationToken token)
            {
                using var socket = _factory();
                await socket.ConnectAsync(uri, token);
                var buffer = new ArraySegment<byte>(new byte[16384]);
                while (!token.IsCancellationRequested)
                {
                    WebSocketReceiveResult result;
                    do
                    {
                        if (socket.State != WebSocketState.Open) return;
                        result = await [|socket.ReceiveAsync(buffer, token)|].ConfigureAwait(false);
                    }
                    while (!result.EndOfMessage);
                }
            }
        }
        """);
}
