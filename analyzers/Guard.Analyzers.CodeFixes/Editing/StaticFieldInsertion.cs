using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Guard.Analyzers.CodeFixes.Editing
{
    /// <summary>
    /// The static readonly field a fix adds to the type around the code it fixes when nothing in scope can serve
    /// (GRD001's retry pipeline, GRD003's rate limiter): which type, what name, where in the type.
    /// </summary>
    internal static class StaticFieldInsertion
    {
        /// <summary>The class, struct or record around the node; null when there is none to add a field to.</summary>
        public static FieldOwner? OwnerOf(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
        {
            var declaration = node.FirstAncestorOrSelf<TypeDeclarationSyntax>(t => t is ClassDeclarationSyntax or StructDeclarationSyntax or RecordDeclarationSyntax);
            var symbol = declaration is null ? null : model.GetDeclaredSymbol(declaration, cancellationToken);
            return symbol is null ? null : new FieldOwner(declaration!, symbol);
        }

        /// <summary>
        /// As <see cref="OwnerOf"/>, and for code in top-level statements (local functions and lambdas in them
        /// included) the program's entry-point class, which the compiler declares partial: the field goes in a
        /// <c>partial class Program</c> added at the end of the file, where the statements see it. Null when the class
        /// is declared in source without <c>partial</c> (a second part would not compile).
        /// </summary>
        public static FieldOwner? OwnerOrEntryPointOf(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
        {
            if (OwnerOf(node, model, cancellationToken) is { } owner)
                return owner;
            if (node.FirstAncestorOrSelf<GlobalStatementSyntax>() is null || node.SyntaxTree.GetRoot(cancellationToken) is not CompilationUnitSyntax unit)
                return null;
            // A directive before the end of the file (#endif) would put the new part inside a conditional region.
            foreach (var trivia in unit.EndOfFileToken.LeadingTrivia)
            {
                if (trivia.IsDirective)
                    return null;
            }
            var type = model.GetEnclosingSymbol(node.SpanStart, cancellationToken)?.ContainingType;
            while (type?.ContainingType != null)
                type = type.ContainingType;
            if (type is null || !type.ContainingNamespace.IsGlobalNamespace || type.TypeKind != TypeKind.Class)
                return null;
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declared && !declared.Modifiers.Any(SyntaxKind.PartialKeyword))
                    return null;
            }
            return new FieldOwner(unit, type);
        }

        /// <summary>
        /// One new field per type, however many fixes in it need one, keyed by the type's declaration: a name free
        /// in the type, its bases and at the position of the first fix in it. Fixes with no owner add no field.
        /// </summary>
        public static Dictionary<SyntaxNode, string> NameOnePerType<T>(IEnumerable<T> fixes, System.Func<T, FieldOwner?> owner, System.Func<T, int> position,
            SemanticModel model, string name)
        {
            var fields = new Dictionary<SyntaxNode, string>();
            foreach (var fix in fixes)
            {
                if (owner(fix) is { } type && !fields.ContainsKey(type.Declaration))
                    fields.Add(type.Declaration, UniqueNames.ForMember(model, position(fix), type.Symbol, name));
            }
            return fields;
        }

        /// <summary>
        /// Inserts the field after the type's last field, or first when it has none. The text names types with
        /// <c>global::</c>: the field is marked so that the names are simplified, the usings they need are added
        /// and it is formatted (<see cref="CodeFixSupport.FinishAsync"/>).
        /// </summary>
        public static SyntaxNode Insert(SyntaxNode owner, string fieldText, string newLine)
        {
            if (owner is CompilationUnitSyntax unit)
                return AddEntryPointPart(unit, fieldText, newLine);
            MemberDeclarationSyntax field = SyntaxFactory.ParseMemberDeclaration(fieldText.Replace("\r\n", "\n").Replace("\n", newLine))!;
            field = GlobalNames.MarkForSimplification(field).WithAdditionalAnnotations(Formatter.Annotation);
            var type = (TypeDeclarationSyntax)owner;
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

        /// <summary>
        /// <c>partial class Program { field }</c> after the file's last member, a blank line before it. Parsed from text
        /// indented as it will stand, so the field's continuation lines keep their place under it.
        /// </summary>
        private static CompilationUnitSyntax AddEntryPointPart(CompilationUnitSyntax unit, string fieldText, string newLine)
        {
            // A part already in the file (one an earlier fix added, or the user's) takes the field, unless directives
            // could make that part conditional.
            if (!unit.ContainsDirectives && LastProgramPart(unit) is { } existing)
                return unit.ReplaceNode(existing, Insert(existing, fieldText, newLine));
            var lines = fieldText.Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
            var text = "partial class Program" + newLine + "{" + newLine;
            foreach (var line in lines)
                text += (line.Length > 0 ? "    " + line : line) + newLine;
            text += "}" + newLine;
            var part = GlobalNames.MarkForSimplification(SyntaxFactory.ParseMemberDeclaration(text)!)
                .WithLeadingTrivia(EndsALine(unit) ? new[] { SyntaxFactory.EndOfLine(newLine) } : new[] { SyntaxFactory.EndOfLine(newLine), SyntaxFactory.EndOfLine(newLine) })
                .WithAdditionalAnnotations(Formatter.Annotation);
            return unit.WithMembers(unit.Members.Add(part));
        }

        private static ClassDeclarationSyntax? LastProgramPart(CompilationUnitSyntax unit)
        {
            for (var i = unit.Members.Count - 1; i >= 0; i--)
            {
                if (unit.Members[i] is ClassDeclarationSyntax { TypeParameterList: null } part && part.Identifier.ValueText == "Program" &&
                    part.Modifiers.Any(SyntaxKind.PartialKeyword))
                    return part;
            }
            return null;
        }

        private static bool EndsALine(CompilationUnitSyntax unit)
        {
            var trailing = unit.Members.Count > 0 ? unit.Members[unit.Members.Count - 1].GetTrailingTrivia() : default;
            return trailing.Count > 0 && trailing[trailing.Count - 1].IsKind(SyntaxKind.EndOfLineTrivia);
        }
    }

    /// <summary>Where a new field goes (a type declaration, or a file of top-level statements), and the type's symbol.</summary>
    internal sealed class FieldOwner
    {
        public FieldOwner(SyntaxNode declaration, INamedTypeSymbol symbol)
        {
            Declaration = declaration;
            Symbol = symbol;
        }

        /// <summary>The type's declaration, or the file's compilation unit for the entry point of top-level statements.</summary>
        public SyntaxNode Declaration { get; }
        public INamedTypeSymbol Symbol { get; }
    }
}
