using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
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
        // Asked by most rules for every invocation of the compilation: the tree is found by identity and its few keys
        // by a short scan (the keys are constants, equal by reference), not by hashing a (tree, string) pair per call,
        // which was a twentieth of Guard's time in a concurrent csc build.
        private readonly ConcurrentDictionary<SyntaxTree, TreeValues> _trees = new ConcurrentDictionary<SyntaxTree, TreeValues>(ByReference.Instance);

        /// <summary>The value <paramref name="read"/> gives for this tree and key, read on first use.</summary>
        public T Get<T>(SyntaxTree tree, string key, Func<T> read) => Get(tree, key, read, static (r, _) => r());

        /// <summary>
        /// The same for callers on a hot path (every rule's per-call lookup): with a static reader and its state, a
        /// lookup that finds the value allocates nothing (no closure per call).
        /// </summary>
        public T Get<TState, T>(SyntaxTree tree, string key, TState state, Func<TState, SyntaxTree, T> read)
        {
            if (!_trees.TryGetValue(tree, out var values))
                values = _trees.GetOrAdd(tree, _ => new TreeValues());
            if (values.TryGet(key, out var cached))
                return (T)cached;
            return (T)values.GetOrAdd(key, read(state, tree)!);
        }

        /// <summary>A tree's values: a copy-on-write array, read without a lock.</summary>
        private sealed class TreeValues
        {
            private KeyValuePair<string, object>[] _entries = Array.Empty<KeyValuePair<string, object>>();

            public bool TryGet(string key, out object value)
            {
                var entries = Volatile.Read(ref _entries);
                foreach (var entry in entries)
                {
                    if (ReferenceEquals(entry.Key, key) || string.Equals(entry.Key, key, StringComparison.Ordinal))
                    {
                        value = entry.Value;
                        return true;
                    }
                }
                value = null!;
                return false;
            }

            /// <summary>
            /// The first value stored under the key wins, as in a concurrent dictionary. Lock-free: on two cores a
            /// lock holder preempted mid-copy kept the other analyzer threads waiting.
            /// </summary>
            public object GetOrAdd(string key, object value)
            {
                while (true)
                {
                    var entries = Volatile.Read(ref _entries);
                    foreach (var entry in entries)
                    {
                        if (ReferenceEquals(entry.Key, key) || string.Equals(entry.Key, key, StringComparison.Ordinal))
                            return entry.Value;
                    }
                    var grown = new KeyValuePair<string, object>[entries.Length + 1];
                    Array.Copy(entries, grown, entries.Length);
                    grown[entries.Length] = new KeyValuePair<string, object>(key, value);
                    if (Interlocked.CompareExchange(ref _entries, grown, entries) == entries)
                        return value;
                }
            }
        }

        private sealed class ByReference : IEqualityComparer<SyntaxTree>
        {
            public static readonly ByReference Instance = new ByReference();

            public bool Equals(SyntaxTree? x, SyntaxTree? y) => ReferenceEquals(x, y);

            public int GetHashCode(SyntaxTree tree) => RuntimeHelpers.GetHashCode(tree);
        }
    }
}
