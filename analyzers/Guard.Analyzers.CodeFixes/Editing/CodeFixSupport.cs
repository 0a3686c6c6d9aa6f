using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Options;
using Microsoft.CodeAnalysis.Simplification;

namespace Guard.Analyzers.CodeFixes.Editing
{
    /// <summary>What Guard's fixes share around the code they add: its layout, imports and formatting, and what it may use.</summary>
    internal static class CodeFixSupport
    {
        /// <summary>A block written on one line (<c>{ a(); }</c>) rebuilt so the formatter lays out its statements on lines of their own.</summary>
        public static BlockSyntax WithStatementsOnLines(BlockSyntax block, SyntaxList<StatementSyntax> statements)
        {
            if (block.ToString().IndexOf('\n') >= 0)
                return block.WithStatements(statements);
            return SyntaxFactory.Block(statements.Select(s => s.WithoutTrivia()
                    .WithLeadingTrivia(SyntaxFactory.ElasticMarker).WithTrailingTrivia(SyntaxFactory.ElasticMarker)
                    .WithAdditionalAnnotations(Formatter.Annotation)))
                .WithLeadingTrivia(block.GetLeadingTrivia())
                .WithTrailingTrivia(block.GetTrailingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);
        }

        /// <summary>Adds the usings the annotated nodes need, simplifies their names and formats them.</summary>
        public static async Task<Document> FinishAsync(Document document, CancellationToken cancellationToken)
        {
            document = await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, null, cancellationToken).ConfigureAwait(false);
            document = await Simplifier.ReduceAsync(document, Simplifier.Annotation, null, cancellationToken).ConfigureAwait(false);
            // The formatter writes its own line break (the machine's by default): make it the document's.
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            OptionSet options = await document.GetOptionsAsync(cancellationToken).ConfigureAwait(false);
            if (root != null)
                options = options.WithChangedOption(FormattingOptions.NewLine, LanguageNames.CSharp, LineEndings.Of(root));
            return await Formatter.FormatAsync(document, Formatter.Annotation, options, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The innermost CancellationToken parameter of the functions around the node (lambda, local function,
        /// method) that is still visible by its name there; null when there is none.
        /// </summary>
        public static string? CancellationTokenInScope(SemanticModel model, SyntaxNode node, INamedTypeSymbol cancellationTokenType, CancellationToken cancellationToken)
        {
            foreach (var ancestor in node.AncestorsAndSelf())
            {
                IMethodSymbol? function = ancestor switch
                {
                    AnonymousFunctionExpressionSyntax lambda => model.GetSymbolInfo(lambda, cancellationToken).Symbol as IMethodSymbol,
                    LocalFunctionStatementSyntax local => model.GetDeclaredSymbol(local, cancellationToken) as IMethodSymbol,
                    BaseMethodDeclarationSyntax method => model.GetDeclaredSymbol(method, cancellationToken),
                    AccessorDeclarationSyntax accessor => model.GetDeclaredSymbol(accessor, cancellationToken),
                    _ => null,
                };
                if (function != null)
                {
                    foreach (var parameter in function.Parameters)
                    {
                        if (!SymbolEqualityComparer.Default.Equals(parameter.Type, cancellationTokenType) || parameter.Name.Length == 0 || parameter.Name == "_")
                            continue;
                        var visible = model.LookupSymbols(node.SpanStart, name: parameter.Name);
                        if (visible.Length == 1 && SymbolEqualityComparer.Default.Equals(visible[0], parameter))
                            return parameter.Name;
                    }
                }
                if (ancestor is BaseTypeDeclarationSyntax)
                    break;
            }
            return null;
        }

        /// <summary>Whether the language version allows using declarations (C# 8).</summary>
        public static bool SupportsUsingDeclarations(SyntaxTree tree) =>
            tree.Options is CSharpParseOptions options && options.LanguageVersion >= LanguageVersion.CSharp8;
    }
}
