using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Guard.Analyzers.CodeFixes.Editing
{
    /// <summary>Existing values a fix can use instead of adding its own (a retry pipeline, a rate limiter).</summary>
    internal static class ValuesInScope
    {
        /// <summary>
        /// The locals declared before the position (outside <paramref name="node"/>), parameters, fields and readable
        /// properties usable at the position whose type is wanted, in lookup order. Instance members are left out
        /// where there is no <c>this</c>: in a static method, or in a static lambda around the node.
        /// </summary>
        public static IEnumerable<ISymbol> Find(SemanticModel model, SyntaxNode node, int position, System.Func<ITypeSymbol?, bool> isWanted, CancellationToken cancellationToken)
        {
            var inStaticLambda = node.AncestorsAndSelf().OfType<AnonymousFunctionExpressionSyntax>().Any(l => l.Modifiers.Any(SyntaxKind.StaticKeyword));
            var staticContext = model.GetEnclosingSymbol(position, cancellationToken) is { } enclosing && IsStaticContext(enclosing);
            foreach (var symbol in model.LookupSymbols(position))
            {
                ITypeSymbol? type;
                bool isStatic;
                switch (symbol)
                {
                    case ILocalSymbol local:
                        if (local.DeclaringSyntaxReferences.Length != 1 || local.DeclaringSyntaxReferences[0].Span.End > position ||
                            node.Span.Contains(local.DeclaringSyntaxReferences[0].Span))
                            continue;
                        (type, isStatic) = (local.Type, false);
                        break;
                    case IParameterSymbol parameter:
                        (type, isStatic) = (parameter.Type, false);
                        break;
                    case IFieldSymbol field:
                        (type, isStatic) = (field.Type, field.IsStatic);
                        break;
                    case IPropertySymbol property when property.GetMethod != null && !property.IsIndexer:
                        (type, isStatic) = (property.Type, property.IsStatic);
                        break;
                    default:
                        continue;
                }
                if (!isWanted(type))
                    continue;
                if ((inStaticLambda && !isStatic) || (staticContext && !isStatic && symbol is IFieldSymbol or IPropertySymbol))
                    continue;
                yield return symbol;
            }
        }

        /// <summary>Whether code at the symbol (a method, or a lambda or local function inside one) has no <c>this</c>.</summary>
        private static bool IsStaticContext(ISymbol symbol)
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
    }
}
