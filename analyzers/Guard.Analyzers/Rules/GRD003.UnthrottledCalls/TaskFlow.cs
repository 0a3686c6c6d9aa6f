using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD003
{
    /// <summary>
    /// Whether the tasks a Select makes are run together: its result reaches Task.WhenAll, WhenAny, WhenEach,
    /// WaitAll or WaitAny, directly, through ToList/ToArray/AsEnumerable, or through a local (two hops at
    /// most, flow-insensitive, in the same method).
    /// </summary>
    internal static class TaskFlow
    {
        private const int MaxLocalHops = 2;

        public static bool ReachesTaskCombinator(IOperation operation, RepetitionTypes types) => Reaches(operation, types, 0);

        private static bool Reaches(IOperation operation, RepetitionTypes types, int hops)
        {
            var current = operation;
            while (true)
            {
                var parent = current.Parent;
                while (parent is IConversionOperation or ITranslatedQueryOperation)
                {
                    current = parent;
                    parent = parent.Parent;
                }
                switch (parent)
                {
                    case IArgumentOperation { Parent: IInvocationOperation invocation }:
                        if (IsCombinator(invocation.TargetMethod, types))
                            return true;
                        if (!IsMaterializer(invocation.TargetMethod, types))
                            return false;
                        current = invocation;
                        break;
                    case IInvocationOperation invocation when invocation.Instance == current && invocation.TargetMethod.Name is "ToArray" or "ToList":
                        current = invocation;
                        break;
                    case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                        return LocalReaches(declarator.Symbol, current, types, hops);
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when assignment.Value == current:
                        return LocalReaches(target.Local, current, types, hops);
                    default:
                        return false;
                }
            }
        }

        private static bool LocalReaches(ILocalSymbol local, IOperation from, RepetitionTypes types, int hops)
        {
            if (hops >= MaxLocalHops)
                return false;
            var root = from;
            while (root.Parent != null)
                root = root.Parent;
            foreach (var operation in root.Descendants())
            {
                if (operation is ILocalReferenceOperation reference && KnownTypes.Same(reference.Local, local) &&
                    !(reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference) &&
                    Reaches(reference, types, hops + 1))
                    return true;
            }
            return false;
        }

        private static bool IsCombinator(IMethodSymbol method, RepetitionTypes types) =>
            method.Name is "WhenAll" or "WhenAny" or "WhenEach" or "WaitAll" or "WaitAny" && KnownTypes.Same(method.ContainingType, types.Task);

        private static bool IsMaterializer(IMethodSymbol method, RepetitionTypes types) =>
            method.Name is "ToList" or "ToArray" or "AsEnumerable" && KnownTypes.Same(method.ContainingType, types.Enumerable);
    }
}
