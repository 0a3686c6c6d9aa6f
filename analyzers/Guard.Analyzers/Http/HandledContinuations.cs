using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Http
{
    /// <summary>
    /// <c>client.GetAsync(url).ContinueWith(t =&gt; { if (t.Exception != null) ... })</c>: a request nobody awaits,
    /// whose continuation decides what a failure means (a latency race over mirrors, a best-effort ping). A retry
    /// there changes nothing for a caller, so GRD001 leaves it alone.
    /// </summary>
    internal static class HandledContinuations
    {
        public static bool IsFailureHandledByContinuation(IInvocationOperation call)
        {
            var current = (IOperation)call;
            while (current.Parent is IConversionOperation { IsImplicit: true } conversion)
                current = conversion;
            if (current.Parent is not IInvocationOperation { TargetMethod.Name: "ContinueWith" } continuation || continuation.Instance != current)
                return false;
            foreach (var argument in continuation.Arguments)
            {
                if (OperationTree.UnwrapDelegate(argument.Value) is IAnonymousFunctionOperation lambda && lambda.Symbol.Parameters.Length > 0 &&
                    InspectsOutcome(lambda, lambda.Symbol.Parameters[0]))
                    return true;
            }
            return false;
        }

        private static bool InspectsOutcome(IAnonymousFunctionOperation lambda, IParameterSymbol antecedent)
        {
            foreach (var operation in lambda.Body.Descendants())
            {
                if (operation is IPropertyReferenceOperation { Instance: IParameterReferenceOperation reference } property &&
                    SymbolEqualityComparer.Default.Equals(reference.Parameter, antecedent) &&
                    property.Property.Name is "Exception" or "IsFaulted" or "Status" or "IsCanceled" or "IsCompletedSuccessfully")
                    return true;
            }
            return false;
        }
    }
}
