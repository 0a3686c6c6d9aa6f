using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers
{
    internal enum NonIdempotentKind
    {
        None,
        /// <summary>A method with a default order-placing name (PlaceOrderAsync...).</summary>
        OrderMethod,
        /// <summary>A method marked [NonIdempotent] or listed in guard.GRD004.non_idempotent_methods.</summary>
        DeclaredMethod,
        /// <summary>An HTTP POST to a URI with an order path segment.</summary>
        OrderPost,
    }

    /// <summary>The request an HttpClient.Send/SendAsync call sends, as far as it can be read in the method.</summary>
    internal sealed class HttpRequestInfo
    {
        public HttpRequestInfo(IObjectCreationOperation creation, ILocalSymbol? local, IVariableDeclaratorOperation? declarator)
        {
            Creation = creation;
            Local = local;
            Declarator = declarator;
        }

        public IObjectCreationOperation Creation { get; }

        /// <summary>The local the request is stored in; null when it is created in the call's argument list.</summary>
        public ILocalSymbol? Local { get; }

        public IVariableDeclaratorOperation? Declarator { get; }
    }

    /// <summary>Which invocations place an order (or run another operation that must not run twice).</summary>
    internal static class NonIdempotentCalls
    {
        private static readonly HashSet<string> HttpPostMethods = new HashSet<string> { "PostAsync", "PostAsJsonAsync", "Send", "SendAsync" };

        /// <summary>Name test before any symbol work; the [NonIdempotent] attribute is checked on every other call.</summary>
        public static NonIdempotentKind Classify(IInvocationOperation invocation, KnownTypes types, NonIdempotentRetrySettings settings, MarkerAttributes markers, out HttpRequestInfo? request)
        {
            request = null;
            var method = invocation.TargetMethod;
            if (HttpPostMethods.Contains(method.Name) && OutboundCalls.IsOutbound(invocation, types, default))
                return IsOrderPost(invocation, types, settings, out request) ? NonIdempotentKind.OrderPost : NonIdempotentKind.None;
            var definition = method.ReducedFrom ?? method.OriginalDefinition;
            NonIdempotentKind kind;
            if (settings.NonIdempotentMethods.Matches(definition) || (markers.MayHaveNonIdempotent && GuardAttributes.Has(definition, GuardAttributes.NonIdempotent)))
                kind = NonIdempotentKind.DeclaredMethod;
            else if (NonIdempotentRetrySettings.IsDefaultOrderMethodName(method.Name) && !BuildsAnOrder(method))
                kind = NonIdempotentKind.OrderMethod;
            else
                return NonIdempotentKind.None;
            if (settings.IdempotentMethods.Matches(definition) || (markers.MayHaveIdempotent && GuardAttributes.Has(definition, GuardAttributes.Idempotent)))
                return NonIdempotentKind.None;
            return kind;
        }

        /// <summary>
        /// <c>OrderRequest CreateOrder(...)</c>, <c>Order NewOrder(...)</c>: a synchronous factory that returns the order
        /// or request it is named after builds one and sends nothing. Place, Submit, Send and Execute always send.
        /// </summary>
        private static bool BuildsAnOrder(IMethodSymbol method)
        {
            if (!(method.Name.StartsWith("CreateOrder", StringComparison.Ordinal) || method.Name.StartsWith("NewOrder", StringComparison.Ordinal)))
                return false;
            if (method.ReturnsVoid || method.ReturnType is not INamedTypeSymbol returnType || IsAwaitable(returnType))
                return false;
            var name = returnType.Name;
            return name.EndsWith("Order", StringComparison.Ordinal) || name.EndsWith("Request", StringComparison.Ordinal);
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

        private static bool IsOrderPost(IInvocationOperation invocation, KnownTypes types, NonIdempotentRetrySettings settings, out HttpRequestInfo? request)
        {
            request = null;
            var root = OperationTree.Root(invocation);
            if (invocation.TargetMethod.Name is "PostAsync" or "PostAsJsonAsync")
                return OrderUris.IsOrderUri(Argument(invocation, "requestUri"), root, settings);
            var message = Argument(invocation, "request");
            if (message is null || !KnownTypes.IsOrDerivesFrom(message.Type, types.HttpRequestMessage))
                return false;
            request = RequestOf(message, root);
            if (request is null)
                return false;
            IOperation? method = null, uri = null;
            ReadRequest(request, root, ref method, ref uri);
            return IsPost(method, types) && OrderUris.IsOrderUri(uri, root, settings);
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

        private static HttpRequestInfo? RequestOf(IOperation message, IOperation root)
        {
            message = OperationTree.Unwrap(message);
            if (message is IObjectCreationOperation inline)
                return new HttpRequestInfo(inline, null, null);
            if (message is not ILocalReferenceOperation reference)
                return null;
            var declarator = OperationTree.FindDeclarator(root, reference.Local);
            var initializer = declarator?.GetVariableInitializer()?.Value;
            return initializer != null && OperationTree.Unwrap(initializer) is IObjectCreationOperation creation
                ? new HttpRequestInfo(creation, reference.Local, declarator)
                : null;
        }

        /// <summary>The method and URI from the constructor, the object initializer, and assignments to the local.</summary>
        private static void ReadRequest(HttpRequestInfo request, IOperation root, ref IOperation? method, ref IOperation? uri)
        {
            foreach (var argument in request.Creation.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                    continue;
                if (argument.Parameter?.Name == "method")
                    method = argument.Value;
                else if (argument.Parameter?.Name == "requestUri")
                    uri = argument.Value;
            }
            if (request.Creation.Initializer != null)
            {
                foreach (var initializer in request.Creation.Initializer.Initializers)
                    ReadAssignment(initializer, null, ref method, ref uri);
            }
            if (request.Local is null)
                return;
            foreach (var operation in root.Descendants())
            {
                if (operation is ISimpleAssignmentOperation)
                    ReadAssignment(operation, request.Local, ref method, ref uri);
            }
        }

        private static void ReadAssignment(IOperation operation, ILocalSymbol? owner, ref IOperation? method, ref IOperation? uri)
        {
            if (operation is not ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment)
                return;
            if (owner != null && !(property.Instance is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, owner)))
                return;
            if (property.Property.Name == "Method")
                method = assignment.Value;
            else if (property.Property.Name == "RequestUri")
                uri = assignment.Value;
        }

        /// <summary><c>HttpMethod.Post</c> or <c>new HttpMethod("POST")</c>.</summary>
        private static bool IsPost(IOperation? method, KnownTypes types)
        {
            if (method is null)
                return false;
            method = OperationTree.Unwrap(method);
            if (method is IPropertyReferenceOperation { Property.Name: "Post" } property)
                return KnownTypes.Same(property.Property.ContainingType, types.HttpMethod);
            if (method is IObjectCreationOperation creation && KnownTypes.Same(creation.Type, types.HttpMethod) && creation.Arguments.Length == 1)
                return creation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: string verb } && string.Equals(verb, "POST", StringComparison.OrdinalIgnoreCase);
            return false;
        }
    }
}
