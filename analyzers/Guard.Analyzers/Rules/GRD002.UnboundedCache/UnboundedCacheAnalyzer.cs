using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Guard.Analyzers.Caching;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD002
{
    /// <summary>
    /// GRD002: a long-lived collection or MemoryCache that can only grow. Whether anything ever removes from a
    /// field is a fact of the whole compilation, so uses are collected per field and judged at its end.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnboundedCacheAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Set on a MemoryCache diagnostic the code fix can fix; the additional locations say where.</summary>
        public const string FixableProperty = "Fixable";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(GuardDescriptors.UnboundedCache);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Skipped);
            context.RegisterCompilationStartAction(start =>
            {
                var state = new CompilationState(start.Compilation, new CacheTypes(start.Compilation));
                start.RegisterOperationAction(state.OnFieldReference, OperationKind.FieldReference);
                start.RegisterOperationAction(state.OnInvocation, OperationKind.Invocation);
                start.RegisterOperationAction(state.OnObjectCreation, OperationKind.ObjectCreation);
                start.RegisterCompilationEndAction(state.Report);
            });
        }

        private sealed class CompilationState
        {
            private readonly Compilation _compilation;
            private readonly ConcurrentDictionary<IFieldSymbol, TrackedField> _fields = new ConcurrentDictionary<IFieldSymbol, TrackedField>(SymbolEqualityComparer.Default);
            private readonly SingletonRegistrations _singletons = new SingletonRegistrations();

            public CompilationState(Compilation compilation, CacheTypes types)
            {
                _compilation = compilation;
                Types = types;
            }

            public CacheTypes Types { get; }

            public void OnFieldReference(OperationAnalysisContext context)
            {
                var reference = (IFieldReferenceOperation)context.Operation;
                var field = reference.Field.OriginalDefinition;
                if (field.IsConst || !SymbolEqualityComparer.Default.Equals(field.ContainingAssembly, _compilation.Assembly) || HasErrors(field.Type))
                    return;
                if (Types.TryGetCollection(field.Type, out var kind))
                {
                    var use = FieldUses.ClassifyCollection(reference, kind, Types, context.ContainingSymbol);
                    if (use == FieldUse.Write && FieldUses.IsInitialization(reference, context.ContainingSymbol))
                        use = FieldUse.Neutral; // filling a lookup table in a constructor
                    if (use != FieldUse.Neutral)
                        Track(field).Record(use, reference, context.ContainingSymbol, null);
                }
                else if (Types.HasMemoryCache && Types.IsMemoryCacheHolderType(field.Type))
                {
                    var use = FieldUses.ClassifyCache(reference, Types, out var invocation);
                    CacheWrite? write = null;
                    if (use == FieldUse.Write)
                    {
                        if (invocation != null && MemoryCacheFacts.TryGetWrite(invocation, Types, out var analyzed))
                            write = analyzed;
                        else
                            use = FieldUse.Escape;
                    }
                    if (use != FieldUse.Neutral && use != FieldUse.Created)
                        Track(field).Record(use, reference, context.ContainingSymbol, write);
                }
            }

            public void OnObjectCreation(OperationAnalysisContext context)
            {
                var creation = (IObjectCreationOperation)context.Operation;
                if (!Types.HasMemoryCache || !Types.IsMemoryCacheCreation(creation))
                    return;
                if (MemoryCacheFacts.HolderOf(creation) is not IFieldSymbol holder)
                    return; // a local or a DI registration: see the rule's documentation
                holder = holder.OriginalDefinition;
                if (!SymbolEqualityComparer.Default.Equals(holder.ContainingAssembly, _compilation.Assembly) || !Types.IsMemoryCacheHolderType(holder.Type))
                    return;
                var options = MemoryCacheFacts.OptionsCreationOf(creation, Types);
                Track(holder).AddCreation(new CreationSite(
                    creation.Syntax.GetLocation(),
                    MemoryCacheFacts.SizeLimitOf(creation, Types),
                    options?.Syntax.SyntaxTree == creation.Syntax.SyntaxTree ? options.Syntax.GetLocation() : null));
            }

            public void OnInvocation(OperationAnalysisContext context)
            {
                var invocation = (IInvocationOperation)context.Operation;
                if (SingletonRegistrations.IsRegistrationName(invocation.TargetMethod.Name))
                    _singletons.Collect(invocation);
            }

            public void Report(CompilationAnalysisContext context)
            {
                if (_fields.IsEmpty)
                    return;
                var longLived = _singletons.LongLivedTypes();
                var isLibrary = _compilation.Options.OutputKind is OutputKind.DynamicallyLinkedLibrary or OutputKind.NetModule or OutputKind.WindowsRuntimeMetadata;
                foreach (var tracked in _fields.Values)
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    var field = tracked.Field;
                    if (isLibrary && IsVisibleOutsideAssembly(field))
                        continue; // other assemblies may trim it
                    if (!field.IsStatic && !IsLongLived(field.ContainingType, longLived))
                        continue;
                    if (Types.TryGetCollection(field.Type, out var kind))
                        ReportCollection(context, tracked, kind);
                    else
                        ReportCache(context, tracked);
                }
            }

            private void ReportCollection(CompilationAnalysisContext context, TrackedField tracked, CollectionKind kind)
            {
                var write = tracked.FirstWrite();
                if (write is null || tracked.Shrunk || tracked.Reset || tracked.Escaped)
                    return;
                if (kind.Shape != CollectionShape.Sequence && tracked.Field.Type is INamedTypeSymbol { TypeArguments.Length: > 0 } type &&
                    Types.IsBoundedDomain(type.TypeArguments[0]))
                    return;
                if (kind.Shape == CollectionShape.Keyed && tracked.Field.Type is INamedTypeSymbol map && ServiceRegistries.IsRegistryOf(map))
                    return;
                var location = tracked.Field.Locations.FirstOrDefault(l => l.IsInSource);
                if (location is null)
                    return;
                context.ReportDiagnostic(Diagnostic.Create(GuardDescriptors.UnboundedCache, location, tracked.Field.Name,
                    "it is added to in " + write.Value.Where + " and never removed from or cleared"));
            }

            private static void ReportCache(CompilationAnalysisContext context, TrackedField tracked)
            {
                var creations = tracked.Creations();
                if (creations.Count == 0 || tracked.Shrunk || tracked.Reset || tracked.Escaped)
                    return;
                foreach (var creation in creations)
                {
                    if (creation.SizeLimit != Presence.No)
                        return; // one assignment may bound it: not sure enough
                }
                var writes = tracked.CacheWrites();
                var neverExpires = writes.FirstOrDefault(w => w.Facts.Expiration == Presence.No);
                if (neverExpires.Location is null)
                    return; // nothing written, or every entry expires
                var reason = "the MemoryCache has no SizeLimit and the entries written in " + neverExpires.Where + " never expire";
                foreach (var creation in creations)
                {
                    var fixable = creation.OptionsLocation != null &&
                        writes.All(w => w.Location.SourceTree == creation.Location.SourceTree && w.Facts.Size != Presence.Unknown);
                    var additional = fixable
                        ? new[] { creation.OptionsLocation! }.Concat(writes.Where(w => w.Facts.Size == Presence.No).Select(w => w.Location))
                        : Enumerable.Empty<Location>();
                    var properties = fixable
                        ? ImmutableDictionary<string, string?>.Empty.Add(FixableProperty, "true")
                        : ImmutableDictionary<string, string?>.Empty;
                    context.ReportDiagnostic(Diagnostic.Create(GuardDescriptors.UnboundedCache, creation.Location, additional, properties, tracked.Field.Name, reason));
                }
            }

            /// <summary>A type that does not bind (broken code being typed): nothing to judge yet.</summary>
            private static bool HasErrors(ITypeSymbol type)
            {
                if (type.TypeKind == TypeKind.Error)
                    return true;
                if (type is INamedTypeSymbol named)
                {
                    foreach (var argument in named.TypeArguments)
                    {
                        if (HasErrors(argument))
                            return true;
                    }
                }
                return false;
            }

            private TrackedField Track(IFieldSymbol field) => _fields.GetOrAdd(field, f => new TrackedField(f));

            private bool IsLongLived(INamedTypeSymbol type, HashSet<INamedTypeSymbol> longLived)
            {
                if (longLived.Contains(type.OriginalDefinition))
                    return true;
                if (Types.HostedService is null)
                    return false;
                foreach (var iface in type.AllInterfaces)
                {
                    if (KnownTypes.Same(iface, Types.HostedService))
                        return true;
                }
                return false;
            }

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

        private readonly struct WriteSite
        {
            public WriteSite(Location location, string where, CacheFacts facts)
            {
                Location = location;
                Where = where;
                Facts = facts;
            }

            public Location Location { get; }
            public string Where { get; }
            public CacheFacts Facts { get; }
        }

        private readonly struct CreationSite
        {
            public CreationSite(Location location, Presence sizeLimit, Location? optionsLocation)
            {
                Location = location;
                SizeLimit = sizeLimit;
                OptionsLocation = optionsLocation;
            }

            public Location Location { get; }
            public Presence SizeLimit { get; }

            /// <summary>The MemoryCacheOptions creation a fix can add a SizeLimit to, in the same file.</summary>
            public Location? OptionsLocation { get; }
        }

        /// <summary>Everything seen of one field; written from concurrent operation actions.</summary>
        private sealed class TrackedField
        {
            private readonly object _gate = new object();
            private readonly List<WriteSite> _writes = new List<WriteSite>();
            private readonly List<CreationSite> _creations = new List<CreationSite>();

            public TrackedField(IFieldSymbol field) => Field = field;

            public IFieldSymbol Field { get; }
            public bool Shrunk { get; private set; }
            public bool Reset { get; private set; }
            public bool Escaped { get; private set; }

            public void Record(FieldUse use, IOperation reference, ISymbol? containingSymbol, CacheWrite? write)
            {
                lock (_gate)
                {
                    switch (use)
                    {
                        case FieldUse.Write:
                            var syntax = write?.Invocation.Syntax ?? reference.Syntax;
                            _writes.Add(new WriteSite(syntax.GetLocation(), Describe(containingSymbol), write?.Facts ?? CacheFacts.None));
                            break;
                        case FieldUse.Shrink:
                            Shrunk = true;
                            break;
                        case FieldUse.Reset:
                            Reset = true;
                            break;
                        default:
                            Escaped = true;
                            break;
                    }
                }
            }

            public void AddCreation(CreationSite creation)
            {
                lock (_gate)
                    _creations.Add(creation);
            }

            /// <summary>The first write in source order, so the message does not depend on analysis order.</summary>
            public WriteSite? FirstWrite()
            {
                var writes = CacheWrites();
                return writes.Count == 0 ? null : writes[0];
            }

            public List<WriteSite> CacheWrites()
            {
                lock (_gate)
                    return _writes.OrderBy(w => w.Location.SourceTree?.FilePath, System.StringComparer.Ordinal).ThenBy(w => w.Location.SourceSpan.Start).ToList();
            }

            public List<CreationSite> Creations()
            {
                lock (_gate)
                    return _creations.OrderBy(c => c.Location.SourceTree?.FilePath, System.StringComparer.Ordinal).ThenBy(c => c.Location.SourceSpan.Start).ToList();
            }

            private static string Describe(ISymbol? member)
            {
                if (member is null)
                    return "this code";
                var type = member.ContainingType?.Name ?? string.Empty;
                if (member is IMethodSymbol method)
                {
                    switch (method.MethodKind)
                    {
                        case MethodKind.Constructor:
                            return "the " + type + " constructor";
                        case MethodKind.StaticConstructor:
                            return "the " + type + " static constructor";
                        case MethodKind.PropertyGet:
                        case MethodKind.PropertySet:
                        case MethodKind.EventAdd:
                        case MethodKind.EventRemove:
                            if (method.AssociatedSymbol != null)
                                return type + "." + method.AssociatedSymbol.Name;
                            break;
                    }
                }
                return type + "." + member.Name;
            }
        }
    }
}
