using System;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.CodeFixes
{
    /// <summary>
    /// Whether wrapping a call in a retry is safe to offer as a fix. Not when the call is non-idempotent
    /// (placing an order: a retry after a lost answer places a second order; that is GRD004's ground), and
    /// not when an attempt consumes what it sends (an HttpRequestMessage cannot be sent twice, a stream is read
    /// once).
    /// </summary>
    internal static class RetrySafety
    {
        private static readonly Regex OrderVerb = new Regex(
            "^(Place|Submit|Create|Send|New|Post|Add|Execute)[A-Za-z]*Order",
            RegexOptions.CultureInvariant | RegexOptions.Compiled);

        /// <summary>An "order" or "orders" path segment in the text of a URI argument.</summary>
        private static readonly Regex OrderSegment = new Regex(
            "(^|[/\"])orders?([/?#\"]|$)",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Compiled);

        public static bool IsNonIdempotent(IInvocationOperation call, ISymbol? containingSymbol)
        {
            var target = call.TargetMethod.ReducedFrom ?? call.TargetMethod.OriginalDefinition;
            if (GuardAttributes.Has(target, GuardAttributes.Idempotent))
                return false;
            if (GuardAttributes.Has(target, GuardAttributes.NonIdempotent) || OrderVerb.IsMatch(target.Name))
                return true;
            // The method around the call, and the methods around a lambda or local function it is in.
            for (var symbol = containingSymbol; symbol is IMethodSymbol method; symbol = method.ContainingSymbol)
            {
                if (GuardAttributes.Has(method, GuardAttributes.NonIdempotent) || OrderVerb.IsMatch(method.Name))
                    return true;
            }
            return IsPost(call, out var uri) && uri != null && OrderSegment.IsMatch(uri.Syntax.ToString());
        }

        /// <summary>A POST (PostAsync, PostAsJsonAsync, or Send(Async) of a request created with HttpMethod.Post) and its URI argument.</summary>
        private static bool IsPost(IInvocationOperation call, out IOperation? uri)
        {
            uri = null;
            var name = call.TargetMethod.Name;
            if (name is "PostAsync" or "PostAsJsonAsync")
            {
                uri = ArgumentNamed(call, "requestUri");
                return true;
            }
            if (name is "SendAsync" or "Send" && Unwrap(ArgumentNamed(call, "request")) is IObjectCreationOperation request && request.Arguments.Length >= 2)
            {
                uri = request.Arguments[1].Value;
                return request.Arguments[0].Value.Syntax.ToString().EndsWith("Post", StringComparison.Ordinal);
            }
            return false;
        }

        /// <summary>
        /// Whether every attempt can send the same arguments again: a request message created in the call itself
        /// (so each attempt creates its own) and content that can be read more than once.
        /// </summary>
        public static bool CanResend(IInvocationOperation call)
        {
            var request = ArgumentNamed(call, "request");
            if (request != null && Unwrap(request) is not IObjectCreationOperation)
                return false;
            var content = Unwrap(ArgumentNamed(call, "content"));
            if (content is null || content.ConstantValue is { HasValue: true, Value: null })
                return true;
            var type = content.Type;
            if (type is null)
                return false;
            for (var current = type; current != null; current = current.BaseType)
            {
                if (current.Name is "StreamContent" or "MultipartContent")
                    return false;
                if (current.Name is "ByteArrayContent" or "ReadOnlyMemoryContent" or "JsonContent")
                    return true;
            }
            return false;
        }

        private static IOperation? ArgumentNamed(IInvocationOperation call, string parameterName)
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Name == parameterName && argument.ArgumentKind == ArgumentKind.Explicit)
                    return argument.Value;
            }
            return null;
        }

        private static IOperation? Unwrap(IOperation? operation)
        {
            while (operation is IConversionOperation conversion)
                operation = conversion.Operand;
            return operation;
        }
    }
}
