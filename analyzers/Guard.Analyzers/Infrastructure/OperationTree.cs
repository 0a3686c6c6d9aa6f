using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Infrastructure
{
    /// <summary>
    /// The operation toolkit every rule uses: small walks over an operation tree, all bounded by one method body, and
    /// the one way to look through conversions. (C# never produces <see cref="IParenthesizedOperation"/>, only VB does;
    /// <see cref="Unwrap"/> still steps over it so that the helpers read the same for either.)
    /// </summary>
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

        /// <summary>The value under any conversions (implicit or explicit) and parentheses.</summary>
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

        /// <summary>The value under any conversions; null stays null.</summary>
        public static IOperation? StripConversions(IOperation? operation)
        {
            while (operation is IConversionOperation conversion)
                operation = conversion.Operand;
            return operation;
        }

        /// <summary>
        /// <see cref="StripConversions"/> that also looks through delegate creations: for an argument that may be a
        /// lambda converted to a delegate type (<c>ContinueWith(t =&gt; ...)</c>), the lambda itself.
        /// </summary>
        public static IOperation UnwrapDelegate(IOperation operation)
        {
            while (true)
            {
                operation = StripConversions(operation)!;
                if (operation is not IDelegateCreationOperation creation)
                    return operation;
                operation = creation.Target;
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
