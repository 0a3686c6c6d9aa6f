using Microsoft.CodeAnalysis;

namespace Guard.Analyzers.Infrastructure
{
    /// <summary>Guard's marker attributes are matched by name in any namespace, so users declare their own.</summary>
    internal static class GuardAttributes
    {
        public const string RetryWrapper = "RetryWrapper";
        public const string NonIdempotent = "NonIdempotent";
        public const string Idempotent = "Idempotent";

        public static bool Has(ISymbol symbol, string shortName)
        {
            foreach (var attribute in symbol.GetAttributes())
            {
                var name = attribute.AttributeClass?.Name;
                if (name is null)
                    continue;
                if (name == shortName || (name.Length == shortName.Length + 9 && name.StartsWith(shortName, System.StringComparison.Ordinal) && name.EndsWith("Attribute", System.StringComparison.Ordinal)))
                    return true;
            }
            return false;
        }
    }
}
