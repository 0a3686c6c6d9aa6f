using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Infrastructure
{
    /// <summary>Small walks over an operation tree, all bounded by one method body.</summary>
    internal static class OperationTree
    {
        /// <summary>The top of the tree: the method, accessor or initializer body the operation belongs to.</summary>
        public static IOperation Root(IOperation operation)
        {
            var current = operation;
            while (current.Parent != null)
                current = current.Parent;
            return current;
        }

        public static IOperation Unwrap(IOperation operation)
        {
            while (true)
            {
                switch (operation)
                {
                    case IConversionOperation conversion when conversion.Operand != null:
                        operation = conversion.Operand;
                        break;
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        break;
                    default:
                        return operation;
                }
            }
        }

        /// <summary>The declarator of a local, searched in the given tree.</summary>
        public static IVariableDeclaratorOperation? FindDeclarator(IOperation? tree, ILocalSymbol local)
        {
            if (tree is null)
                return null;
            foreach (var operation in tree.DescendantsAndSelf())
            {
                if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
                    return declarator;
            }
            return null;
        }

        /// <summary>Descendants and self, without entering lambdas or local functions (code that runs later, maybe once).</summary>
        public static IEnumerable<IOperation> DescendantsOutsideLambdas(IOperation operation)
        {
            var stack = new Stack<IOperation>();
            stack.Push(operation);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                yield return current;
                foreach (var child in current.ChildOperations)
                {
                    if (child is IAnonymousFunctionOperation or ILocalFunctionOperation)
                        continue;
                    stack.Push(child);
                }
            }
        }

        /// <summary>The symbol a reference reads or writes: a local, a parameter, or a field or property of this type.</summary>
        public static ISymbol? ReferencedSymbol(IOperation operation)
        {
            operation = Unwrap(operation);
            return operation switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation field when field.Instance is null or IInstanceReferenceOperation => field.Field,
                IPropertyReferenceOperation property when property.Arguments.IsEmpty && property.Instance is null or IInstanceReferenceOperation => property.Property,
                _ => null,
            };
        }
    }
}
