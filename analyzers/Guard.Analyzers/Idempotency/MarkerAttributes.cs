using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Guard.Analyzers.Idempotency
{
    /// <summary>
    /// Whether [NonIdempotent] and [Idempotent] exist anywhere the compilation can see, found once per compilation
    /// from name tables, so that a compilation without them reads no attributes of the methods it calls. Asked on
    /// first use, not at compilation start: the name tables are the compiler's declaration table and the referenced
    /// assemblies, and the first to ask pays for building them (a tenth of Guard's time in a csc build).
    /// </summary>
    internal sealed class MarkerAttributes
    {
        // One per compilation, shared by GRD001, GRD004 and the fixes.
        private static readonly ConditionalWeakTable<Compilation, MarkerAttributes> Cache = new ConditionalWeakTable<Compilation, MarkerAttributes>();

        private readonly Lazy<bool> _nonIdempotent;
        private readonly Lazy<bool> _idempotent;

        private MarkerAttributes(Compilation compilation)
        {
            _nonIdempotent = new Lazy<bool>(() => Declares(compilation, GuardAttributes.NonIdempotent), LazyThreadSafetyMode.PublicationOnly);
            _idempotent = new Lazy<bool>(() => Declares(compilation, GuardAttributes.Idempotent), LazyThreadSafetyMode.PublicationOnly);
        }

        public bool MayHaveNonIdempotent => _nonIdempotent.Value;
        public bool MayHaveIdempotent => _idempotent.Value;

        public static MarkerAttributes Of(Compilation compilation) => Cache.GetValue(compilation, c => new MarkerAttributes(c));

        private static bool Declares(Compilation compilation, string name)
        {
            var attributeName = name + "Attribute";
            if (compilation.ContainsSymbolsWithName(attributeName, SymbolFilter.Type) || compilation.ContainsSymbolsWithName(name, SymbolFilter.Type))
                return true;
            return compilation.SourceModule.ReferencedAssemblySymbols.Any(a => a.TypeNames.Contains(attributeName) || a.TypeNames.Contains(name));
        }
    }
}
