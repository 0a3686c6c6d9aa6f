using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Guard.Analyzers.Caching;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD005
{
    /// <summary>
    /// GRD005: an entry written without a Size to a MemoryCache created with a SizeLimit, which throws
    /// InvalidOperationException when the entry is committed. The cache is tied to the write through a local
    /// of the same member, or a field of the writing type whose every assignment is such a creation. Each type
    /// is analyzed on its own (symbol start/end), so the diagnostic shows live in the editor.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class MemoryCacheEntryWithoutSizeAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(GuardDescriptors.MemoryCacheEntryWithoutSize);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Skipped);
            context.RegisterCompilationStartAction(start =>
            {
                // Types are asked in the callbacks, not here: the first lookup would bind the compilation (LazyType).
                var types = new CacheTypes(start.Compilation);
                // A cache in a local is judged where it is written; one in a field needs the whole type, so only a
                // type that declares such a field gets the per-type actions (registering them for every type of a
                // large compilation cost more than the rule's own work).
                start.RegisterOperationAction(c => OnLocalCacheWrite(c, types), OperationKind.Invocation);
                start.RegisterSymbolStartAction(symbolStart =>
                {
                    var type = (INamedTypeSymbol)symbolStart.Symbol;
                    if (!types.HasMemoryCache || types.CacheExtensions is null || !DeclaresCacheField(type, types))
                        return;
                    var state = new TypeState(type, types);
                    symbolStart.RegisterOperationAction(state.OnInvocation, OperationKind.Invocation);
                    symbolStart.RegisterOperationAction(state.OnObjectCreation, OperationKind.ObjectCreation);
                    symbolStart.RegisterOperationAction(state.OnFieldReference, OperationKind.FieldReference);
                    symbolStart.RegisterOperationAction(state.OnFieldInitializer, OperationKind.FieldInitializer);
                    symbolStart.RegisterSymbolEndAction(state.Report);
                }, SymbolKind.NamedType);
            });
        }

        private static void OnLocalCacheWrite(OperationAnalysisContext context, CacheTypes types)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!MemoryCacheFacts.IsWriteName(invocation.TargetMethod.Name) || !types.HasMemoryCache || types.CacheExtensions is null ||
                !MemoryCacheFacts.TryGetWrite(invocation, types, out var write))
                return;
            if (write.Facts.Size == Presence.No && write.Receiver is ILocalReferenceOperation local && MemoryCacheFacts.LocalCacheSizeLimit(local, types) == Presence.Yes)
                context.ReportDiagnostic(Create(invocation.Syntax.GetLocation(), local.Local.Name + "." + invocation.TargetMethod.Name));
        }

        private static bool DeclaresCacheField(INamedTypeSymbol type, CacheTypes types)
        {
            foreach (var member in type.GetMembers())
            {
                if (member is IFieldSymbol field && types.IsMemoryCacheHolderType(field.Type))
                    return true;
            }
            return false;
        }

        private static Diagnostic Create(Location write, string call) =>
            Diagnostic.Create(GuardDescriptors.MemoryCacheEntryWithoutSize, write, call);

        private sealed class TypeState
        {
            private readonly INamedTypeSymbol _type;
            private readonly CacheTypes _types;
            private readonly ConcurrentDictionary<IFieldSymbol, FieldCaches> _fields = new ConcurrentDictionary<IFieldSymbol, FieldCaches>(SymbolEqualityComparer.Default);

            public TypeState(INamedTypeSymbol type, CacheTypes types)
            {
                _type = type;
                _types = types;
            }

            public void OnInvocation(OperationAnalysisContext context)
            {
                var invocation = (IInvocationOperation)context.Operation;
                if (!MemoryCacheFacts.IsWriteName(invocation.TargetMethod.Name) || !MemoryCacheFacts.TryGetWrite(invocation, _types, out var write))
                    return;
                if (write.Facts.Size == Presence.No && write.Receiver is IFieldReferenceOperation field && IsOwned(field.Field))
                    Fields(field.Field).AddWrite(invocation.Syntax.GetLocation(), invocation.TargetMethod.Name);
            }

            public void OnObjectCreation(OperationAnalysisContext context)
            {
                var creation = (IObjectCreationOperation)context.Operation;
                if (!_types.IsMemoryCacheCreation(creation) || MemoryCacheFacts.HolderOf(creation) is not IFieldSymbol field || !IsOwned(field))
                    return;
                Fields(field).AddCreation(MemoryCacheFacts.SizeLimitOf(creation, _types));
            }

            /// <summary>Any other assignment (a constructor parameter, a factory) means the field may hold another cache.</summary>
            public void OnFieldReference(OperationAnalysisContext context)
            {
                var reference = (IFieldReferenceOperation)context.Operation;
                if (!_types.IsMemoryCacheHolderType(reference.Field.Type) || !IsOwned(reference.Field))
                    return;
                if (FieldUses.ClassifyCache(reference, _types, out _) == FieldUse.Reset)
                    Fields(reference.Field).AddCreation(Presence.Unknown);
            }

            public void OnFieldInitializer(OperationAnalysisContext context)
            {
                var initializer = (IFieldInitializerOperation)context.Operation;
                var value = OperationTree.Unwrap(initializer.Value);
                if (value is IObjectCreationOperation || value.ConstantValue.HasValue || value is IDefaultValueOperation)
                    return; // a creation is analyzed on its own; null is no cache at all
                foreach (var field in initializer.InitializedFields)
                {
                    if (_types.IsMemoryCacheHolderType(field.Type) && IsOwned(field))
                        Fields(field).AddCreation(Presence.Unknown);
                }
            }

            public void Report(SymbolAnalysisContext context)
            {
                foreach (var pair in _fields)
                {
                    var field = pair.Key;
                    // Code that is not analyzed with this type may store another cache in a writable field:
                    // other assemblies, and nested types (analyzed on their own).
                    if (!field.IsReadOnly && (IsVisibleOutsideAssembly(field) || !_type.GetTypeMembers().IsEmpty))
                        continue;
                    var caches = pair.Value;
                    if (!caches.AllCreatedWithSizeLimit)
                        continue;
                    foreach (var (location, method) in caches.Writes)
                        context.ReportDiagnostic(Create(location, field.Name + "." + method));
                }
            }

            /// <summary>A field declared in the analyzed type: only its code is seen.</summary>
            private bool IsOwned(IFieldSymbol field) => SymbolEqualityComparer.Default.Equals(field.ContainingType?.OriginalDefinition, _type);

            private FieldCaches Fields(IFieldSymbol field) => _fields.GetOrAdd(field.OriginalDefinition, _ => new FieldCaches());

            private static bool IsVisibleOutsideAssembly(ISymbol symbol)
            {
                for (var current = symbol; current != null && current.Kind != SymbolKind.Namespace; current = current.ContainingSymbol)
                {
                    if (current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal))
                        return false;
                }
                return true;
            }
        }

        /// <summary>What a field is assigned and the size-less writes made to it.</summary>
        private sealed class FieldCaches
        {
            private readonly object _gate = new object();
            private readonly List<(Location Location, string Method)> _writes = new List<(Location, string)>();
            private int _withLimit;
            private bool _other;

            public bool AllCreatedWithSizeLimit
            {
                get
                {
                    lock (_gate)
                        return _withLimit > 0 && !_other;
                }
            }

            public List<(Location Location, string Method)> Writes
            {
                get
                {
                    lock (_gate)
                        return new List<(Location, string)>(_writes);
                }
            }

            public void AddCreation(Presence sizeLimit)
            {
                lock (_gate)
                {
                    if (sizeLimit == Presence.Yes)
                        _withLimit++;
                    else
                        _other = true;
                }
            }

            public void AddWrite(Location location, string method)
            {
                lock (_gate)
                    _writes.Add((location, method));
            }
        }
    }
}
