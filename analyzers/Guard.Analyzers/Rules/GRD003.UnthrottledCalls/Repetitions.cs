using Guard.Analyzers.Http;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD003
{
    internal enum RepetitionKind
    {
        None,
        /// <summary>A for, foreach, while or do loop, or List.ForEach: one call after another.</summary>
        Loop,
        /// <summary>Parallel.For/ForEach(Async), a Select whose tasks go to Task.WhenAll/WhenAny, Task.Run in a loop.</summary>
        FanOut,
        /// <summary>Repeated, but bounded by the construct itself (Parallel with MaxDegreeOfParallelism, a throttle method).</summary>
        Bounded,
    }

    /// <summary>What repeats a call: the innermost repeating loop or lambda, and the widest region a throttle may sit in.</summary>
    internal readonly struct Repetition
    {
        public Repetition(RepetitionKind kind, IOperation? region, IOperation? throttleScope)
        {
            Kind = kind;
            Region = region;
            ThrottleScope = throttleScope;
        }

        public RepetitionKind Kind { get; }

        /// <summary>The loop, or the lambda run per item, that repeats the call (the innermost one).</summary>
        public IOperation? Region { get; }

        /// <summary>The outermost repeating loop or lambda around the call: a throttle anywhere in it paces the call.</summary>
        public IOperation? ThrottleScope { get; }
    }

    /// <summary>
    /// Finds what repeats an outbound call by walking up its parents, flow-insensitive and within one method.
    /// A lambda Guard does not know (stored, returned, passed to an unknown method) ends the walk: it may run
    /// once, later, or never. A retry or failover loop repeats only on failure and a loop with a small
    /// constant bound cannot make a burst; both are looked through to the loop around them.
    /// </summary>
    internal static class Repetitions
    {
        public static Repetition Find(IInvocationOperation call, GuardCompilationContext guard, RepetitionTypes types, MethodNameList retryWrappers,
            MethodNameList throttleMethods, int maxConstantIterations)
        {
            IOperation anchor = call;
            IOperation child = call;
            var viaTaskRun = false;
            var kind = RepetitionKind.None;
            IOperation? region = null;
            IOperation? scope = null;
            for (var current = call.Parent; current != null; child = current, current = current.Parent)
            {
                RepetitionKind found;
                if (current is IAnonymousFunctionOperation lambda)
                {
                    var consumer = ConsumerOf(lambda);
                    if (consumer is null)
                        break;
                    var role = Classify(consumer, guard, types, retryWrappers, throttleMethods);
                    if (role == LambdaRole.Unknown)
                        break;
                    if (role == LambdaRole.Bounded && region is null)
                        return new Repetition(RepetitionKind.Bounded, lambda, lambda);
                    anchor = consumer;
                    if (role == LambdaRole.Bounded)
                    {
                        // A loop inside a bounded fan-out still repeats without a throttle of its own.
                        scope = lambda;
                        continue;
                    }
                    if (role == LambdaRole.InPlace)
                        continue;
                    if (role == LambdaRole.TaskRun)
                    {
                        // await Task.Run(...) in a loop runs one at a time: a loop, not a fan-out.
                        viaTaskRun |= !IsAwaited(consumer);
                        continue;
                    }
                    if (Collections.CountOfSource(consumer, types) is int count && count <= maxConstantIterations)
                    {
                        if (scope != null)
                            scope = lambda;
                        continue;
                    }
                    found = role == LambdaRole.FanOutBody ? RepetitionKind.FanOut : RepetitionKind.Loop;
                }
                else if (current is ILocalFunctionOperation)
                {
                    break;
                }
                else if (current is ILoopOperation loop)
                {
                    if (!IsRepeatedPart(loop, child))
                        continue;
                    if (region is null && (RepeatsOnlyOnFailure(loop, anchor) || Collections.IterationsOf(loop, types) is int n && n <= maxConstantIterations))
                        continue;
                    found = viaTaskRun ? RepetitionKind.FanOut : RepetitionKind.Loop;
                }
                else
                {
                    continue;
                }

                if (region is null)
                {
                    kind = found;
                    region = current;
                }
                scope = current;
            }
            return new Repetition(kind, region, scope);
        }

        /// <summary>
        /// A retry or failover loop: the call sits in a try with a catch, and success leaves the loop at once (a
        /// return or break at the top level of the try block or right after it, or a flag the loop condition
        /// reads), so a second call happens only after a failure. A polling loop that leaves only when the
        /// answer says so (<c>if (done) return;</c>) repeats on success too and is not one.
        /// </summary>
        private static bool RepeatsOnlyOnFailure(ILoopOperation loop, IOperation anchor)
        {
            ITryOperation? tryOperation = null;
            IOperation child = anchor;
            for (var current = anchor.Parent; current != null && current != loop; child = current, current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                    return false;
                if (current is ITryOperation t && t.Body == child && t.Catches.Length > 0)
                    tryOperation = t;
            }
            if (tryOperation is null)
                return false;
            foreach (var statement in tryOperation.Body.Operations)
            {
                if (LeavesLoop(statement, loop))
                    return true;
            }
            if (tryOperation.Parent is IBlockOperation block && block.Parent == loop)
            {
                for (var i = block.Operations.IndexOf(tryOperation) + 1; i < block.Operations.Length; i++)
                {
                    if (LeavesLoop(block.Operations[i], loop))
                        return true;
                }
            }
            return false;
        }

        private static bool LeavesLoop(IOperation statement, ILoopOperation loop)
        {
            switch (statement)
            {
                case IReturnOperation { Kind: OperationKind.Return }:
                    return true;
                case IBranchOperation { BranchKind: BranchKind.Break } branch:
                    return KnownTypes.Same(branch.Target, loop.ExitLabel);
                case IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: ILocalReferenceOperation flag } }:
                    return ConditionReads(loop, flag.Local);
                default:
                    return false;
            }
        }

        private static bool ConditionReads(ILoopOperation loop, ILocalSymbol local)
        {
            var condition = loop switch
            {
                IWhileLoopOperation whileLoop => whileLoop.Condition,
                IForLoopOperation forLoop => forLoop.Condition,
                _ => null,
            };
            if (condition is null)
                return false;
            foreach (var operation in condition.DescendantsAndSelf())
            {
                if (operation is ILocalReferenceOperation reference && KnownTypes.Same(reference.Local, local))
                    return true;
            }
            return false;
        }

        private static bool IsAwaited(IOperation operation)
        {
            var parent = operation.Parent;
            while (parent is IConversionOperation || (parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && configure.Instance == operation))
            {
                operation = parent;
                parent = parent.Parent;
            }
            return parent is IAwaitOperation;
        }

        /// <summary>A foreach's collection and a for's initializer run once, not per iteration.</summary>
        private static bool IsRepeatedPart(ILoopOperation loop, IOperation child) => loop switch
        {
            IForEachLoopOperation forEach => child != forEach.Collection,
            IForLoopOperation forLoop => !forLoop.Before.Contains(child),
            _ => true,
        };

        private enum LambdaRole
        {
            Unknown,
            /// <summary>Run in place, once: Polly's Execute, a retry wrapper.</summary>
            InPlace,
            /// <summary>Task.Run, TaskFactory.StartNew: concurrent when started in a loop.</summary>
            TaskRun,
            /// <summary>Run once per item, concurrently.</summary>
            FanOutBody,
            /// <summary>Run once per item, one after another.</summary>
            LoopBody,
            /// <summary>Run by a construct that bounds it: Parallel with MaxDegreeOfParallelism, a listed throttle method.</summary>
            Bounded,
        }

        private static IInvocationOperation? ConsumerOf(IAnonymousFunctionOperation lambda)
        {
            IOperation? parent = lambda.Parent;
            while (parent is IDelegateCreationOperation or IConversionOperation)
                parent = parent.Parent;
            return parent is IArgumentOperation { Parent: IInvocationOperation consumer } ? consumer : null;
        }

        private static LambdaRole Classify(IInvocationOperation consumer, GuardCompilationContext guard, RepetitionTypes types, MethodNameList retryWrappers, MethodNameList throttleMethods)
        {
            var method = consumer.TargetMethod;
            var name = method.Name;
            var containing = method.ContainingType?.OriginalDefinition;
            if (KnownTypes.Same(containing, types.Parallel) && name is "For" or "ForEach" or "ForAsync" or "ForEachAsync")
                return Parallelism.IsBounded(consumer, types) ? LambdaRole.Bounded : LambdaRole.FanOutBody;
            if (KnownTypes.Same(containing, types.Enumerable) && name == "Select")
                return TaskFlow.ReachesTaskCombinator(consumer, types) ? LambdaRole.FanOutBody : LambdaRole.Unknown;
            if (name == "ForEach" && (KnownTypes.Same(containing, types.List) || KnownTypes.Same(containing, types.Array)))
                return LambdaRole.LoopBody;
            if ((name == "Run" && KnownTypes.Same(containing, types.Task)) ||
                (name == "StartNew" && (KnownTypes.Same(containing, types.TaskFactory) || KnownTypes.Same(containing, types.TaskFactoryOfT))))
                return LambdaRole.TaskRun;
            if (throttleMethods.Matches(method.ReducedFrom ?? method.OriginalDefinition))
                return LambdaRole.Bounded;
            if (PollyNames.ExecuteMethods.Contains(name) && guard.Types.IsPollyExecutor(method.ContainingType))
                return LambdaRole.InPlace;
            if (RetryRegions.IsRetryWrapper(method, retryWrappers) || (guard.Types.HasPolly && guard.Index.RunsDelegateThroughPolly(method)))
                return LambdaRole.InPlace;
            return LambdaRole.Unknown;
        }
    }

    /// <summary>Whether a Parallel call bounds its concurrency with ParallelOptions.MaxDegreeOfParallelism.</summary>
    internal static class Parallelism
    {
        public static bool IsBounded(IInvocationOperation parallel, RepetitionTypes types)
        {
            foreach (var argument in parallel.Arguments)
            {
                if (argument.Parameter is null || !KnownTypes.Same(argument.Parameter.Type, types.ParallelOptions))
                    continue;
                var value = argument.Value;
                value = OperationTree.StripConversions(value);
                switch (value)
                {
                    case IObjectCreationOperation creation:
                        return creation.Syntax is BaseObjectCreationExpressionSyntax syntax && SetsBound(syntax.Initializer);
                    case ILocalReferenceOperation local:
                        foreach (var assigned in AssignedValues.Of(local.Local))
                        {
                            if (assigned is BaseObjectCreationExpressionSyntax created && SetsBound(created.Initializer))
                                return true;
                        }
                        return AssignsBoundLater(local);
                    default:
                        // Options made elsewhere (a parameter, a field) exist to be configured: assume they bound it.
                        return !argument.IsImplicit;
                }
            }
            return false;
        }

        private static bool SetsBound(InitializerExpressionSyntax? initializer)
        {
            if (initializer is null)
                return false;
            foreach (var expression in initializer.Expressions)
            {
                if (expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "MaxDegreeOfParallelism" } } assignment)
                    return !IsMinusOne(assignment.Right);
            }
            return false;
        }

        /// <summary><c>options.MaxDegreeOfParallelism = n;</c> anywhere in the block that declares the local.</summary>
        private static bool AssignsBoundLater(ILocalReferenceOperation local)
        {
            if (local.Local.DeclaringSyntaxReferences.Length != 1)
                return false;
            var block = local.Local.DeclaringSyntaxReferences[0].GetSyntax().FirstAncestorOrSelf<BlockSyntax>();
            if (block is null)
                return false;
            foreach (var node in block.DescendantNodes())
            {
                if (node is AssignmentExpressionSyntax
                    {
                        Left: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "MaxDegreeOfParallelism", Expression: IdentifierNameSyntax target },
                    } assignment && target.Identifier.ValueText == local.Local.Name)
                    return !IsMinusOne(assignment.Right);
            }
            return false;
        }

        private static bool IsMinusOne(ExpressionSyntax expression) =>
            expression is PrefixUnaryExpressionSyntax { OperatorToken.ValueText: "-", Operand: LiteralExpressionSyntax { Token.Value: 1 } };
    }
}
