using System.Collections.Generic;
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
        private readonly Dictionary<INamedTypeSymbol, CollectionKind> _collections = new Dictionary<INamedTypeSymbol, CollectionKind>(SymbolEqualityComparer.Default);

        public CacheTypes(Compilation compilation)
        {
            var known = GuardCompilationContext.For(compilation).Types;
            Add(compilation, "System.Collections.Generic.Dictionary`2", CollectionShape.Keyed, false);
            Add(compilation, "System.Collections.Generic.SortedDictionary`2", CollectionShape.Keyed, false);
            Add(compilation, "System.Collections.Generic.SortedList`2", CollectionShape.Keyed, false);
            Add(compilation, "System.Collections.Concurrent.ConcurrentDictionary`2", CollectionShape.Keyed, false);
            Add(compilation, "System.Collections.Immutable.ImmutableDictionary`2", CollectionShape.Keyed, true);
            Add(compilation, "System.Collections.Immutable.ImmutableSortedDictionary`2", CollectionShape.Keyed, true);
            Add(compilation, "System.Collections.Generic.HashSet`1", CollectionShape.Set, false);
            Add(compilation, "System.Collections.Generic.SortedSet`1", CollectionShape.Set, false);
            Add(compilation, "System.Collections.Immutable.ImmutableHashSet`1", CollectionShape.Set, true);
            Add(compilation, "System.Collections.Immutable.ImmutableSortedSet`1", CollectionShape.Set, true);
            Add(known.List, CollectionShape.Sequence, false);
            Add(compilation, "System.Collections.Generic.Queue`1", CollectionShape.Sequence, false);
            Add(compilation, "System.Collections.Generic.Stack`1", CollectionShape.Sequence, false);
            Add(compilation, "System.Collections.Generic.LinkedList`1", CollectionShape.Sequence, false);
            Add(compilation, "System.Collections.Concurrent.ConcurrentQueue`1", CollectionShape.Sequence, false);
            Add(compilation, "System.Collections.Concurrent.ConcurrentStack`1", CollectionShape.Sequence, false);
            Add(compilation, "System.Collections.Concurrent.ConcurrentBag`1", CollectionShape.Sequence, false);
            Add(compilation, "System.Collections.Immutable.ImmutableList`1", CollectionShape.Sequence, true);

            MemoryCache = known.MemoryCache;
            MemoryCacheInterface = known.MemoryCacheInterface;
            MemoryCacheOptions = known.MemoryCacheOptions;
            MemoryCacheEntryOptions = known.MemoryCacheEntryOptions;
            CacheEntry = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.ICacheEntry");
            CacheExtensions = known.CacheExtensions;
            CacheEntryExtensions = known.CacheEntryExtensions;
            MemoryCacheEntryExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.MemoryCacheEntryExtensions");
            Options = compilation.GetTypeByMetadataName("Microsoft.Extensions.Options.Options");
            ImmutableInterlocked = compilation.GetTypeByMetadataName("System.Collections.Immutable.ImmutableInterlocked");
            HostedService = compilation.GetTypeByMetadataName("Microsoft.Extensions.Hosting.IHostedService");
            Type = compilation.GetTypeByMetadataName("System.Type");
            MemberInfo = compilation.GetTypeByMetadataName("System.Reflection.MemberInfo");
            Assembly = compilation.GetTypeByMetadataName("System.Reflection.Assembly");
            Module = compilation.GetTypeByMetadataName("System.Reflection.Module");
            ParameterInfo = compilation.GetTypeByMetadataName("System.Reflection.ParameterInfo");
            JsonSerializerContext = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonSerializerContext");
            GenericCollection = compilation.GetTypeByMetadataName("System.Collections.Generic.ICollection`1");
            NonGenericList = compilation.GetTypeByMetadataName("System.Collections.IList");
            NonGenericDictionary = compilation.GetTypeByMetadataName("System.Collections.IDictionary");
        }

        public INamedTypeSymbol? MemoryCache { get; }
        public INamedTypeSymbol? MemoryCacheInterface { get; }
        public INamedTypeSymbol? MemoryCacheOptions { get; }
        public INamedTypeSymbol? MemoryCacheEntryOptions { get; }
        public INamedTypeSymbol? CacheEntry { get; }
        public INamedTypeSymbol? CacheExtensions { get; }
        public INamedTypeSymbol? CacheEntryExtensions { get; }
        public INamedTypeSymbol? MemoryCacheEntryExtensions { get; }
        public INamedTypeSymbol? Options { get; }
        public INamedTypeSymbol? ImmutableInterlocked { get; }
        public INamedTypeSymbol? HostedService { get; }
        public INamedTypeSymbol? Type { get; }
        public INamedTypeSymbol? MemberInfo { get; }
        public INamedTypeSymbol? Assembly { get; }
        public INamedTypeSymbol? Module { get; }
        public INamedTypeSymbol? ParameterInfo { get; }

        /// <summary>Source-generated serializer metadata: one instance per context class (its Default), like a Type.</summary>
        public INamedTypeSymbol? JsonSerializerContext { get; }
        public INamedTypeSymbol? GenericCollection { get; }
        public INamedTypeSymbol? NonGenericList { get; }
        public INamedTypeSymbol? NonGenericDictionary { get; }

        public bool HasMemoryCache => MemoryCache != null && MemoryCacheInterface != null;

        public bool TryGetCollection(ITypeSymbol? type, out CollectionKind kind)
        {
            kind = default;
            return type is INamedTypeSymbol named && _collections.TryGetValue(named.OriginalDefinition, out kind);
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

        private void Add(Compilation compilation, string metadataName, CollectionShape shape, bool immutable) =>
            Add(compilation.GetTypeByMetadataName(metadataName), shape, immutable);

        private void Add(INamedTypeSymbol? type, CollectionShape shape, bool immutable)
        {
            if (type != null)
                _collections[type] = new CollectionKind(shape, immutable);
        }
    }
}
