using System;
using System.Collections.Generic;
using Guard.Analyzers.Idempotency;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Caching
{
    /// <summary>
    /// Writes to a long-lived collection that do not make it grow with traffic, seen in real SDKs: an entry per
    /// configured API, exchange, environment or topic (the key says so), and a warn-once set (an element is added
    /// only to log something once). Both are bounded by configuration or by the messages the code can log.
    /// </summary>
    internal static class BoundedWrites
    {
        private static readonly HashSet<string> ConfigurationWords = new HashSet<string>(StringComparer.Ordinal)
        {
            "api", "apis", "exchange", "exchanges", "environment", "env", "topic", "registry", "client", "host",
            "endpoint", "region", "venue", "network", "provider", "broker", "platform",
        };

        /// <summary>The write at <paramref name="write"/> whose key or element is <paramref name="key"/>.</summary>
        public static bool IsBounded(IOperation write, IOperation? key, IFieldSymbol field) =>
            (key != null && IsConfigurationKey(key)) || IsWarnOnce(write, field);

        /// <summary>Every name the key is made of names a configured thing (<c>api</c>, <c>topicId + environment</c>).</summary>
        private static bool IsConfigurationKey(IOperation key)
        {
            var names = new List<string>();
            Collect(key.Syntax, names, followLocals: key.SemanticModel, depth: 0);
            if (names.Count == 0)
                return false;
            foreach (var name in names)
            {
                var configured = false;
                foreach (var word in OperationNames.Words(name))
                {
                    if (ConfigurationWords.Contains(word))
                    {
                        configured = true;
                        break;
                    }
                }
                if (!configured)
                    return false;
            }
            return true;
        }

        private static void Collect(SyntaxNode syntax, List<string> names, SemanticModel? followLocals, int depth)
        {
            foreach (var node in syntax.DescendantNodesAndSelf())
            {
                if (node is not IdentifierNameSyntax identifier)
                    continue;
                // In a.b.c only c says what the key is.
                if (identifier.Parent is MemberAccessExpressionSyntax access && access.Expression == identifier)
                    continue;
                if (identifier.Parent is InvocationExpressionSyntax || identifier.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax } call && call.Name == identifier)
                    continue; // key.ToLowerInvariant(): the method name says nothing
                if (depth == 0 && followLocals != null && followLocals.GetSymbolInfo(identifier).Symbol is ILocalSymbol local)
                {
                    var values = AssignedValues.Of(local);
                    if (values.Length == 1)
                    {
                        Collect(values[0], names, null, depth + 1);
                        continue;
                    }
                }
                names.Add(identifier.Identifier.ValueText);
            }
        }

        /// <summary>
        /// <c>if (!seen.Contains(v)) { seen.Add(v); log.LogWarning(...); }</c> or <c>if (seen.Add(v)) Log(...)</c>.
        /// </summary>
        private static bool IsWarnOnce(IOperation write, IFieldSymbol field)
        {
            IOperation child = write;
            for (var up = write.Parent; up != null; child = up, up = up.Parent)
            {
                if (up is IAnonymousFunctionOperation or ILocalFunctionOperation or IMethodBodyBaseOperation)
                    return false;
                if (up is not IConditionalOperation conditional)
                    continue;
                var guardsByAdd = conditional.Condition == child || IsWithin(write, conditional.Condition);
                var guardsByMissing = conditional.WhenTrue == child && ChecksMissing(conditional.Condition, field);
                if ((guardsByAdd || guardsByMissing) && LogsIn(conditional.WhenTrue))
                    return true;
            }
            return false;
        }

        private static bool IsWithin(IOperation operation, IOperation ancestor)
        {
            for (var up = operation.Parent; up != null; up = up.Parent)
            {
                if (up == ancestor)
                    return true;
            }
            return false;
        }

        private static bool ChecksMissing(IOperation condition, IFieldSymbol field)
        {
            foreach (var operation in condition.DescendantsAndSelf())
            {
                if (operation is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not &&
                    OperationTree.Unwrap(not.Operand) is IInvocationOperation { TargetMethod.Name: "Contains" or "ContainsKey" } check &&
                    ReceiverIs(check, field))
                    return true;
            }
            return false;
        }

        private static bool ReceiverIs(IInvocationOperation call, IFieldSymbol field)
        {
            var receiver = call.Instance ?? (call.TargetMethod.IsExtensionMethod && call.Arguments.Length > 0 ? call.Arguments[0].Value : null);
            return receiver != null && OperationTree.Unwrap(receiver) is IFieldReferenceOperation reference &&
                SymbolEqualityComparer.Default.Equals(reference.Field.OriginalDefinition, field.OriginalDefinition);
        }

        private static bool LogsIn(IOperation? block)
        {
            if (block is null)
                return false;
            foreach (var operation in block.DescendantsAndSelf())
            {
                if (operation is IInvocationOperation invocation && IsLogging(invocation.TargetMethod))
                    return true;
            }
            return false;
        }

        private static bool IsLogging(IMethodSymbol method)
        {
            var name = method.Name;
            if (name.StartsWith("Log", StringComparison.Ordinal) || name.StartsWith("Warn", StringComparison.Ordinal) ||
                name.StartsWith("Trace", StringComparison.Ordinal))
                return true;
            var type = method.ContainingType?.Name ?? string.Empty;
            return type.EndsWith("Logger", StringComparison.Ordinal) || type.EndsWith("Log", StringComparison.Ordinal) ||
                (name is "WriteLine" or "Write" && type is "Console" or "Debug" or "Trace");
        }
    }
}
