using System;
using Microsoft.CodeAnalysis;

namespace Guard.Analyzers.Rules.GRD002
{
    /// <summary>
    /// A map from names to services (<c>Dictionary&lt;string, ExchangeClient&gt;</c>, <c>TokenRegistry</c> per API,
    /// a logger per category) is a registry: one entry per configured API, environment or topic, not per request.
    /// Leaks hold data (responses, orders, ticks), so a map whose values are services is not reported.
    /// </summary>
    internal static class ServiceRegistries
    {
        private static readonly string[] ServiceSuffixes =
        {
            "Client", "Api", "API", "Registry", "Provider", "Factory", "Manager", "Service", "Connection", "Channel",
            "Pool", "Limiter", "Logger", "Environment", "Serializer",
            "Handler", "Session", "Socket", "Gate",
        };

        public static bool IsRegistryOf(INamedTypeSymbol mapType)
        {
            if (mapType.TypeArguments.Length < 2)
                return false;
            return IsServiceType(mapType.TypeArguments[mapType.TypeArguments.Length - 1]);
        }

        private static bool IsServiceType(ITypeSymbol type)
        {
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
                type = nullable.TypeArguments[0];
            if (type.SpecialType != SpecialType.None || type.TypeKind is not (TypeKind.Class or TypeKind.Interface))
                return false;
            var name = type.Name;
            foreach (var suffix in ServiceSuffixes)
            {
                if (name.EndsWith(suffix, StringComparison.Ordinal))
                    return true;
            }
            return false;
        }
    }
}
