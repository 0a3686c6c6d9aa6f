using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers
{
    internal enum ClientResilience
    {
        /// <summary>No resilience handler Guard can see.</summary>
        None,
        /// <summary>A handler that retries safe methods only (unsafe ones disabled).</summary>
        RetriesSafeMethods,
        /// <summary>A handler that retries every method, POST included.</summary>
        RetriesAllMethods,
    }

    /// <summary>
    /// Whether the HttpClient a call is made on comes from an IHttpClientFactory registration, in this
    /// compilation, that adds a resilience handler: a typed client (the call is made inside that type) or a
    /// named client (the HttpClient was created with CreateClient("name")).
    /// </summary>
    internal static class ResilientClients
    {
        public static ClientResilience Of(IOperation? client, INamedTypeSymbol? containingType, CompilationIndex index)
        {
            if (index.AllClientsResilient)
                return index.AllClientsRetryUnsafe ? ClientResilience.RetriesAllMethods : ClientResilience.RetriesSafeMethods;
            if (containingType != null && index.IsResilientTypedClient(containingType))
                return index.IsTypedClientRetryingUnsafe(containingType) ? ClientResilience.RetriesAllMethods : ClientResilience.RetriesSafeMethods;
            var name = NamedClientOf(client);
            if (name != null && index.IsResilientNamedClient(name))
                return index.IsNamedClientRetryingUnsafe(name) ? ClientResilience.RetriesAllMethods : ClientResilience.RetriesSafeMethods;
            return ClientResilience.None;
        }

        /// <summary>"name" when the client is a local, field or property initialized with factory.CreateClient("name").</summary>
        private static string? NamedClientOf(IOperation? client)
        {
            while (client is IConversionOperation conversion)
                client = conversion.Operand;
            if (client is IInvocationOperation direct)
                return CreateClientName(direct.Syntax as InvocationExpressionSyntax);
            ISymbol? symbol = client switch
            {
                ILocalReferenceOperation local => local.Local,
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation property => property.Property,
                _ => null,
            };
            if (symbol is null || symbol.DeclaringSyntaxReferences.Length != 1)
                return null;
            var declaration = symbol.DeclaringSyntaxReferences[0].GetSyntax();
            var value = declaration switch
            {
                VariableDeclaratorSyntax variable => variable.Initializer?.Value,
                PropertyDeclarationSyntax property => property.Initializer?.Value,
                _ => null,
            };
            return CreateClientName(value as InvocationExpressionSyntax);
        }

        private static string? CreateClientName(InvocationExpressionSyntax? invocation)
        {
            if (invocation is null || SyntaxNames.InvokedName(invocation) != "CreateClient" || invocation.ArgumentList.Arguments.Count != 1)
                return null;
            return invocation.ArgumentList.Arguments[0].Expression is LiteralExpressionSyntax literal ? literal.Token.Value as string : null;
        }
    }
}
