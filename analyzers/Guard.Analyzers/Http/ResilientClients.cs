using System.Collections.Generic;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Http
{
    internal enum ClientResilience
    {
        /// <summary>No resilience handler Guard can see.</summary>
        None,
        /// <summary>
        /// A client handed in by the caller in a compilation that has a retrying message handler: it may be built
        /// on that handler. Enough doubt to stay silent about a missing retry, not enough to call a POST retried.
        /// </summary>
        MayRetry,
        /// <summary>A handler that retries safe methods only (unsafe ones disabled).</summary>
        RetriesSafeMethods,
        /// <summary>A handler that retries every method, POST included.</summary>
        RetriesAllMethods,
    }

    /// <summary>
    /// Whether the HttpClient a call is made on comes from an IHttpClientFactory registration, in this
    /// compilation, that adds a resilience handler: a typed client (the call is made inside that type) or a
    /// named client (the HttpClient was created with CreateClient("name")). A client made with
    /// <c>new HttpClient(...)</c> never comes from the factory, whatever is registered: it is resilient only
    /// when it is given a retrying handler (a ResilienceHandler, a PolicyHttpMessageHandler, a "Retry" one).
    /// </summary>
    internal static class ResilientClients
    {
        public static ClientResilience Of(IOperation? client, INamedTypeSymbol? containingType, CompilationIndex index)
        {
            if (CreatedDirectly(client) is { } creations)
                return HasRetryingHandler(creations, client!.SemanticModel, index) ? ClientResilience.RetriesAllMethods : ClientResilience.None;
            if (index.AllClientsResilient)
                return index.AllClientsRetryUnsafe ? ClientResilience.RetriesAllMethods : ClientResilience.RetriesSafeMethods;
            if (containingType != null && index.IsResilientTypedClient(containingType))
                return index.IsTypedClientRetryingUnsafe(containingType) ? ClientResilience.RetriesAllMethods : ClientResilience.RetriesSafeMethods;
            var name = NamedClientOf(client, index.IsResilientNamedClient);
            if (name != null)
                return index.IsNamedClientRetryingUnsafe(name) ? ClientResilience.RetriesAllMethods : ClientResilience.RetriesSafeMethods;
            if (index.HasRetryingMessageHandler && IsHandedIn(client))
                return ClientResilience.MayRetry;
            return ClientResilience.None;
        }

        /// <summary>
        /// A parameter, or a field or property given only constructor, primary-constructor or method parameters
        /// (made by the caller), or the result of a factory method of this compilation (Alpaca's
        /// <c>configuration.GetConfiguredHttpClient()</c>): Guard does not follow the factory, and the project's
        /// own retrying handler is what such factories use.
        /// </summary>
        private static bool IsHandedIn(IOperation? client)
        {
            client = OperationTree.StripConversions(client);
            if (client is IParameterReferenceOperation)
                return true;
            var symbol = SymbolOf(client);
            if (symbol is null or ILocalSymbol)
                return false;
            var values = AssignedValues.Of(symbol);
            if (values.IsEmpty)
                return false;
            foreach (var value in values)
            {
                var handedIn = value switch
                {
                    IdentifierNameSyntax identifier => IsParameterOfEnclosingMethod(identifier),
                    InvocationExpressionSyntax invocation => IsFactoryOfThisCompilation(invocation, client!.SemanticModel),
                    _ => false,
                };
                if (!handedIn)
                    return false;
            }
            return true;
        }

        private static bool IsParameterOfEnclosingMethod(IdentifierNameSyntax identifier)
        {
            var parameters = identifier.FirstAncestorOrSelf<BaseMethodDeclarationSyntax>()?.ParameterList ??
                identifier.FirstAncestorOrSelf<TypeDeclarationSyntax>()?.ParameterList; // a primary constructor
            if (parameters is null)
                return false;
            foreach (var parameter in parameters.Parameters)
            {
                if (parameter.Identifier.ValueText == identifier.Identifier.ValueText)
                    return true;
            }
            return false;
        }

        private static bool IsFactoryOfThisCompilation(InvocationExpressionSyntax invocation, SemanticModel? model)
        {
            if (model is null)
                return false;
            if (model.SyntaxTree == invocation.SyntaxTree)
                return model.GetSymbolInfo(invocation).Symbol is IMethodSymbol method && IsInSource(method);
            // Another part of a partial class: no semantic model is made for that tree; a method of that name
            // declared in this compilation and returning an HttpClient is enough.
            var name = invocation.Expression switch
            {
                MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                SimpleNameSyntax simple => simple.Identifier.ValueText,
                _ => null,
            };
            if (name is null || !model.Compilation.ContainsSymbolsWithName(name, SymbolFilter.Member))
                return false;
            foreach (var symbol in model.Compilation.GetSymbolsWithName(name, SymbolFilter.Member))
            {
                if (symbol is IMethodSymbol { ReturnType.Name: "HttpClient" })
                    return true;
            }
            return false;
        }

        private static bool IsInSource(IMethodSymbol method)
        {
            foreach (var location in method.Locations)
            {
                if (location.IsInSource)
                    return true;
            }
            return false;
        }

        /// <summary>Whether the client's registration adds a rate or concurrency limiter (a throttling handler).</summary>
        public static bool IsThrottled(IOperation? client, INamedTypeSymbol? containingType, CompilationIndex index)
        {
            if (CreatedDirectly(client) != null)
                return false;
            if (index.AllClientsThrottled)
                return true;
            if (containingType != null && index.IsThrottledTypedClient(containingType))
                return true;
            return NamedClientOf(client, index.IsThrottledNamedClient) != null;
        }

        private static ISymbol? SymbolOf(IOperation? operation) => operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation property => property.Property,
            _ => null,
        };

        /// <summary>
        /// The <c>new HttpClient(...)</c> expressions that make the client, directly or as every value given to the
        /// local, field or property; null when the client is not (only) made that way.
        /// </summary>
        private static IReadOnlyList<BaseObjectCreationExpressionSyntax>? CreatedDirectly(IOperation? client)
        {
            client = OperationTree.StripConversions(client);
            if (client is IObjectCreationOperation { Syntax: BaseObjectCreationExpressionSyntax creation })
                return new[] { creation };
            var symbol = SymbolOf(client);
            if (symbol is null)
                return null;
            var values = AssignedValues.Of(symbol);
            if (values.IsEmpty)
                return null;
            var creations = new List<BaseObjectCreationExpressionSyntax>(values.Length);
            foreach (var value in values)
            {
                if (value is not BaseObjectCreationExpressionSyntax created)
                    return null;
                creations.Add(created);
            }
            return creations;
        }

        /// <summary>
        /// <c>new HttpClient(new ResilienceHandler(pipeline))</c>, <c>new HttpClient(new PolicyHttpMessageHandler(policy))</c>
        /// or a handler of the user's whose name says it retries, in every creation (read from the text of the
        /// arguments, and of the initializer of a handler passed by name).
        /// </summary>
        private static bool HasRetryingHandler(IReadOnlyList<BaseObjectCreationExpressionSyntax> creations, SemanticModel? model, CompilationIndex index)
        {
            foreach (var creation in creations)
            {
                if (creation.ArgumentList is not { Arguments.Count: > 0 } arguments)
                    return false;
                var handler = arguments.Arguments[0].Expression;
                // A handler type of this compilation that retries through Polly, whatever it is called.
                if (index.IsRetryingHandler(model != null && model.SyntaxTree == handler.SyntaxTree ? model.GetTypeInfo(handler).Type : null))
                    continue;
                if (!HandlerMentionsRetry(handler, model))
                    return false;
            }
            return true;
        }

        private static bool HandlerMentionsRetry(ExpressionSyntax handler, SemanticModel? model)
        {
            if (MentionsRetry(handler.ToString()))
                return true;
            if (handler is not IdentifierNameSyntax || model is null || model.SyntaxTree != handler.SyntaxTree)
                return false;
            var symbol = model.GetSymbolInfo(handler).Symbol;
            if (symbol is null)
                return false;
            var values = AssignedValues.Of(symbol);
            if (values.IsEmpty)
                return false;
            foreach (var value in values)
            {
                if (!MentionsRetry(value.ToString()))
                    return false;
            }
            return true;
        }

        private static bool MentionsRetry(string text) =>
            text.IndexOf("ResilienceHandler", System.StringComparison.Ordinal) >= 0 ||
            text.IndexOf("PolicyHttpMessageHandler", System.StringComparison.Ordinal) >= 0 ||
            text.IndexOf("Retry", System.StringComparison.Ordinal) >= 0;

        /// <summary>
        /// The name of the client when it is created with factory.CreateClient("name") (directly, or as every
        /// value given to the local, field or property) and every such name passes the test.
        /// </summary>
        private static string? NamedClientOf(IOperation? client, System.Func<string, bool> test)
        {
            client = OperationTree.StripConversions(client);
            if (client is IInvocationOperation direct)
            {
                var directName = CreateClientName(direct.Syntax as InvocationExpressionSyntax, direct.SemanticModel);
                return directName != null && test(directName) ? directName : null;
            }
            var symbol = SymbolOf(client);
            if (symbol is null)
                return null;
            var values = AssignedValues.Of(symbol);
            string? name = null;
            foreach (var value in values)
            {
                name = CreateClientName(value as InvocationExpressionSyntax, client!.SemanticModel);
                if (name is null || !test(name))
                    return null;
            }
            return name;
        }

        private static string? CreateClientName(InvocationExpressionSyntax? invocation, SemanticModel? model)
        {
            if (invocation is null || SyntaxNames.InvokedName(invocation) != "CreateClient" || invocation.ArgumentList.Arguments.Count != 1)
                return null;
            return ClientNames.Of(invocation.ArgumentList.Arguments[0].Expression, model);
        }
    }

    /// <summary>The name a named HttpClient is registered or created with: a literal, nameof, or a constant.</summary>
    internal static class ClientNames
    {
        public static string? Of(ExpressionSyntax expression, SemanticModel? model)
        {
            if (expression is LiteralExpressionSyntax literal)
                return literal.Token.Value as string;
            if (expression is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } } nameOf &&
                nameOf.ArgumentList.Arguments.Count == 1)
            {
                var argument = nameOf.ArgumentList.Arguments[0].Expression;
                return argument switch
                {
                    SimpleNameSyntax simple => simple.Identifier.ValueText,
                    MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
                    _ => null,
                };
            }
            if (model != null && model.SyntaxTree == expression.SyntaxTree)
            {
                var constant = model.GetConstantValue(expression);
                return constant.HasValue ? constant.Value as string : null;
            }
            return null;
        }
    }
}
