using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Guard.Analyzers.CodeFixes.Caching;
using Guard.Analyzers.CodeFixes.Editing;
using Guard.Analyzers.CodeFixes.Rules.GRD005;
using Guard.Analyzers.Infrastructure;
using Guard.Analyzers.Rules.GRD002;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Guard.Analyzers.CodeFixes.Rules.GRD002
{
    /// <summary>
    /// GRD002 on <c>new MemoryCache(...)</c>: sets a SizeLimit and gives every entry written to that cache a
    /// Size, so the bounded cache does not throw (GRD005). Offered only when the analyzer saw every write, in
    /// the same file, in a form it can rewrite. A static dictionary gets no fix: the bound is a design choice.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnboundedCacheCodeFixProvider))]
    [Shared]
    public sealed class UnboundedCacheCodeFixProvider : CodeFixProvider
    {
        private const string EquivalenceKey = "GRD002.AddSizeLimit";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(GuardDescriptors.UnboundedCacheId);

        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create(async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var tree = await context.Document.GetSyntaxTreeAsync(context.CancellationToken).ConfigureAwait(false);
            if (tree is null)
                return;
            var limit = SizeLimit(context.Document, tree);
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!IsFixable(diagnostic))
                    continue;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Set SizeLimit = " + limit + " and give every entry a Size",
                        cancellationToken => FixAsync(context.Document, ImmutableArray.Create(diagnostic), cancellationToken),
                        EquivalenceKey),
                    diagnostic);
            }
        }

        private static bool IsFixable(Diagnostic diagnostic) =>
            diagnostic.Properties.ContainsKey(UnboundedCacheAnalyzer.FixableProperty) && diagnostic.AdditionalLocations.Count > 0;

        private static int SizeLimit(Document document, SyntaxTree tree) =>
            GuardOptions.GetInt(document.Project.AnalyzerOptions, tree, GuardDescriptors.UnboundedCacheId, GuardOptionCatalog.DefaultSizeLimit);

        private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var edits = await CacheSizeEdits.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            var tree = edits.Root.SyntaxTree;
            var limit = SizeLimit(document, tree);
            var size = MemoryCacheEntryWithoutSizeCodeFixProvider.EntrySize(document.Project.AnalyzerOptions, tree);
            var changed = false;
            foreach (var diagnostic in diagnostics)
            {
                if (!IsFixable(diagnostic) || !TryFindTargets(edits.Root, diagnostic, out var options, out var writes))
                    continue;
                // Every write first: a cache with a SizeLimit and one size-less entry throws.
                var allWrites = true;
                foreach (var write in writes)
                    allWrites &= edits.TryAddEntrySize(write, size, cancellationToken);
                if (allWrites)
                    changed |= edits.TrySetSizeLimit(options, limit);
            }
            return changed ? await edits.GetChangedDocumentAsync(cancellationToken).ConfigureAwait(false) : document;
        }

        private static bool TryFindTargets(SyntaxNode root, Diagnostic diagnostic, out BaseObjectCreationExpressionSyntax options, out List<InvocationExpressionSyntax> writes)
        {
            options = null!;
            writes = new List<InvocationExpressionSyntax>();
            var locations = diagnostic.AdditionalLocations;
            if (locations[0].SourceTree != root.SyntaxTree || ReportedNodes.Find<BaseObjectCreationExpressionSyntax>(root, locations[0]) is not { } creation)
                return false;
            options = creation;
            for (var i = 1; i < locations.Count; i++)
            {
                if (locations[i].SourceTree != root.SyntaxTree || ReportedNodes.Find<InvocationExpressionSyntax>(root, locations[i]) is not { } write)
                    return false;
                writes.Add(write);
            }
            return true;
        }
    }
}
