using System;
using System.Collections.Generic;
using System.Threading;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Caching
{
    /// <summary>How a collection grows and what bounds it.</summary>
    internal enum CollectionShape
    {
        /// <summary>Dictionary-like: grows by key; a key type with few values bounds it.</summary>
        Keyed,

        /// <summary>Set-like: grows by element; an element type with few values bounds it.</summary>
        Set,

        /// <summary>List, queue, stack or bag: grows by every write whatever the element.</summary>
        Sequence,
    }

    internal readonly struct CollectionKind
    {
        public CollectionKind(CollectionShape shape, bool immutable)
        {
            Shape = shape;
            Immutable = immutable;
        }

        public CollectionShape Shape { get; }

        /// <summary>An immutable collection grows only when the field is reassigned with an added-to copy.</summary>
        public bool Immutable { get; }
    }

    /// <summary>The collection and caching types GRD002 and GRD005 ask about, resolved once per compilation.</summary>
    internal sealed class CacheTypes
    {
        private readonly Lazy<Dictionary<INamedTypeSymbol, CollectionKind>> _collections;

        private readonly KnownTypes _known;
        private readonly LazyType _cacheEntry;
        private readonly LazyType _memoryCacheEntryExtensions;
        private readonly LazyType _options;
        private readonly LazyType _immutableInterlocked;
        private readonly LazyType _hostedService;
        private readonly LazyType _type;
        private readonly LazyType _memberInfo;
        private readonly LazyType _assembly;
        private readonly LazyType _module;
        private readonly LazyType _parameterInfo;
        private readonly LazyType _jsonSerializerContext;
        private readonly LazyType _genericCollection;
        private readonly LazyType _nonGenericList;
        private readonly LazyType _nonGenericDictionary;

        public CacheTypes(Compilation compilation)
        {
            var known = GuardCompilationContext.For(compilation).Types;
            _known = known;
            _collections = new Lazy<Dictionary<INamedTypeSymbol, CollectionKind>>(() => Collections(compilation, known), LazyThreadSafetyMode.PublicationOnly);
            _cacheEntry = new LazyType(compilation, "Microsoft.Extensions.Caching.Memory.ICacheEntry");
            _memoryCacheEntryExtensions = new LazyType(compilation, "Microsoft.Extensions.Caching.Memory.MemoryCacheEntryExtensions");
            _options = new LazyType(compilation, "Microsoft.Extensions.Options.Options");
            _immutableInterlocked = new LazyType(compilation, "System.Collections.Immutable.ImmutableInterlocked");
            _hostedService = new LazyType(compilation, "Microsoft.Extensions.Hosting.IHostedService");
            _type = new LazyType(compilation, "System.Type");
            _memberInfo = new LazyType(compilation, "System.Reflection.MemberInfo");
            _assembly = new LazyType(compilation, "System.Reflection.Assembly");
            _module = new LazyType(compilation, "System.Reflection.Module");
            _parameterInfo = new LazyType(compilation, "System.Reflection.ParameterInfo");
            _jsonSerializerContext = new LazyType(compilation, "System.Text.Json.Serialization.JsonSerializerContext");
            _genericCollection = new LazyType(compilation, "System.Collections.Generic.ICollection`1");
            _nonGenericList = new LazyType(compilation, "System.Collections.IList");
            _nonGenericDictionary = new LazyType(compilation, "System.Collections.IDictionary");
        }

        public INamedTypeSymbol? MemoryCache => _known.MemoryCache;
        public INamedTypeSymbol? MemoryCacheInterface => _known.MemoryCacheInterface;
        public INamedTypeSymbol? MemoryCacheOptions => _known.MemoryCacheOptions;
        public INamedTypeSymbol? MemoryCacheEntryOptions => _known.MemoryCacheEntryOptions;
        public INamedTypeSymbol? CacheEntry => _cacheEntry.Value;
        public INamedTypeSymbol? CacheExtensions => _known.CacheExtensions;
        public INamedTypeSymbol? CacheEntryExtensions => _known.CacheEntryExtensions;
        public INamedTypeSymbol? MemoryCacheEntryExtensions => _memoryCacheEntryExtensions.Value;
        public INamedTypeSymbol? Options => _options.Value;
        public INamedTypeSymbol? ImmutableInterlocked => _immutableInterlocked.Value;
        public INamedTypeSymbol? HostedService => _hostedService.Value;
        public INamedTypeSymbol? Type => _type.Value;
        public INamedTypeSymbol? MemberInfo => _memberInfo.Value;
        public INamedTypeSymbol? Assembly => _assembly.Value;
        public INamedTypeSymbol? Module => _module.Value;
        public INamedTypeSymbol? ParameterInfo => _parameterInfo.Value;

        /// <summary>Source-generated serializer metadata: one instance per context class (its Default), like a Type.</summary>
        public INamedTypeSymbol? JsonSerializerContext => _jsonSerializerContext.Value;
        public INamedTypeSymbol? GenericCollection => _genericCollection.Value;
        public INamedTypeSymbol? NonGenericList => _nonGenericList.Value;
        public INamedTypeSymbol? NonGenericDictionary => _nonGenericDictionary.Value;

        public bool HasMemoryCache => MemoryCache != null && MemoryCacheInterface != null;

        public bool TryGetCollection(ITypeSymbol? type, out CollectionKind kind)
        {
            kind = default;
            return type is INamedTypeSymbol named && _collections.Value.TryGetValue(named.OriginalDefinition, out kind);
        }

        /// <summary>A field or local of this type can hold a MemoryCache: MemoryCache itself or IMemoryCache.</summary>
        public bool IsMemoryCacheHolderType(ITypeSymbol? type) =>
            type != null && (KnownTypes.Same(type, MemoryCache) || KnownTypes.Same(type, MemoryCacheInterface));

        public bool IsMemoryCacheCreation(IObjectCreationOperation creation) =>
            KnownTypes.Same(creation.Constructor?.ContainingType, MemoryCache);

        /// <summary>
        /// A key or element type with a small, fixed set of values, or one bounded by the program's own code
        /// (a Type, a reflection member, a JsonSerializerContext, or a tuple with one): a cache keyed by it cannot grow for ever.
        /// </summary>
        public bool IsBoundedDomain(ITypeSymbol type)
        {
            if (type.TypeKind == TypeKind.Enum)
                return true;
            switch (type.SpecialType)
            {
                case SpecialType.System_Boolean:
                case SpecialType.System_Byte:
                case SpecialType.System_SByte:
                case SpecialType.System_Char:
                    return true;
            }
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
                return IsBoundedDomain(nullable.TypeArguments[0]);
            if (IsCodeMetadataType(type))
                return true;
            if (type.IsTupleType && type is INamedTypeSymbol tuple)
            {
                var allBounded = true;
                foreach (var element in tuple.TupleElements)
                {
                    if (IsCodeMetadataType(element.Type))
                        return true;
                    allBounded &= IsBoundedDomain(element.Type);
                }
                return allBounded;
            }
            return false;
        }

        private bool IsCodeMetadataType(ITypeSymbol type) =>
            KnownTypes.IsOrDerivesFrom(type, Type) || KnownTypes.IsOrDerivesFrom(type, MemberInfo) ||
            KnownTypes.IsOrDerivesFrom(type, Assembly) || KnownTypes.IsOrDerivesFrom(type, Module) ||
            KnownTypes.IsOrDerivesFrom(type, ParameterInfo) || KnownTypes.IsOrDerivesFrom(type, JsonSerializerContext);

        /// <summary>True when a method taking a parameter of this type could add to or remove from a collection passed to it.</summary>
        public bool IsMutableCollectionParameter(ITypeSymbol type)
        {
            if (type is ITypeParameterSymbol)
                return false;
            if (IsMutableCollectionInterface(type))
                return true;
            foreach (var iface in type.AllInterfaces)
            {
                if (IsMutableCollectionInterface(iface))
                    return true;
            }
            return false;
        }

        private bool IsMutableCollectionInterface(ITypeSymbol type) =>
            KnownTypes.Same(type.OriginalDefinition, GenericCollection) || KnownTypes.Same(type, NonGenericList) || KnownTypes.Same(type, NonGenericDictionary);

        private static Dictionary<INamedTypeSymbol, CollectionKind> Collections(Compilation compilation, KnownTypes known)
        {
            var collections = new Dictionary<INamedTypeSymbol, CollectionKind>(SymbolEqualityComparer.Default);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Generic.Dictionary`2"), CollectionShape.Keyed, false);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Generic.SortedDictionary`2"), CollectionShape.Keyed, false);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Generic.SortedList`2"), CollectionShape.Keyed, false);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Concurrent.ConcurrentDictionary`2"), CollectionShape.Keyed, false);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Immutable.ImmutableDictionary`2"), CollectionShape.Keyed, true);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Immutable.ImmutableSortedDictionary`2"), CollectionShape.Keyed, true);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Generic.HashSet`1"), CollectionShape.Set, false);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Generic.SortedSet`1"), CollectionShape.Set, false);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Immutable.ImmutableHashSet`1"), CollectionShape.Set, true);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Immutable.ImmutableSortedSet`1"), CollectionShape.Set, true);
            Add(collections, known.List, CollectionShape.Sequence, false);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Generic.Queue`1"), CollectionShape.Sequence, false);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Generic.Stack`1"), CollectionShape.Sequence, false);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Generic.LinkedList`1"), CollectionShape.Sequence, false);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Concurrent.ConcurrentQueue`1"), CollectionShape.Sequence, false);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Concurrent.ConcurrentStack`1"), CollectionShape.Sequence, false);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Concurrent.ConcurrentBag`1"), CollectionShape.Sequence, false);
            Add(collections, compilation.GetTypeByMetadataName("System.Collections.Immutable.ImmutableList`1"), CollectionShape.Sequence, true);
            return collections;
        }

        private static void Add(Dictionary<INamedTypeSymbol, CollectionKind> collections, INamedTypeSymbol? type, CollectionShape shape, bool immutable)
        {
            if (type != null)
                collections[type] = new CollectionKind(shape, immutable);
        }
    }
}
