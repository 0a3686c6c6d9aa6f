using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers
{
    internal enum RetryKind
    {
        None,
        /// <summary>A lambda or method group run by a Polly v8 pipeline or v7 policy.</summary>
        Polly,
        /// <summary>A loop whose body catches the failure and goes round again.</summary>
        RetryLoop,
        /// <summary>
        /// A method marked [RetryWrapper] or listed in guard.retry_wrappers, or a lambda passed to one or to a
        /// method that runs its delegate parameter through Polly.
        /// </summary>
        RetryWrapper,
    }

    /// <summary>The retry an operation runs inside, if any, and the operation that bounds it.</summary>
    internal readonly struct RetryRegion
    {
        public RetryRegion(RetryKind kind, IOperation? boundary, IInvocationOperation? executor, PipelineFacts pipeline)
        {
            Kind = kind;
            Boundary = boundary;
            Executor = executor;
            Pipeline = pipeline;
        }

        public RetryKind Kind { get; }

        /// <summary>The lambda, loop or method body that is run again on each attempt (null for a whole method).</summary>
        public IOperation? Boundary { get; }

        /// <summary>The Polly Execute call or [RetryWrapper] call that runs the lambda, when there is one.</summary>
        public IInvocationOperation? Executor { get; }

        public PipelineFacts Pipeline { get; }

        public bool IsRetried => Kind != RetryKind.None && (Kind != RetryKind.Polly || Pipeline.MayRetry);
    }

    /// <summary>Finds the retry around an operation by walking up its parents; flow-insensitive, one method deep.</summary>
    internal static class RetryRegions
    {
        public const string RetryWrappersOption = "retry_wrappers";

        /// <summary>
        /// The innermost region that retries the operation. A Polly pipeline known to have no retry (a timeout
        /// only) does not end the search: a retry further out still retries the operation; that region is
        /// returned (not retried) only when nothing further out retries.
        /// </summary>
        public static RetryRegion Find(IOperation operation, ISymbol containingSymbol, GuardCompilationContext context, MethodNameList retryWrappers)
        {
            var crossedLambda = false;
            var anchor = operation;
            RetryRegion notRetrying = default;
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                switch (current)
                {
                    case IAnonymousFunctionOperation lambda:
                        var region = FromDelegate(lambda, lambda.Symbol, context, retryWrappers);
                        if (region.IsRetried)
                            return region;
                        if (region.Kind != RetryKind.None && region.Executor != null)
                        {
                            // Run in place by its executor: a loop around the executor still counts.
                            if (notRetrying.Kind == RetryKind.None)
                                notRetrying = region;
                            anchor = region.Executor;
                            break;
                        }
                        crossedLambda = true;
                        break;
                    case ILocalFunctionOperation localFunction:
                        var local = FromMethod(localFunction.Symbol, localFunction, context, retryWrappers);
                        if (local.Kind != RetryKind.None)
                            return local;
                        crossedLambda = true;
                        break;
                    case ILoopOperation loop when !crossedLambda && IsRetryLoop(loop, anchor):
                        return new RetryRegion(RetryKind.RetryLoop, loop, null, PipelineFacts.Unknown);
                }
            }
            if (containingSymbol is IMethodSymbol method)
            {
                var whole = FromMethod(method, null, context, retryWrappers);
                if (whole.Kind != RetryKind.None)
                    return whole;
            }
            return notRetrying;
        }

        /// <summary>
        /// A lambda passed to Polly's Execute, to a [RetryWrapper] method, or to a method that runs its delegate
        /// parameter through Polly (found by the index) is retried.
        /// </summary>
        private static RetryRegion FromDelegate(IOperation lambda, IMethodSymbol lambdaSymbol, GuardCompilationContext context, MethodNameList retryWrappers)
        {
            IOperation? parent = lambda.Parent;
            while (parent is IDelegateCreationOperation or IConversionOperation)
                parent = parent.Parent;
            if (parent is not IArgumentOperation { Parent: IInvocationOperation executor })
                return default;
            var target = executor.TargetMethod;
            if (PollyNames.ExecuteMethods.Contains(target.Name) && context.Types.IsPollyExecutor(target.ContainingType))
                return new RetryRegion(RetryKind.Polly, lambda, executor, PipelineFacts.Of(executor.Instance));
            if (IsRetryWrapper(target, retryWrappers) || (context.Types.HasPolly && context.Index.RunsDelegateThroughPolly(target)))
                return new RetryRegion(RetryKind.RetryWrapper, lambda, executor, PipelineFacts.Unknown);
            return default;
        }

        private static RetryRegion FromMethod(IMethodSymbol method, IOperation? boundary, GuardCompilationContext context, MethodNameList retryWrappers)
        {
            if (IsRetryWrapper(method, retryWrappers))
                return new RetryRegion(RetryKind.RetryWrapper, boundary, null, PipelineFacts.Unknown);
            if (context.Types.HasPolly && context.Index.IsExecutedByPolly(method))
                return new RetryRegion(RetryKind.Polly, boundary, null, PipelineFacts.Unknown);
            return default;
        }

        public static bool IsRetryWrapper(IMethodSymbol method, MethodNameList retryWrappers)
        {
            var definition = method.ReducedFrom ?? method.OriginalDefinition;
            return GuardAttributes.Has(definition, GuardAttributes.RetryWrapper) || retryWrappers.Matches(definition);
        }

        /// <summary>
        /// A while, do or for loop (never foreach: that walks items) in which the operation sits in a try block
        /// whose catch can fall through to the next iteration, and which leaves the loop on success (a return or
        /// break in the try block or right after it, or a flag the loop condition reads).
        /// </summary>
        public static bool IsRetryLoop(ILoopOperation loop, IOperation operation)
        {
            if (loop.LoopKind is LoopKind.ForEach)
                return false;
            ITryOperation? tryOperation = null;
            IOperation child = operation;
            for (var current = operation.Parent; current != null && current != loop; child = current, current = current.Parent)
            {
                if (current is ITryOperation t && t.Body == child && t.Catches.Length > 0)
                {
                    tryOperation = t;
                }
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                    return false;
            }
            if (tryOperation is null)
                return false;
            if (!AnyCatchFallsThrough(tryOperation))
                return false;
            return ExitsOnSuccess(loop, tryOperation);
        }

        private static bool AnyCatchFallsThrough(ITryOperation tryOperation)
        {
            foreach (var clause in tryOperation.Catches)
            {
                var operations = clause.Handler.Operations;
                if (operations.Length == 0)
                    return true;
                var last = operations[operations.Length - 1];
                if (last is IExpressionStatementOperation statement)
                    last = statement.Operation;
                if (last is IThrowOperation or IReturnOperation)
                    continue;
                if (last is IBranchOperation { BranchKind: BranchKind.Break })
                    continue;
                return true;
            }
            return false;
        }

        private static bool ExitsOnSuccess(ILoopOperation loop, ITryOperation tryOperation)
        {
            foreach (var descendant in tryOperation.Body.Descendants())
            {
                if (descendant is IReturnOperation { Kind: OperationKind.Return })
                    return true;
                if (descendant is IBranchOperation { BranchKind: BranchKind.Break } branch && SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel))
                    return true;
                if (descendant is ISimpleAssignmentOperation { Target: ILocalReferenceOperation flag } && ConditionReads(loop, flag.Local))
                    return true;
            }
            // while (true) { try { ... } catch { ... continue; } break; }
            if (tryOperation.Parent is IBlockOperation block && block.Parent == loop)
            {
                var index = block.Operations.IndexOf(tryOperation);
                for (var i = index + 1; i < block.Operations.Length; i++)
                {
                    if (block.Operations[i] is IReturnOperation or IBranchOperation { BranchKind: BranchKind.Break })
                        return true;
                }
            }
            return false;
        }

        private static bool ConditionReads(ILoopOperation loop, ILocalSymbol local)
        {
            IOperation? condition = loop switch
            {
                IWhileLoopOperation whileLoop => whileLoop.Condition,
                IForLoopOperation forLoop => forLoop.Condition,
                _ => null,
            };
            if (condition is null)
                return false;
            foreach (var node in condition.DescendantsAndSelf())
            {
                if (node is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                    return true;
            }
            return false;
        }
    }
}
