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
        private readonly LazyType _httpClient;
        private readonly LazyType _httpMessageInvoker;
        private readonly LazyType _httpMessageHandler;
        private readonly LazyType _httpClientJsonExtensions;
        private readonly LazyType _httpRequestMessage;
        private readonly LazyType _httpMethod;
        private readonly LazyType _webRequest;
        private readonly LazyType _webClient;
        private readonly LazyType _resiliencePipeline;
        private readonly LazyType _resiliencePipelineOfT;
        private readonly LazyType _syncPolicy;
        private readonly LazyType _asyncPolicy;
        private readonly LazyType _syncPolicyOfT;
        private readonly LazyType _asyncPolicyOfT;
        private readonly LazyType _task;
        private readonly LazyType _parallel;
        private readonly LazyType _thread;
        private readonly LazyType _semaphoreSlim;
        private readonly LazyType _rateLimiter;
        private readonly LazyType _enumerable;
        private readonly LazyType _memoryCacheOptions;
        private readonly LazyType _memoryCache;
        private readonly LazyType _memoryCacheInterface;
        private readonly LazyType _cacheExtensions;
        private readonly LazyType _cacheEntryExtensions;
        private readonly LazyType _memoryCacheEntryOptions;
        private readonly LazyType _httpClientFactory;
        private readonly LazyType _cancellationToken;
        private readonly LazyType _list;

        public KnownTypes(Compilation compilation)
        {
            _httpClient = new LazyType(compilation, "System.Net.Http.HttpClient");
            _httpMessageInvoker = new LazyType(compilation, "System.Net.Http.HttpMessageInvoker");
            _httpMessageHandler = new LazyType(compilation, "System.Net.Http.HttpMessageHandler");
            _httpClientJsonExtensions = new LazyType(compilation, "System.Net.Http.Json.HttpClientJsonExtensions");
            _httpRequestMessage = new LazyType(compilation, "System.Net.Http.HttpRequestMessage");
            _httpMethod = new LazyType(compilation, "System.Net.Http.HttpMethod");
            _webRequest = new LazyType(compilation, "System.Net.WebRequest");
            _webClient = new LazyType(compilation, "System.Net.WebClient");
            _resiliencePipeline = new LazyType(compilation, "Polly.ResiliencePipeline");
            _resiliencePipelineOfT = new LazyType(compilation, "Polly.ResiliencePipeline`1");
            _syncPolicy = new LazyType(compilation, "Polly.ISyncPolicy");
            _asyncPolicy = new LazyType(compilation, "Polly.IAsyncPolicy");
            _syncPolicyOfT = new LazyType(compilation, "Polly.ISyncPolicy`1");
            _asyncPolicyOfT = new LazyType(compilation, "Polly.IAsyncPolicy`1");
            _task = new LazyType(compilation, "System.Threading.Tasks.Task");
            _parallel = new LazyType(compilation, "System.Threading.Tasks.Parallel");
            _thread = new LazyType(compilation, "System.Threading.Thread");
            _semaphoreSlim = new LazyType(compilation, "System.Threading.SemaphoreSlim");
            _rateLimiter = new LazyType(compilation, "System.Threading.RateLimiting.RateLimiter");
            _enumerable = new LazyType(compilation, "System.Linq.Enumerable");
            _memoryCacheOptions = new LazyType(compilation, "Microsoft.Extensions.Caching.Memory.MemoryCacheOptions");
            _memoryCache = new LazyType(compilation, "Microsoft.Extensions.Caching.Memory.MemoryCache");
            _memoryCacheInterface = new LazyType(compilation, "Microsoft.Extensions.Caching.Memory.IMemoryCache");
            _cacheExtensions = new LazyType(compilation, "Microsoft.Extensions.Caching.Memory.CacheExtensions");
            _cacheEntryExtensions = new LazyType(compilation, "Microsoft.Extensions.Caching.Memory.CacheEntryExtensions");
            _memoryCacheEntryOptions = new LazyType(compilation, "Microsoft.Extensions.Caching.Memory.MemoryCacheEntryOptions");
            _httpClientFactory = new LazyType(compilation, "System.Net.Http.IHttpClientFactory");
            _cancellationToken = new LazyType(compilation, "System.Threading.CancellationToken");
            _list = new LazyType(compilation, "System.Collections.Generic.List`1");
        }

        public INamedTypeSymbol? HttpClient => _httpClient.Value;
        public INamedTypeSymbol? HttpMessageInvoker => _httpMessageInvoker.Value;
        public INamedTypeSymbol? HttpMessageHandler => _httpMessageHandler.Value;
        public INamedTypeSymbol? HttpClientJsonExtensions => _httpClientJsonExtensions.Value;
        public INamedTypeSymbol? HttpRequestMessage => _httpRequestMessage.Value;
        public INamedTypeSymbol? HttpMethod => _httpMethod.Value;
        public INamedTypeSymbol? WebRequest => _webRequest.Value;
        public INamedTypeSymbol? WebClient => _webClient.Value;
        public INamedTypeSymbol? ResiliencePipeline => _resiliencePipeline.Value;
        public INamedTypeSymbol? ResiliencePipelineOfT => _resiliencePipelineOfT.Value;
        public INamedTypeSymbol? SyncPolicy => _syncPolicy.Value;
        public INamedTypeSymbol? AsyncPolicy => _asyncPolicy.Value;
        public INamedTypeSymbol? SyncPolicyOfT => _syncPolicyOfT.Value;
        public INamedTypeSymbol? AsyncPolicyOfT => _asyncPolicyOfT.Value;
        public INamedTypeSymbol? Task => _task.Value;
        public INamedTypeSymbol? Parallel => _parallel.Value;
        public INamedTypeSymbol? Thread => _thread.Value;
        public INamedTypeSymbol? SemaphoreSlim => _semaphoreSlim.Value;
        public INamedTypeSymbol? RateLimiter => _rateLimiter.Value;
        public INamedTypeSymbol? Enumerable => _enumerable.Value;
        public INamedTypeSymbol? MemoryCache => _memoryCache.Value;
        public INamedTypeSymbol? MemoryCacheOptions => _memoryCacheOptions.Value;
        public INamedTypeSymbol? MemoryCacheInterface => _memoryCacheInterface.Value;
        public INamedTypeSymbol? CacheExtensions => _cacheExtensions.Value;
        public INamedTypeSymbol? CacheEntryExtensions => _cacheEntryExtensions.Value;
        public INamedTypeSymbol? MemoryCacheEntryOptions => _memoryCacheEntryOptions.Value;
        public INamedTypeSymbol? HttpClientFactory => _httpClientFactory.Value;
        public INamedTypeSymbol? CancellationToken => _cancellationToken.Value;
        public INamedTypeSymbol? List => _list.Value;

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
