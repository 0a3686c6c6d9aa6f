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
        private readonly Lazy<bool> _setsKeepAliveTimeout;
        private readonly Lazy<bool> _declaresWatchdog;

        public StreamTypes(Compilation compilation)
        {
            var known = GuardCompilationContext.For(compilation).Types;
            WebSocket = compilation.GetTypeByMetadataName("System.Net.WebSockets.WebSocket");
            ClientWebSocket = compilation.GetTypeByMetadataName("System.Net.WebSockets.ClientWebSocket");
            WebSocketReceiveResult = compilation.GetTypeByMetadataName("System.Net.WebSockets.WebSocketReceiveResult");
            ValueWebSocketReceiveResult = compilation.GetTypeByMetadataName("System.Net.WebSockets.ValueWebSocketReceiveResult");
            Stream = compilation.GetTypeByMetadataName("System.IO.Stream");
            TextReader = compilation.GetTypeByMetadataName("System.IO.TextReader");
            CancellationToken = known.CancellationToken;
            CancellationTokenSource = compilation.GetTypeByMetadataName("System.Threading.CancellationTokenSource");
            Timeout = compilation.GetTypeByMetadataName("System.Threading.Timeout");
            HttpClient = known.HttpClient;
            var options = compilation.GetTypeByMetadataName("System.Net.WebSockets.ClientWebSocketOptions");
            HasKeepAliveTimeout = options != null && !options.GetMembers("KeepAliveTimeout").IsEmpty;
            _setsKeepAliveTimeout = new Lazy<bool>(() => Mentions(compilation, "KeepAliveTimeout"), LazyThreadSafetyMode.ExecutionAndPublication);
            _declaresWatchdog = new Lazy<bool>(() => DeclaresWatchdog(compilation), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public INamedTypeSymbol? WebSocket { get; }
        public INamedTypeSymbol? ClientWebSocket { get; }
        public INamedTypeSymbol? WebSocketReceiveResult { get; }
        public INamedTypeSymbol? ValueWebSocketReceiveResult { get; }
        public INamedTypeSymbol? Stream { get; }
        public INamedTypeSymbol? TextReader { get; }
        public INamedTypeSymbol? CancellationToken { get; }
        public INamedTypeSymbol? CancellationTokenSource { get; }
        public INamedTypeSymbol? Timeout { get; }
        public INamedTypeSymbol? HttpClient { get; }

        /// <summary>The target framework has ClientWebSocketOptions.KeepAliveTimeout (.NET 9 and later).</summary>
        public bool HasKeepAliveTimeout { get; }

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

        private static bool IsStampName(string name)
        {
            if (name.Length < 6)
                return false;
            // Allocation-free for the usual name; last_message and _lastMessage are read without their underscores.
            var plain = name.IndexOf('_') >= 0 ? name.Replace("_", "") : name;
            foreach (var part in StampNameParts)
            {
                if (plain.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0)
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
