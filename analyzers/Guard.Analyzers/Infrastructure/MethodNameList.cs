using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Guard.Analyzers.Infrastructure
{
    /// <summary>
    /// A user-supplied list of methods: each entry is <c>Method</c>, <c>Type.Method</c> or
    /// <c>Namespace.Type.Method</c>. Matched by name first, so a miss costs no symbol work.
    /// </summary>
    internal readonly struct MethodNameList
    {
        private readonly ImmutableArray<string> _entries;

        public MethodNameList(ImmutableArray<string> entries) => _entries = entries.IsDefault ? ImmutableArray<string>.Empty : entries;

        public bool IsEmpty => _entries.IsDefaultOrEmpty;

        public bool Matches(IMethodSymbol method)
        {
            if (IsEmpty)
                return false;
            var name = method.Name;
            foreach (var entry in _entries)
            {
                if (!entry.EndsWith(name, StringComparison.Ordinal))
                    continue;
                if (entry.Length == name.Length)
                    return true;
                if (entry[entry.Length - name.Length - 1] != '.')
                    continue;
                var typePart = entry.Substring(0, entry.Length - name.Length - 1);
                var type = method.ContainingType;
                if (type is null)
                    continue;
                if (typePart == type.Name || typePart == type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None)))
                    return true;
            }
            return false;
        }
    }
}
