using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Guard.Analyzers.Infrastructure
{
    /// <summary>
    /// The expressions a field, property or local is given in source, read syntactically: its initializer
    /// and the right-hand side of every assignment to it (in the declaring type for a field or property,
    /// in the declaring body for a local). Empty when Guard cannot see them (a parameter, metadata).
    /// </summary>
    internal static class AssignedValues
    {
        /// <summary>
        /// A field's or property's values, found once per symbol: every call on <c>_http</c> or <c>_pipeline</c> asks,
        /// for GRD001, GRD003, GRD004 and others, and each answer is a walk of the whole declaring type. Weak keys:
        /// the values go with the compilation whose symbol they belong to.
        /// </summary>
        private static readonly ConditionalWeakTable<ISymbol, Values> MemberValues = new ConditionalWeakTable<ISymbol, Values>();

        private static readonly ConditionalWeakTable<ISymbol, Values>.CreateValueCallback ReadMember = symbol => new Values(Read(symbol));

        private sealed class Values
        {
            public Values(ImmutableArray<ExpressionSyntax> items) => Items = items;

            public ImmutableArray<ExpressionSyntax> Items { get; }
        }

        public static ImmutableArray<ExpressionSyntax> Of(ISymbol symbol)
        {
            if (symbol is not (IFieldSymbol or IPropertySymbol or ILocalSymbol) || symbol.DeclaringSyntaxReferences.Length != 1)
                return ImmutableArray<ExpressionSyntax>.Empty;
            return symbol is ILocalSymbol ? Read(symbol) : MemberValues.GetValue(symbol, ReadMember).Items;
        }

        private static ImmutableArray<ExpressionSyntax> Read(ISymbol symbol)
        {
            var builder = ImmutableArray.CreateBuilder<ExpressionSyntax>();
            var declaration = symbol.DeclaringSyntaxReferences[0].GetSyntax();
            switch (declaration)
            {
                case VariableDeclaratorSyntax { Initializer: { } initializer }:
                    builder.Add(initializer.Value);
                    break;
                case PropertyDeclarationSyntax property:
                    if (property.Initializer != null)
                        builder.Add(property.Initializer.Value);
                    else if (property.ExpressionBody != null)
                        builder.Add(property.ExpressionBody.Expression);
                    break;
                case VariableDeclaratorSyntax:
                    break;
                default:
                    return ImmutableArray<ExpressionSyntax>.Empty;
            }

            var name = symbol.Name;
            if (symbol is ILocalSymbol)
            {
                var scope = declaration.FirstAncestorOrSelf<BlockSyntax>() ?? declaration.Parent;
                if (scope != null)
                    AddAssignments(scope, name, allowThis: false, builder);
            }
            else if (symbol.ContainingType != null)
            {
                foreach (var reference in symbol.ContainingType.DeclaringSyntaxReferences)
                    AddAssignments(reference.GetSyntax(), name, allowThis: true, builder);
            }
            return builder.ToImmutable();
        }

        private static void AddAssignments(SyntaxNode scope, string name, bool allowThis, ImmutableArray<ExpressionSyntax>.Builder builder)
        {
            foreach (var node in scope.DescendantNodes())
            {
                if (node is not AssignmentExpressionSyntax assignment ||
                    !assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && !assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression))
                    continue;
                // new Options { Name = x } sets a member of another object.
                if (assignment.Parent is InitializerExpressionSyntax)
                    continue;
                var target = assignment.Left switch
                {
                    IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                    MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } member when allowThis => member.Name.Identifier.ValueText,
                    _ => null,
                };
                if (target == name)
                    builder.Add(assignment.Right);
            }
        }
    }
}
