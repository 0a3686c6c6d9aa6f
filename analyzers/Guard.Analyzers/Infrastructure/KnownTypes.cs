using Microsoft.CodeAnalysis;

namespace Guard.Analyzers.Infrastructure
{
    /// <summary>
    /// Types Guard's rules and fixes ask about, resolved once per compilation (through
    /// <see cref="GuardCompilationContext.For"/>). Any may be null when not referenced. A type more than one rule or fix
    /// asks about is named here and nowhere else; the rule-specific views (CacheTypes, RepetitionTypes, StreamTypes,
    /// ApiClientTypes) read the shared ones from here and resolve only what no other rule needs.
    /// </summary>
    internal sealed class KnownTypes
    {
        public KnownTypes(Compilation compilation)
        {
            HttpClient = compilation.GetTypeByMetadataName("System.Net.Http.HttpClient");
            HttpMessageInvoker = compilation.GetTypeByMetadataName("System.Net.Http.HttpMessageInvoker");
            HttpMessageHandler = compilation.GetTypeByMetadataName("System.Net.Http.HttpMessageHandler");
            HttpClientJsonExtensions = compilation.GetTypeByMetadataName("System.Net.Http.Json.HttpClientJsonExtensions");
            HttpRequestMessage = compilation.GetTypeByMetadataName("System.Net.Http.HttpRequestMessage");
            HttpMethod = compilation.GetTypeByMetadataName("System.Net.Http.HttpMethod");
            WebRequest = compilation.GetTypeByMetadataName("System.Net.WebRequest");
            WebClient = compilation.GetTypeByMetadataName("System.Net.WebClient");
            ResiliencePipeline = compilation.GetTypeByMetadataName("Polly.ResiliencePipeline");
            ResiliencePipelineOfT = compilation.GetTypeByMetadataName("Polly.ResiliencePipeline`1");
            SyncPolicy = compilation.GetTypeByMetadataName("Polly.ISyncPolicy");
            AsyncPolicy = compilation.GetTypeByMetadataName("Polly.IAsyncPolicy");
            SyncPolicyOfT = compilation.GetTypeByMetadataName("Polly.ISyncPolicy`1");
            AsyncPolicyOfT = compilation.GetTypeByMetadataName("Polly.IAsyncPolicy`1");
            Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
            Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
            SemaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
            RateLimiter = compilation.GetTypeByMetadataName("System.Threading.RateLimiting.RateLimiter");
            Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
            MemoryCacheOptions = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.MemoryCacheOptions");
            MemoryCache = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.MemoryCache");
            MemoryCacheInterface = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.IMemoryCache");
            CacheExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.CacheExtensions");
            CacheEntryExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.CacheEntryExtensions");
            MemoryCacheEntryOptions = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.MemoryCacheEntryOptions");
            HttpClientFactory = compilation.GetTypeByMetadataName("System.Net.Http.IHttpClientFactory");
            CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
            List = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
        }

        public INamedTypeSymbol? HttpClient { get; }
        public INamedTypeSymbol? HttpMessageInvoker { get; }
        public INamedTypeSymbol? HttpMessageHandler { get; }
        public INamedTypeSymbol? HttpClientJsonExtensions { get; }
        public INamedTypeSymbol? HttpRequestMessage { get; }
        public INamedTypeSymbol? HttpMethod { get; }
        public INamedTypeSymbol? WebRequest { get; }
        public INamedTypeSymbol? WebClient { get; }
        public INamedTypeSymbol? ResiliencePipeline { get; }
        public INamedTypeSymbol? ResiliencePipelineOfT { get; }
        public INamedTypeSymbol? SyncPolicy { get; }
        public INamedTypeSymbol? AsyncPolicy { get; }
        public INamedTypeSymbol? SyncPolicyOfT { get; }
        public INamedTypeSymbol? AsyncPolicyOfT { get; }
        public INamedTypeSymbol? Task { get; }
        public INamedTypeSymbol? Parallel { get; }
        public INamedTypeSymbol? Thread { get; }
        public INamedTypeSymbol? SemaphoreSlim { get; }
        public INamedTypeSymbol? RateLimiter { get; }
        public INamedTypeSymbol? Enumerable { get; }
        public INamedTypeSymbol? MemoryCache { get; }
        public INamedTypeSymbol? MemoryCacheOptions { get; }
        public INamedTypeSymbol? MemoryCacheInterface { get; }
        public INamedTypeSymbol? CacheExtensions { get; }
        public INamedTypeSymbol? CacheEntryExtensions { get; }
        public INamedTypeSymbol? MemoryCacheEntryOptions { get; }
        public INamedTypeSymbol? HttpClientFactory { get; }
        public INamedTypeSymbol? CancellationToken { get; }
        public INamedTypeSymbol? List { get; }

        public bool HasPolly => ResiliencePipeline != null || SyncPolicy != null || AsyncPolicy != null;

        /// <summary>True for a Polly v8 pipeline or a Polly v7 policy, or a type implementing one.</summary>
        public bool IsPollyExecutor(ITypeSymbol? type)
        {
            if (type is null)
                return false;
            for (var current = type as INamedTypeSymbol; current != null; current = current.BaseType)
            {
                var definition = current.OriginalDefinition;
                if (Same(definition, ResiliencePipeline) || Same(definition, ResiliencePipelineOfT) ||
                    Same(definition, SyncPolicy) || Same(definition, AsyncPolicy) ||
                    Same(definition, SyncPolicyOfT) || Same(definition, AsyncPolicyOfT))
                    return true;
            }
            foreach (var iface in type.AllInterfaces)
            {
                var definition = iface.OriginalDefinition;
                if (Same(definition, SyncPolicy) || Same(definition, AsyncPolicy) || Same(definition, SyncPolicyOfT) || Same(definition, AsyncPolicyOfT))
                    return true;
            }
            return false;
        }

        public static bool Same(ISymbol? a, ISymbol? b) => a != null && b != null && SymbolEqualityComparer.Default.Equals(a, b);

        public static bool IsOrDerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
        {
            if (baseType is null)
                return false;
            for (var current = type; current != null; current = current.BaseType)
            {
                if (Same(current.OriginalDefinition, baseType))
                    return true;
            }
            return false;
        }
    }
}
