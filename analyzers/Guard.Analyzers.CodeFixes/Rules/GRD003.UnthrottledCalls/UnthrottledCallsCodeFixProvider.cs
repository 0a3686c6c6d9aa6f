using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Guard.Analyzers.CodeFixes.Editing;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Guard.Analyzers.CodeFixes.Rules.GRD003
{
    /// <summary>
    /// GRD003: acquires a RateLimiter lease at the top of the loop body or per-item lambda that repeats the
    /// call, from a RateLimiter in scope or a static TokenBucketRateLimiter field the fix adds; a refused lease
    /// throws. Offered only where the lease can be awaited (an async method or lambda, or a lambda returning a
    /// task that can be made async) and <c>using var</c> compiles (C# 8).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnthrottledCallsCodeFixProvider)), Shared]
    public sealed class UnthrottledCallsCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = "GRD003.RateLimiter";
        private const string FieldName = "s_rateLimiter";

        private static readonly string[] LeaseNames = { "lease", "rateLimitLease" };

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(GuardDescriptors.UnthrottledCallsId);

        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create(async (context, document, diagnostics) => (Document?)await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var document = context.Document;
            var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
                return;
            foreach (var diagnostic in context.Diagnostics)
            {
                var plan = Plan.Create(root, model, diagnostic, context.CancellationToken);
                if (plan is null)
                    continue;
                // The package is named in the title: System.Threading.RateLimiting is not in Microsoft.NETCore.App
                // (only ASP.NET Core's shared framework carries it), so the fix is offered only where it is referenced.
                var title = plan.ExistingLimiter is null
                    ? "Acquire a rate limiter lease before each call (System.Threading.RateLimiting)"
                    : $"Acquire a lease from '{plan.ExistingLimiter}' before each call";
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

            // Several calls in one loop or lambda: one lease for the region.
            var plans = new Dictionary<SyntaxNode, Plan>();
            foreach (var diagnostic in diagnostics)
            {
                var plan = Plan.Create(root, model, diagnostic, cancellationToken);
                if (plan != null && !plans.ContainsKey(plan.Region))
                    plans.Add(plan.Region, plan);
            }
            if (plans.Count == 0)
                return document;
            UniqueNames.SeparateNested(plans.Values.ToList(), p => p.Region, p => p.LeaseName, (p, name) => p.LeaseName = name,
                (p, taken) => UniqueNames.Pick(model, p.InsertionPosition, p.Region, LeaseNames, taken));
            var fields = StaticFieldInsertion.NameOnePerType(plans.Values, p => p.FieldOwner, p => p.InsertionPosition, model, FieldName);

            var newLine = LineEndings.Of(root);
            var newRoot = root.ReplaceNodes(plans.Keys.Concat(fields.Keys), (original, rewritten) =>
            {
                if (plans.TryGetValue(original, out var plan))
                    return Rewrite(rewritten, plan, plan.ExistingLimiter ?? fields[plan.FieldOwner!.Declaration], newLine);
                return StaticFieldInsertion.Insert(rewritten, FieldText(fields[original]), newLine);
            });
            return await CodeFixSupport.FinishAsync(document.WithSyntaxRoot(newRoot), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>10 requests a second, queued (not dropped) beyond that, oldest first: see docs/rules/GRD003.md.</summary>
        private static string FieldText(string name) => $$"""
            private static readonly global::System.Threading.RateLimiting.TokenBucketRateLimiter {{name}} = new global::System.Threading.RateLimiting.TokenBucketRateLimiter(new global::System.Threading.RateLimiting.TokenBucketRateLimiterOptions
            {
                TokenLimit = 10,
                TokensPerPeriod = 10,
                ReplenishmentPeriod = global::System.TimeSpan.FromSeconds(1),
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = global::System.Threading.RateLimiting.QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });

            """;

        private static SyntaxList<StatementSyntax> AcquireStatements(Plan plan, string limiter, string newLine)
        {
            var arguments = plan.Token is null ? "1" : "1, " + plan.Token;
            var acquire = SyntaxFactory.ParseStatement($"using var {plan.LeaseName} = await {limiter}.AcquireAsync({arguments});");
            var check = SyntaxFactory.ParseStatement(
                $"if (!{plan.LeaseName}.IsAcquired){newLine}{{{newLine}    throw new global::System.InvalidOperationException(\"The rate limiter refused a lease.\");{newLine}}}");
            return SyntaxFactory.List(new[]
            {
                acquire.WithTrailingTrivia(SyntaxFactory.ElasticEndOfLine(newLine)).WithAdditionalAnnotations(Formatter.Annotation),
                check.WithTrailingTrivia(SyntaxFactory.ElasticEndOfLine(newLine))
                    .WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation, Simplifier.AddImportsAnnotation),
            });
        }

        private static SyntaxNode Rewrite(SyntaxNode rewritten, Plan plan, string limiter, string newLine)
        {
            var statements = AcquireStatements(plan, limiter, newLine);
            switch (rewritten)
            {
                case StatementSyntax loop:
                    var body = LoopBody(loop)!;
                    return loop.ReplaceNode(body, Prepend(body, statements));
                case AnonymousFunctionExpressionSyntax lambda when lambda.Block != null:
                    return lambda.WithBlock(CodeFixSupport.WithStatementsOnLines(lambda.Block, lambda.Block.Statements.InsertRange(0, statements)));
                case AnonymousFunctionExpressionSyntax lambda:
                    var expression = lambda.ExpressionBody!;
                    if (plan.MakeAsync)
                        expression = SyntaxFactory.AwaitExpression(expression.WithoutTrivia());
                    StatementSyntax last = plan.ReturnsValue
                        ? SyntaxFactory.ReturnStatement(expression.WithoutTrivia())
                        : SyntaxFactory.ExpressionStatement(expression.WithoutTrivia());
                    var block = SyntaxFactory.Block(statements.Add(last.WithAdditionalAnnotations(Formatter.Annotation)));
                    var converted = lambda.WithExpressionBody(null).WithBlock(block);
                    if (plan.MakeAsync)
                        converted = converted.WithLeadingTrivia().AddModifiers(SyntaxFactory.Token(SyntaxKind.AsyncKeyword)).WithLeadingTrivia(lambda.GetLeadingTrivia());
                    return converted.WithAdditionalAnnotations(Formatter.Annotation);
                default:
                    return rewritten;
            }
        }

        private static StatementSyntax Prepend(StatementSyntax body, SyntaxList<StatementSyntax> statements)
        {
            if (body is BlockSyntax block)
                return CodeFixSupport.WithStatementsOnLines(block, block.Statements.InsertRange(0, statements));
            return SyntaxFactory.Block(statements.Add(body.WithoutTrivia()))
                .WithLeadingTrivia(body.GetLeadingTrivia())
                .WithTrailingTrivia(body.GetTrailingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);
        }

        private static StatementSyntax? LoopBody(StatementSyntax loop) => loop switch
        {
            ForStatementSyntax f => f.Statement,
            CommonForEachStatementSyntax f => f.Statement,
            WhileStatementSyntax w => w.Statement,
            DoStatementSyntax d => d.Statement,
            _ => null,
        };

        /// <summary>What to do for one diagnostic, read from the original tree; null when no fix compiles.</summary>
        private sealed class Plan
        {
            private Plan(SyntaxNode region, int insertionPosition)
            {
                Region = region;
                InsertionPosition = insertionPosition;
            }

            /// <summary>The loop statement or the lambda.</summary>
            public SyntaxNode Region { get; }
            public int InsertionPosition { get; }
            public string LeaseName { get; set; } = "lease";
            public string? Token { get; private set; }
            public string? ExistingLimiter { get; private set; }
            public bool MakeAsync { get; private set; }
            public bool ReturnsValue { get; private set; }
            /// <summary>The type the new field goes in; null when an existing limiter is used.</summary>
            public FieldOwner? FieldOwner { get; private set; }

            public static Plan? Create(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
            {
                var compilation = model.Compilation;
                var known = GuardCompilationContext.For(compilation).Types;
                var limiterType = known.RateLimiter;
                var tokenType = known.CancellationToken;
                if (limiterType is null || tokenType is null || diagnostic.AdditionalLocations.Count != 1 ||
                    compilation.GetTypeByMetadataName("System.Threading.RateLimiting.TokenBucketRateLimiter") is null ||
                    !CodeFixSupport.SupportsUsingDeclarations(root.SyntaxTree))
                    return null;

                var span = diagnostic.AdditionalLocations[0].SourceSpan;
                var region = root.FindNode(span, getInnermostNodeForTie: true)
                    .AncestorsAndSelf()
                    .FirstOrDefault(n => n.Span == span && (n is AnonymousFunctionExpressionSyntax || (n is StatementSyntax statement && LoopBody(statement) != null)));

                Plan plan;
                SyntaxNode body;
                switch (region)
                {
                    case StatementSyntax loop:
                        body = LoopBody(loop)!;
                        if (!IsAsyncContext(loop))
                            return null;
                        plan = new Plan(loop, FirstStatementPosition(body));
                        break;
                    case AnonymousFunctionExpressionSyntax lambda:
                        body = lambda.Body;
                        if (model.GetSymbolInfo(lambda, cancellationToken).Symbol is not IMethodSymbol function)
                            return null;
                        plan = new Plan(lambda, FirstStatementPosition(body));
                        var returnType = function.ReturnType as INamedTypeSymbol;
                        var isTaskLike = returnType != null && returnType.Name is "Task" or "ValueTask" &&
                            returnType.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks";
                        if (lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword))
                        {
                            plan.ReturnsValue = isTaskLike && returnType!.IsGenericType;
                            // An async lambda for a void delegate with an expression body: it must be a statement.
                            if (!plan.ReturnsValue && lambda.ExpressionBody != null && !IsStatementExpression(lambda.ExpressionBody))
                                return null;
                        }
                        else if (lambda.ExpressionBody != null && isTaskLike && lambda is LambdaExpressionSyntax)
                        {
                            // url => client.GetStringAsync(url) becomes async url => { ...; return await client.GetStringAsync(url); }
                            plan.MakeAsync = true;
                            plan.ReturnsValue = returnType!.IsGenericType;
                        }
                        else
                        {
                            return null;
                        }
                        break;
                    default:
                        return null;
                }

                plan.Token = CodeFixSupport.CancellationTokenInScope(model, body, tokenType, cancellationToken);
                plan.LeaseName = UniqueNames.Pick(model, plan.InsertionPosition, region, LeaseNames);
                plan.ExistingLimiter = FindExistingLimiter(model, region, plan.InsertionPosition, limiterType, cancellationToken);
                if (plan.ExistingLimiter is null)
                {
                    plan.FieldOwner = StaticFieldInsertion.OwnerOrEntryPointOf(region, model, cancellationToken);
                    if (plan.FieldOwner is null)
                        return null;
                }
                return plan;
            }

            private static bool IsStatementExpression(ExpressionSyntax expression) =>
                expression is AwaitExpressionSyntax or InvocationExpressionSyntax or AssignmentExpressionSyntax or ObjectCreationExpressionSyntax
                    or PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax;

            private static int FirstStatementPosition(SyntaxNode body) =>
                body is BlockSyntax { Statements.Count: > 0 } block ? block.Statements[0].SpanStart : body.SpanStart;

            /// <summary>The function around the loop is async and nothing in between forbids await (lock, a query).</summary>
            private static bool IsAsyncContext(SyntaxNode loop)
            {
                foreach (var ancestor in loop.Ancestors())
                {
                    switch (ancestor)
                    {
                        case LockStatementSyntax:
                        case QueryExpressionSyntax:
                            return false;
                        case AnonymousFunctionExpressionSyntax lambda:
                            return lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                        case LocalFunctionStatementSyntax local:
                            return local.Modifiers.Any(SyntaxKind.AsyncKeyword);
                        case MethodDeclarationSyntax method:
                            return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                        // Top-level statements may await anywhere: the compiler makes their entry point async.
                        case GlobalStatementSyntax:
                            return true;
                        case MemberDeclarationSyntax:
                            return false;
                    }
                }
                return false;
            }

            /// <summary>The one RateLimiter (not a partitioned one) usable at the position; null to add a field.</summary>
            private static string? FindExistingLimiter(SemanticModel model, SyntaxNode region, int position, INamedTypeSymbol limiterType, CancellationToken cancellationToken)
            {
                string? found = null;
                foreach (var symbol in ValuesInScope.Find(model, region, position, type => KnownTypes.IsOrDerivesFrom(type, limiterType), cancellationToken))
                {
                    if (found != null)
                        return null;
                    found = symbol.Name;
                }
                return found;
            }
        }
    }
}
