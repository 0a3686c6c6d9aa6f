using Microsoft.CodeAnalysis;

namespace Guard.Analyzers
{
    /// <summary>Every Guard diagnostic, in one place, each with its help page.</summary>
    internal static class GuardDescriptors
    {
        public const string Category = "Reliability";
        public const string HelpLinkBase = "https://github.com/guard-dotnet/guard/blob/main/docs/rules/";

        public const string MissingRetryId = "GRD001";
        public const string UnboundedCacheId = "GRD002";
        public const string UnthrottledCallsId = "GRD003";
        public const string NonIdempotentRetryId = "GRD004";
        public const string MemoryCacheEntryWithoutSizeId = "GRD005";
        public const string ApiClientPerCallId = "GRD006";
        public const string SilentStreamId = "GRD007";

        public static readonly DiagnosticDescriptor MissingRetry = Create(
            MissingRetryId,
            "Outbound call without retry protection",
            "'{0}' is an outbound call with no retry protection: a timeout, connection reset, 5xx or 429 fails the whole operation{1}",
            "An outbound network call that nothing retries turns every transient failure (timeout, connection reset, 5xx, 429) into a failed operation. Run it through a Polly resilience pipeline, a client registered with a resilience handler, or a method marked [RetryWrapper].");

        public static readonly DiagnosticDescriptor UnboundedCache = Create(
            UnboundedCacheId,
            "Cache that can only grow",
            "'{0}' can only grow: {1}",
            "A long-lived collection that is written and never trimmed grows for the life of the process until it runs out of memory. Bound it: a MemoryCache with a SizeLimit and expirations, a bounded LRU, or a trim on write.",
            // Whether anything ever removes from a field is known only once the whole compilation is seen.
            WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor UnthrottledCalls = Create(
            UnthrottledCallsId,
            "Outbound calls in a loop without a throttle",
            "'{0}' is called {1} with no throttle: a burst of calls hits the API's rate limit (429 Too Many Requests)",
            "Outbound calls repeated in a loop or fanned out in parallel send requests as fast as the machine can, until the server answers 429. Acquire a RateLimiter lease, wait on a SemaphoreSlim, or pace the loop.");

        public static readonly DiagnosticDescriptor NonIdempotentRetry = Create(
            NonIdempotentRetryId,
            "Non-idempotent operation retried without an idempotency key",
            "'{0}' is retried {1}: {2}",
            "Retrying an operation that is not idempotent (placing an order) repeats it when the first attempt reached the server and only the answer was lost. Create an idempotency key (client order id) once, before the first attempt, and send it with every attempt.");

        public static readonly DiagnosticDescriptor MemoryCacheEntryWithoutSize = Create(
            MemoryCacheEntryWithoutSizeId,
            "MemoryCache entry written without Size",
            "'{0}' writes an entry without a Size to a MemoryCache that has a SizeLimit: this throws InvalidOperationException at run time",
            "A MemoryCache created with a SizeLimit requires every entry to declare its Size; an entry without one throws InvalidOperationException when it is written.");

        public static readonly DiagnosticDescriptor ApiClientPerCall = Create(
            ApiClientPerCallId,
            "API client created per call",
            "A new {0} is created {1} and dropped: each one opens its own connections, which linger in TIME_WAIT after it goes (socket exhaustion under load), and pays a new DNS lookup and TLS handshake; share one instance (a static readonly field, with PooledConnectionLifetime so DNS changes are seen, or IHttpClientFactory)",
            "An HttpClient, or an SDK client that owns one, made for each call and dropped afterwards opens new connections every time; the closed ones stay in TIME_WAIT for minutes, so under load the machine runs out of sockets (SocketException: address already in use, 'too many open files'), and every call pays DNS, TCP and TLS set-up again. Create the client once and share it: a static readonly field (with SocketsHttpHandler.PooledConnectionLifetime so that a long-lived client sees DNS changes), a singleton, or IHttpClientFactory.");

        public static readonly DiagnosticDescriptor SilentStream = Create(
            SilentStreamId,
            "Stream that can wait forever on a silent connection",
            "'{0}' {1}",
            "A receive loop on a WebSocket or a streaming HTTP response waits as long as nothing arrives: a half-open connection or a stalled feed leaves it waiting forever while the bot trades on stale prices. The same holds for a request on an HttpClient whose Timeout is infinite, sent without a cancellation token. Give each receive a deadline (a linked CancellationTokenSource with CancelAfter, reset per message), set ClientWebSocketOptions.KeepAliveTimeout (.NET 9 and later), or watch the time of the last message and reconnect.");

        private static DiagnosticDescriptor Create(string id, string title, string message, string description, params string[] customTags) =>
            new DiagnosticDescriptor(
                id,
                title,
                message,
                Category,
                DiagnosticSeverity.Warning,
                isEnabledByDefault: true,
                description: description,
                helpLinkUri: HelpLinkBase + id + ".md",
                customTags: customTags);
    }
}
