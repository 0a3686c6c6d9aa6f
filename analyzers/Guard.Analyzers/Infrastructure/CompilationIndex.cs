using System;
using System.Collections.Generic;
using System.Threading;
using Guard.Analyzers.Http;
using Guard.Analyzers.Rules.GRD003;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Guard.Analyzers.Infrastructure
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
        private readonly HashSet<string> _throttledTypedClientNames = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<string> _throttledNamedClients = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<IMethodSymbol> _methodGroupsExecutedByPolly = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<IMethodSymbol> _delegateRunners = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

        /// <summary>ConfigureHttpClientDefaults adds a resilience handler to every client from the factory.</summary>
        public bool AllClientsResilient { get; private set; }

        /// <summary>...and that handler retries POST and other unsafe methods too.</summary>
        public bool AllClientsRetryUnsafe { get; private set; }

        /// <summary>ConfigureHttpClientDefaults adds a rate or concurrency limiter to every client from the factory.</summary>
        public bool AllClientsThrottled { get; private set; }

        /// <summary>
        /// A message handler of this compilation runs its SendAsync through a Polly pipeline or policy that may
        /// retry: an HttpClient handed in from elsewhere (a parameter) may well be built on it.
        /// </summary>
        public bool HasRetryingMessageHandler { get; private set; }

        private readonly HashSet<INamedTypeSymbol> _retryingHandlers = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);

        /// <summary>A message handler type of this compilation (or one deriving from it) whose SendAsync retries through Polly.</summary>
        public bool IsRetryingHandler(ITypeSymbol? type)
        {
            if (_retryingHandlers.Count == 0)
                return false;
            for (var current = type as INamedTypeSymbol; current != null; current = current.BaseType)
            {
                if (_retryingHandlers.Contains(current.OriginalDefinition))
                    return true;
            }
            return false;
        }

        public bool IsResilientTypedClient(ITypeSymbol type) => HasName(_typedClientNames, type);

        public bool IsTypedClientRetryingUnsafe(ITypeSymbol type) => HasName(_typedClientNamesRetryingUnsafe, type);

        public bool IsResilientNamedClient(string name) => _namedClients.Contains(name);

        public bool IsNamedClientRetryingUnsafe(string name) => _namedClientsRetryingUnsafe.Contains(name);

        public bool IsThrottledTypedClient(ITypeSymbol type) => HasName(_throttledTypedClientNames, type);

        public bool IsThrottledNamedClient(string name) => _throttledNamedClients.Contains(name);

        /// <summary>True when the method is passed, as a method group, to a Polly Execute somewhere.</summary>
        public bool IsExecutedByPolly(IMethodSymbol method) => _methodGroupsExecutedByPolly.Contains(method.OriginalDefinition);

        /// <summary>
        /// True when the method runs one of its delegate parameters through a Polly Execute
        /// (<c>Task&lt;T&gt; WithRetry&lt;T&gt;(Func&lt;CancellationToken, Task&lt;T&gt;&gt; op) =&gt; _pipeline.ExecuteAsync(async ct =&gt; await op(ct))</c>):
        /// a retry wrapper nobody had to mark.
        /// </summary>
        public bool RunsDelegateThroughPolly(IMethodSymbol method) =>
            _delegateRunners.Count > 0 && _delegateRunners.Contains((method.ReducedFrom ?? method).OriginalDefinition);

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
                // One semantic model per tree that has a candidate, built once per compilation: the price of
                // knowing a method group, a receiver or a constant client name for sure.
