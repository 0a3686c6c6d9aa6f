using System;
using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace Guard.Analyzers.Infrastructure
{
    /// <summary>
    /// The one per-tree cache of options, shared by every Guard rule of a compilation: what a rule reads from
    /// .editorconfig for a tree (and what it builds from it, such as GRD004's settings, which GRD001 reads too) is read
    /// once per tree, not once per rule or per call. Keys name the reader: a rule id, or the shared settings it builds.
    /// </summary>
    internal sealed class TreeOptionCache
    {
        private readonly ConcurrentDictionary<(SyntaxTree Tree, string Key), object> _values = new ConcurrentDictionary<(SyntaxTree Tree, string Key), object>();

        /// <summary>The value <paramref name="read"/> gives for this tree and key, read on first use.</summary>
        public T Get<T>(SyntaxTree tree, string key, Func<T> read) => Get(tree, key, read, static (r, _) => r());

        /// <summary>
        /// The same for callers on a hot path (every rule's per-call lookup): with a static reader and its state, a
        /// lookup that finds the value allocates nothing (no closure per call).
        /// </summary>
        public T Get<TState, T>(SyntaxTree tree, string key, TState state, Func<TState, SyntaxTree, T> read)
        {
            if (_values.TryGetValue((tree, key), out var cached))
                return (T)cached;
            return (T)_values.GetOrAdd((tree, key), _ => read(state, tree)!);
        }
    }
}
