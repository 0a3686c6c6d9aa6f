using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Caching
{
    /// <summary>What one reference to a collection or cache field does to it.</summary>
    internal enum FieldUse
    {
        /// <summary>Reads it, locks on it, compares it: nothing that changes its size.</summary>
        Neutral,

        /// <summary>Adds to it.</summary>
        Write,

        /// <summary>Removes from it or clears it.</summary>
        Shrink,

        /// <summary>Replaces it (outside a constructor) or hands it out by reference: it may start empty again.</summary>
        Reset,

        /// <summary>Assigns it a <c>new MemoryCache(...)</c> written right there (the creation is analyzed on its own).</summary>
        Created,

        /// <summary>Passes it away: code that is not in sight may trim it.</summary>
        Escape,
    }

    /// <summary>
    /// Classifies a reference to a field that holds a collection or a MemoryCache, from the operations around it.
    /// Anything not known to be harmless is an escape: it is better to miss a leak than to report a trimmed cache.
    /// </summary>
    internal static class FieldUses
    {
        public static FieldUse ClassifyCollection(IFieldReferenceOperation reference, CollectionKind kind, CacheTypes types, ISymbol? containingSymbol)
        {
            var (current, parent) = MemberUse(reference);
            switch (parent)
            {
                case IInvocationOperation invocation when invocation.Instance == current:
                    if (kind.Immutable)
                        return FieldUse.Neutral;
                    var byName = ByMethodName(invocation.TargetMethod.Name);
                    return byName == FieldUse.Write && BoundedWrites.IsBounded(invocation, invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null, reference.Field)
                        ? FieldUse.Neutral
                        : byName;
                case IArgumentOperation argument:
                    return ByArgument(argument, types, extensionName => ByExtension(extensionName, kind));
                case IPropertyReferenceOperation property when property.Instance == current:
                    // dictionary[key] = value adds; list[i] = value and compound assignments replace an existing item.
                    if (property.Property.IsIndexer && kind.Shape != CollectionShape.Sequence && !kind.Immutable &&
                        property.Parent is ISimpleAssignmentOperation indexerSet && indexerSet.Target == property)
                        return ExistingKeys.IsKnownPresent(property, reference.Field) ||
                            BoundedWrites.IsBounded(indexerSet, property.Arguments.Length == 1 ? property.Arguments[0].Value : null, reference.Field)
                            ? FieldUse.Neutral
                            : FieldUse.Write;
                    return FieldUse.Neutral;
                case ISimpleAssignmentOperation assignment when assignment.Target == current:
                    if (IsInitialization(reference, containingSymbol))
                        return FieldUse.Neutral;
                    return kind.Immutable && IsAddedCopyOf(assignment.Value, reference.Field) ? FieldUse.Write : FieldUse.Reset;
                default:
                    return Common(current, parent);
            }
        }

        /// <summary>Classifies a use of a field holding a MemoryCache; a write also gives the writing invocation.</summary>
        public static FieldUse ClassifyCache(IFieldReferenceOperation reference, CacheTypes types, out IInvocationOperation? write)
        {
            write = null;
            var (current, parent) = MemberUse(reference);
            switch (parent)
            {
                case IInvocationOperation invocation when invocation.Instance == current:
                    switch (invocation.TargetMethod.Name)
                    {
                        case "CreateEntry":
                            write = invocation;
                            return FieldUse.Write;
                        case "Remove":
                        case "Compact":
                        case "Clear":
                        case "Dispose":
                            return FieldUse.Shrink;
                        default:
                            return FieldUse.Neutral;
                    }
                case IArgumentOperation argument:
                    var use = ByArgument(argument, types, extensionName => extensionName switch
                    {
                        "Set" or "GetOrCreate" or "GetOrCreateAsync" => FieldUse.Write,
                        "Get" or "TryGetValue" => FieldUse.Neutral,
                        _ => FieldUse.Escape,
                    }, cacheExtensionsOnly: true);
                    if (use == FieldUse.Write)
                        write = argument.Parent as IInvocationOperation;
                    return use;
                case IPropertyReferenceOperation property when property.Instance == current:
                    return FieldUse.Neutral; // Count, Keys, Size
                case IAssignmentOperation assignment when assignment.Target == current:
                    return OperationTree.Unwrap(assignment.Value) is IObjectCreationOperation creation && types.IsMemoryCacheCreation(creation)
                        ? FieldUse.Created
                        : FieldUse.Reset;
                default:
                    return Common(current, parent);
            }
        }

        /// <summary>
        /// The operation that uses the field's value and its parent: through implicit conversions and into the
        /// <c>?.</c> of a conditional access.
        /// </summary>
        private static (IOperation Current, IOperation? Parent) MemberUse(IOperation reference)
        {
            var current = reference;
            var parent = current.Parent;
            if (parent is IConditionalAccessOperation conditional && conditional.Operation == current)
            {
                var instance = FindConditionalInstance(conditional);
                if (instance is null)
                    return (current, parent);
                current = instance;
                parent = instance.Parent;
            }
            while (parent is IConversionOperation { IsImplicit: true })
            {
                current = parent;
                parent = parent.Parent;
            }
            return (current, parent);
        }

        private static IConditionalAccessInstanceOperation? FindConditionalInstance(IConditionalAccessOperation conditional)
        {
            foreach (var operation in conditional.WhenNotNull.DescendantsAndSelf())
            {
                if (operation is not IConditionalAccessInstanceOperation instance)
                    continue;
                for (var up = instance.Parent; up != null; up = up.Parent)
                {
                    if (up is IConditionalAccessOperation owner)
                    {
                        if (owner == conditional)
                            return instance;
                        break;
                    }
                }
            }
            return null;
        }

        private static FieldUse Common(IOperation current, IOperation? parent)
        {
            switch (parent)
            {
                case IForEachLoopOperation loop when loop.Collection == current:
                case ILockOperation:
                case INameOfOperation:
                case IBinaryOperation:
                case IIsPatternOperation:
                case IIsTypeOperation:
                case IInterpolationOperation:
                case ICoalesceAssignmentOperation assignment when assignment.Target == current: // lazy creation
                    return FieldUse.Neutral;
                default:
                    return FieldUse.Escape;
            }
        }

        private static FieldUse ByMethodName(string name)
        {
            switch (name)
            {
                case "Add":
                case "TryAdd":
                case "GetOrAdd":
                case "AddOrUpdate":
                case "Insert":
                case "InsertRange":
                case "AddRange":
                case "Push":
                case "PushRange":
                case "Enqueue":
                case "AddFirst":
                case "AddLast":
                case "AddBefore":
                case "AddAfter":
                case "UnionWith":
                    return FieldUse.Write;
                case "Remove":
                case "TryRemove":
                case "Clear":
                case "RemoveAt":
                case "RemoveAll":
                case "RemoveRange":
                case "RemoveWhere":
                case "RemoveFirst":
                case "RemoveLast":
                case "ExceptWith":
                case "IntersectWith":
                case "SymmetricExceptWith":
                case "Dequeue":
                case "TryDequeue":
                case "Pop":
                case "TryPop":
                case "TryPopRange":
                case "TryTake":
                    return FieldUse.Shrink;
                case "GetAlternateLookup":
                case "TryGetAlternateLookup":
                    return FieldUse.Escape; // the lookup adds and removes on the collection's behalf
                default:
                    return FieldUse.Neutral;
            }
        }

        /// <summary>A System.Collections.Generic.CollectionExtensions method called on the collection: TryAdd adds, Remove removes.</summary>
        private static FieldUse ByExtension(string name, CollectionKind kind)
        {
            if (kind.Immutable)
                return FieldUse.Neutral;
            return name switch
            {
                "TryAdd" => FieldUse.Write,
                "Remove" => FieldUse.Shrink,
                _ => FieldUse.Escape,
            };
        }

        private static FieldUse ByArgument(IArgumentOperation argument, CacheTypes types, System.Func<string, FieldUse> extensionUse, bool cacheExtensionsOnly = false)
        {
            var parameter = argument.Parameter;
            var method = argument.Parent switch
            {
                IInvocationOperation invocation => invocation.TargetMethod,
                IObjectCreationOperation creation => creation.Constructor,
                _ => null,
            };
            if (parameter is null || method is null)
                return FieldUse.Escape;
            if (parameter.RefKind is RefKind.Ref or RefKind.Out)
                return ByReference(method, types);
            if (method.IsExtensionMethod && parameter.Ordinal == 0)
            {
                if (cacheExtensionsOnly)
                    return KnownTypes.Same(method.ContainingType, types.CacheExtensions) ? extensionUse(method.Name) : FieldUse.Escape;
                var ns = method.ContainingNamespace?.ToDisplayString();
                if (ns is "System.Linq" or "System.Collections.Immutable")
                    return FieldUse.Neutral;
                if (ns == "System.Collections.Generic" && method.ContainingType.Name == "CollectionExtensions")
                    return method.Name is "GetValueOrDefault" or "AsReadOnly" ? FieldUse.Neutral : extensionUse(method.Name);
            }
            if (cacheExtensionsOnly)
                return FieldUse.Escape;

            // A library method that takes the collection as a sequence or an object reads it (string.Join,
            // new List<T>(source), JsonSerializer.Serialize); code of this compilation may do anything with it.
            if (IsInSource(method))
                return FieldUse.Escape;
            var declaredParameters = method.OriginalDefinition.Parameters;
            var declared = declaredParameters.Length > parameter.Ordinal ? declaredParameters[parameter.Ordinal].Type : parameter.Type;
            return types.IsMutableCollectionParameter(declared) ? FieldUse.Escape : FieldUse.Neutral;
        }

        /// <summary><c>ref field</c>: ImmutableInterlocked adds by name; Interlocked.Exchange and others replace it.</summary>
        private static FieldUse ByReference(IMethodSymbol method, CacheTypes types)
        {
            if (!KnownTypes.Same(method.ContainingType, types.ImmutableInterlocked))
                return FieldUse.Reset;
            return method.Name switch
            {
                "GetOrAdd" or "AddOrUpdate" or "TryAdd" or "Push" or "Enqueue" => FieldUse.Write,
                "InterlockedInitialize" => FieldUse.Neutral,
                _ => FieldUse.Reset,
            };
        }

        /// <summary><c>field = field.Add(...)</c> on an immutable collection.</summary>
        private static bool IsAddedCopyOf(IOperation value, IFieldSymbol field)
        {
            if (OperationTree.Unwrap(value) is not IInvocationOperation invocation)
                return false;
            if (invocation.Instance is not IFieldReferenceOperation instance || !KnownTypes.Same(instance.Field.OriginalDefinition, field.OriginalDefinition))
                return false;
            return invocation.TargetMethod.Name is "Add" or "AddRange" or "SetItem" or "SetItems" or "Union" or "Insert" or "InsertRange";
        }

        /// <summary>
        /// Whether an operation runs while the field's owner is being initialized: in a constructor of the
        /// declaring type (static for a static field) or a field initializer, not in a lambda declared there.
        /// </summary>
        public static bool IsInitialization(IFieldReferenceOperation reference, ISymbol? containingSymbol)
        {
            var field = reference.Field;
            if (containingSymbol is null)
                return false;
            for (var up = reference.Parent; up != null; up = up.Parent)
            {
                if (up is IAnonymousFunctionOperation or ILocalFunctionOperation)
                    return false;
            }
            if (!KnownTypes.Same(containingSymbol.ContainingType?.OriginalDefinition, field.ContainingType.OriginalDefinition))
                return false;
            if (containingSymbol is IMethodSymbol method)
                return field.IsStatic ? method.MethodKind == MethodKind.StaticConstructor : method.MethodKind == MethodKind.Constructor;
            return containingSymbol is IFieldSymbol or IPropertySymbol && containingSymbol.IsStatic == field.IsStatic;
        }

        private static bool IsInSource(IMethodSymbol method)
        {
            foreach (var location in method.Locations)
            {
                if (location.IsInSource)
                    return true;
            }
            return false;
        }
    }
}
