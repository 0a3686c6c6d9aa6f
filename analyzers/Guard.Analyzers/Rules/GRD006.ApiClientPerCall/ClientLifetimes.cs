using System.Collections.Generic;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD006
{
    /// <summary>Whether a created client is dropped when the work is done, and whether it could be shared as it is.</summary>
    internal readonly struct ClientLifetime
    {
        public ClientLifetime(bool isDropped, bool isHoistable)
        {
            IsDropped = isDropped;
            IsHoistable = isHoistable;
        }

        public bool IsDropped { get; }
        public bool IsHoistable { get; }
    }

    /// <summary>
    /// GRD006: a client is dropped when nothing keeps it: it is called straight away (<c>new HttpClient().GetAsync(...)</c>),
    /// or it is a local (with or without <c>using</c>) that is only ever called or configured, never returned,
    /// stored, passed on or captured by a lambda that may outlive the method. At least one call must go through it
    /// (a client that sends nothing opens no connection). A client made outside any loop and used inside one serves
    /// that loop for as long as it runs (a receive or polling loop): it is not dropped per call.
    /// </summary>
    internal static class ClientLifetimes
    {
        public static ClientLifetime Judge(IObjectCreationOperation creation, ClientSite site, bool isHttpClient, bool isPlainHttpClient)
        {
            IOperation value = creation;
            while (value.Parent is IConversionOperation or IParenthesizedOperation)
                value = value.Parent;
            switch (value.Parent)
            {
                case IInvocationOperation invocation when invocation.Instance == value:
                    return new ClientLifetime(!IsDispose(invocation.TargetMethod.Name), false);
                case IMemberReferenceOperation member when member.Instance == value && !isHttpClient && EndsInCall(member):
                    return new ClientLifetime(true, false);
                case IReturnOperation when site.Kind == ClientSiteKind.PropertyGetter && !site.InLambda:
                    // Every read of the property makes a client its reader drops.
                    return new ClientLifetime(true, false);
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return JudgeLocal(creation, declarator, site, isHttpClient, isPlainHttpClient);
                // A per-request object keeps the client in a member of its own: gone with the request.
                case IFieldInitializerOperation when site.Kind == ClientSiteKind.PerRequestObject:
                case IPropertyInitializerOperation when site.Kind == ClientSiteKind.PerRequestObject:
                    return new ClientLifetime(true, false);
                case ISimpleAssignmentOperation { Target: IMemberReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } } } assignment
                    when site.Kind == ClientSiteKind.PerRequestObject && assignment.Value == value && assignment.Parent is IExpressionStatementOperation:
                    return new ClientLifetime(true, false);
                default:
                    return default;
            }
        }

        private static ClientLifetime JudgeLocal(IObjectCreationOperation creation, IVariableDeclaratorOperation declarator, ClientSite site, bool isHttpClient, bool isPlainHttpClient)
        {
            if (site.Kind == ClientSiteKind.PropertyGetter)
                return default;
            var local = declarator.Symbol;
            var group = declarator.Parent?.Parent as IVariableDeclarationGroupOperation;
            var isUsing = group?.Parent is IUsingOperation or IUsingDeclarationOperation;
            // Hoisting rewrites a declaration of one variable, in a block or a using declaration.
            var hoistable = isPlainHttpClient && group != null && group.Declarations.Length == 1 && group.Declarations[0].Declarators.Length == 1 &&
                            (group.Parent is IBlockOperation || group.Parent is IUsingDeclarationOperation { Parent: IBlockOperation }) &&
                            IsStaticallyKnown(creation);
            var root = OperationTree.Root(creation);
            var calls = 0;
            foreach (var operation in root.Descendants())
            {
                if (operation is not ILocalReferenceOperation reference || !KnownTypes.Same(reference.Local, local))
                    continue;
                IOperation use = reference;
                while (use.Parent is IConversionOperation or IParenthesizedOperation)
                    use = use.Parent;
                switch (use.Parent)
                {
                    case IInvocationOperation invocation when invocation.Instance == use:
                        if (IsDispose(invocation.TargetMethod.Name) || invocation.TargetMethod.Name == "CancelPendingRequests")
                            hoistable = false;
                        else
                            calls++;
                        break;
                    case IMemberReferenceOperation member when member.Instance == use:
                        // Configured per call (headers, timeout, base address): a shared client must not be.
                        hoistable = false;
                        // An SDK client is called through its parts: client.SpotApi.Trading.PlaceOrderAsync(...).
                        if (!isHttpClient && EndsInCall(member))
                            calls++;
                        break;
                    case IConditionalAccessOperation conditional when conditional.Operation == use:
                        hoistable = false;
                        calls++;
                        break;
                    default:
                        return default; // returned, stored, passed on, reassigned
                }
                if (InOtherFunction(reference, creation, out var lambdaOnly))
                {
                    // A lambda may outlive the method (a timer, an event) unless the using disposes the client anyway.
                    if (!isUsing || !lambdaOnly)
                        return default;
                }
                if (site.Kind != ClientSiteKind.Loop && InLoopWithout(reference, creation, root))
                    return default;
            }
            return calls > 0 ? new ClientLifetime(true, hoistable) : default;
        }

        private static bool EndsInCall(IOperation member)
        {
            var current = member;
            while (current.Parent is IMemberReferenceOperation next && next.Instance == current)
                current = next;
            return current.Parent is IInvocationOperation invocation && invocation.Instance == current;
        }

        private static bool IsDispose(string name) => name is "Dispose" or "DisposeAsync";

        /// <summary>The reference is inside a lambda or local function that does not also contain the creation.</summary>
        private static bool InOtherFunction(IOperation reference, IOperation creation, out bool lambdaOnly)
        {
            lambdaOnly = true;
            var found = false;
            for (var parent = reference.Parent; parent != null; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    if (Contains(parent, creation))
                        break;
                    found = true;
                    if (parent is ILocalFunctionOperation)
                        lambdaOnly = false;
                }
            }
            return found;
        }

        /// <summary>The reference is repeated by a loop that does not repeat the creation: a long-running method.</summary>
        private static bool InLoopWithout(IOperation reference, IOperation creation, IOperation root)
        {
            IOperation child = reference;
            for (var parent = reference.Parent; parent != null && parent != root; child = parent, parent = parent.Parent)
            {
                if (parent is ILoopOperation loop && ClientSites.IsRepeatedPart(loop, child) && !Contains(parent, creation))
                    return true;
            }
            return false;
        }

        private static bool Contains(IOperation outer, IOperation inner) => outer.Syntax.Span.Contains(inner.Syntax.Span) && outer.Syntax.SyntaxTree == inner.Syntax.SyntaxTree;

        /// <summary>
        /// The creation's arguments and initializer can move to a static field initializer unchanged: constants,
        /// static readonly fields, new objects of such values, and calls of static methods of System's types
        /// (<c>TimeSpan.FromSeconds(5)</c>). No locals, parameters, instance members, awaits or mutable statics.
        /// </summary>
        private static bool IsStaticallyKnown(IObjectCreationOperation creation)
        {
            var stack = new Stack<IOperation>();
            foreach (var child in creation.ChildOperations)
                stack.Push(child);
            while (stack.Count > 0)
            {
                var operation = stack.Pop();
                switch (operation)
                {
                    case ILocalReferenceOperation or IParameterReferenceOperation or IInstanceReferenceOperation { ReferenceKind: not InstanceReferenceKind.ImplicitReceiver }:
                    case IAwaitOperation or IAnonymousFunctionOperation or IDelegateCreationOperation:
                        return false;
                    case IFieldReferenceOperation field when field.Instance is not (null or IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver }):
                        break;
                    case IFieldReferenceOperation field when !(field.Field.IsConst || (field.Field.IsStatic && field.Field.IsReadOnly)):
                        return false;
                    // The new field goes after the type's fields in this file: a static readonly field of the same type
                    // declared in another part could be initialized after it, and read as null.
                    case IFieldReferenceOperation field when !field.Field.IsConst && IsOtherPartOfSameType(field.Field, creation):
                        return false;
                    case IPropertyReferenceOperation property when property.Instance is null && !InSystem(property.Property.ContainingType):
                        return false;
                    case IPropertyReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: not InstanceReferenceKind.ImplicitReceiver } }:
                        return false;
                    case IInvocationOperation invocation when invocation.Instance != null || !InSystem(invocation.TargetMethod.ContainingType):
                        return false;
                    case ITypeOfOperation typeOf when typeOf.TypeOperand is ITypeParameterSymbol:
                        return false;
                }
                foreach (var child in operation.ChildOperations)
                    stack.Push(child);
            }
            return true;
        }

        private static bool IsOtherPartOfSameType(IFieldSymbol field, IOperation creation)
        {
            var type = field.ContainingType?.OriginalDefinition;
            var inSameType = false;
            for (var node = creation.Syntax.Parent; node != null; node = node.Parent)
            {
                if (node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax declaration)
                {
                    inSameType = declaration.Identifier.ValueText == type?.Name;
                    break;
                }
            }
            if (!inSameType)
                return false;
            foreach (var reference in field.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree != creation.Syntax.SyntaxTree)
                    return true;
            }
            return false;
        }

        private static bool InSystem(INamedTypeSymbol? type)
        {
            var ns = type?.ContainingNamespace;
            while (ns != null && !ns.ContainingNamespace.IsGlobalNamespace)
                ns = ns.ContainingNamespace;
            return ns != null && ns.Name == "System";
        }
    }
}
