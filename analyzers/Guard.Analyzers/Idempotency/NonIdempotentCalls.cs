using System;
using System.Collections.Generic;
using Guard.Analyzers.Http;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Idempotency
{
    internal enum NonIdempotentKind
    {
        None,
        /// <summary>A method whose name places an order (PlaceOrderAsync, OnPlaceOrder, MarketBuy...).</summary>
        OrderMethod,
        /// <summary>A method whose name moves money or a position: withdrawals, transfers, payments, margin, closing positions.</summary>
        FundsMethod,
        /// <summary>A method marked [NonIdempotent] or listed in guard.GRD004.non_idempotent_methods.</summary>
        DeclaredMethod,
        /// <summary>An HTTP POST to a URI with an order path segment.</summary>
        OrderPost,
    }

    /// <summary>Which invocations place an order (or run another operation that must not run twice).</summary>
    internal static class NonIdempotentCalls
    {
        /// <summary>
        /// Declared operations first (options and [NonIdempotent]), then a POST to an order URI through any method,
        /// then the operation the name states (<see cref="OperationNames"/>). Name tests run before symbol work.
        /// </summary>
        public static NonIdempotentKind Classify(IInvocationOperation invocation, KnownTypes types, NonIdempotentRetrySettings settings, MarkerAttributes markers, out HttpRequestInfo? request)
        {
            request = null;
            var method = invocation.TargetMethod;
            var definition = method.ReducedFrom ?? method.OriginalDefinition;
            if (settings.IdempotentMethods.Matches(definition) || (markers.MayHaveIdempotent && GuardAttributes.Has(definition, GuardAttributes.Idempotent)))
                return NonIdempotentKind.None;
            if (settings.NonIdempotentMethods.Matches(definition) || (markers.MayHaveNonIdempotent && GuardAttributes.Has(definition, GuardAttributes.NonIdempotent)))
                return NonIdempotentKind.DeclaredMethod;
            if (IsOrderPost(invocation, types, settings, out request))
                return NonIdempotentKind.OrderPost;
            request = null;
            var name = OperationNames.Classify(method.Name);
            if (!name.Certain || BuildsAnOrder(method))
                return NonIdempotentKind.None;
            return name.Family == OperationFamily.Order ? NonIdempotentKind.OrderMethod : NonIdempotentKind.FundsMethod;
        }

        /// <summary>A POST to a URI with an order path segment, on HttpClient or through any helper or extension method.</summary>
        public static bool IsOrderPost(IInvocationOperation invocation, KnownTypes types, NonIdempotentRetrySettings settings, out HttpRequestInfo? request)
        {
            request = null;
            if (!MayBeHttp(invocation.TargetMethod, types))
                return false;
            if (HttpRequests.VerbOf(invocation, types, out request) != HttpVerb.Post)
                return false;
            return OrderUris.IsOrderUri(HttpRequests.UriOf(invocation, types), OperationTree.Root(invocation), settings);
        }

        /// <summary>Cheap filter: the call names a verb, or takes a request message or a URI-like argument.</summary>
        private static bool MayBeHttp(IMethodSymbol method, KnownTypes types)
        {
            if (HttpRequests.VerbOfName(method.Name) != HttpVerb.Unknown || method.Name is "Send" or "SendAsync")
                return true;
            foreach (var parameter in method.Parameters)
            {
                if (HttpRequests.IsUriParameter(parameter) || KnownTypes.IsOrDerivesFrom(parameter.Type, types.HttpRequestMessage))
                    return true;
            }
            return false;
        }

        /// <summary>
        /// <c>OrderRequest CreateOrder(...)</c>, <c>Order NewOrder(...)</c>: a synchronous factory that returns the order
        /// or request it is named after builds one and sends nothing. Place, Submit, Send and Execute always send.
        /// </summary>
        private static bool BuildsAnOrder(IMethodSymbol method)
        {
            var words = OperationNames.Words(method.Name);
            if (words.Count == 0 || words[0] is not ("create" or "new" or "make" or "build"))
                return false;
            if (method.ReturnsVoid || method.ReturnType is not INamedTypeSymbol returnType || IsAwaitable(returnType))
                return false;
            var name = returnType.Name;
            return name.EndsWith("Order", StringComparison.Ordinal) || name.EndsWith("Request", StringComparison.Ordinal) ||
                   name.EndsWith("Params", StringComparison.Ordinal) || name.EndsWith("Payload", StringComparison.Ordinal);
        }

        private static bool IsAwaitable(ITypeSymbol type)
        {
            foreach (var member in type.GetMembers("GetAwaiter"))
            {
                if (member is IMethodSymbol { IsStatic: false, Parameters.Length: 0 })
                    return true;
            }
            return false;
        }

        public static IOperation? Argument(IInvocationOperation invocation, string parameterName)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Name == parameterName && argument.ArgumentKind != ArgumentKind.DefaultValue)
                    return argument.Value;
            }
            return null;
        }
    }
}
