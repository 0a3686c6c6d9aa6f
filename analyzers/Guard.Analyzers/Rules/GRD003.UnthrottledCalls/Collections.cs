using System;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD003
{
    /// <summary>
    /// How many times a loop or a per-item lambda runs, when the source says so with constants: a for loop
    /// with constant bounds, an array or collection literal, a readonly array field, Enumerable.Range.
    /// Null when it cannot be known.
    /// </summary>
    internal static class Collections
    {
        public static int? IterationsOf(ILoopOperation loop, RepetitionTypes types) => loop switch
        {
            IForEachLoopOperation forEach => CountOf(forEach.Collection, types),
            IForLoopOperation forLoop => ForIterations(forLoop),
            _ => null,
        };

        /// <summary>The number of items a Select, Parallel.For/ForEach or ForEach call runs its lambda for.</summary>
        public static int? CountOfSource(IInvocationOperation consumer, RepetitionTypes types)
        {
            if (consumer.TargetMethod.Name is "For" or "ForAsync" && consumer.Arguments.Length >= 2)
            {
                var from = AsLong(consumer.Arguments[0].Value);
                var to = AsLong(consumer.Arguments[1].Value);
                return from is long f && to is long t ? Clamp(t - f) : null;
            }
            if (consumer.Instance != null)
                return CountOf(consumer.Instance, types);
            return consumer.Arguments.Length > 0 ? CountOf(consumer.Arguments[0].Value, types) : null;
        }

        public static int? CountOf(IOperation? collection, RepetitionTypes types)
        {
            collection = OperationTree.StripConversions(collection);
            switch (collection)
            {
                case null:
                    return null;
                case IArrayCreationOperation array when array.DimensionSizes.Length == 1:
                    return AsLong(array.DimensionSizes[0]) is long size ? Clamp(size) : null;
                case IInvocationOperation { TargetMethod.Name: "Range" or "Repeat" } invocation
                    when KnownTypes.Same(invocation.TargetMethod.ContainingType, types.Enumerable) && invocation.Arguments.Length == 2:
                    return AsLong(invocation.Arguments[1].Value) is long count ? Clamp(count) : null;
                // A private field is assigned only in its type, where AssignedValues sees every assignment.
                case IFieldReferenceOperation field when (field.Field.IsReadOnly || field.Field.DeclaredAccessibility == Accessibility.Private) &&
                    field.Field.Type is IArrayTypeSymbol:
                    return SingleValueCount(field.Field);
                case ILocalReferenceOperation local when local.Local.Type is IArrayTypeSymbol:
                    return SingleValueCount(local.Local);
            }
            return collection.Syntax is ExpressionSyntax syntax ? SyntaxCount(syntax) : null;
        }

        /// <summary>An array's length never changes: a readonly field or a local given one array literal has a known count.</summary>
        private static int? SingleValueCount(ISymbol symbol)
        {
            var values = AssignedValues.Of(symbol);
            return values.Length == 1 ? SyntaxCount(values[0]) : null;
        }

        private static int? SyntaxCount(ExpressionSyntax expression)
        {
            switch (expression)
            {
                case ArrayCreationExpressionSyntax { Initializer: { } initializer } creation when creation.Type.RankSpecifiers.Count == 1:
                    return initializer.Expressions.Count;
                case ImplicitArrayCreationExpressionSyntax implicitArray when implicitArray.Commas.Count == 0:
                    return implicitArray.Initializer.Expressions.Count;
                case InitializerExpressionSyntax arrayInitializer:
                    return arrayInitializer.Expressions.Count;
                case CollectionExpressionSyntax collectionExpression:
                    foreach (var element in collectionExpression.Elements)
                    {
                        if (element is not ExpressionElementSyntax)
                            return null;
                    }
                    return collectionExpression.Elements.Count;
                default:
                    return null;
            }
        }

        /// <summary><c>for (var i = A; i &lt; B; i++)</c> and its kin, when nothing in the body writes i.</summary>
        private static int? ForIterations(IForLoopOperation loop)
        {
            if (loop.Before.Length != 1 || loop.AtLoopBottom.Length != 1 || loop.Condition is not IBinaryOperation condition)
                return null;
            if (loop.Before[0] is not IVariableDeclarationGroupOperation { Declarations.Length: 1 } group ||
                group.Declarations[0].Declarators.Length != 1)
                return null;
            var declarator = group.Declarations[0].Declarators[0];
            var counter = declarator.Symbol;
            if (declarator.Initializer is null || AsLong(declarator.Initializer.Value) is not long start)
                return null;

            var kind = condition.OperatorKind;
            long end;
            if (condition.LeftOperand is ILocalReferenceOperation left && KnownTypes.Same(left.Local, counter) && AsLong(condition.RightOperand) is long right)
            {
                end = right;
            }
            else if (condition.RightOperand is ILocalReferenceOperation right2 && KnownTypes.Same(right2.Local, counter) && AsLong(condition.LeftOperand) is long left2)
            {
                end = left2;
                kind = Mirror(kind);
            }
            else
            {
                return null;
            }

            var step = StepOf(loop.AtLoopBottom[0], counter);
            if (step is null || step == 0 || WritesCounter(loop.Body, counter))
                return null;
            var s = step.Value;
            return kind switch
            {
                BinaryOperatorKind.LessThan when s > 0 => Clamp(end > start ? (end - start + s - 1) / s : 0),
                BinaryOperatorKind.LessThanOrEqual when s > 0 => Clamp(end >= start ? (end - start) / s + 1 : 0),
                BinaryOperatorKind.GreaterThan when s < 0 => Clamp(start > end ? (start - end - s - 1) / -s : 0),
                BinaryOperatorKind.GreaterThanOrEqual when s < 0 => Clamp(start >= end ? (start - end) / -s + 1 : 0),
                _ => null,
            };
        }

        private static BinaryOperatorKind Mirror(BinaryOperatorKind kind) => kind switch
        {
            BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
            BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
            BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
            BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
            _ => kind,
        };

        private static long? StepOf(IOperation bottom, ILocalSymbol counter)
        {
            if (bottom is IExpressionStatementOperation statement)
                bottom = statement.Operation;
            switch (bottom)
            {
                case IIncrementOrDecrementOperation step when step.Target is ILocalReferenceOperation target && KnownTypes.Same(target.Local, counter):
                    return step.Kind == OperationKind.Increment ? 1 : -1;
                case ICompoundAssignmentOperation compound when compound.Target is ILocalReferenceOperation target && KnownTypes.Same(target.Local, counter) &&
                    AsLong(compound.Value) is long amount:
                    return compound.OperatorKind switch
                    {
                        BinaryOperatorKind.Add => amount,
                        BinaryOperatorKind.Subtract => -amount,
                        _ => null,
                    };
                default:
                    return null;
            }
        }

        private static bool WritesCounter(IOperation body, ILocalSymbol counter)
        {
            foreach (var operation in body.Descendants())
            {
                var target = operation switch
                {
                    IAssignmentOperation assignment => assignment.Target,
                    IIncrementOrDecrementOperation step => step.Target,
                    IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                    _ => null,
                };
                if (target is ILocalReferenceOperation local && KnownTypes.Same(local.Local, counter))
                    return true;
            }
            return false;
        }

        /// <summary>The operation's constant value as a long (taking the operation, not its Optional, avoids boxing an Optional by mistake).</summary>
        private static long? AsLong(IOperation? operation) => operation != null && operation.ConstantValue.HasValue ? operation.ConstantValue.Value switch
        {
            int i => i,
            long l => l,
            short s => s,
            byte b => b,
            uint u => u,
            _ => null,
        } : null;

        private static int Clamp(long value) => (int)Math.Max(0, Math.Min(int.MaxValue, value));
    }
}
