using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Guard.Analyzers.CodeFixes.Editing;
using Guard.Analyzers.Idempotency;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace Guard.Analyzers.CodeFixes.Rules.GRD001
{
    /// <summary>
    /// GRD001's second fix: when the call goes through a typed or named HttpClient registered in the same project
    /// (<c>services.AddHttpClient&lt;ExchangeClient&gt;()</c>, <c>services.AddHttpClient("binance")</c>), add
    /// <c>.AddStandardResilienceHandler()</c> (Microsoft.Extensions.Http.Resilience) to that registration, which
    /// protects every call of the client at once. Retries of POST, PUT, PATCH and DELETE are turned off
    /// (<c>Retry.DisableForUnsafeHttpMethods()</c>) unless every use of the client in the typed client is known to be
    /// safe to repeat (<see cref="RetrySafety"/>); a named client may be used anywhere, so it always gets them off.
    /// Not offered when that switch is needed and the referenced package lacks it (before 9.x) or marks it experimental.
    /// </summary>
    internal sealed class ResilienceHandlerRegistration
    {
        private const string ExtensionsType = "Microsoft.Extensions.DependencyInjection.ResilienceHttpClientBuilderExtensions";
        private const string RetryOptionsExtensionsType = "Microsoft.Extensions.Http.Resilience.HttpRetryStrategyOptionsExtensions";
        private const string HandlerMethod = "AddStandardResilienceHandler";
        private const string DisableMethod = "DisableForUnsafeHttpMethods";
        private static readonly string[] OptionsNames = { "options", "resilience" };

        private ResilienceHandlerRegistration(string client, bool disableUnsafe, List<(DocumentId Document, TextSpan Registration)> registrations)
        {
            Client = client;
            DisableUnsafe = disableUnsafe;
            Registrations = registrations;
        }

        /// <summary>How the client is named in the fix's title: the typed client's type or the named client's name.</summary>
        public string Client { get; }

        public bool DisableUnsafe { get; }

        /// <summary>The registration statements' expressions (the whole builder chain) that get the handler.</summary>
        public List<(DocumentId Document, TextSpan Registration)> Registrations { get; }

        /// <summary>The registration fix for the client the reported call goes through; null when there is none to make.</summary>
        public static async Task<ResilienceHandlerRegistration?> FindAsync(Document document, SemanticModel model, InvocationExpressionSyntax call, CancellationToken cancellationToken)
        {
            var compilation = model.Compilation;
            var extensions = compilation.GetTypeByMetadataName(ExtensionsType);
            var httpClient = GuardCompilationContext.For(compilation).Types.HttpClient;
            if (extensions is null || httpClient is null || extensions.GetMembers(HandlerMethod).IsEmpty)
                return null;
            if (model.GetOperation(call, cancellationToken) is not IInvocationOperation operation)
                return null;
            var receiver = Receiver(operation);
            if (receiver is null || !SymbolEqualityComparer.Default.Equals(receiver.Type, httpClient))
                return null;

            var containingType = model.GetEnclosingSymbol(call.SpanStart, cancellationToken)?.ContainingType;
            string? clientName = null;
            INamedTypeSymbol? typedClient = null;
            if (containingType != null && IsInjectedClient(receiver, containingType, httpClient, cancellationToken))
                typedClient = containingType;
            else
                clientName = NamedClientOf(receiver, model, cancellationToken);
            if (typedClient is null && clientName is null)
                return null;

            var disableUnsafe = typedClient is null || !AllUsesSafe(typedClient, httpClient, compilation, document.Project.AnalyzerOptions, cancellationToken);
            if (disableUnsafe && !CanDisableUnsafe(compilation))
                return null;

            var registrations = await FindRegistrationsAsync(document.Project, typedClient, clientName, cancellationToken).ConfigureAwait(false);
            if (registrations.Count == 0)
                return null;
            return new ResilienceHandlerRegistration(typedClient?.Name ?? "\"" + clientName + "\"", disableUnsafe, registrations);
        }

        /// <summary>Adds the handler to each registration once, however many calls asked for it (FixAll).</summary>
        public static async Task<Solution> ApplyAsync(Solution solution, IEnumerable<ResilienceHandlerRegistration> plans, CancellationToken cancellationToken)
        {
            var byDocument = plans.SelectMany(p => p.Registrations.Select(r => (r.Document, r.Registration, p.DisableUnsafe)))
                .GroupBy(r => r.Document);
            foreach (var group in byDocument)
            {
                var document = solution.GetDocument(group.Key);
                var root = document is null ? null : await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var model = document is null ? null : await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                if (document is null || root is null || model is null)
                    continue;
                // One registration asked for by a safe typed client and by a named one: the stricter form wins.
                var edits = group.GroupBy(r => r.Registration).ToDictionary(g => g.Key, g => g.Any(r => r.DisableUnsafe));
                var nodes = edits.Keys.Select(span => root.FindNode(span, getInnermostNodeForTie: true)).OfType<ExpressionSyntax>().ToList();
                var newRoot = root.ReplaceNodes(nodes, (original, rewritten) =>
                    WithHandler(rewritten, edits[original.Span], UniqueNames.Pick(model, original.SpanStart, original, OptionsNames)));
                document = await CodeFixSupport.FinishAsync(document.WithSyntaxRoot(newRoot), cancellationToken).ConfigureAwait(false);
                solution = document.Project.Solution;
            }
            return solution;
        }

        /// <summary><c>chain</c> becomes <c>chain.AddStandardResilienceHandler(...)</c>, on a line of its own when the chain is laid out so.</summary>
        private static ExpressionSyntax WithHandler(ExpressionSyntax chain, bool disableUnsafe, string optionsName)
        {
            var arguments = SyntaxFactory.ArgumentList();
            if (disableUnsafe)
            {
                // The parameter's type is written out so the import of the extension method's namespace is added.
                var lambda = SyntaxFactory.ParseExpression(
                    $"(global::Microsoft.Extensions.Http.Resilience.HttpStandardResilienceOptions {optionsName}) => {optionsName}.Retry.{DisableMethod}()")
                    .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
                arguments = SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(lambda)));
            }
            var dot = SyntaxFactory.Token(SyntaxKind.DotToken);
            if (chain is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax last } && last.OperatorToken.HasLeadingTrivia &&
                last.OperatorToken.GetPreviousToken().TrailingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)))
            {
                var endOfLine = last.OperatorToken.GetPreviousToken().TrailingTrivia.Last(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
                dot = dot.WithLeadingTrivia(last.OperatorToken.LeadingTrivia);
                chain = chain.WithTrailingTrivia(chain.GetTrailingTrivia().Add(endOfLine));
            }
            var trailing = chain.GetTrailingTrivia();
            var handler = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, chain.WithoutTrailingTrivia().WithTrailingTrivia(EndOfLineOnly(trailing)), dot, SyntaxFactory.IdentifierName(HandlerMethod)),
                arguments);
            return handler;
        }

        private static SyntaxTriviaList EndOfLineOnly(SyntaxTriviaList trivia) =>
            trivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) ? SyntaxFactory.TriviaList(trivia.Last(t => t.IsKind(SyntaxKind.EndOfLineTrivia))) : default;

        /// <summary>The client the call is made on: the receiver, or the extended value of an extension method.</summary>
        private static IOperation? Receiver(IInvocationOperation operation)
        {
            var receiver = operation.Instance;
            if (receiver is null && operation.TargetMethod.IsExtensionMethod && operation.Arguments.Length > 0)
                receiver = operation.Arguments[0].Value;
            receiver = OperationTree.StripConversions(receiver);
            return receiver;
        }

        /// <summary>
        /// A typed client: the HttpClient is a constructor parameter of the type (a primary constructor's, used
        /// directly), or a field or property of it assigned only from such a parameter.
        /// </summary>
        private static bool IsInjectedClient(IOperation receiver, INamedTypeSymbol type, INamedTypeSymbol httpClient, CancellationToken cancellationToken)
        {
            if (receiver is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } constructor } &&
                SymbolEqualityComparer.Default.Equals(constructor.ContainingType, type))
                return true;
            ISymbol? member = receiver switch
            {
                IFieldReferenceOperation { Instance: IInstanceReferenceOperation } field => field.Field,
                IPropertyReferenceOperation { Instance: IInstanceReferenceOperation } property => property.Property,
                _ => null,
            };
            if (member is null || !SymbolEqualityComparer.Default.Equals(member.ContainingType, type))
                return false;

            var assignedFromParameter = false;
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
                {
                    // An initializer: `private readonly HttpClient _http = new HttpClient();` is not injected.
                    if (node is VariableDeclaratorSyntax { Initializer: { } } declarator && declarator.Identifier.ValueText == member.Name)
                        return false;
                    if (node is PropertyDeclarationSyntax { Initializer: { } } property && property.Identifier.ValueText == member.Name)
                        return false;
                    if (node is AssignmentExpressionSyntax assignment && AssignedName(assignment.Left) == member.Name)
                    {
                        if (assignment.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() is null || assignment.Right is not IdentifierNameSyntax)
                            return false;
                        assignedFromParameter = true;
                    }
                }
            }
            return assignedFromParameter && type.InstanceConstructors.Any(c => c.Parameters.Any(p => SymbolEqualityComparer.Default.Equals(p.Type, httpClient)));
        }

        private static string? AssignedName(ExpressionSyntax left) => left switch
        {
            IdentifierNameSyntax name => name.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } member => member.Name.Identifier.ValueText,
            _ => null,
        };

        /// <summary>A named client: <c>factory.CreateClient("name")</c> itself, or a local initialized with it.</summary>
        private static string? NamedClientOf(IOperation receiver, SemanticModel model, CancellationToken cancellationToken)
        {
            if (receiver is ILocalReferenceOperation local &&
                local.Local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer.Value: { } value })
            {
                receiver = model.GetOperation(value, cancellationToken) ?? receiver;
                receiver = OperationTree.Unwrap(receiver);
            }
            if (receiver is IInvocationOperation { TargetMethod.Name: "CreateClient" } create &&
                create.TargetMethod.ContainingType?.Name is "IHttpClientFactory" or "HttpClientFactoryExtensions" &&
                create.Arguments.FirstOrDefault(a => a.Parameter?.Type.SpecialType == SpecialType.System_String)?.Value.ConstantValue is { HasValue: true, Value: string name })
                return name;
            return null;
        }

        /// <summary>
        /// Every use of an HttpClient inside the typed client is a call Guard knows may be repeated; anything else
        /// (a POST, an order, a request message, the client handed on to other code) needs unsafe retries off.
        /// </summary>
        private static bool AllUsesSafe(INamedTypeSymbol type, INamedTypeSymbol httpClient, Compilation compilation, Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions options, CancellationToken cancellationToken)
        {
            var types = GuardCompilationContext.For(compilation).Types;
            var markers = MarkerAttributes.Of(compilation);
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(cancellationToken);
                var model = compilation.GetSemanticModel(syntax.SyntaxTree);
                var settings = NonIdempotentRetrySettings.Read(options, syntax.SyntaxTree);
                foreach (var node in syntax.DescendantNodes())
                {
                    if (node is not (IdentifierNameSyntax or ThisExpressionSyntax) || node.Parent is MemberAccessExpressionSyntax { Name: var name } && name == node)
                        continue;
                    if (model.GetOperation(node, cancellationToken) is not { } use || !SymbolEqualityComparer.Default.Equals(use.Type, httpClient))
                        continue;
                    var parent = use.Parent;
                    while (parent is IConversionOperation)
                        parent = parent.Parent;
                    if (parent is IArgumentOperation { Parent: IInvocationOperation viaArgument })
                        parent = viaArgument;
                    else if (parent is IPropertyReferenceOperation or IFieldReferenceOperation)
                        continue; // _http.BaseAddress, _http.DefaultRequestHeaders: configuration, not a request.
                    else if (parent is ISimpleAssignmentOperation or IVariableInitializerOperation && use.Syntax.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() != null)
                        continue; // _http = http; in the constructor (IsInjectedClient checked that it is only that).
                    if (parent is not IInvocationOperation invocation)
                        return false;
                    var container = model.GetEnclosingSymbol(invocation.Syntax.SpanStart, cancellationToken);
                    if (!RetrySafety.Judge(invocation, container, types, settings, markers).IsSafe)
                        return false;
                }
            }
            return true;
        }

        private static bool CanDisableUnsafe(Compilation compilation)
        {
            var type = compilation.GetTypeByMetadataName(RetryOptionsExtensionsType);
            if (type is null || IsExperimental(type))
                return false;
            return type.GetMembers(DisableMethod).Any(m => m is IMethodSymbol && !IsExperimental(m));
        }

        /// <summary>[Experimental] APIs are errors to call unless the user opts in: the fix must not add one.</summary>
        private static bool IsExperimental(ISymbol symbol) =>
            symbol.GetAttributes().Any(a => a.AttributeClass?.Name == "ExperimentalAttribute");

        /// <summary>
        /// The statements that register the client: <c>AddHttpClient&lt;T&gt;</c> (or <c>&lt;TInterface, T&gt;</c>) for a typed
        /// client, <c>AddHttpClient("name")</c> for a named one, heading a builder chain that is a whole statement.
        /// </summary>
        private static async Task<List<(DocumentId, TextSpan)>> FindRegistrationsAsync(Project project, INamedTypeSymbol? typedClient, string? clientName, CancellationToken cancellationToken)
        {
            var found = new List<(DocumentId, TextSpan)>();
            foreach (var document in project.Documents)
            {
                var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
                if (text.ToString().IndexOf("AddHttpClient", System.StringComparison.Ordinal) < 0)
                    continue;
                var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                if (root is null || model is null)
                    continue;
                foreach (var invocation in root.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (SyntaxNames.InvokedName(invocation) != "AddHttpClient" ||
                        model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method ||
                        !Registers(method, invocation, model, typedClient, clientName, cancellationToken))
                        continue;
                    var chain = ChainStatementExpression(invocation, model, cancellationToken);
                    if (chain is null)
                        return new List<(DocumentId, TextSpan)>(); // A registration the fix cannot extend: offer nothing rather than half.
                    found.Add((document.Id, chain.Span));
                }
            }
            return found;
        }

        private static bool Registers(IMethodSymbol method, InvocationExpressionSyntax invocation, SemanticModel model, INamedTypeSymbol? typedClient, string? clientName, CancellationToken cancellationToken)
        {
            if (typedClient != null)
                return method.TypeArguments.Any(t => SymbolEqualityComparer.Default.Equals(t, typedClient));
            var first = invocation.ArgumentList.Arguments.FirstOrDefault();
            return method.TypeArguments.IsEmpty && first != null &&
                model.GetConstantValue(first.Expression, cancellationToken) is { HasValue: true, Value: string name } && name == clientName;
        }

        /// <summary>
        /// The outermost builder chain the registration heads, when it is a statement of its own and ends in an
        /// IHttpClientBuilder (<c>services.AddHttpClient&lt;T&gt;(...).AddHttpMessageHandler&lt;H&gt;();</c>).
        /// </summary>
        private static ExpressionSyntax? ChainStatementExpression(InvocationExpressionSyntax registration, SemanticModel model, CancellationToken cancellationToken)
        {
            ExpressionSyntax current = registration;
            while (current.Parent is MemberAccessExpressionSyntax member && member.Expression == current && member.Parent is InvocationExpressionSyntax next)
                current = next;
            if (current.Parent is not ExpressionStatementSyntax)
                return null;
            var type = model.GetTypeInfo(current, cancellationToken).Type;
            return type != null && (type.Name == "IHttpClientBuilder" || type.AllInterfaces.Any(i => i.Name == "IHttpClientBuilder")) ? current : null;
        }
    }
}
