using Guard.Analyzers.Http;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Idempotency
{
    internal enum RetryVerdict
    {
        /// <summary>Known to be safe to send again: an idempotent verb or a declared idempotent method, and nothing consumed.</summary>
        Safe,
        /// <summary>It must not run twice: an order, withdrawal, transfer or payment, by name, declaration or URI.</summary>
        NonIdempotent,
        /// <summary>A POST or PATCH whose idempotency Guard cannot establish.</summary>
        UnsafeVerb,
        /// <summary>Guard cannot tell what the call sends.</summary>
        Unknown,
        /// <summary>An attempt consumes what it sends: a request message, a WebRequest or a stream.</summary>
        SingleUse,
    }

    internal readonly struct RetryJudgement
    {
        public RetryJudgement(RetryVerdict verdict, string reason)
        {
            Verdict = verdict;
            Reason = reason;
        }

        public RetryVerdict Verdict { get; }

        /// <summary>Why a retry is not safe, as a clause of a diagnostic message; empty when safe.</summary>
        public string Reason { get; }

        public bool IsSafe => Verdict == RetryVerdict.Safe;
    }

    /// <summary>
    /// The one answer to "may this call be sent again as it is?", used by GRD001's message and fix and by GRD004.
    /// Safe only when Guard knows: an idempotent HTTP verb (GET, HEAD, OPTIONS, DELETE, a PUT not to an order), a
    /// read or cancel by name, or a method declared [Idempotent]; never an operation that must not be repeated
    /// (<see cref="NonIdempotentCalls"/>, <see cref="OperationNames"/>, also when it names the method around the
    /// call), and never a request object that cannot be sent twice.
    /// </summary>
    internal static class RetrySafety
    {
        public static RetryJudgement Judge(IInvocationOperation call, ISymbol? containingSymbol, KnownTypes types, NonIdempotentRetrySettings settings, MarkerAttributes markers)
        {
            var target = call.TargetMethod.ReducedFrom ?? call.TargetMethod.OriginalDefinition;
            var consumed = SingleUseArgument(call, types);
            if (consumed != null)
                return new RetryJudgement(RetryVerdict.SingleUse, consumed);
            if (settings.IdempotentMethods.Matches(target) || (markers.MayHaveIdempotent && GuardAttributes.Has(target, GuardAttributes.Idempotent)))
                return new RetryJudgement(RetryVerdict.Safe, "");

            var kind = NonIdempotentCalls.Classify(call, types, settings, markers, out _);
            if (kind != NonIdempotentKind.None)
                return new RetryJudgement(RetryVerdict.NonIdempotent, kind == NonIdempotentKind.OrderPost ? "it posts an order" : Describe(call.TargetMethod.Name, "it"));
            var name = OperationNames.Classify(call.TargetMethod.Name);
            if (name.IsOperation)
                return name.Certain ? new RetryJudgement(RetryVerdict.NonIdempotent, "it " + name.Noun) : MentionsOperation;
            // The method around the call, and the methods around a lambda or local function it is in.
            for (var symbol = containingSymbol; symbol is IMethodSymbol method; symbol = method.ContainingSymbol)
            {
                var definition = method.OriginalDefinition;
                if (settings.NonIdempotentMethods.Matches(definition) || (markers.MayHaveNonIdempotent && GuardAttributes.Has(definition, GuardAttributes.NonIdempotent)))
                    return new RetryJudgement(RetryVerdict.NonIdempotent, $"it runs in '{method.Name}', which must not be repeated");
                var around = OperationNames.Classify(method.Name);
                if (around.IsOperation)
                    return around.Certain ? new RetryJudgement(RetryVerdict.NonIdempotent, $"it runs in '{method.Name}', which {around.Noun}") : MentionsOperation;
            }

            switch (HttpRequests.VerbOf(call, types, out _))
            {
                case HttpVerb.Get or HttpVerb.Head or HttpVerb.Options or HttpVerb.Delete:
                    return new RetryJudgement(RetryVerdict.Safe, "");
                case HttpVerb.Put:
                    return OrderUris.IsOrderUri(HttpRequests.UriOf(call, types), OperationTree.Root(call), settings)
                        ? new RetryJudgement(RetryVerdict.NonIdempotent, "it puts an order")
                        : new RetryJudgement(RetryVerdict.Safe, "");
                case HttpVerb.Post:
                    return new RetryJudgement(RetryVerdict.UnsafeVerb, "it is a POST, which a server may run twice");
                case HttpVerb.Patch:
                    return new RetryJudgement(RetryVerdict.UnsafeVerb, "it is a PATCH, which a server may run twice");
            }
            return IsReadOrCancelName(call.TargetMethod.Name)
                ? new RetryJudgement(RetryVerdict.Safe, "")
                : new RetryJudgement(RetryVerdict.Unknown, "Guard cannot tell whether it may run twice");
        }

        /// <summary>
        /// GetWithdrawals, CancelOrder, PlaceTestOrder: the name mentions an operation without saying it runs it. No
        /// fix (a retry is not known safe), and no claim in the message that it withdraws or orders.
        /// </summary>
        private static readonly RetryJudgement MentionsOperation = new RetryJudgement(RetryVerdict.Unknown, "Guard cannot tell whether it may run twice");

        private static string Describe(string methodName, string subject)
        {
            var name = OperationNames.Classify(methodName);
            return name.IsOperation ? subject + " " + name.Noun : subject + " must not be repeated";
        }

        /// <summary>GetTicker, FetchBalances, ListOrders, CancelOrder: reads, and cancels (a second cancel changes nothing).</summary>
        private static bool IsReadOrCancelName(string name)
        {
            var words = OperationNames.Words(name);
            // GetResponse sends the request it is called on: not a read.
            if (words.Count > 1 && words[0] == "get" && words[1] == "response")
                return false;
            return words.Count > 0 && words[0] is "get" or "fetch" or "query" or "list" or "read" or "load" or "download" or "search"
                or "find" or "lookup" or "cancel" or "ping" or "head" or "check" or "exists";
        }

        /// <summary>
        /// The receiver or an argument that one attempt uses up: an HttpRequestMessage not created in the call itself
        /// (HttpClient throws when it is sent again), any WebRequest (GetResponse runs once), a Stream, or content that
        /// reads a stream.
        /// </summary>
        private static string? SingleUseArgument(IInvocationOperation call, KnownTypes types)
        {
            if (call.Instance != null && IsWebRequest(call.Instance.Type))
                return "its WebRequest can be sent only once";
            // request.GetResponseAsync() on a library's own request object (CryptoExchange.Net's IRequest holds one
            // HttpRequestMessage): the object is the request, and it may be sendable only once.
            if (call.Instance?.Type is { } receiver && IsRequestObject(receiver))
                return "it sends a request object that may be sendable only once";
            foreach (var argument in call.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                    continue;
                var value = OperationTree.Unwrap(argument.Value);
                var type = value.Type;
                if (type is null)
                    continue;
                if (KnownTypes.IsOrDerivesFrom(type, types.HttpRequestMessage) && value is not IObjectCreationOperation)
                    return "its HttpRequestMessage can be sent only once";
                if (IsWebRequest(type))
                    return "its WebRequest can be sent only once";
                if (DerivesFrom(type, "Stream", "System.IO"))
                    return "it reads a stream, which the first attempt consumes";
                if (DerivesFrom(type, "HttpContent", "System.Net.Http") && !IsReplayableContent(value))
                    return "its content may be readable only once";
            }
            return null;
        }

        private static bool IsWebRequest(ITypeSymbol? type) => DerivesFrom(type, "WebRequest", "System.Net");

        private static bool IsRequestObject(ITypeSymbol type)
        {
            if (type.Name.EndsWith("Request", System.StringComparison.Ordinal))
                return true;
            foreach (var iface in type.AllInterfaces)
            {
                if (iface.Name.EndsWith("Request", System.StringComparison.Ordinal))
                    return true;
            }
            return false;
        }

        /// <summary>Content that can be read again: a null, or bytes, a string, JSON or a form made in the call itself.</summary>
        private static bool IsReplayableContent(IOperation value)
        {
            if (value.ConstantValue is { HasValue: true, Value: null })
                return true;
            if (value is IInvocationOperation { TargetMethod.Name: "Create", TargetMethod.ContainingType.Name: "JsonContent" })
                return true;
            if (value is not IObjectCreationOperation creation)
                return false;
            for (var current = creation.Type; current != null; current = current.BaseType)
            {
                if (current.Name is "StreamContent" or "MultipartContent")
                    return false;
                if (current.Name is "ByteArrayContent" or "ReadOnlyMemoryContent" or "JsonContent")
                    return true;
            }
            return false;
        }

        private static bool DerivesFrom(ITypeSymbol? type, string name, string containingNamespace)
        {
            for (var current = type; current != null; current = current.BaseType)
            {
                if (current.Name == name && current.ContainingNamespace?.ToDisplayString() == containingNamespace)
                    return true;
            }
            return false;
        }
    }
}
