using System;
using System.Collections.Generic;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Idempotency
{
    /// <summary>
    /// Code that sends again what may already have been sent: a method whose name says it repeats work
    /// (RetryFailedOrders, ResubmitAsync, ReplayJournal, RecoverOrders, ReprocessQueue; more in
    /// guard.GRD004.resubmission_prefixes), or a foreach over a list of failed or missing orders. An order sent there
    /// must carry the original's key: one built afresh without it is a second order when the first did land.
    /// </summary>
    internal static class Resubmissions
    {
        public static readonly string[] DefaultPrefixes = { "retry", "resubmit", "replay", "recover", "reprocess", "resend", "requeue", "redo" };

        private static readonly HashSet<string> FailedWords = new HashSet<string>(StringComparer.Ordinal)
        {
            "failed", "failures", "missing", "rejected", "unacknowledged", "unacked", "unconfirmed", "lost", "orphaned", "stuck", "retries", "retry", "resubmit",
        };

        /// <summary>The foreach loop, or the method (returned as its body's root), that resubmits; null when neither does.</summary>
        public static IOperation? Find(IOperation operation, ISymbol containingSymbol, NonIdempotentRetrySettings settings)
        {
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                    break;
                if (current is IForEachLoopOperation loop && NamesFailedWork(loop.Collection))
                    return loop;
            }
            for (var symbol = containingSymbol; symbol is IMethodSymbol method; symbol = method.ContainingSymbol)
            {
                var words = OperationNames.Words(method.Name);
                var start = words.Count > 1 && words[0] == "on" ? 1 : 0;
                if (words.Count > start && settings.IsResubmissionPrefix(words[start]))
                    return OperationTree.Root(operation);
                if (method.MethodKind != MethodKind.AnonymousFunction && method.MethodKind != MethodKind.LocalFunction)
                    break;
            }
            return null;
        }

        /// <summary>_failedOrders, missingOrders, GetRejectedOrders(), pendingRetries: the words of the collection's names.</summary>
        private static bool NamesFailedWork(IOperation collection)
        {
            foreach (var node in collection.DescendantsAndSelf())
            {
                var name = node switch
                {
                    ILocalReferenceOperation local => local.Local.Name,
                    IFieldReferenceOperation field => field.Field.Name,
                    IPropertyReferenceOperation property => property.Property.Name,
                    IParameterReferenceOperation parameter => parameter.Parameter.Name,
                    IInvocationOperation invocation => invocation.TargetMethod.Name,
                    _ => null,
                };
                if (name is null)
                    continue;
                foreach (var word in OperationNames.Words(name))
                {
                    if (FailedWords.Contains(word))
                        return true;
                }
            }
            return false;
        }
    }
}
