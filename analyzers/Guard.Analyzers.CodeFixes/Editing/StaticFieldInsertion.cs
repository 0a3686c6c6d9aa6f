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
        public static TypeDeclarationSyntax Insert(TypeDeclarationSyntax type, string fieldText, string newLine)
        {
            MemberDeclarationSyntax field = SyntaxFactory.ParseMemberDeclaration(fieldText.Replace("\r\n", "\n").Replace("\n", newLine))!;
            field = GlobalNames.MarkForSimplification(field).WithAdditionalAnnotations(Formatter.Annotation);
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
    }

    /// <summary>The type declaration a new field goes in, and its symbol.</summary>
    internal sealed class FieldOwner
    {
        public FieldOwner(TypeDeclarationSyntax declaration, INamedTypeSymbol symbol)
        {
            Declaration = declaration;
            Symbol = symbol;
        }

        public TypeDeclarationSyntax Declaration { get; }
        public INamedTypeSymbol Symbol { get; }
    }
}
