using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Guard.Analyzers.CodeFixes.Editing;
using Guard.Analyzers.Http;
using Guard.Analyzers.Infrastructure;
using Guard.Analyzers.Rules.GRD001;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.CodeFixes.Rules.GRD001
{
    /// <summary>
    /// GRD001: runs the awaited call through a Polly v8 ResiliencePipeline that retries transient failures with
    /// exponential backoff and jitter: an existing pipeline in scope, or a static readonly field the fix adds.
    /// The lambda's cancellation token replaces the call's, and the call's token goes to ExecuteAsync.
    /// Offered only where the analyzer found a retry safe (<see cref="RetrySafety"/>): never for an order, a
    /// withdrawal, a transfer or a payment, a POST or PATCH of unknown idempotency, a call Guard cannot read, or a
    /// request that cannot be sent twice; nor for calls that are not awaited, or where Polly.Core is not referenced.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MissingRetryCodeFixProvider)), Shared]
    public sealed class MissingRetryCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = "GRD001.RetryPipeline";
        public const string RegistrationEquivalenceKey = "GRD001.StandardResilienceHandler";
        private const string FieldName = "s_retryPipeline";

        private static readonly string[] LambdaParameterNames = { "ct", "token", "cancellationToken", "retryToken" };

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(GuardDescriptors.MissingRetryId);

        private static readonly FixAllProvider PipelineFixAll =
            FixAllProvider.Create(async (context, document, diagnostics) => (Document?)await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public override FixAllProvider GetFixAllProvider() => new ByEquivalenceKey();

        /// <summary>FixAll for either fix: pipelines document by document; registrations once each, across the solution.</summary>
        private sealed class ByEquivalenceKey : FixAllProvider
        {
            public override System.Collections.Generic.IEnumerable<FixAllScope> GetSupportedFixAllScopes() => PipelineFixAll.GetSupportedFixAllScopes();

            public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
            {
                if (fixAllContext.CodeActionEquivalenceKey != RegistrationEquivalenceKey)
                    return await PipelineFixAll.GetFixAsync(fixAllContext).ConfigureAwait(false);
                var solution = fixAllContext.Solution;
                return CodeAction.Create("Add the standard resilience handler to the registrations", async ct =>
                {
                    var plans = new List<ResilienceHandlerRegistration>();
                    foreach (var project in Scope(fixAllContext))
                    {
                        var diagnostics = fixAllContext.Scope is FixAllScope.Document && fixAllContext.Document != null
                            ? await fixAllContext.GetDocumentDiagnosticsAsync(fixAllContext.Document).ConfigureAwait(false)
                            : await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false);
                        foreach (var diagnostic in diagnostics)
                        {
                            var document = project.GetDocument(diagnostic.Location.SourceTree);
                            var plan = document is null ? null : await RegistrationPlanAsync(document, diagnostic, ct).ConfigureAwait(false);
                            if (plan != null)
                                plans.Add(plan);
                        }
                    }
                    return await ResilienceHandlerRegistration.ApplyAsync(solution, plans, ct).ConfigureAwait(false);
                }, RegistrationEquivalenceKey);
            }

            private static IEnumerable<Project> Scope(FixAllContext context) =>
                context.Scope == FixAllScope.Solution ? context.Solution.Projects : new[] { context.Project };
        }

        private static async Task<ResilienceHandlerRegistration?> RegistrationPlanAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax call)
                return null;
            return await ResilienceHandlerRegistration.FindAsync(document, model, call, cancellationToken).ConfigureAwait(false);
        }

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var document = context.Document;
            var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
                return;
            foreach (var diagnostic in context.Diagnostics)
            {
                // On the registration first: it protects every call of the client, and leaves this code as it is.
                var registration = await RegistrationPlanAsync(document, diagnostic, context.CancellationToken).ConfigureAwait(false);
                if (registration != null)
                {
                    var registrationTitle = $"Add the standard resilience handler to the registration of {registration.Client}" +
                        (registration.DisableUnsafe ? " (no retries of POST, PUT, PATCH, DELETE)" : "");
                    context.RegisterCodeFix(
                        CodeAction.Create(registrationTitle,
                            ct => ResilienceHandlerRegistration.ApplyAsync(document.Project.Solution, new[] { registration }, ct),
                            RegistrationEquivalenceKey),
                        diagnostic);
                }
                var plan = Plan.Create(root, model, diagnostic, context.CancellationToken);
                if (plan is null)
                    continue;
                var title = plan.ExistingPipeline is null
                    ? $"Run '{plan.MethodName}' through a retry pipeline (Polly)"
                    : $"Run '{plan.MethodName}' through '{plan.ExistingPipeline}'";
                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => FixAsync(document, ImmutableArray.Create(diagnostic), ct), EquivalenceKey),
                    diagnostic);
            }
        }

        private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
                return document;

            var plans = new Dictionary<SyntaxNode, Plan>();
            foreach (var diagnostic in diagnostics)
            {
                var plan = Plan.Create(root, model, diagnostic, cancellationToken);
                if (plan != null && !plans.ContainsKey(plan.Await))
                    plans.Add(plan.Await, plan);
            }
            if (plans.Count == 0)
                return document;
            UniqueNames.SeparateNested(plans.Values.ToList(), p => p.Await, p => p.LambdaParameter, (p, name) => p.LambdaParameter = name,
                (p, taken) => UniqueNames.Pick(model, p.Await.SpanStart, p.Await, LambdaParameterNames, taken));
            var fields = StaticFieldInsertion.NameOnePerType(plans.Values, p => p.FieldOwner, p => p.Await.SpanStart, model, FieldName);

            var settings = RetryPipelineSettings.Read(document.Project.AnalyzerOptions, root.SyntaxTree);
            // HttpRequestException.StatusCode exists from .NET 5: where it does, a 4xx thrown by EnsureSuccessStatusCode is not retried.
            var statusCodes = model.Compilation.GetTypeByMetadataName("System.Net.Http.HttpRequestException")?.GetMembers("StatusCode").Length > 0;
            var newLine = LineEndings.Of(root);
            var newRoot = root.ReplaceNodes(plans.Keys.Concat(fields.Keys), (original, rewritten) =>
            {
                if (plans.TryGetValue(original, out var plan))
                    return Rewrite((AwaitExpressionSyntax)rewritten, plan, plan.ExistingPipeline ?? fields[plan.FieldOwner!.Declaration]);
                return StaticFieldInsertion.Insert(rewritten, FieldText(fields[original], settings, statusCodes), newLine);
            });
            return await CodeFixSupport.FinishAsync(document.WithSyntaxRoot(newRoot), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// A total timeout around the retry and a per-attempt timeout inside it, as the standard resilience handler
        /// has. Only transient failures are retried: a network failure (HttpRequestException without a 4xx status,
        /// IOException), HttpClient's own timeout, the per-attempt timeout, and the transient HTTP answers (5xx, 408,
        /// 429). An SDK's own exception (NotFoundException, a validation error) is an answer, not a failure: retrying
        /// it would only delay the caller's catch. A 429 or 503 waits as long as its Retry-After asks (delta or
        /// date, capped); anything else backs off exponentially with jitter. A retried response is disposed so its
        /// connection goes back to the pool. Status codes are numbers: HttpStatusCode.TooManyRequests is missing
        /// from netstandard2.0. Written for C# 7.3, the oldest language a Polly v8 project may use.
        /// </summary>
        private static string FieldText(string name, RetryPipelineSettings settings, bool statusCodes) => $$"""
            private static readonly global::Polly.ResiliencePipeline {{name}} = new global::Polly.ResiliencePipelineBuilder()
                .AddTimeout(global::System.TimeSpan.FromSeconds({{settings.TotalTimeoutSeconds}}))
                .AddRetry(new global::Polly.Retry.RetryStrategyOptions
                {
                    ShouldHandle = new global::Polly.PredicateBuilder()
                        .Handle<global::System.Net.Http.HttpRequestException>({{(statusCodes ? "e => e.StatusCode == null || (int)e.StatusCode >= 500 || (int)e.StatusCode == 408 || (int)e.StatusCode == 429" : "")}})
                        .Handle<global::System.IO.IOException>()
                        .Handle<global::Polly.Timeout.TimeoutRejectedException>()
                        .Handle<global::System.OperationCanceledException>(e => e.InnerException is global::System.TimeoutException)
                        .HandleResult(r => r is global::System.Net.Http.HttpResponseMessage response && ((int)response.StatusCode >= 500 || (int)response.StatusCode == 408 || (int)response.StatusCode == 429)),
                    DelayGenerator = args =>
                    {
                        var response = args.Outcome.Result as global::System.Net.Http.HttpResponseMessage;
                        var retryAfter = response != null && ((int)response.StatusCode == 429 || (int)response.StatusCode == 503) ? response.Headers.RetryAfter : null;
                        if (retryAfter == null)
                            return new global::System.Threading.Tasks.ValueTask<global::System.TimeSpan?>((global::System.TimeSpan?)null);
                        var wait = retryAfter.Delta ?? (retryAfter.Date.HasValue ? retryAfter.Date.Value - global::System.DateTimeOffset.UtcNow : global::System.TimeSpan.Zero);
                        var cap = global::System.TimeSpan.FromSeconds({{settings.RetryAfterCapSeconds}});
                        return new global::System.Threading.Tasks.ValueTask<global::System.TimeSpan?>(wait < global::System.TimeSpan.Zero ? global::System.TimeSpan.Zero : wait > cap ? cap : wait);
                    },
                    OnRetry = args =>
                    {
                        (args.Outcome.Result as global::System.IDisposable)?.Dispose();
                        return default;
                    },
                    MaxRetryAttempts = {{settings.MaxRetryAttempts}},
                    BackoffType = global::Polly.DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = global::System.TimeSpan.FromMilliseconds({{settings.BaseDelayMilliseconds}}),
                })
                .AddTimeout(global::System.TimeSpan.FromSeconds({{settings.AttemptTimeoutSeconds}}))
                .Build();

            """;

        /// <summary>
        /// <c>await call(a, token)</c> becomes <c>await pipeline.ExecuteAsync(async ct =&gt; await call(a, ct), token)</c>;
        /// a ConfigureAwait stays on the inner await and is repeated on the outer one.
        /// </summary>
        private static ExpressionSyntax Rewrite(AwaitExpressionSyntax rewritten, Plan plan, string pipeline)
        {
            var awaited = rewritten.Expression;
            var call = plan.ConfigureAwait is null
                ? (InvocationExpressionSyntax)awaited
                : (InvocationExpressionSyntax)((MemberAccessExpressionSyntax)((InvocationExpressionSyntax)awaited).Expression).Expression;

            var token = SyntaxFactory.IdentifierName(plan.LambdaParameter);
            var arguments = call.ArgumentList.Arguments;
            switch (plan.Token)
            {
                case TokenPlacement.Replace:
                    var replaced = arguments[plan.TokenIndex];
                    arguments = arguments.Replace(replaced, replaced.WithExpression(token.WithTriviaFrom(replaced.Expression)));
                    break;
                case TokenPlacement.Append:
                    arguments = arguments.Add(SyntaxFactory.Argument(token));
                    break;
                case TokenPlacement.AppendNamed:
                    arguments = arguments.Add(SyntaxFactory.Argument(SyntaxFactory.NameColon(plan.TokenParameterName!), default, token));
                    break;
            }
            var newCall = call.WithArgumentList(call.ArgumentList.WithArguments(arguments));
            var innerAwaited = plan.ConfigureAwait is null ? newCall : awaited.ReplaceNode(call, newCall);
            var lambda = SyntaxFactory.SimpleLambdaExpression(SyntaxFactory.Parameter(SyntaxFactory.Identifier(plan.LambdaParameter)))
                .WithAsyncKeyword(SyntaxFactory.Token(SyntaxKind.AsyncKeyword))
                .WithExpressionBody(SyntaxFactory.AwaitExpression(innerAwaited.WithoutTrivia()));

            var executeArguments = SyntaxFactory.SeparatedList(new[] { SyntaxFactory.Argument(lambda) });
            if (plan.OuterToken != null)
                executeArguments = executeArguments.Add(SyntaxFactory.Argument(plan.OuterToken.WithoutTrivia()));
            ExpressionSyntax execute = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(pipeline), SyntaxFactory.IdentifierName("ExecuteAsync")),
                SyntaxFactory.ArgumentList(executeArguments));
            if (plan.ConfigureAwait != null)
            {
                execute = SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, execute, SyntaxFactory.IdentifierName("ConfigureAwait")),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(plan.ConfigureAwait.WithoutTrivia())));
            }
            return SyntaxFactory.AwaitExpression(execute).WithTriviaFrom(rewritten).WithAdditionalAnnotations(Formatter.Annotation);
        }

        private enum TokenPlacement
        {
            /// <summary>The call has no token parameter and no overload with one: the lambda's token goes unused.</summary>
            None,
            Replace,
            Append,
            AppendNamed,
        }

        /// <summary>What to do for one diagnostic, read from the original tree; null when no fix is safe.</summary>
        private sealed class Plan
        {
            private Plan(AwaitExpressionSyntax await, string methodName)
            {
                Await = await;
                MethodName = methodName;
            }

            public AwaitExpressionSyntax Await { get; }
            public string MethodName { get; }
            public ArgumentSyntax? ConfigureAwait { get; private set; }
            public TokenPlacement Token { get; private set; }
            public int TokenIndex { get; private set; } = -1;
            public string? TokenParameterName { get; private set; }
            public ExpressionSyntax? OuterToken { get; private set; }
            public string LambdaParameter { get; set; } = "ct";
            public string? ExistingPipeline { get; private set; }
            /// <summary>The type the new field goes in; null when an existing pipeline is used.</summary>
            public FieldOwner? FieldOwner { get; private set; }

            public static Plan? Create(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
            {
                var compilation = model.Compilation;
                var known = GuardCompilationContext.For(compilation).Types;
                var pipelineType = known.ResiliencePipeline;
                var tokenType = known.CancellationToken;
                if (pipelineType is null || tokenType is null ||
                    compilation.GetTypeByMetadataName("Polly.ResiliencePipelineBuilder") is null ||
                    compilation.GetTypeByMetadataName("Polly.Retry.RetryStrategyOptions") is null ||
                    compilation.GetTypeByMetadataName("Polly.PredicateBuilder") is null)
                    return null;

                if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax call ||
                    call.Expression is not (MemberAccessExpressionSyntax or SimpleNameSyntax))
                    return null;
                ArgumentSyntax? configureAwait = null;
                AwaitExpressionSyntax? await;
                if (call.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } member &&
                    member.Parent is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } configured &&
                    configured.Parent is AwaitExpressionSyntax configuredAwait)
                {
                    configureAwait = configured.ArgumentList.Arguments[0];
                    await = configuredAwait;
                }
                else
                {
                    await = call.Parent as AwaitExpressionSyntax;
                }
                if (await is null)
                    return null;

                // The analyzer judged whether the call may be sent again (RetrySafety): no mark, no fix.
                if (!diagnostic.Properties.ContainsKey(MissingRetryAnalyzer.RetrySafeProperty))
                    return null;
                if (model.GetOperation(call, cancellationToken) is not IInvocationOperation operation)
                    return null;

                var plan = new Plan(await, operation.TargetMethod.Name) { ConfigureAwait = configureAwait };
                if (!plan.PlaceToken(call, operation, model, tokenType, cancellationToken))
                    return null;
                plan.LambdaParameter = UniqueNames.Pick(model, await.SpanStart, await, LambdaParameterNames);
                plan.ExistingPipeline = FindExistingPipeline(model, await, pipelineType, cancellationToken);
                if (plan.ExistingPipeline is null)
                {
                    plan.FieldOwner = StaticFieldInsertion.OwnerOrEntryPointOf(await, model, cancellationToken);
                    if (plan.FieldOwner is null)
                        return null;
                }
                return plan;
            }

            private bool PlaceToken(InvocationExpressionSyntax call, IInvocationOperation operation, SemanticModel model, INamedTypeSymbol tokenType, CancellationToken cancellationToken)
            {
                var syntaxArguments = call.ArgumentList.Arguments;
                foreach (var argument in operation.Arguments)
                {
                    if (argument.Parameter is null || !SymbolEqualityComparer.Default.Equals(argument.Parameter.Type, tokenType))
                        continue;
                    if (argument.ArgumentKind == ArgumentKind.Explicit)
                    {
                        if (argument.Syntax is not ArgumentSyntax syntax || syntax.RefKindKeyword.RawKind != 0)
                            return false;
                        TokenIndex = syntaxArguments.IndexOf(syntax);
                        if (TokenIndex < 0)
                            return false;
                        Token = TokenPlacement.Replace;
                        OuterToken = syntax.Expression;
                        return true;
                    }
                    if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                    {
                        // An optional token: by position when that binds (to this or another overload), else by name.
                        Token = BindsWithTokenAppended(call, operation, model, tokenType) ? TokenPlacement.Append : TokenPlacement.AppendNamed;
                        TokenParameterName = argument.Parameter.Name;
                        return true;
                    }
                    return false;
                }

                // No token parameter: is there an overload that takes one more, a CancellationToken?
                if (BindsWithTokenAppended(call, operation, model, tokenType))
                    Token = TokenPlacement.Append;
                return true;
            }

            private static bool BindsWithTokenAppended(InvocationExpressionSyntax call, IInvocationOperation operation, SemanticModel model, INamedTypeSymbol tokenType)
            {
                if (call.ArgumentList.Arguments.Any(a => a.NameColon != null))
                    return false;
                var withToken = call.WithArgumentList(call.ArgumentList.AddArguments(
                    SyntaxFactory.Argument(SyntaxFactory.ParseExpression("default(global::System.Threading.CancellationToken)"))));
                var info = model.GetSpeculativeSymbolInfo(call.SpanStart, withToken, SpeculativeBindingOption.BindAsExpression);
                if (info.Symbol is not IMethodSymbol overload || overload.Name != operation.TargetMethod.Name)
                    return false;
                var index = withToken.ArgumentList.Arguments.Count - 1;
                var parameters = overload.Parameters;
                return index < parameters.Length && SymbolEqualityComparer.Default.Equals(parameters[index].Type, tokenType);
            }

            /// <summary>
            /// The one ResiliencePipeline in scope (a local declared before the call, a parameter, a field or property
            /// usable from here) that may retry; when several, the one known to retry. Null to add a field.
            /// </summary>
            private static string? FindExistingPipeline(SemanticModel model, AwaitExpressionSyntax await, INamedTypeSymbol pipelineType, CancellationToken cancellationToken)
            {
                var candidates = new List<(string Name, PipelineFacts Facts, bool IsLocal)>();
                foreach (var symbol in ValuesInScope.Find(model, await, await.SpanStart, type => SymbolEqualityComparer.Default.Equals(type, pipelineType), cancellationToken))
                {
                    var facts = PipelineFacts.OfSymbol(symbol);
                    if (facts.MayRetry)
                        candidates.Add((symbol.Name, facts, symbol is ILocalSymbol or IParameterSymbol));
                }
                // A pipeline handed to this method (a parameter or local) before one the type holds; then the one known to retry.
                var handed = candidates.Where(c => c.IsLocal).ToList();
                if (handed.Count == 1)
                    return handed[0].Name;
                if (handed.Count == 0 && candidates.Count == 1)
                    return candidates[0].Name;
                var known = candidates.Where(c => c.Facts.IsKnown).ToList();
                return known.Count == 1 ? known[0].Name : null;
            }
        }
    }
}
