using System;
using System.Collections.Generic;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD004
{
    internal enum KeyOrigin
    {
        /// <summary>Computed before the first attempt (or a constant): every attempt sends the same key.</summary>
        Outside,
        /// <summary>Computed afresh inside the retried code: every attempt sends a new key.</summary>
        Inside,
        /// <summary>Guard cannot tell; treated as safe.</summary>
        Unknown,
    }

    /// <summary>
    /// Where a key value comes from, relative to a retry scope: flow-insensitive, one method deep. A local or
    /// parameter declared outside the scope is outside unless the scope writes it; a value built inside the scope
    /// from Guid.NewGuid(), a clock, a counter or a random number is inside.
    /// </summary>
    internal sealed class KeyOrigins
    {
        private const int MaxDepth = 6;

        private static readonly HashSet<string> FreshNamePrefixes = new HashSet<string> { "New", "Next", "Generate", "Create" };
        private static readonly string[] FreshNameSuffixes = { "Id", "ID", "Key", "Guid", "Ulid", "Oid" };

        /// <summary>Calls that only reformat their inputs: their value is fresh exactly when an input is.</summary>
        private static readonly HashSet<string> TransparentMethods = new HashSet<string>
        {
            "ToString", "Format", "Concat", "Join", "Substring", "ToLower", "ToLowerInvariant", "ToUpper", "ToUpperInvariant",
            "Replace", "Trim", "TrimStart", "TrimEnd", "PadLeft", "PadRight", "Insert", "ToByteArray", "ToBase64String",
            "ToHexString", "ToUnixTimeMilliseconds", "ToUnixTimeSeconds", "ToBinary", "ToFileTimeUtc",
        };

        private readonly RetryScope _scope;

        public KeyOrigins(RetryScope scope) => _scope = scope;

        public KeyOrigin Of(IOperation? value) => Of(value, 0);

        private KeyOrigin Of(IOperation? value, int depth)
        {
            if (value is null)
                return KeyOrigin.Unknown;
            value = OperationTree.Unwrap(value);
            if (value.ConstantValue.HasValue || !_scope.Contains(value.Syntax))
                return KeyOrigin.Outside;
            if (depth > MaxDepth)
                return KeyOrigin.Unknown;
            if (IsFresh(value))
                return KeyOrigin.Inside;
            switch (value)
            {
                case ILocalReferenceOperation local:
                    return Written(local.Local, Declared(local.Local, depth), depth) ?? KeyOrigin.Unknown;
                case IParameterReferenceOperation parameter:
                    KeyOrigin? start = _scope.ContainsDeclarationOf(parameter.Parameter) ? null : KeyOrigin.Outside;
                    return Written(parameter.Parameter, start, depth) ?? KeyOrigin.Unknown;
                case IFieldReferenceOperation field:
                    return MemberOrigin(field.Instance, field.Field, depth);
                case IPropertyReferenceOperation property when property.Arguments.IsEmpty:
                    return MemberOrigin(property.Instance, property.Property, depth);
                case IInterpolatedStringOperation interpolated:
                    var origin = KeyOrigin.Outside;
                    foreach (var part in interpolated.Parts)
                    {
                        if (part is IInterpolationOperation interpolation)
                            origin = Merge(origin, Of(interpolation.Expression, depth + 1));
                    }
                    return origin;
                case ICoalesceAssignmentOperation coalesce:
                    // key ??= NewKey() on a key kept outside the retry is made on the first attempt and reused after.
                    var target = OperationTree.ReferencedSymbol(coalesce.Target);
                    return target != null && !_scope.ContainsDeclarationOf(target) ? KeyOrigin.Outside : Of(coalesce.Value, depth + 1);
                case IBinaryOperation binary:
                    return Merge(Of(binary.LeftOperand, depth + 1), Of(binary.RightOperand, depth + 1));
                case ICoalesceOperation coalesce:
                    return Merge(Of(coalesce.Value, depth + 1), Of(coalesce.WhenNull, depth + 1));
                case IConditionalOperation { WhenFalse: not null } conditional:
                    return Merge(Of(conditional.WhenTrue, depth + 1), Of(conditional.WhenFalse, depth + 1));
                case IInvocationOperation invocation when TransparentMethods.Contains(invocation.TargetMethod.Name):
                    var result = invocation.Instance is null ? KeyOrigin.Outside : Of(invocation.Instance, depth + 1);
                    foreach (var argument in invocation.Arguments)
                    {
                        if (argument.ArgumentKind != ArgumentKind.DefaultValue)
                            result = Merge(result, Of(argument.Value, depth + 1));
                    }
                    return result;
                case IInvocationOperation:
                    // GetOrAdd(orderId, Guid.NewGuid()) and the like may hand back a key made on an earlier attempt.
                    return KeyOrigin.Unknown;
            }
            return ContainsFresh(value) ? KeyOrigin.Inside : KeyOrigin.Unknown;
        }

        /// <summary>The origin of a local's initializer when the scope declares it; outside otherwise.</summary>
        private KeyOrigin? Declared(ILocalSymbol local, int depth)
        {
            if (!_scope.ContainsDeclarationOf(local))
                return KeyOrigin.Outside;
            var initializer = OperationTree.FindDeclarator(_scope.Body, local)?.GetVariableInitializer()?.Value;
            return initializer is null ? null : Of(initializer, depth + 1);
        }

        private KeyOrigin MemberOrigin(IOperation? instance, ISymbol member, int depth)
        {
            if (instance is null or IInstanceReferenceOperation)
                return Written(member, KeyOrigin.Outside, depth) ?? KeyOrigin.Unknown;
            var owner = OperationTree.ReferencedSymbol(instance);
            var start = Of(instance, depth + 1);
            return owner is null ? start : MemberWritten(owner, member.Name, start, depth) ?? KeyOrigin.Unknown;
        }

        /// <summary>Folds every write of the symbol inside the scope into the origin it starts with.</summary>
        public KeyOrigin? Written(ISymbol symbol, KeyOrigin? start, int depth = 0)
        {
            if (_scope.Body is null)
                return start;
            var declaredOutside = !_scope.ContainsDeclarationOf(symbol);
            var result = start;
            foreach (var operation in _scope.Body.DescendantsAndSelf())
            {
                KeyOrigin? write = operation switch
                {
                    ISimpleAssignmentOperation assignment when Refers(assignment.Target, symbol) => Of(assignment.Value, depth + 1),
                    // key ??= NewKey() on a key kept outside the retry is made on the first attempt and reused after.
                    ICoalesceAssignmentOperation coalesce when Refers(coalesce.Target, symbol) => declaredOutside ? KeyOrigin.Outside : Of(coalesce.Value, depth + 1),
                    ICompoundAssignmentOperation compound when Refers(compound.Target, symbol) => KeyOrigin.Inside,
                    IIncrementOrDecrementOperation increment when Refers(increment.Target, symbol) => KeyOrigin.Inside,
                    IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref } argument when Refers(argument.Value, symbol) => KeyOrigin.Unknown,
                    IDeconstructionAssignmentOperation deconstruction when Mentions(deconstruction.Target, symbol) => KeyOrigin.Unknown,
                    _ => null,
                };
                if (write.HasValue)
                    result = result.HasValue ? Merge(result.Value, write.Value) : write.Value;
            }
            return result;
        }

        /// <summary>Folds every <c>owner.Member = value</c> inside the scope into the origin it starts with.</summary>
        public KeyOrigin? MemberWritten(ISymbol owner, string memberName, KeyOrigin? start, int depth = 0)
        {
            var result = start;
            foreach (var value in MemberWrites(owner, memberName))
            {
                var write = Of(value, depth + 1);
                result = result.HasValue ? Merge(result.Value, write) : write;
            }
            return result;
        }

        /// <summary>The values assigned to <c>owner.Member</c> inside the scope.</summary>
        public IEnumerable<IOperation> MemberWrites(ISymbol owner, string memberName)
        {
            if (_scope.Body is null)
                yield break;
            foreach (var operation in _scope.Body.DescendantsAndSelf())
            {
                if (operation is not ISimpleAssignmentOperation assignment || assignment.Target is not IMemberReferenceOperation target)
                    continue;
                if (target.Member.Name == memberName && target.Instance != null && SymbolEqualityComparer.Default.Equals(OperationTree.ReferencedSymbol(target.Instance), owner))
                    yield return assignment.Value;
            }
        }

        public bool IsWrittenInScope(ISymbol symbol) => Written(symbol, null).HasValue;

        private static bool Refers(IOperation target, ISymbol symbol) =>
            SymbolEqualityComparer.Default.Equals(OperationTree.ReferencedSymbol(target), symbol);

        private static bool Mentions(IOperation target, ISymbol symbol)
        {
            foreach (var operation in target.DescendantsAndSelf())
            {
                if (Refers(operation, symbol))
                    return true;
            }
            return false;
        }

        public static KeyOrigin Merge(KeyOrigin a, KeyOrigin b) =>
            a == KeyOrigin.Inside || b == KeyOrigin.Inside ? KeyOrigin.Inside
            : a == KeyOrigin.Unknown || b == KeyOrigin.Unknown ? KeyOrigin.Unknown
            : KeyOrigin.Outside;

        /// <summary>A fresh value on each evaluation, found without entering lambdas (they may run once, as in GetOrAdd).</summary>
        public static bool ContainsFresh(IOperation operation)
        {
            foreach (var descendant in OperationTree.DescendantsOutsideLambdas(operation))
            {
                if (IsFresh(descendant))
                    return true;
            }
            return false;
        }

        /// <summary>
        /// Guid.NewGuid(), Guid.CreateVersion7(), Ulid.NewUlid(), NewId.NextGuid(), a parameterless NewXxxId()/GenerateKey(),
        /// DateTime(Offset).Now/UtcNow, Environment.TickCount, Stopwatch.GetTimestamp(), Random, Interlocked.Increment, x++.
        /// </summary>
        public static bool IsFresh(IOperation operation)
        {
            switch (operation)
            {
                case IIncrementOrDecrementOperation:
                    return true;
                case IPropertyReferenceOperation property:
                    var owner = property.Property.ContainingType?.Name;
                    var name = property.Property.Name;
                    return (owner is "DateTime" or "DateTimeOffset" && name is "Now" or "UtcNow") ||
                           (owner == "Environment" && name is "TickCount" or "TickCount64");
                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    var type = method.ContainingType?.Name;
                    return (type == "Guid" && method.Name is "NewGuid" or "CreateVersion7") ||
                           (type == "Interlocked" && method.Name is "Increment" or "Decrement" or "Add") ||
                           (type == "Stopwatch" && method.Name == "GetTimestamp") ||
                           (type == "Random" && method.Name.StartsWith("Next", StringComparison.Ordinal)) ||
                           (type == "RandomNumberGenerator" && method.Name.StartsWith("Get", StringComparison.Ordinal)) ||
                           IsGeneratorName(invocation);
                default:
                    return false;
            }
        }

        /// <summary>A parameterless NewId(), NextGuid(), GenerateClientOrderId(), CreateIdempotencyKey(): a generator by its name.</summary>
        private static bool IsGeneratorName(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            for (var i = method.IsExtensionMethod ? 1 : 0; i < invocation.Arguments.Length; i++)
            {
                if (invocation.Arguments[i].ArgumentKind != ArgumentKind.DefaultValue)
                    return false;
            }
            var name = method.Name;
            var prefixEnd = 1;
            while (prefixEnd < name.Length && !char.IsUpper(name[prefixEnd]))
                prefixEnd++;
            if (!FreshNamePrefixes.Contains(name.Substring(0, prefixEnd)))
                return false;
            foreach (var suffix in FreshNameSuffixes)
            {
                if (name.EndsWith(suffix, StringComparison.Ordinal))
                    return true;
            }
            return false;
        }
    }
}
