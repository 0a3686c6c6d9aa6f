using Microsoft.CodeAnalysis;

namespace Guard.Analyzers.Rules.GRD003
{
    /// <summary>Types that make a call repeat or pace it, resolved once per compilation (any may be null).</summary>
    internal sealed class RepetitionTypes
    {
        public RepetitionTypes(Compilation compilation)
        {
            Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
            ParallelOptions = compilation.GetTypeByMetadataName("System.Threading.Tasks.ParallelOptions");
            Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
            TaskFactoryOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory`1");
            Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
            List = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
            Array = compilation.GetSpecialType(SpecialType.System_Array);
            Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
            SemaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
            PeriodicTimer = compilation.GetTypeByMetadataName("System.Threading.PeriodicTimer");
            RateLimiter = compilation.GetTypeByMetadataName("System.Threading.RateLimiting.RateLimiter");
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
