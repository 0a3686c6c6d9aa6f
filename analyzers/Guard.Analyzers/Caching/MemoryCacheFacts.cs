using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Caching
{
    internal enum CacheWriteKind
    {
        /// <summary><c>cache.Set(key, value[, expiration | options])</c>.</summary>
        Set,

        /// <summary><c>cache.GetOrCreate(key, entry =&gt; ...)</c> or its async twin.</summary>
        GetOrCreate,

        /// <summary><c>cache.CreateEntry(key)</c>: the entry is written when it is disposed.</summary>
        CreateEntry,
    }

    /// <summary>An invocation that writes an entry to an IMemoryCache, and what is known of that entry.</summary>
    internal readonly struct CacheWrite
    {
        public CacheWrite(CacheWriteKind kind, IInvocationOperation invocation, IOperation receiver, CacheFacts facts, IArgumentOperation? optionsArgument, IAnonymousFunctionOperation? factory)
        {
            Kind = kind;
            Invocation = invocation;
            Receiver = receiver;
            Facts = facts;
            OptionsArgument = optionsArgument;
            Factory = factory;
        }

        public CacheWriteKind Kind { get; }
        public IInvocationOperation Invocation { get; }

        /// <summary>The cache written to, conversions removed.</summary>
        public IOperation Receiver { get; }

        public CacheFacts Facts { get; }

        /// <summary>For Set: the fourth argument (options or expiration) when there is one.</summary>
        public IArgumentOperation? OptionsArgument { get; }

        /// <summary>For GetOrCreate: the factory when it is a lambda or an anonymous method.</summary>
        public IAnonymousFunctionOperation? Factory { get; }
    }

    /// <summary>
    /// Flow-insensitive facts about MemoryCache code inside one member: whether a cache was created with a
    /// SizeLimit, and whether an entry written to it has a Size and an expiration. Locals are followed
    /// through their assignments and uses in the same member; anything passed away is Unknown.
    /// </summary>
    internal static class MemoryCacheFacts
    {
        private const int MaxDepth = 6;

        private enum Profile
        {
            /// <summary>An ICacheEntry or a MemoryCacheEntryOptions: Size and expiration.</summary>
            Entry,

            /// <summary>A MemoryCacheOptions: SizeLimit, kept in <see cref="CacheFacts.Size"/>.</summary>
            CacheOptions,
        }

        public static bool IsWriteName(string name) => name is "Set" or "GetOrCreate" or "GetOrCreateAsync" or "CreateEntry";

        public static bool TryGetWrite(IInvocationOperation invocation, CacheTypes types, out CacheWrite write)
        {
            write = default;
            var method = invocation.TargetMethod;
            if (!IsWriteName(method.Name))
                return false;
            if (method.Name == "CreateEntry")
            {
                if (invocation.Instance is null || !ImplementsMemoryCache(invocation.Instance.Type, types))
                    return false;
                write = new CacheWrite(CacheWriteKind.CreateEntry, invocation, OperationTree.Unwrap(invocation.Instance), Flow(invocation, Profile.Entry, types, 0), null, null);
                return true;
            }
            if (!method.IsExtensionMethod || !KnownTypes.Same(method.ContainingType, types.CacheExtensions))
                return false;
            var receiver = ArgumentFor(invocation.Arguments, 0);
            if (receiver is null)
                return false;
            var parameters = method.Parameters;
            if (method.Name == "Set")
            {
                if (parameters.Length == 3)
                {
                    write = new CacheWrite(CacheWriteKind.Set, invocation, OperationTree.Unwrap(receiver.Value), CacheFacts.None, null, null);
                    return true;
                }
                if (parameters.Length != 4)
                    return false;
                var third = ArgumentFor(invocation.Arguments, 3);
                CacheFacts facts;
                if (KnownTypes.Same(parameters[3].Type, types.MemoryCacheEntryOptions))
                    facts = third is null || third.ArgumentKind == ArgumentKind.DefaultValue ? CacheFacts.None : Value(third.Value, Profile.Entry, types, 0);
                else
                    facts = CacheFacts.ExpirationSet(Presence.Yes); // a DateTimeOffset, a TimeSpan or an IChangeToken
                write = new CacheWrite(CacheWriteKind.Set, invocation, OperationTree.Unwrap(receiver.Value), facts, third, null);
                return true;
            }

            // GetOrCreate / GetOrCreateAsync: the factory configures the entry; newer overloads also take options.
            var factoryArgument = ArgumentFor(invocation.Arguments, 2);
            if (factoryArgument is null)
                return false;
            var factory = AsAnonymousFunction(factoryArgument.Value);
            var entryFacts = factory is null ? CacheFacts.Unknown : FactoryFacts(factory, types);
            var options = ArgumentFor(invocation.Arguments, 3);
            if (options != null && options.ArgumentKind != ArgumentKind.DefaultValue)
                entryFacts = entryFacts.And(Value(options.Value, Profile.Entry, types, 0));
            write = new CacheWrite(CacheWriteKind.GetOrCreate, invocation, OperationTree.Unwrap(receiver.Value), entryFacts, null, factory);
            return true;
        }

        /// <summary>Whether <c>new MemoryCache(options)</c> sets a SizeLimit.</summary>
        public static Presence SizeLimitOf(IObjectCreationOperation creation, CacheTypes types)
        {
            var options = ArgumentFor(creation.Arguments, 0);
            return options is null ? Presence.Unknown : Value(options.Value, Profile.CacheOptions, types, 0).Size;
        }

        /// <summary>
        /// The <c>new MemoryCacheOptions(...)</c> a fix can add a SizeLimit to: written in the constructor call,
        /// inside Options.Create, or the only value of a local of the same member. Null when there is none.
        /// </summary>
        public static IObjectCreationOperation? OptionsCreationOf(IObjectCreationOperation cacheCreation, CacheTypes types)
        {
            var options = ArgumentFor(cacheCreation.Arguments, 0);
            return options is null ? null : OptionsCreation(options.Value, types, 0);
        }

        /// <summary>The field or local a <c>new MemoryCache(...)</c> is stored in, when it is stored directly.</summary>
        public static ISymbol? HolderOf(IObjectCreationOperation creation)
        {
            IOperation current = creation;
            var parent = current.Parent;
            while (parent is IConversionOperation)
            {
                current = parent;
                parent = parent.Parent;
            }
            switch (parent)
            {
                case IFieldInitializerOperation initializer:
                    return initializer.InitializedFields.Length == 1 ? initializer.InitializedFields[0] : null;
                case IAssignmentOperation assignment when assignment.Value == current:
                    return assignment.Target switch
                    {
                        IFieldReferenceOperation field => field.Field,
                        ILocalReferenceOperation local => local.Local,
                        _ => null,
                    };
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return declarator.Symbol;
                default:
                    return null;
            }
        }

        /// <summary>Whether every value a local of this member may hold is a MemoryCache created with a SizeLimit.</summary>
        public static Presence LocalCacheSizeLimit(ILocalReferenceOperation reference, CacheTypes types)
        {
            Presence? result = null;
            foreach (var value in LocalSources(reference.Local, Root(reference)))
            {
                var presence = OperationTree.Unwrap(value) is IObjectCreationOperation creation && types.IsMemoryCacheCreation(creation)
                    ? SizeLimitOf(creation, types)
                    : Presence.Unknown;
                result = result is null || result == presence ? presence : Presence.Unknown;
            }
            return result ?? Presence.Unknown;
        }

        public static bool ImplementsMemoryCache(ITypeSymbol? type, CacheTypes types)
        {
            if (type is null || types.MemoryCacheInterface is null)
                return false;
            if (KnownTypes.Same(type, types.MemoryCacheInterface))
                return true;
            foreach (var iface in type.AllInterfaces)
            {
                if (KnownTypes.Same(iface, types.MemoryCacheInterface))
                    return true;
            }
            return false;
        }

        public static IArgumentOperation? ArgumentFor(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments, int ordinal)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Ordinal == ordinal)
                    return argument;
            }
            return null;
        }

        public static IOperation Root(IOperation operation)
        {
            while (operation.Parent != null)
                operation = operation.Parent;
            return operation;
        }

        private static IAnonymousFunctionOperation? AsAnonymousFunction(IOperation value)
        {
            value = OperationTree.Unwrap(value);
            if (value is IDelegateCreationOperation delegateCreation)
                value = delegateCreation.Target;
            return value as IAnonymousFunctionOperation;
        }

        /// <summary>What a GetOrCreate factory does to the entry it is given.</summary>
        private static CacheFacts FactoryFacts(IAnonymousFunctionOperation factory, CacheTypes types)
        {
            if (factory.Symbol.Parameters.Length != 1)
                return CacheFacts.Unknown;
            var entry = factory.Symbol.Parameters[0];
            var facts = CacheFacts.None;
            foreach (var operation in factory.Body.Descendants())
            {
                if (operation is IParameterReferenceOperation reference && KnownTypes.Same(reference.Parameter, entry))
                    facts = facts.And(Flow(reference, Profile.Entry, types, 0));
            }
            return facts;
        }

        /// <summary>What a value carries: from its creation, its fluent calls, or, for a local, all it is given and all done to it.</summary>
        private static CacheFacts Value(IOperation value, Profile profile, CacheTypes types, int depth)
        {
            if (depth > MaxDepth)
                return CacheFacts.Unknown;
            value = OperationTree.Unwrap(value);
            switch (value)
            {
                case ILiteralOperation { ConstantValue: { HasValue: true, Value: null } }:
                case IDefaultValueOperation:
                    return CacheFacts.None;
                case IObjectCreationOperation creation when IsCreatedType(creation.Type, profile, types):
                    return InitializerFacts(creation.Initializer, profile);
                case IInvocationOperation invocation when IsFluent(invocation, profile, types):
                    var self = ArgumentFor(invocation.Arguments, 0);
                    return self is null ? CacheFacts.Unknown : Value(self.Value, profile, types, depth + 1).And(FluentEffect(invocation, types, depth));
                case IInvocationOperation invocation when profile == Profile.CacheOptions && IsOptionsCreate(invocation, types):
                    var wrapped = ArgumentFor(invocation.Arguments, 0);
                    return wrapped is null ? CacheFacts.Unknown : Value(wrapped.Value, profile, types, depth + 1);
                case ILocalReferenceOperation local:
                    return LocalFacts(local.Local, Root(local), profile, types, depth + 1);
                case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                    return Value(conditional.WhenTrue, profile, types, depth + 1).Or(Value(whenFalse, profile, types, depth + 1));
                default:
                    return CacheFacts.Unknown;
            }
        }

        private static CacheFacts LocalFacts(ILocalSymbol local, IOperation root, Profile profile, CacheTypes types, int depth)
        {
            CacheFacts? sources = null;
            foreach (var source in LocalSources(local, root))
            {
                var facts = Value(source, profile, types, depth + 1);
                sources = sources is null ? facts : sources.Value.Or(facts);
            }
            if (sources is null)
                return CacheFacts.Unknown; // an out variable, a pattern: its value comes from elsewhere
            return sources.Value.And(LocalUses(local, root, profile, types, depth + 1));
        }

        /// <summary>Every value assigned to a local in the member: its initializer and each assignment.</summary>
        private static System.Collections.Generic.IEnumerable<IOperation> LocalSources(ILocalSymbol local, IOperation root)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (operation is IVariableDeclaratorOperation declarator && KnownTypes.Same(declarator.Symbol, local))
                {
                    var initializer = declarator.GetVariableInitializer();
                    if (initializer != null)
                        yield return initializer.Value;
                }
                else if (operation is ILocalReferenceOperation reference && KnownTypes.Same(reference.Local, local) &&
                         reference.Parent is IAssignmentOperation assignment && assignment.Target == reference)
                {
                    yield return assignment.Value;
                }
            }
        }

        private static CacheFacts LocalUses(ILocalSymbol local, IOperation root, Profile profile, CacheTypes types, int depth)
        {
            if (depth > MaxDepth)
                return CacheFacts.Unknown;
            var facts = CacheFacts.None;
            foreach (var operation in root.Descendants())
            {
                if (operation is ILocalReferenceOperation reference && KnownTypes.Same(reference.Local, local) &&
                    !(reference.Parent is IAssignmentOperation assignment && assignment.Target == reference))
                {
                    facts = facts.And(Flow(reference, profile, types, depth + 1));
                }
            }
            return facts;
        }

        /// <summary>What is done to the object an operation produces, after it is produced.</summary>
        private static CacheFacts Flow(IOperation produced, Profile profile, CacheTypes types, int depth)
        {
            if (depth > MaxDepth)
                return CacheFacts.Unknown;
            var current = produced;
            var parent = current.Parent;
            while (parent is IConversionOperation)
            {
                current = parent;
                parent = parent.Parent;
            }
            switch (parent)
            {
                case IPropertyReferenceOperation property when property.Instance == current:
                    if (property.Parent is ISimpleAssignmentOperation assignment && assignment.Target == property)
                        return OnAssign(property.Property.Name, assignment.Value, profile);
                    if (property.Parent is IAssignmentOperation other && other.Target == property)
                        return CacheFacts.Unknown;
                    return OnRead(property.Property.Name, profile);
                case IInvocationOperation invocation when invocation.Instance == current:
                    return CacheFacts.None; // Dispose(), GetType(): nothing a setting depends on
                case IArgumentOperation { Parent: IInvocationOperation invocation } argument:
                    if (argument.Parameter?.Ordinal == 0 && IsFluent(invocation, profile, types))
                        return FluentEffect(invocation, types, depth).And(Flow(invocation, profile, types, depth + 1));
                    return IsConsumer(invocation, argument, profile, types) ? CacheFacts.None : CacheFacts.Unknown;
                case IArgumentOperation { Parent: IObjectCreationOperation creation }:
                    return profile == Profile.CacheOptions && types.IsMemoryCacheCreation(creation) ? CacheFacts.None : CacheFacts.Unknown;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return LocalUses(declarator.Symbol, Root(declarator), profile, types, depth + 1);
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } copy when copy.Value == current:
                    return LocalUses(target.Local, Root(copy), profile, types, depth + 1);
                case IExpressionStatementOperation:
                case IUsingOperation:
                    return CacheFacts.None;
                default:
                    return CacheFacts.Unknown;
            }
        }

        private static CacheFacts InitializerFacts(IObjectOrCollectionInitializerOperation? initializer, Profile profile)
        {
            var facts = CacheFacts.None;
            if (initializer is null)
                return facts;
            foreach (var member in initializer.Initializers)
            {
                if (member is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment)
                    facts = facts.And(OnAssign(property.Property.Name, assignment.Value, profile));
                else if (member is IMemberInitializerOperation { InitializedMember: IPropertyReferenceOperation initialized })
                    facts = facts.And(OnRead(initialized.Property.Name, profile));
            }
            return facts;
        }

        private static CacheFacts OnAssign(string property, IOperation value, Profile profile)
        {
            if (profile == Profile.CacheOptions)
                return property == "SizeLimit" ? CacheFacts.SizeSet(Assigned(value)) : CacheFacts.None;
            return property switch
            {
                "Size" => CacheFacts.SizeSet(Assigned(value)),
                "AbsoluteExpiration" or "AbsoluteExpirationRelativeToNow" or "SlidingExpiration" => CacheFacts.ExpirationSet(Assigned(value)),
                _ => CacheFacts.None,
            };
        }

        /// <summary>Reading <c>ExpirationTokens</c> is how a token is added to it.</summary>
        private static CacheFacts OnRead(string property, Profile profile) =>
            profile == Profile.Entry && property == "ExpirationTokens" ? CacheFacts.ExpirationSet(Presence.Yes) : CacheFacts.None;

        /// <summary>Whether an assigned value is a setting: null is none; a nullable variable may be either.</summary>
        private static Presence Assigned(IOperation value)
        {
            var operand = OperationTree.Unwrap(value);
            if (operand.ConstantValue.HasValue)
                return operand.ConstantValue.Value is null ? Presence.No : Presence.Yes;
            if (operand.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T })
                return operand is IDefaultValueOperation ? Presence.No : Presence.Unknown;
            return Presence.Yes;
        }

        private static bool IsCreatedType(ITypeSymbol? type, Profile profile, CacheTypes types) =>
            KnownTypes.Same(type, profile == Profile.Entry ? types.MemoryCacheEntryOptions : types.MemoryCacheOptions);

        /// <summary>The Set*/Add* extensions on ICacheEntry and MemoryCacheEntryOptions that return their receiver.</summary>
        private static bool IsFluent(IInvocationOperation invocation, Profile profile, CacheTypes types)
        {
            if (profile != Profile.Entry || !invocation.TargetMethod.IsExtensionMethod)
                return false;
            var type = invocation.TargetMethod.ContainingType;
            return KnownTypes.Same(type, types.CacheEntryExtensions) || KnownTypes.Same(type, types.MemoryCacheEntryExtensions);
        }

        private static CacheFacts FluentEffect(IInvocationOperation invocation, CacheTypes types, int depth)
        {
            switch (invocation.TargetMethod.Name)
            {
                case "SetSize":
                    return CacheFacts.SizeSet(Presence.Yes);
                case "SetAbsoluteExpiration":
                case "SetSlidingExpiration":
                case "AddExpirationToken":
                    return CacheFacts.ExpirationSet(Presence.Yes);
                case "SetOptions":
                    var options = ArgumentFor(invocation.Arguments, 1);
                    return options is null ? CacheFacts.Unknown : Value(options.Value, Profile.Entry, types, depth + 1);
                case "SetPriority":
                case "SetValue":
                case "RegisterPostEvictionCallback":
                    return CacheFacts.None;
                default:
                    return CacheFacts.Unknown;
            }
        }

        /// <summary>Arguments that read the object without changing it: the options of a cache write, of SetOptions, of Options.Create.</summary>
        private static bool IsConsumer(IInvocationOperation invocation, IArgumentOperation argument, Profile profile, CacheTypes types)
        {
            var method = invocation.TargetMethod;
            if (profile == Profile.CacheOptions)
                return IsOptionsCreate(invocation, types);
            if (KnownTypes.Same(method.ContainingType, types.CacheExtensions))
                return KnownTypes.Same(argument.Parameter?.Type, types.MemoryCacheEntryOptions);
            return method.Name == "SetOptions" && argument.Parameter?.Ordinal == 1 && IsFluent(invocation, profile, types);
        }

        private static bool IsOptionsCreate(IInvocationOperation invocation, CacheTypes types) =>
            invocation.TargetMethod.Name == "Create" && KnownTypes.Same(invocation.TargetMethod.ContainingType, types.Options);

        private static IObjectCreationOperation? OptionsCreation(IOperation value, CacheTypes types, int depth)
        {
            if (depth > MaxDepth)
                return null;
            value = OperationTree.Unwrap(value);
            switch (value)
            {
                case IObjectCreationOperation creation when KnownTypes.Same(creation.Type, types.MemoryCacheOptions):
                    return creation;
                case IInvocationOperation invocation when IsOptionsCreate(invocation, types):
                    var wrapped = ArgumentFor(invocation.Arguments, 0);
                    return wrapped is null ? null : OptionsCreation(wrapped.Value, types, depth + 1);
                case ILocalReferenceOperation local:
                    IObjectCreationOperation? single = null;
                    foreach (var source in LocalSources(local.Local, Root(local)))
                    {
                        if (single != null)
                            return null;
                        single = OptionsCreation(source, types, depth + 1);
                        if (single is null)
                            return null;
                    }
                    return single;
                default:
                    return null;
            }
        }
    }
}
