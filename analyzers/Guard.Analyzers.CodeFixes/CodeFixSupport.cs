using System.Collections.Generic;
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

namespace Guard.Analyzers.CodeFixes
{
    /// <summary>What Guard's fixes share: fresh names, a new static field, imports and formatting of what they add.</summary>
    internal static class CodeFixSupport
    {
        /// <summary>
        /// The first candidate (then candidate2, candidate3...) that names nothing visible at the position and no
        /// identifier inside <paramref name="region"/>, so the new name neither shadows nor is shadowed.
        /// </summary>
        public static string UniqueName(SemanticModel model, int position, SyntaxNode? region, IReadOnlyList<string> candidates, ICollection<string>? taken = null)
        {
            for (var suffix = 1; ; suffix++)
            {
                foreach (var candidate in candidates)
                {
                    var name = suffix == 1 ? candidate : candidate + suffix;
                    if ((taken is null || !taken.Contains(name)) && IsFree(model, position, region, name))
                        return name;
                }
            }
        }

        /// <summary>
        /// Names chosen one by one for nested rewrites (a fix inside another fix's lambda or loop) must differ
        /// from each other too: each gets the names of the rewrites around and inside it as taken.
        /// </summary>
        public static void SeparateNestedNames<T>(IReadOnlyList<T> items, System.Func<T, SyntaxNode> node, System.Func<T, string> getName, System.Action<T, string> setName,
            System.Func<T, ICollection<string>, string> rename)
        {
            var ordered = items.OrderBy(i => node(i).SpanStart).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var span = node(ordered[i]).Span;
                var taken = new HashSet<string>();
                for (var j = 0; j < i; j++)
                {
                    var other = node(ordered[j]).Span;
                    if (other.Contains(span) || span.Contains(other))
                        taken.Add(getName(ordered[j]));
                }
                if (taken.Contains(getName(ordered[i])))
                    setName(ordered[i], rename(ordered[i], taken));
            }
        }

        private static bool IsFree(SemanticModel model, int position, SyntaxNode? region, string name)
        {
            if (!model.LookupSymbols(position, name: name).IsEmpty)
                return false;
            if (region is null)
                return true;
            foreach (var token in region.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == name)
                    return false;
            }
            return true;
        }

        /// <summary>A name for a new member of the type: free in the type, its bases and at the position.</summary>
        public static string UniqueMemberName(SemanticModel model, int position, INamedTypeSymbol type, string name)
        {
            for (var suffix = 1; ; suffix++)
            {
                var candidate = suffix == 1 ? name : name + suffix;
                if (model.LookupSymbols(position, name: candidate).IsEmpty && type.GetMembers(candidate).IsEmpty)
                    return candidate;
            }
        }

        /// <summary>Inserts the field after the type's last field, or first when it has none.</summary>
        public static TypeDeclarationSyntax InsertField(TypeDeclarationSyntax type, MemberDeclarationSyntax field, string newLine)
        {
            var index = 0;
            for (var i = 0; i < type.Members.Count; i++)
            {
                if (type.Members[i] is FieldDeclarationSyntax)
                    index = i + 1;
            }
            if (index == 0 && type.Members.Count > 0)
                field = field.WithTrailingTrivia(field.GetTrailingTrivia().Add(SyntaxFactory.ElasticEndOfLine(newLine)));
            return type.WithMembers(type.Members.Insert(index, field));
        }

        /// <summary>The document's line break (its first one), so added code does not mix line endings.</summary>
        public static string NewLine(SyntaxNode root)
        {
            foreach (var trivia in root.DescendantTrivia())
            {
                if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                    return trivia.ToString();
            }
            return "\n";
        }

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

        /// <summary>
        /// A member parsed from text that names types with <c>global::</c>: marked so that the names are
        /// simplified, the usings they need are added and the member is formatted.
        /// </summary>
        public static MemberDeclarationSyntax ParseMember(string text, string newLine) =>
            SyntaxFactory.ParseMemberDeclaration(text.Replace("\r\n", "\n").Replace("\n", newLine))!
                .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation, Formatter.Annotation);

        /// <summary>Adds the usings the annotated nodes need, simplifies their names and formats them.</summary>
        public static async Task<Document> FinishAsync(Document document, CancellationToken cancellationToken)
        {
            document = await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, null, cancellationToken).ConfigureAwait(false);
            document = await Simplifier.ReduceAsync(document, Simplifier.Annotation, null, cancellationToken).ConfigureAwait(false);
            // The formatter writes its own line break (the machine's by default): make it the document's.
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            OptionSet options = await document.GetOptionsAsync(cancellationToken).ConfigureAwait(false);
            if (root != null)
                options = options.WithChangedOption(FormattingOptions.NewLine, LanguageNames.CSharp, NewLine(root));
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

        /// <summary>Whether code at the symbol (a method, or a lambda or local function inside one) has no <c>this</c>.</summary>
        public static bool IsStaticContext(ISymbol symbol)
        {
            for (var current = symbol; current != null; current = current.ContainingSymbol)
            {
                if (current is IMethodSymbol { MethodKind: MethodKind.LocalFunction, IsStatic: true })
                    return true;
                if (current is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
                    continue;
                return current.IsStatic;
            }
            return false;
        }

        /// <summary>Whether the language version allows using declarations (C# 8).</summary>
        public static bool SupportsUsingDeclarations(SyntaxTree tree) =>
            tree.Options is CSharpParseOptions options && options.LanguageVersion >= LanguageVersion.CSharp8;
    }
}