#pragma warning disable RS1030
                SemanticModel Model() => model ??= compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                foreach (var invocation in InvocationsNamed(tree.GetRoot(cancellationToken), text, hasHandler, hasExecute))
                {
                    var name = SyntaxNames.InvokedName(invocation);
                    if (name is null)
                        continue;
                    if (hasHandler && PollyNames.HttpResilienceHandlers.Contains(name))
                        index.AddRegistration(invocation, name, resilient: true, Model);
                    else if (hasHandler && name == "AddHttpMessageHandler")
                        index.AddRegistration(invocation, name, resilient: false, Model);
                    else if (hasExecute && PollyNames.ExecuteMethods.Contains(name))
                    {
                        index.AddExecute(invocation, Model, types, cancellationToken);
                    }
                }
            }
            return index;
        }

        /// <summary>
        /// The invocations of a tree whose invoked name is one the index reads, in source order, found from where the
        /// names occur in the text (the token there, up to its invocation) rather than by walking every node: most
        /// trees that mention Execute call it a few times in thousands of nodes.
        /// </summary>
        private static List<InvocationExpressionSyntax> InvocationsNamed(SyntaxNode root, string text, bool handlers, bool executes)
        {
            var found = new List<InvocationExpressionSyntax>();
            if (handlers)
            {
                foreach (var name in PollyNames.HttpResilienceHandlers)
                    AddInvocationsNamed(root, text, name, found);
                AddInvocationsNamed(root, text, "AddHttpMessageHandler", found);
            }
            if (executes)
            {
                foreach (var name in PollyNames.ExecuteMethods)
                    AddInvocationsNamed(root, text, name, found);
            }
            found.Sort((a, b) => a.SpanStart.CompareTo(b.SpanStart));
            return found;
        }

        private static void AddInvocationsNamed(SyntaxNode root, string text, string name, List<InvocationExpressionSyntax> found)
        {
            if (IdentifierSearch.TryFind(root, text, name, found, static (token, found) =>
                {
                    if (InvocationOf(token) is { } invocation)
                        found.Add(invocation);
                }))
                return;
            // Unicode escapes in the text: every node is read.
            foreach (var node in root.DescendantNodes())
            {
                if (node is InvocationExpressionSyntax invocation && SyntaxNames.InvokedName(invocation) == name)
                    found.Add(invocation);
            }
        }

        /// <summary>The invocation this name is the invoked name of (<c>Name(...)</c>, <c>x.Name(...)</c>, <c>x?.Name(...)</c>).</summary>
        private static InvocationExpressionSyntax? InvocationOf(SyntaxToken identifier)
        {
            if (identifier.Parent is not SimpleNameSyntax simple)
                return null;
            SyntaxNode invoked = simple;
            if ((simple.Parent is MemberAccessExpressionSyntax member && member.Name == simple) ||
                (simple.Parent is MemberBindingExpressionSyntax binding && binding.Name == simple))
                invoked = simple.Parent;
            return invoked.Parent is InvocationExpressionSyntax invocation && invocation.Expression == invoked ? invocation : null;
        }

        /// <summary>
        /// The arguments that may be method groups: simple names and member accesses, less the names of parameters of
        /// the methods, local functions and lambdas around the call (<c>ExecuteAsync(async token =&gt; ..., ct)</c>): a
        /// simple name finds a parameter in scope before any member, so those are never method groups.
        /// </summary>
        private static List<ExpressionSyntax>? MethodGroupCandidates(InvocationExpressionSyntax invocation)
        {
            List<ExpressionSyntax>? candidates = null;
            foreach (var argument in invocation.ArgumentList.Arguments)
            {
                if (argument.Expression is not (SimpleNameSyntax or MemberAccessExpressionSyntax))
                    continue;
                if (argument.Expression is IdentifierNameSyntax identifier && IsEnclosingParameter(invocation, identifier.Identifier.ValueText))
                    continue;
                (candidates ??= new List<ExpressionSyntax>()).Add(argument.Expression);
            }
            return candidates;
        }

        private static bool IsEnclosingParameter(SyntaxNode node, string name)
        {
            foreach (var ancestor in node.Ancestors())
            {
                switch (ancestor)
                {
                    case SimpleLambdaExpressionSyntax lambda when lambda.Parameter.Identifier.ValueText == name:
                        return true;
                    case ParenthesizedLambdaExpressionSyntax lambda when IsParameterName(lambda.ParameterList, name):
                        return true;
                    case AnonymousMethodExpressionSyntax { ParameterList: { } parameters } when IsParameterName(parameters, name):
                        return true;
                    case LocalFunctionStatementSyntax function when IsParameterName(function.ParameterList, name):
                        return true;
                    case BaseMethodDeclarationSyntax method:
                        return IsParameterName(method.ParameterList, name);
                    case MemberDeclarationSyntax:
                        return false;
                }
            }
            return false;
        }

        /// <summary>
        /// The method or local function whose parameters this Execute may run, and their names: passed as is
        /// (<c>ExecuteAsync(op, ct)</c>) or invoked by the lambda (<c>ExecuteAsync(async ct =&gt; await op(ct))</c>).
        /// Syntactic; the caller confirms with symbols that such a parameter is a delegate.
        /// </summary>
        private static (SyntaxNode? Owner, List<string>? Names) DelegateParametersRunBy(InvocationExpressionSyntax execute)
        {
            ParameterListSyntax? parameters = null;
            SyntaxNode? owner = null;
            foreach (var ancestor in execute.Ancestors())
            {
                if (ancestor is MethodDeclarationSyntax method)
                {
                    (owner, parameters) = (method, method.ParameterList);
                    break;
                }
                if (ancestor is LocalFunctionStatementSyntax function)
                {
                    (owner, parameters) = (function, function.ParameterList);
                    break;
                }
                if (ancestor is MemberDeclarationSyntax)
                    return default;
            }
            if (parameters is null || parameters.Parameters.Count == 0)
                return default;
            List<string>? names = null;
            foreach (var argument in execute.ArgumentList.Arguments)
            {
                if (argument.Expression is IdentifierNameSyntax passed && IsParameterName(parameters, passed.Identifier.ValueText))
                    (names ??= new List<string>()).Add(passed.Identifier.ValueText);
                if (argument.Expression is AnonymousFunctionExpressionSyntax lambda)
                {
                    foreach (var node in lambda.Body.DescendantNodesAndSelf())
                    {
                        if (node is InvocationExpressionSyntax call && InvokedDelegateName(call) is { } invoked && IsParameterName(parameters, invoked))
                            (names ??= new List<string>()).Add(invoked);
                    }
                }
            }
            return names is null ? default : (owner, names);
        }

        private static string? InvokedDelegateName(InvocationExpressionSyntax call) => call.Expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Invoke", Expression: IdentifierNameSyntax identifier } => identifier.Identifier.ValueText,
            _ => null,
        };

        private static bool IsParameterName(ParameterListSyntax parameters, string name)
        {
            foreach (var parameter in parameters.Parameters)
            {
                if (parameter.Identifier.ValueText == name)
                    return true;
            }
            return false;
        }

        /// <summary><c>protected override Task&lt;HttpResponseMessage&gt; SendAsync(...) =&gt; _policy.ExecuteAsync(...)</c>, lambdas included.</summary>
        private static bool IsInSendOverride(InvocationExpressionSyntax execute)
        {
            foreach (var ancestor in execute.Ancestors())
            {
                if (ancestor is MethodDeclarationSyntax method)
                    return method.Identifier.ValueText is "SendAsync" or "Send" && method.Modifiers.Any(SyntaxKind.OverrideKeyword);
                if (ancestor is MemberDeclarationSyntax or LocalFunctionStatementSyntax)
                    return false;
            }
            return false;
        }

        /// <summary>
        /// Records what a Polly Execute call tells: a message handler that retries, method groups it runs, a method that
        /// runs its delegate parameter through it. Decided by syntax and declarations first; the receiver's type (which
        /// binds the method body) is asked only when one of those may apply.
        /// </summary>
        private void AddExecute(InvocationExpressionSyntax invocation, Func<SemanticModel> getModel, KnownTypes types, CancellationToken cancellationToken)
        {
            // pipeline.ExecuteAsync(...) or pipeline?.ExecuteAsync(...).
            var receiver = invocation.Expression switch
            {
                MemberAccessExpressionSyntax member => member.Expression,
                MemberBindingExpressionSyntax when invocation.Parent is ConditionalAccessExpressionSyntax access && access.WhenNotNull == invocation => access.Expression,
                _ => null,
            };
            if (receiver is null)
                return;
            var inHandler = IsInSendOverride(invocation);
            var methodGroups = MethodGroupCandidates(invocation);
            var (owner, names) = DelegateParametersRunBy(invocation);
            IMethodSymbol? runner = null;
            var runnerUnknown = false;
            if (owner != null && names != null)
            {
                // A method's declared symbol needs no binding; a local function's does, so it is looked up after the receiver.
                if (owner is LocalFunctionStatementSyntax)
                    runnerUnknown = true;
                else if (getModel().GetDeclaredSymbol(owner, cancellationToken) is IMethodSymbol method && HasDelegateParameter(method, names))
                    runner = method;
            }
            if (!inHandler && methodGroups is null && runner is null && !runnerUnknown)
                return;
            var model = getModel();
            if (!types.IsPollyExecutor(model.GetTypeInfo(receiver, cancellationToken).Type))
                return;
            if (inHandler && model.GetEnclosingSymbol(invocation.SpanStart, cancellationToken)?.ContainingType is { } handler &&
                KnownTypes.IsOrDerivesFrom(handler, types.HttpMessageHandler) &&
                PipelineFacts.Of(model.GetOperation(receiver, cancellationToken)).MayRetry)
            {
                HasRetryingMessageHandler = true;
                _retryingHandlers.Add(handler.OriginalDefinition);
            }
            if (methodGroups != null)
            {
                foreach (var argument in methodGroups)
                {
                    var info = model.GetSymbolInfo(argument, cancellationToken);
                    var method = info.Symbol as IMethodSymbol;
                    if (method is null && info.CandidateSymbols.Length == 1)
                        method = info.CandidateSymbols[0] as IMethodSymbol;
                    if (method != null && method.MethodKind is MethodKind.Ordinary or MethodKind.LocalFunction)
                        _methodGroupsExecutedByPolly.Add(method.OriginalDefinition);
                }
            }
            if (runnerUnknown && model.GetDeclaredSymbol(owner!, cancellationToken) is IMethodSymbol localFunction && HasDelegateParameter(localFunction, names!))
                runner = localFunction;
            if (runner != null)
                _delegateRunners.Add(runner.OriginalDefinition);
        }

        private static bool HasDelegateParameter(IMethodSymbol method, List<string> names)
        {
            foreach (var parameter in method.Parameters)
            {
                if (parameter.Type.TypeKind == TypeKind.Delegate && names.Contains(parameter.Name))
                    return true;
            }
            return false;
        }

        private void AddRegistration(InvocationExpressionSyntax handler, string handlerName, bool resilient, Func<SemanticModel> model)
        {
            var statement = EnclosingStatementText(handler);
            var throttles = Throttles(statement);
            if (!resilient && !throttles)
                return;
            var retriesUnsafe = resilient && RetriesUnsafeMethods(statement, handlerName);

            // services.ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler())
            foreach (var ancestor in handler.Ancestors())
            {
                if (ancestor is InvocationExpressionSyntax outer && SyntaxNames.InvokedName(outer) == "ConfigureHttpClientDefaults")
                {
                    AllClientsResilient |= resilient;
                    AllClientsRetryUnsafe |= retriesUnsafe;
                    AllClientsThrottled |= throttles;
                    return;
                }
            }

            // services.AddHttpClient<TClient>(...).AddX().AddStandardResilienceHandler(): walk down the receiver chain,
            // through a local that holds the builder (var b = services.AddHttpClient<T>(); b.AddX();).
            ExpressionSyntax? current = (handler.Expression as MemberAccessExpressionSyntax)?.Expression;
            var followedLocal = false;
            while (current != null)
            {
                if (current is InvocationExpressionSyntax invocation)
                {
                    if (SyntaxNames.InvokedSimpleName(invocation) is { } simple && simple.Identifier.ValueText == "AddHttpClient")
                    {
                        AddClient(invocation, simple, resilient, retriesUnsafe, throttles, model);
                        return;
                    }
                    current = (invocation.Expression as MemberAccessExpressionSyntax)?.Expression;
                }
                else if (current is IdentifierNameSyntax local && !followedLocal)
                {
                    followedLocal = true;
                    current = LocalInitializer(local);
                }
                else
                {
                    return;
                }
            }
        }

        private static ExpressionSyntax? LocalInitializer(IdentifierNameSyntax local)
        {
            var block = local.FirstAncestorOrSelf<BlockSyntax>() ?? (SyntaxNode?)local.FirstAncestorOrSelf<CompilationUnitSyntax>();
            if (block is null)
                return null;
            foreach (var node in block.DescendantNodes())
            {
                if (node is VariableDeclaratorSyntax declarator && declarator.Identifier.ValueText == local.Identifier.ValueText)
                    return declarator.Initializer?.Value;
            }
            return null;
        }

        private void AddClient(InvocationExpressionSyntax addHttpClient, SimpleNameSyntax name, bool resilient, bool retriesUnsafe, bool throttles, Func<SemanticModel> model)
        {
            if (name is GenericNameSyntax generic)
            {
                foreach (var typeArgument in generic.TypeArgumentList.Arguments)
                {
                    var typeName = SyntaxNames.RightmostName(typeArgument);
                    if (typeName is null)
                        continue;
                    if (resilient)
                        _typedClientNames.Add(typeName);
                    if (retriesUnsafe)
                        _typedClientNamesRetryingUnsafe.Add(typeName);
                    if (throttles)
                        _throttledTypedClientNames.Add(typeName);
                }
            }
            if (addHttpClient.ArgumentList.Arguments.Count == 0)
                return;
            var nameExpression = addHttpClient.ArgumentList.Arguments[0].Expression;
            var clientName = ClientNames.Of(nameExpression, null);
            if (clientName is null && nameExpression is IdentifierNameSyntax or MemberAccessExpressionSyntax)
                clientName = ClientNames.Of(nameExpression, model());
            if (clientName is null)
                return;
            if (resilient)
                _namedClients.Add(clientName);
            if (retriesUnsafe)
                _namedClientsRetryingUnsafe.Add(clientName);
            if (throttles)
                _throttledNamedClients.Add(clientName);
        }

        private static string EnclosingStatementText(InvocationExpressionSyntax handler)
        {
            SyntaxNode statement = handler;
            foreach (var ancestor in handler.Ancestors())
            {
                statement = ancestor;
                if (ancestor is StatementSyntax or MemberDeclarationSyntax)
                    break;
            }
            return statement.ToString();
        }

        /// <summary>A limiter in the registration: AddRateLimiter, AddConcurrencyLimiter, a RateLimiter option, a throttling handler.</summary>
        private static bool Throttles(string statement) =>
            statement.IndexOf("RateLimit", StringComparison.Ordinal) >= 0 ||
            statement.IndexOf("ConcurrencyLimit", StringComparison.Ordinal) >= 0 ||
            statement.IndexOf("Throttl", StringComparison.Ordinal) >= 0;

        /// <summary>
        /// Whether the handler retries POST and other unsafe methods: Polly v7 handlers always do; the standard
        /// handlers do unless the registration calls DisableForUnsafeHttpMethods or DisableFor(HttpMethod.Post).
        /// </summary>
        private static bool RetriesUnsafeMethods(string text, string handlerName)
        {
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
