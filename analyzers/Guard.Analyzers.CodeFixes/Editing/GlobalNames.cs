using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Guard.Analyzers.CodeFixes.Editing
{
    /// <summary>
    /// The code a fix writes names types with <c>global::</c>, so that it means the same wherever it lands; the names are
    /// then shortened and their usings added. Only the names are marked for that, not the code around them: marking a
    /// whole field makes the simplifier re-bind its initializer (a pipeline built with lambdas, with nullable analysis)
    /// once for every name in it, which took seconds per fix.
    /// </summary>
    internal static class GlobalNames
    {
        /// <summary>The node with each <c>global::</c> dotted name in it (a type name or a static member) marked for simplification and imports.</summary>
        public static T MarkForSimplification<T>(T node) where T : SyntaxNode
        {
            var names = node.DescendantNodes()
                .OfType<AliasQualifiedNameSyntax>()
                .Where(a => a.Alias.Identifier.IsKind(SyntaxKind.GlobalKeyword))
                .Select(Whole)
                .Distinct()
                .ToList();
            return node.ReplaceNodes(names, (_, rewritten) => rewritten.WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
        }

        // Up through the rest of the dotted name (a qualified type name, or member accesses on it), never into a call or
        // an argument list: what is marked holds no lambda.
        private static SyntaxNode Whole(SyntaxNode name)
        {
            var node = name;
            while (true)
            {
                if (node.Parent is QualifiedNameSyntax qualified && qualified.Left == node)
                    node = qualified;
                else if (node.Parent is MemberAccessExpressionSyntax access && access.Expression == node)
                    node = access;
                else
                    return node;
            }
        }
    }
}
