using System;
using System.Collections.Generic;
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
        /// A field's, property's or local's values, found once per symbol: every call on <c>_http</c>, <c>_pipeline</c>
        /// or a <c>client</c> local asks, for GRD001, GRD003, GRD004 and others (a local's block was walked once per
        /// question, the largest part of GRD001's client check). Weak keys: the values go with the compilation whose
        /// symbol they belong to; a local asked about through another symbol instance is only read again.
        /// </summary>
        private static readonly ConditionalWeakTable<ISymbol, Values> MemberValues = new ConditionalWeakTable<ISymbol, Values>();

        private static readonly ConditionalWeakTable<ISymbol, Values>.CreateValueCallback ReadMember = symbol =>
            new Values(symbol.DeclaringSyntaxReferences.Length == 1 ? Read(symbol) : ImmutableArray<ExpressionSyntax>.Empty);

        private sealed class Values
        {
            public Values(ImmutableArray<ExpressionSyntax> items) => Items = items;

            public ImmutableArray<ExpressionSyntax> Items { get; }
        }

        public static ImmutableArray<ExpressionSyntax> Of(ISymbol symbol)
        {
            if (symbol is not (IFieldSymbol or IPropertySymbol or ILocalSymbol))
                return ImmutableArray<ExpressionSyntax>.Empty;
            return MemberValues.GetValue(symbol, ReadMember).Items;
        }

        private static ImmutableArray<ExpressionSyntax> Read(ISymbol symbol)
        {
            // Most members are given one or two values: a builder of that size, handed over without a copy when full.
            var builder = ImmutableArray.CreateBuilder<ExpressionSyntax>(2);
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
                foreach (var part in symbol.ContainingType.DeclaringSyntaxReferences)
                    AddAssignments(part.GetSyntax(), name, allowThis: true, builder);
            }
            return builder.Count == builder.Capacity ? builder.MoveToImmutable() : builder.ToImmutable();
        }

        /// <summary>
        /// The values assigned to the name in the scope, in source order: found from where the name occurs in the text
        /// (walking the scope's every node for each field or local asked about was most of GRD001's own time in csc),
        /// or by that walk where the text has Unicode escapes.
        /// </summary>
        private static void AddAssignments(SyntaxNode scope, string name, bool allowThis, ImmutableArray<ExpressionSyntax>.Builder builder)
        {
            var tree = scope.SyntaxTree;
            if (IdentifierSearch.TryFind(tree.GetRoot(), tree.GetText(), scope.Span, name, (name, allowThis, builder), static (token, state) =>
                {
                    if (AssignmentTo(token, state.allowThis) is { } assignment && AssignedName(assignment, state.allowThis) == state.name)
                        state.builder.Add(assignment.Right);
                }))
                return;
            foreach (var node in scope.DescendantNodes())
            {
                if (AssignedName(node, allowThis) == name)
                    builder.Add(((AssignmentExpressionSyntax)node).Right);
            }
        }

        /// <summary>The assignment whose left side is this identifier (<c>x = ...</c>, or <c>this.x = ...</c> where allowed).</summary>
        private static AssignmentExpressionSyntax? AssignmentTo(SyntaxToken identifier, bool allowThis)
        {
            if (identifier.Parent is not IdentifierNameSyntax name)
                return null;
            SyntaxNode left = name;
            if (allowThis && name.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } member && member.Name == name)
                left = member;
            return left.Parent is AssignmentExpressionSyntax assignment && assignment.Left == left ? assignment : null;
        }

        /// <summary>The name a plain or <c>??=</c> assignment sets (<c>x = ...</c>, and <c>this.x = ...</c> where allowed).</summary>
        private static string? AssignedName(SyntaxNode node, bool allowThis)
        {
            if (node is not AssignmentExpressionSyntax assignment ||
                !assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && !assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression))
                return null;
            // new Options { Name = x } sets a member of another object.
            if (assignment.Parent is InitializerExpressionSyntax)
                return null;
            return assignment.Left switch
            {
                IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } member when allowThis => member.Name.Identifier.ValueText,
                _ => null,
            };
        }
    }
}
