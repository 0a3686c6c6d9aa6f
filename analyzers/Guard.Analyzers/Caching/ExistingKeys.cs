using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Caching
{
    /// <summary>
    /// <c>if (map.TryGetValue(key, out _) &amp;&amp; ...) map[key] = x;</c>: the indexer replaces an entry the check
    /// just found, so the dictionary does not grow. Only the branch where the key is known present counts.
    /// </summary>
    internal static class ExistingKeys
    {
        public static bool IsKnownPresent(IPropertyReferenceOperation indexer, IFieldSymbol field)
        {
            if (indexer.Arguments.Length != 1)
                return false;
            var key = indexer.Arguments[0].Value.Syntax;
            IOperation child = indexer;
            for (var up = indexer.Parent; up != null; child = up, up = up.Parent)
            {
                if (up is IAnonymousFunctionOperation or ILocalFunctionOperation or IMethodBodyBaseOperation)
                    return false;
                if (up is IConditionalOperation conditional && conditional.WhenTrue == child && ChecksKey(conditional.Condition, field, key))
                    return true;
            }
            return false;
        }

        /// <summary>The condition is true only if the key is in the map: the check itself or an operand of an &amp;&amp;.</summary>
        private static bool ChecksKey(IOperation condition, IFieldSymbol field, SyntaxNode key)
        {
            switch (OperationTree.Unwrap(condition))
            {
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } and:
                    return ChecksKey(and.LeftOperand, field, key) || ChecksKey(and.RightOperand, field, key);
                case IInvocationOperation { TargetMethod.Name: "TryGetValue" or "ContainsKey" } check when check.Arguments.Length >= 1:
                    return check.Instance != null && OperationTree.Unwrap(check.Instance) is IFieldReferenceOperation reference &&
                        SymbolEqualityComparer.Default.Equals(reference.Field.OriginalDefinition, field.OriginalDefinition) &&
                        SyntaxFactory.AreEquivalent(check.Arguments[0].Value.Syntax, key);
                default:
                    return false;
            }
        }
    }
}
