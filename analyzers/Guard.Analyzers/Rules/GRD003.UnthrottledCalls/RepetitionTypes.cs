using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Guard.Analyzers.Rules.GRD003
{
    /// <summary>Types that make a call repeat or pace it, resolved once per compilation (any may be null); the ones other rules share come from <see cref="KnownTypes"/>.</summary>
    internal sealed class RepetitionTypes
    {
        public RepetitionTypes(Compilation compilation)
        {
            var known = GuardCompilationContext.For(compilation).Types;
            Parallel = known.Parallel;
            ParallelOptions = compilation.GetTypeByMetadataName("System.Threading.Tasks.ParallelOptions");
            Task = known.Task;
            TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
            TaskFactoryOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory`1");
            Enumerable = known.Enumerable;
            List = known.List;
            Array = compilation.GetSpecialType(SpecialType.System_Array);
            Thread = known.Thread;
            SemaphoreSlim = known.SemaphoreSlim;
            PeriodicTimer = compilation.GetTypeByMetadataName("System.Threading.PeriodicTimer");
            RateLimiter = known.RateLimiter;
            PartitionedRateLimiter = compilation.GetTypeByMetadataName("System.Threading.RateLimiting.PartitionedRateLimiter`1");
        }

        public INamedTypeSymbol? Parallel { get; }
        public INamedTypeSymbol? ParallelOptions { get; }
        public INamedTypeSymbol? Task { get; }
        public INamedTypeSymbol? TaskFactory { get; }
        public INamedTypeSymbol? TaskFactoryOfT { get; }
        public INamedTypeSymbol? Enumerable { get; }
        public INamedTypeSymbol? List { get; }
        public INamedTypeSymbol? Array { get; }
        public INamedTypeSymbol? Thread { get; }
        public INamedTypeSymbol? SemaphoreSlim { get; }
        public INamedTypeSymbol? PeriodicTimer { get; }
        public INamedTypeSymbol? RateLimiter { get; }
        public INamedTypeSymbol? PartitionedRateLimiter { get; }
    }
}
