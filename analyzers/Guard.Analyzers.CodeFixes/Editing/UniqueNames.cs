using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Guard.Analyzers.CodeFixes.Editing
{
    /// <summary>Fresh names for what a fix declares: a lambda parameter, a local, a new member.</summary>
    internal static class UniqueNames
    {
        /// <summary>
        /// The first candidate (then candidate2, candidate3...) that names nothing visible at the position and no
        /// identifier inside <paramref name="region"/>, so the new name neither shadows nor is shadowed.
        /// </summary>
        public static string Pick(SemanticModel model, int position, SyntaxNode? region, IReadOnlyList<string> candidates, ICollection<string>? taken = null)
        {
            for (var suffix = 1; ; suffix++)
            {
                foreach (var candidate in candidates)
                {
                    var name = suffix == 1 ? candidate : candidate + suffix;
                    if ((taken is null || !taken.Contains(name)) && IsFree(model, position, region, name))
                        return name;
                }
            }
        }

        /// <summary>
        /// Names chosen one by one for nested rewrites (a fix inside another fix's lambda or loop) must differ
        /// from each other too: each gets the names of the rewrites around and inside it as taken.
        /// </summary>
        public static void SeparateNested<T>(IReadOnlyList<T> items, System.Func<T, SyntaxNode> node, System.Func<T, string> getName, System.Action<T, string> setName,
            System.Func<T, ICollection<string>, string> rename)
        {
            var ordered = items.OrderBy(i => node(i).SpanStart).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var span = node(ordered[i]).Span;
                var taken = new HashSet<string>();
                for (var j = 0; j < i; j++)
                {
                    var other = node(ordered[j]).Span;
                    if (other.Contains(span) || span.Contains(other))
                        taken.Add(getName(ordered[j]));
                }
                if (taken.Contains(getName(ordered[i])))
                    setName(ordered[i], rename(ordered[i], taken));
            }
        }

        /// <summary>A name for a new member of the type: free in the type, its bases and at the position.</summary>
        public static string ForMember(SemanticModel model, int position, INamedTypeSymbol type, string name)
        {
            for (var suffix = 1; ; suffix++)
            {
                var candidate = suffix == 1 ? name : name + suffix;
                if (model.LookupSymbols(position, name: candidate).IsEmpty && type.GetMembers(candidate).IsEmpty)
                    return candidate;
            }
        }

        private static bool IsFree(SemanticModel model, int position, SyntaxNode? region, string name)
        {
            if (!model.LookupSymbols(position, name: name).IsEmpty)
                return false;
            if (region is null)
                return true;
            foreach (var token in region.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == name)
                    return false;
            }
            return true;
        }
    }
}
