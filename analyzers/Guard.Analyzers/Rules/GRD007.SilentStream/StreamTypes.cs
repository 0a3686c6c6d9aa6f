using System;
using System.Collections.Concurrent;
using System.Threading;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Guard.Analyzers.Rules.GRD007
{
    /// <summary>GRD007: the types a silent stream involves, resolved once per compilation, and what the code around a receive does to notice silence.</summary>
    internal sealed class StreamTypes
    {
        private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _watchesSilence = new ConcurrentDictionary<INamedTypeSymbol, bool>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<SyntaxTree, bool> _infiniteTimeoutTrees = new ConcurrentDictionary<SyntaxTree, bool>();
        private readonly Lazy<bool> _setsKeepAliveTimeout;
        private readonly Lazy<bool> _declaresWatchdog;
        private readonly Lazy<bool> _hasKeepAliveTimeout;

        private readonly KnownTypes _known;
        private readonly LazyType _webSocket;
        private readonly LazyType _clientWebSocket;
        private readonly LazyType _webSocketReceiveResult;
        private readonly LazyType _valueWebSocketReceiveResult;
        private readonly LazyType _stream;
        private readonly LazyType _textReader;
        private readonly LazyType _cancellationTokenSource;
        private readonly LazyType _timeout;

        public StreamTypes(Compilation compilation)
        {
            var known = GuardCompilationContext.For(compilation).Types;
            _known = known;
            _webSocket = new LazyType(compilation, "System.Net.WebSockets.WebSocket");
            _clientWebSocket = new LazyType(compilation, "System.Net.WebSockets.ClientWebSocket");
            _webSocketReceiveResult = new LazyType(compilation, "System.Net.WebSockets.WebSocketReceiveResult");
            _valueWebSocketReceiveResult = new LazyType(compilation, "System.Net.WebSockets.ValueWebSocketReceiveResult");
            _stream = new LazyType(compilation, "System.IO.Stream");
            _textReader = new LazyType(compilation, "System.IO.TextReader");
            _cancellationTokenSource = new LazyType(compilation, "System.Threading.CancellationTokenSource");
            _timeout = new LazyType(compilation, "System.Threading.Timeout");
            _hasKeepAliveTimeout = new Lazy<bool>(() => compilation.GetTypeByMetadataName("System.Net.WebSockets.ClientWebSocketOptions") is { } options &&
                !options.GetMembers("KeepAliveTimeout").IsEmpty, LazyThreadSafetyMode.PublicationOnly);
            _setsKeepAliveTimeout = new Lazy<bool>(() => Mentions(compilation, "KeepAliveTimeout"), LazyThreadSafetyMode.ExecutionAndPublication);
            _declaresWatchdog = new Lazy<bool>(() => DeclaresWatchdog(compilation), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public INamedTypeSymbol? WebSocket => _webSocket.Value;
        public INamedTypeSymbol? ClientWebSocket => _clientWebSocket.Value;
        public INamedTypeSymbol? WebSocketReceiveResult => _webSocketReceiveResult.Value;
        public INamedTypeSymbol? ValueWebSocketReceiveResult => _valueWebSocketReceiveResult.Value;
        public INamedTypeSymbol? Stream => _stream.Value;
        public INamedTypeSymbol? TextReader => _textReader.Value;
        public INamedTypeSymbol? CancellationToken => _known.CancellationToken;
        public INamedTypeSymbol? CancellationTokenSource => _cancellationTokenSource.Value;
        public INamedTypeSymbol? Timeout => _timeout.Value;
        public INamedTypeSymbol? HttpClient => _known.HttpClient;

        /// <summary>The target framework has ClientWebSocketOptions.KeepAliveTimeout (.NET 9 and later).</summary>
        public bool HasKeepAliveTimeout => _hasKeepAliveTimeout.Value;

        /// <summary>Somewhere in the compilation a socket's KeepAliveTimeout is set: a socket made elsewhere may be one of those.</summary>
        public bool CompilationSetsKeepAliveTimeout => HasKeepAliveTimeout && _setsKeepAliveTimeout.Value;

        /// <summary>
        /// Some type, field, property or method of the compilation is a watchdog or a last-received stamp by name
        /// (a WatchdogTimer, LastMessageTime): a token handed in to a receive loop may be the one it cancels.
        /// </summary>
        public bool CompilationDeclaresWatchdog => _declaresWatchdog.Value;

        // The compiler's declaration table knows every type and member name of the source: no syntax walk. It
        // names events and nested types too; a watchdog by either name is one as well.
        private static bool DeclaresWatchdog(Compilation compilation) =>
            compilation.ContainsSymbolsWithName(IsStampName, SymbolFilter.TypeAndMember);

        private static readonly string[] WatchMembers = { "CancelAfter", "KeepAliveTimeout" };

        /// <summary>Parts of names that say a member keeps the time of the last message or watches for silence.</summary>
        private static readonly string[] StampNameParts =
        {
            "lastreceiv", "lastmessage", "lastmsg", "lastdata", "lastactivity", "lastpong", "lastheartbeat", "lastupdate",
            "lastseen", "lasttick", "lastframe", "lastevent", "watchdog", "nodatatimeout", "receivetimeout", "staletimeout",
            "silence", "heartbeattimeout", "idletimeout", "inactivity",
        };

        /// <summary>
        /// Whether the type (all its parts, and the types nested in it) may notice silence: it calls CancelAfter, sets
        /// KeepAliveTimeout, makes a CancellationTokenSource with a delay, or keeps a last-received stamp or a
        /// watchdog (by name). Read syntactically, once per type.
        /// </summary>
        public bool WatchesSilence(INamedTypeSymbol type)
        {
            var outermost = type;
            while (outermost.ContainingType != null)
                outermost = outermost.ContainingType;
            if (_watchesSilence.TryGetValue(outermost, out var known))
                return known;
            var watches = false;
            foreach (var reference in outermost.DeclaringSyntaxReferences)
            {
                foreach (var token in reference.GetSyntax().DescendantTokens())
                {
                    if (!token.IsKind(SyntaxKind.IdentifierToken))
                        continue;
                    var text = token.ValueText;
                    if (Array.IndexOf(WatchMembers, text) >= 0 || IsStampName(text) ||
                        (text == "CancellationTokenSource" && token.Parent?.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.ObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: > 0 }))
                    {
                        watches = true;
                        break;
                    }
                }
                if (watches)
                    break;
            }
            _watchesSilence.TryAdd(outermost, watches);
            return watches;
        }

        /// <summary>Every part of <see cref="StampNameParts"/> contains one of these: most names contain none, and are done in five searches.</summary>
        private static readonly string[] StampNameKeys = { "last", "timeout", "watchdog", "silence", "inactivity" };

        private static bool IsStampName(string name)
        {
            if (name.Length < 6)
                return false;
            // Allocation-free for the usual name; last_message and _lastMessage are read without their underscores.
            var plain = name.IndexOf('_') >= 0 ? name.Replace("_", "") : name;
            if (!ContainsAny(plain, StampNameKeys))
                return false;
            return ContainsAny(plain, StampNameParts);
        }

        private static bool ContainsAny(string name, string[] parts)
        {
            foreach (var part in parts)
            {
                if (name.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0)
                    return true;
            }
            return false;
        }

        /// <summary>
        /// Whether the type's source may set a timeout to infinite the way the rule recognises it: its text names
        /// InfiniteTimeSpan or FromMilliseconds. Read once per tree; the per-type actions that look for such an
        /// assignment are registered only for these types.
        /// </summary>
        public bool MaySetInfiniteTimeout(INamedTypeSymbol type)
        {
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                var tree = reference.SyntaxTree;
                if (!_infiniteTimeoutTrees.TryGetValue(tree, out var mentions))
                {
                    var text = tree.GetText().ToString();
                    mentions = text.IndexOf("InfiniteTimeSpan", StringComparison.Ordinal) >= 0 || text.IndexOf("FromMilliseconds", StringComparison.Ordinal) >= 0;
                    _infiniteTimeoutTrees.TryAdd(tree, mentions);
                }
                if (mentions)
                    return true;
            }
            return false;
        }

        private static bool Mentions(Compilation compilation, string name)
        {
            foreach (var tree in compilation.SyntaxTrees)
            {
                if (tree.GetText().ToString().IndexOf(name, StringComparison.Ordinal) >= 0)
                    return true;
            }
            return false;
        }
    }
}
