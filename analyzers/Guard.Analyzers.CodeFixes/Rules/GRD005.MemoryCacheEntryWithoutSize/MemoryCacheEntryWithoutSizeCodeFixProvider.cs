using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Guard.Analyzers.CodeFixes.Caching;
using Guard.Analyzers.CodeFixes.Editing;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Guard.Analyzers.CodeFixes.Rules.GRD005
{
    /// <summary>
    /// GRD005: gives the entry a Size: <c>new MemoryCacheEntryOptions { Size = 1 }</c> for Set,
    /// <c>entry.Size = 1;</c> in a GetOrCreate factory, <c>.SetSize(1)</c> on CreateEntry or on an options object.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MemoryCacheEntryWithoutSizeCodeFixProvider))]
    [Shared]
    public sealed class MemoryCacheEntryWithoutSizeCodeFixProvider : CodeFixProvider
    {
        private const string EquivalenceKey = "GRD005.AddSize";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(GuardDescriptors.MemoryCacheEntryWithoutSizeId);

        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create(async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        /// <summary>The Size given to entries, by this fix and by GRD002's: <c>guard.GRD005.default_entry_size</c>.</summary>
        internal static int EntrySize(AnalyzerOptions options, SyntaxTree tree) =>
            GuardOptions.GetInt(options, tree, GuardDescriptors.MemoryCacheEntryWithoutSizeId, GuardOptionCatalog.DefaultEntrySize);

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
                return;
            var size = EntrySize(context.Document.Project.AnalyzerOptions, root.SyntaxTree);
            foreach (var diagnostic in context.Diagnostics)
            {
                if (ReportedNodes.Find<InvocationExpressionSyntax>(root, diagnostic.Location) is null)
                    continue;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Give the entry a Size of " + size,
                        cancellationToken => FixAsync(context.Document, ImmutableArray.Create(diagnostic), cancellationToken),
                        EquivalenceKey),
                    diagnostic);
            }
        }

        private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var edits = await CacheSizeEdits.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            var size = EntrySize(document.Project.AnalyzerOptions, edits.Root.SyntaxTree);
            var changed = false;
            foreach (var diagnostic in diagnostics)
            {
                if (ReportedNodes.Find<InvocationExpressionSyntax>(edits.Root, diagnostic.Location) is { } write)
                    changed |= edits.TryAddEntrySize(write, size, cancellationToken);
            }
            return changed ? await edits.GetChangedDocumentAsync(cancellationToken).ConfigureAwait(false) : document;
        }
    }
}
