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

        /// <summary>
        /// Every assignment in a type, by the name assigned, from one walk of the type's declarations: a type's
        /// client, pipeline and cache fields are all asked about, and one walk serves them all.
        /// </summary>
        private static readonly ConditionalWeakTable<INamedTypeSymbol, TypeAssignments> AssignmentsByType = new ConditionalWeakTable<INamedTypeSymbol, TypeAssignments>();

        private static readonly ConditionalWeakTable<INamedTypeSymbol, TypeAssignments>.CreateValueCallback ReadType = type => new TypeAssignments(type);

        private sealed class Values
        {
            public Values(ImmutableArray<ExpressionSyntax> items) => Items = items;

            public ImmutableArray<ExpressionSyntax> Items { get; }
        }

        private sealed class TypeAssignments
        {
            private readonly Dictionary<string, List<ExpressionSyntax>> _byName = new Dictionary<string, List<ExpressionSyntax>>(StringComparer.Ordinal);

            public TypeAssignments(INamedTypeSymbol type)
            {
                foreach (var reference in type.DeclaringSyntaxReferences)
                {
                    foreach (var node in reference.GetSyntax().DescendantNodes())
                    {
                        if (AssignedName(node, allowThis: true) is { } name)
                        {
                            if (!_byName.TryGetValue(name, out var values))
                                _byName[name] = values = new List<ExpressionSyntax>(1);
                            values.Add(((AssignmentExpressionSyntax)node).Right);
                        }
                    }
                }
            }

            public void AddTo(string name, ImmutableArray<ExpressionSyntax>.Builder builder)
            {
                // Element by element: AddRange takes the list as an IEnumerable, boxed enumerator and all.
                if (_byName.TryGetValue(name, out var values))
                {
                    foreach (var value in values)
                        builder.Add(value);
                }
            }
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
                AssignmentsByType.GetValue(symbol.ContainingType, ReadType).AddTo(name, builder);
            }
            return builder.Count == builder.Capacity ? builder.MoveToImmutable() : builder.ToImmutable();
        }

        private static void AddAssignments(SyntaxNode scope, string name, bool allowThis, ImmutableArray<ExpressionSyntax>.Builder builder)
        {
            foreach (var node in scope.DescendantNodes())
            {
                if (AssignedName(node, allowThis) == name)
                    builder.Add(((AssignmentExpressionSyntax)node).Right);
            }
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
