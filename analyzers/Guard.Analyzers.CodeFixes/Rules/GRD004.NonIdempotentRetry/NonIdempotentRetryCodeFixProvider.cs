using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Guard.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Guard.Analyzers.CodeFixes.Rules.GRD004
{
    /// <summary>
    /// GRD004: creates the idempotency key once, right before the statement that runs the retry, and sends it:
    /// sets the request's key member, passes the method's key parameter, or adds the Idempotency-Key header.
    /// A key made inside the retry is moved out. Offered only when the result compiles and means what it should.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NonIdempotentRetryCodeFixProvider))]
    [Shared]
    public sealed class NonIdempotentRetryCodeFixProvider : CodeFixProvider
    {
        internal const string EquivalenceKey = "GRD004.CreateKeyOnce";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(GuardDescriptors.NonIdempotentRetryId);

        public override FixAllProvider GetFixAllProvider() => FixAll.Instance;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var invocation = FindInvocation(root, context.Diagnostics[0]);
            if (invocation is null)
                return;
            var plan = await KeyFixPlan.CreateAsync(context.Document, invocation, context.CancellationToken).ConfigureAwait(false);
            if (plan is null)
                return;
            context.RegisterCodeFix(
                CodeAction.Create(plan.Title, c => plan.ApplyAsync(context.Document, c), EquivalenceKey),
                context.Diagnostics[0]);
        }

        private static InvocationExpressionSyntax? FindInvocation(SyntaxNode? root, Diagnostic diagnostic)
        {
            var node = root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            return node?.AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault(n => n.Span == diagnostic.Location.SourceSpan);
        }

        /// <summary>Fixes one diagnostic at a time on the updated document, so keys made before the same retry get distinct names.</summary>
        private sealed class FixAll : DocumentBasedFixAllProvider
        {
            public static readonly FixAll Instance = new FixAll();

            protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
            {
                var cancellationToken = fixAllContext.CancellationToken;
                var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                if (root is null)
                    return document;
                var annotations = new Dictionary<SyntaxNode, SyntaxAnnotation>();
                foreach (var diagnostic in diagnostics)
                {
                    var invocation = FindInvocation(root, diagnostic);
                    if (invocation != null && !annotations.ContainsKey(invocation))
                        annotations.Add(invocation, new SyntaxAnnotation());
                }
                root = root.ReplaceNodes(annotations.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(annotations[original]));
                document = document.WithSyntaxRoot(root);
                foreach (var annotation in annotations.Values)
                {
                    var current = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                    var invocation = current?.GetAnnotatedNodes(annotation).OfType<InvocationExpressionSyntax>().FirstOrDefault();
                    if (invocation is null)
                        continue;
                    var plan = await KeyFixPlan.CreateAsync(document, invocation, cancellationToken).ConfigureAwait(false);
                    if (plan != null)
                        document = await plan.ApplyAsync(document, cancellationToken).ConfigureAwait(false);
                }
                return document;
            }
        }
    }
}
