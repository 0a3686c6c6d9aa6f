using System.Linq;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Guard.Analyzers.Idempotency
{
    /// <summary>
    /// Whether [NonIdempotent] and [Idempotent] exist anywhere the compilation can see, found once per compilation
    /// from name tables, so that a compilation without them reads no attributes of the methods it calls.
    /// </summary>
    internal sealed class MarkerAttributes
    {
        private MarkerAttributes(bool nonIdempotent, bool idempotent)
        {
            MayHaveNonIdempotent = nonIdempotent;
            MayHaveIdempotent = idempotent;
        }

        public bool MayHaveNonIdempotent { get; }
        public bool MayHaveIdempotent { get; }

        public static MarkerAttributes Of(Compilation compilation) => new MarkerAttributes(
            Declares(compilation, GuardAttributes.NonIdempotent),
            Declares(compilation, GuardAttributes.Idempotent));

        private static bool Declares(Compilation compilation, string name)
        {
            var attributeName = name + "Attribute";
            if (compilation.ContainsSymbolsWithName(attributeName, SymbolFilter.Type) || compilation.ContainsSymbolsWithName(name, SymbolFilter.Type))
                return true;
            return compilation.SourceModule.ReferencedAssemblySymbols.Any(a => a.TypeNames.Contains(attributeName) || a.TypeNames.Contains(name));
        }
    }
}
