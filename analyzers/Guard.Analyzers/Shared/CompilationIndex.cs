using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Guard.Analyzers
{
    /// <summary>
    /// Facts that need the whole compilation, gathered once, lazily, by name: HttpClient registrations that
    /// add a resilience handler, and methods passed as method groups to a Polly Execute.
    /// Trees are filtered by their text first, so a compilation without Polly or a resilience handler costs
    /// one substring search per tree.
    /// </summary>
    internal sealed class CompilationIndex
    {
        private readonly HashSet<string> _typedClientNames = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<string> _typedClientNamesRetryingUnsafe = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<string> _namedClients = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<string> _namedClientsRetryingUnsafe = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<IMethodSymbol> _methodGroupsExecutedByPolly = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

        /// <summary>ConfigureHttpClientDefaults adds a resilience handler to every client from the factory.</summary>
        public bool AllClientsResilient { get; private set; }

        /// <summary>...and that handler retries POST and other unsafe methods too.</summary>
        public bool AllClientsRetryUnsafe { get; private set; }

        public bool IsResilientTypedClient(ITypeSymbol type) => HasName(_typedClientNames, type);

        public bool IsTypedClientRetryingUnsafe(ITypeSymbol type) => HasName(_typedClientNamesRetryingUnsafe, type);

        public bool IsResilientNamedClient(string name) => _namedClients.Contains(name);

        public bool IsNamedClientRetryingUnsafe(string name) => _namedClientsRetryingUnsafe.Contains(name);

        /// <summary>True when the method is passed, as a method group, to a Polly Execute somewhere.</summary>
        public bool IsExecutedByPolly(IMethodSymbol method) => _methodGroupsExecutedByPolly.Contains(method.OriginalDefinition);

        private static bool HasName(HashSet<string> names, ITypeSymbol type)
        {
            if (names.Contains(type.Name))
                return true;
            foreach (var iface in type.AllInterfaces)
            {
                if (names.Contains(iface.Name))
                    return true;
            }
            return false;
        }

        public static CompilationIndex Build(Compilation compilation, KnownTypes types, CancellationToken cancellationToken)
        {
            var index = new CompilationIndex();
            foreach (var tree in compilation.SyntaxTrees)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var text = tree.GetText(cancellationToken).ToString();
                var hasHandler = text.IndexOf("Handler", StringComparison.Ordinal) >= 0 || text.IndexOf("TransientHttpErrorPolicy", StringComparison.Ordinal) >= 0;
                var hasExecute = types.HasPolly && text.IndexOf("Execute", StringComparison.Ordinal) >= 0;
                if (!hasHandler && !hasExecute)
                    continue;
                SemanticModel? model = null;
                foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
                {
                    if (node is not InvocationExpressionSyntax invocation)
                        continue;
                    var name = SyntaxNames.InvokedName(invocation);
                    if (name is null)
                        continue;
                    if (hasHandler && PollyNames.HttpResilienceHandlers.Contains(name))
                        index.AddRegistration(invocation, name);
                    else if (hasExecute && PollyNames.ExecuteMethods.Contains(name) && HasMethodGroupArgument(invocation))
                    {
                        // One semantic model per tree that has a candidate; building it is the price of knowing
                        // the method group and the receiver for sure.
#pragma warning disable RS1030 // only trees with a Polly Execute on a method group get here, once per compilation
                        model ??= compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                        index.AddMethodGroups(invocation, model, types, cancellationToken);
                    }
                }
            }
            return index;
        }

        private static bool HasMethodGroupArgument(InvocationExpressionSyntax invocation)
        {
            foreach (var argument in invocation.ArgumentList.Arguments)
            {
                if (argument.Expression is IdentifierNameSyntax or MemberAccessExpressionSyntax)
                    return true;
            }
            return false;
        }

        private void AddMethodGroups(InvocationExpressionSyntax invocation, SemanticModel model, KnownTypes types, CancellationToken cancellationToken)
        {
            if (invocation.Expression is not MemberAccessExpressionSyntax member)
                return;
            if (!types.IsPollyExecutor(model.GetTypeInfo(member.Expression, cancellationToken).Type))
                return;
            foreach (var argument in invocation.ArgumentList.Arguments)
            {
                if (argument.Expression is not (IdentifierNameSyntax or MemberAccessExpressionSyntax))
                    continue;
                var info = model.GetSymbolInfo(argument.Expression, cancellationToken);
                var method = info.Symbol as IMethodSymbol;
                if (method is null && info.CandidateSymbols.Length == 1)
                    method = info.CandidateSymbols[0] as IMethodSymbol;
                if (method != null && method.MethodKind is MethodKind.Ordinary or MethodKind.LocalFunction)
                    _methodGroupsExecutedByPolly.Add(method.OriginalDefinition);
            }
        }

        private void AddRegistration(InvocationExpressionSyntax handler, string handlerName)
        {
            var retriesUnsafe = RetriesUnsafeMethods(handler, handlerName);

            // services.ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler())
            foreach (var ancestor in handler.Ancestors())
            {
                if (ancestor is InvocationExpressionSyntax outer && SyntaxNames.InvokedName(outer) == "ConfigureHttpClientDefaults")
                {
                    AllClientsResilient = true;
                    AllClientsRetryUnsafe |= retriesUnsafe;
                    return;
                }
            }

            // services.AddHttpClient<TClient>(...).AddX().AddStandardResilienceHandler(): walk down the receiver chain.
            ExpressionSyntax? current = (handler.Expression as MemberAccessExpressionSyntax)?.Expression;
            while (current != null)
            {
                if (current is InvocationExpressionSyntax invocation)
                {
                    if (SyntaxNames.InvokedSimpleName(invocation) is { } simple && simple.Identifier.ValueText == "AddHttpClient")
                    {
                        AddClient(invocation, simple, retriesUnsafe);
                        return;
                    }
                    current = (invocation.Expression as MemberAccessExpressionSyntax)?.Expression;
                }
                else
                {
                    return;
                }
            }
        }

        private void AddClient(InvocationExpressionSyntax addHttpClient, SimpleNameSyntax name, bool retriesUnsafe)
        {
            if (name is GenericNameSyntax generic)
            {
                foreach (var typeArgument in generic.TypeArgumentList.Arguments)
                {
                    var typeName = SyntaxNames.RightmostName(typeArgument);
                    if (typeName is null)
                        continue;
                    _typedClientNames.Add(typeName);
                    if (retriesUnsafe)
                        _typedClientNamesRetryingUnsafe.Add(typeName);
                }
            }
            if (addHttpClient.ArgumentList.Arguments.Count > 0 &&
                addHttpClient.ArgumentList.Arguments[0].Expression is LiteralExpressionSyntax literal &&
                literal.Token.Value is string clientName)
            {
                _namedClients.Add(clientName);
                if (retriesUnsafe)
                    _namedClientsRetryingUnsafe.Add(clientName);
            }
        }

        /// <summary>
        /// Whether the handler retries POST and other unsafe methods: Polly v7 handlers always do; the standard
        /// handlers do unless the registration calls DisableForUnsafeHttpMethods or DisableFor(HttpMethod.Post).
        /// </summary>
        private static bool RetriesUnsafeMethods(InvocationExpressionSyntax handler, string handlerName)
        {
            SyntaxNode statement = handler;
            foreach (var ancestor in handler.Ancestors())
            {
                statement = ancestor;
                if (ancestor is StatementSyntax or MemberDeclarationSyntax)
                    break;
            }
            var text = statement.ToString();
            if (text.IndexOf("DisableForUnsafeHttpMethods", StringComparison.Ordinal) >= 0)
                return false;
            var disableFor = text.IndexOf("DisableFor(", StringComparison.Ordinal);
            if (disableFor >= 0 && text.IndexOf("Post", disableFor, StringComparison.Ordinal) >= 0)
                return false;
            if (handlerName == "AddResilienceHandler")
                return text.IndexOf("AddRetry", StringComparison.Ordinal) >= 0 || text.IndexOf("AddHedging", StringComparison.Ordinal) >= 0;
            return true;
        }
    }
}
