using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Guard.Analyzers.Rules.GRD003
{
    /// <summary>Types that make a call repeat or pace it, resolved once per compilation (any may be null); the ones other rules share come from <see cref="KnownTypes"/>.</summary>
    internal sealed class RepetitionTypes
    {
        private readonly Compilation _compilation;
        private readonly KnownTypes _known;
        private readonly LazyType _parallelOptions;
        private readonly LazyType _taskFactory;
        private readonly LazyType _taskFactoryOfT;
        private readonly LazyType _periodicTimer;
        private readonly LazyType _partitionedRateLimiter;

        public RepetitionTypes(Compilation compilation)
        {
            var known = GuardCompilationContext.For(compilation).Types;
            _known = known;
            _parallelOptions = new LazyType(compilation, "System.Threading.Tasks.ParallelOptions");
            _taskFactory = new LazyType(compilation, "System.Threading.Tasks.TaskFactory");
            _taskFactoryOfT = new LazyType(compilation, "System.Threading.Tasks.TaskFactory`1");
            _compilation = compilation;
            _periodicTimer = new LazyType(compilation, "System.Threading.PeriodicTimer");
            _partitionedRateLimiter = new LazyType(compilation, "System.Threading.RateLimiting.PartitionedRateLimiter`1");
        }

        public INamedTypeSymbol? Parallel => _known.Parallel;
        public INamedTypeSymbol? ParallelOptions => _parallelOptions.Value;
        public INamedTypeSymbol? Task => _known.Task;
        public INamedTypeSymbol? TaskFactory => _taskFactory.Value;
        public INamedTypeSymbol? TaskFactoryOfT => _taskFactoryOfT.Value;
        public INamedTypeSymbol? Enumerable => _known.Enumerable;
        public INamedTypeSymbol? List => _known.List;
        public INamedTypeSymbol? Array => _compilation.GetSpecialType(SpecialType.System_Array);
        public INamedTypeSymbol? Thread => _known.Thread;
        public INamedTypeSymbol? SemaphoreSlim => _known.SemaphoreSlim;
        public INamedTypeSymbol? PeriodicTimer => _periodicTimer.Value;
        public INamedTypeSymbol? RateLimiter => _known.RateLimiter;
        public INamedTypeSymbol? PartitionedRateLimiter => _partitionedRateLimiter.Value;
    }
}
