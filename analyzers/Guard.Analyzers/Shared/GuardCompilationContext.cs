using System;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Guard.Analyzers
{
    /// <summary>What a rule needs once per compilation: the known types and, built on first use, the index.</summary>
    internal sealed class GuardCompilationContext
    {
        private readonly Lazy<CompilationIndex> _index;

        public GuardCompilationContext(Compilation compilation)
        {
            Compilation = compilation;
            Types = new KnownTypes(compilation);
            // Built without the caller's token: a cancelled first caller must not leave a cached failure behind.
            _index = new Lazy<CompilationIndex>(() => CompilationIndex.Build(compilation, Types, CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public Compilation Compilation { get; }
        public KnownTypes Types { get; }
        public CompilationIndex Index => _index.Value;
    }
}
