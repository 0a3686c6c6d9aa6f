using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Guard.Analyzers.CodeFixes.Editing;
using Guard.Analyzers.Infrastructure;
using Guard.Analyzers.Rules.GRD007;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Guard.Analyzers.CodeFixes.Rules.GRD007
{
    /// <summary>
    /// GRD007 on a receive loop over <c>var ws = new ClientWebSocket()</c> made in the same block and connected
    /// after it: sets <c>ws.Options.KeepAliveTimeout</c> right after the declaration (.NET 9 and later; the analyzer
    /// offers it only when the target framework has the property and nothing sets KeepAliveInterval). The socket
    /// then pings every KeepAliveInterval (30 s by default) and aborts when no pong comes within the timeout, so the
    /// receive throws instead of waiting forever on a dead connection. A feed that stalls on a live connection
    /// needs a per-receive deadline: see docs/rules/GRD007.md.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SilentStreamCodeFixProvider))]
    [Shared]
    public sealed class SilentStreamCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = "GRD007.KeepAliveTimeout";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(GuardDescriptors.SilentStreamId);

        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create(async (context, document, diagnostics) => (Document?)await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var tree = await context.Document.GetSyntaxTreeAsync(context.CancellationToken).ConfigureAwait(false);
            if (tree is null)
                return;
            var seconds = Seconds(context.Document, tree);
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.ContainsKey(SilentStreamAnalyzer.KeepAliveFixProperty))
                    continue;
                context.RegisterCodeFix(
                    CodeAction.Create($"Set Options.KeepAliveTimeout to {seconds} s: a dead connection ends the receive",
                        cancellationToken => FixAsync(context.Document, ImmutableArray.Create(diagnostic), cancellationToken),
                        EquivalenceKey),
                    diagnostic);
            }
        }

        private static int Seconds(Document document, SyntaxTree tree) =>
            GuardOptions.GetInt(document.Project.AnalyzerOptions, tree, GuardDescriptors.SilentStreamId, GuardOptionCatalog.KeepAliveTimeoutSeconds);

        /// <summary>The whitespace the statement's line starts with (not the comments above it).</summary>
        private static SyntaxTriviaList IndentationOf(StatementSyntax statement)
        {
            var leading = statement.GetLeadingTrivia();
            return leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia)
                ? SyntaxFactory.TriviaList(leading[leading.Count - 1])
                : SyntaxFactory.TriviaList(SyntaxFactory.ElasticMarker);
        }

        private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
                return document;
            var seconds = Seconds(document, root.SyntaxTree);
            var sockets = new Dictionary<LocalDeclarationStatementSyntax, string>();
            foreach (var diagnostic in diagnostics)
            {
                if (!diagnostic.Properties.ContainsKey(SilentStreamAnalyzer.KeepAliveFixProperty) || diagnostic.Location.SourceTree != root.SyntaxTree)
                    continue;
                if (ReportedNodes.Find<InvocationExpressionSyntax>(root, diagnostic.Location) is not { Expression: MemberAccessExpressionSyntax { Expression: var receiver } })
                    continue;
                if (model.GetSymbolInfo(receiver, cancellationToken).Symbol is not ILocalSymbol local || local.DeclaringSyntaxReferences.Length != 1)
                    continue;
                if (local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Parent.Parent: LocalDeclarationStatementSyntax statement } &&
                    statement.SyntaxTree == root.SyntaxTree && !sockets.ContainsKey(statement))
                    sockets.Add(statement, local.Name);
            }
            if (sockets.Count == 0)
                return document;
            var newLine = LineEndings.Of(root);
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            foreach (var socket in sockets)
            {
                var text = socket.Value + ".Options.KeepAliveTimeout = global::System.TimeSpan.FromSeconds(" + seconds.ToString(CultureInfo.InvariantCulture) + ");" + newLine;
                var statement = SyntaxFactory.ParseStatement(text)
                    .WithLeadingTrivia(IndentationOf(socket.Key))
                    .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation, Formatter.Annotation);
                editor.InsertAfter(socket.Key, statement);
            }
            return await CodeFixSupport.FinishAsync(editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
        }
    }
}
