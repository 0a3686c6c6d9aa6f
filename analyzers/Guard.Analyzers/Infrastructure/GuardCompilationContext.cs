using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Guard.Analyzers.Infrastructure
{
    /// <summary>What a rule needs once per compilation: the known types and, built on first use, the index.</summary>
    internal sealed class GuardCompilationContext
    {
        // One context per compilation, shared by every Guard rule, so the index is built once, not once a rule.
        // Weak keys: a compilation that is gone takes its context with it.
        private static readonly ConditionalWeakTable<Compilation, GuardCompilationContext> Contexts = new ConditionalWeakTable<Compilation, GuardCompilationContext>();

        private readonly Lazy<CompilationIndex> _index;

        public static GuardCompilationContext For(Compilation compilation) =>
            Contexts.GetValue(compilation, c => new GuardCompilationContext(c));

        private GuardCompilationContext(Compilation compilation)
        {
            Compilation = compilation;
            Types = new KnownTypes(compilation);
            // Built without the caller's token: a cancelled first caller must not leave a cached failure behind.
            _index = new Lazy<CompilationIndex>(() => CompilationIndex.Build(compilation, Types, CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public Compilation Compilation { get; }
        public KnownTypes Types { get; }
        /// <summary>Options per syntax tree, read once for every rule.</summary>
        public TreeOptionCache TreeOptions { get; } = new TreeOptionCache();
        public CompilationIndex Index => _index.Value;
    }
}
