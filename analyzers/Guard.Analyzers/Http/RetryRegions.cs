using System.Linq;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Http
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
        /// <summary>The method calls itself again on failure: from a catch, or with a retry count passed down.</summary>
        Recursion,
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
            if (!crossedLambda && containingSymbol is IMethodSymbol self && RecursesOnFailure(OperationTree.Root(operation), self))
                return new RetryRegion(RetryKind.Recursion, null, null, PipelineFacts.Unknown);
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

        /// <summary>
        /// <c>catch (HttpRequestException) { return await PlaceAsync(order, retries - 1); }</c>: the method runs again
        /// when an attempt fails. Found as a call to itself inside a catch, or one that passes a count down.
        /// </summary>
        private static bool RecursesOnFailure(IOperation root, IMethodSymbol self)
        {
            var definition = self.OriginalDefinition;
            foreach (var operation in OperationTree.DescendantsOutsideLambdas(root))
            {
                if (operation is not IInvocationOperation call || call.TargetMethod.Name != self.Name ||
                    !SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, definition))
                    continue;
                if (IsInCatch(call) || PassesCountDown(call))
                    return true;
            }
            return false;
        }

        private static bool IsInCatch(IOperation operation)
        {
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                if (current is ICatchClauseOperation)
                    return true;
            }
            return false;
        }

        private static bool PassesCountDown(IInvocationOperation call)
        {
            foreach (var argument in call.Arguments)
            {
                if (OperationTree.Unwrap(argument.Value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } binary &&
                    OperationTree.Unwrap(binary.LeftOperand) is IParameterReferenceOperation parameter &&
                    binary.RightOperand.ConstantValue is { HasValue: true, Value: 1 } &&
                    parameter.Parameter.Type.SpecialType == SpecialType.System_Int32)
                    return true;
            }
            return false;
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
                return IsCountedResend(loop);
            if (!AnyCatchFallsThrough(tryOperation))
                return false;
            return ExitsOnSuccess(loop, tryOperation);
        }

        /// <summary>
        /// A retry written without a try: an attempt counter that the loop increments and tests, a way out on
        /// success (a break or return), and a pause or a continue between attempts:
        /// <c>while (true) { var r = await Send(); if (r.IsSuccessStatusCode) return r; if (++n &gt; 3) throw ...; await Task.Delay(d); }</c>,
        /// <c>do { ... } while (!ok &amp;&amp; tries++ &lt; 3)</c>. A paging or batch loop has no pause and is not one.
        /// </summary>
        private static bool IsCountedResend(ILoopOperation loop)
        {
            var hasExit = false;
            var paces = false;
            var counters = new System.Collections.Generic.List<ILocalSymbol>();
            foreach (var operation in LoopBodyOperations(loop))
            {
                switch (operation)
                {
                    case IReturnOperation { Kind: OperationKind.Return }:
                        hasExit = true;
                        break;
                    case IBranchOperation { BranchKind: BranchKind.Break } branch when SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel):
                        hasExit = true;
                        break;
                    case IBranchOperation { BranchKind: BranchKind.Continue } branch when SymbolEqualityComparer.Default.Equals(branch.Target, loop.ContinueLabel):
                        paces = true;
                        break;
                    case IInvocationOperation invocation when IsPause(invocation.TargetMethod.Name):
                        paces = true;
                        break;
                    case IIncrementOrDecrementOperation { Target: ILocalReferenceOperation counter }:
                        counters.Add(counter.Local);
                        break;
                    case ICompoundAssignmentOperation { Target: ILocalReferenceOperation counter }:
                        counters.Add(counter.Local);
                        break;
                }
            }
            if (counters.Count == 0 || !paces)
                return false;
            // A counted loop whose condition is the counter and nothing else is a batch unless something leaves early.
            if (!hasExit && !ConditionReadsMoreThanCounters(loop, counters))
                return false;
            foreach (var counter in counters)
            {
                if (ConditionReads(loop, counter) || IsTestedInBody(loop, counter))
                    return true;
            }
            return false;
        }

        private static bool IsPause(string name) =>
            name is "Delay" or "Sleep" or "WaitAsync" || name.IndexOf("Backoff", System.StringComparison.Ordinal) >= 0 ||
            name.IndexOf("Delay", System.StringComparison.Ordinal) >= 0;

        /// <summary>The loop's body, condition and increments, without entering lambdas or local functions (code that runs later).</summary>
        private static System.Collections.Generic.IEnumerable<IOperation> LoopBodyOperations(ILoopOperation loop)
        {
            var roots = new System.Collections.Generic.List<IOperation> { loop.Body };
            if (loop is IForLoopOperation forLoop)
                roots.AddRange(forLoop.AtLoopBottom);
            if (loop is IWhileLoopOperation { Condition: { } condition })
                roots.Add(condition);
            foreach (var root in roots)
            {
                foreach (var operation in OperationTree.DescendantsOutsideLambdas(root))
                    yield return operation;
            }
        }

        private static bool ConditionReadsMoreThanCounters(ILoopOperation loop, System.Collections.Generic.List<ILocalSymbol> counters)
        {
            var condition = loop switch
            {
                IWhileLoopOperation whileLoop => whileLoop.Condition,
                IForLoopOperation forLoop => forLoop.Condition,
                _ => null,
            };
            if (condition is null)
                return false;
            foreach (var node in condition.DescendantsAndSelf())
            {
                if (node is ILocalReferenceOperation reference && !counters.Contains(reference.Local, SymbolEqualityComparer.Default))
                    return true;
                if (node is IPropertyReferenceOperation or IInvocationOperation)
                    return true;
            }
            return false;
        }

        /// <summary><c>if (attempt &gt;= max) throw/break/return</c> in the body.</summary>
        private static bool IsTestedInBody(ILoopOperation loop, ILocalSymbol counter)
        {
            foreach (var operation in loop.Body.Descendants())
            {
                if (operation is not IConditionalOperation conditional)
                    continue;
                var reads = false;
                foreach (var node in conditional.Condition.DescendantsAndSelf())
                {
                    if (node is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, counter))
                        reads = true;
                }
                if (!reads)
                    continue;
                foreach (var node in conditional.WhenTrue.DescendantsAndSelf())
                {
                    if (node is IThrowOperation or IReturnOperation or IBranchOperation { BranchKind: BranchKind.Break })
                        return true;
                }
            }
            return false;
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
            // while (true) { try { ... } catch { ... continue; } break; }, and the conditional form of a hand-written
            // retry: try { r = await Send(); } catch (Exception e) { error = e; } if (!ShouldRetry(r, error)) break;
            if (tryOperation.Parent is IBlockOperation block && block.Parent == loop)
            {
                var index = block.Operations.IndexOf(tryOperation);
                for (var i = index + 1; i < block.Operations.Length; i++)
                {
                    if (LeavesLoop(block.Operations[i], loop))
                        return true;
                }
            }
            return false;
        }

        /// <summary>A return, or a break out of this loop, in the statement (conditional ones included, lambdas and inner loops excluded).</summary>
        private static bool LeavesLoop(IOperation statement, ILoopOperation loop)
        {
            var stack = new System.Collections.Generic.Stack<IOperation>();
            stack.Push(statement);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                switch (current)
                {
                    case IReturnOperation { Kind: OperationKind.Return }:
                        return true;
                    case IBranchOperation { BranchKind: BranchKind.Break } branch when SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel):
                        return true;
                    case IAnonymousFunctionOperation or ILocalFunctionOperation:
                        continue;
                }
                foreach (var child in current.ChildOperations)
                    stack.Push(child);
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
