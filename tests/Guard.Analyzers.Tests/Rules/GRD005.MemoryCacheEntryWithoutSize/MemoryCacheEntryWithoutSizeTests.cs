using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Guard.Analyzers.Rules.GRD005;
using Guard.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.Extensions.Caching.Memory;
using Verify = Guard.Analyzers.Tests.Verifiers.AnalyzerVerifier<Guard.Analyzers.Rules.GRD005.MemoryCacheEntryWithoutSizeAnalyzer>;

namespace Guard.Analyzers.Tests.Rules.GRD005;

public class MemoryCacheEntryWithoutSizeTests
{
    private const string Usings = """
        using System;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Caching.Memory;
        using Microsoft.Extensions.Options;
        using Microsoft.Extensions.Primitives;

        """;

    // The incident, with the real library: a cache with a SizeLimit refuses an entry that has no Size.
    [Fact]
    public void The_real_MemoryCache_throws_when_an_entry_has_no_size()
    {
        using var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 10 });
        var error = Assert.Throws<InvalidOperationException>(() => cache.Set("BTCUSDT", 42m));
        Assert.Contains("Size", error.Message, StringComparison.Ordinal);
        cache.Set("BTCUSDT", 42m, new MemoryCacheEntryOptions { Size = 1 });
        Assert.Equal(42m, cache.Get<decimal>("BTCUSDT"));
    }

    [Fact]
    public void The_real_MemoryCache_throws_from_GetOrCreate_and_CreateEntry_without_a_size()
    {
        using var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 10 });
        Assert.Throws<InvalidOperationException>(() => cache.GetOrCreate("ETHUSDT", _ => 1m));
        Assert.Throws<InvalidOperationException>(() =>
        {
            using var entry = cache.CreateEntry("SOLUSDT");
            entry.Value = 3m;
        });
        Assert.Equal(2m, cache.GetOrCreate("ETHUSDT", entry => { entry.Size = 1; return 2m; }));
    }

    [Fact]
    public void The_real_MemoryCache_without_a_size_limit_accepts_entries_without_size()
    {
        using var cache = new MemoryCache(new MemoryCacheOptions());
        cache.Set("BTCUSDT", 42m);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public Task Reports_set_on_a_static_field_created_with_a_size_limit() => Verify.VerifyAsync(Usings + """
        class Quotes
        {
            private static readonly MemoryCache Cache = new(new MemoryCacheOptions { SizeLimit = 1024 });

            public void Put(string symbol, decimal price) => [|Cache.Set(symbol, price)|];
        }
        """, null, false, Array.Empty<string>(), messageContains: "'Cache.Set' writes an entry without a Size");

    [Fact]
    public Task Reports_every_overload_of_set_without_a_size() => Verify.VerifyAsync(Usings + """
        class Quotes
        {
            private readonly IMemoryCache _cache;

            public Quotes() => _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1024 });

            public void Put(string symbol, decimal price, IChangeToken token, MemoryCacheEntryOptions? none)
            {
                [|_cache.Set(symbol, price, TimeSpan.FromSeconds(30))|];
                [|_cache.Set(symbol, price, DateTimeOffset.UtcNow.AddMinutes(1))|];
                [|_cache.Set(symbol, price, token)|];
                [|_cache.Set(symbol, price, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1) })|];
                [|_cache.Set(symbol, price, new MemoryCacheEntryOptions().SetPriority(CacheItemPriority.High))|];
                [|_cache.Set(symbol, price, (MemoryCacheEntryOptions?)null)|];
            }
        }
        """);

    [Fact]
    public Task Reports_an_options_local_without_a_size() => Verify.VerifyAsync(Usings + """
        class Quotes
        {
            private static readonly IMemoryCache Cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1024 });

            public void Put(string symbol, decimal price)
            {
                var options = new MemoryCacheEntryOptions();
                options.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                [|Cache.Set(symbol, price, options)|];
            }
        }
        """);

    [Fact]
    public Task Reports_get_or_create_whose_factory_sets_no_size() => Verify.VerifyAsync(Usings + """
        class Quotes
        {
            private static readonly IMemoryCache Cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1024 });

            public decimal Get(string symbol) => [|Cache.GetOrCreate(symbol, entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(5);
                return 1m;
            })|];

            public Task<decimal> GetAsync(string symbol) => [|Cache.GetOrCreateAsync(symbol, async entry =>
            {
                entry.SetSlidingExpiration(TimeSpan.FromSeconds(5));
                await Task.Yield();
                return 1m;
            })|];

            public decimal Quick(string symbol) => [|Cache.GetOrCreate(symbol, _ => 2m)|];
        }
        """);

    [Fact]
    public Task Reports_create_entry_without_a_size() => Verify.VerifyAsync(Usings + """
        class Quotes
        {
            private static readonly IMemoryCache Cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1024 });

            public void Put(string symbol, decimal price)
            {
                using var entry = [|Cache.CreateEntry(symbol)|];
                entry.Value = price;
                entry.SetAbsoluteExpiration(TimeSpan.FromMinutes(1));
            }

            public void PutChained(string symbol, decimal price) => [|Cache.CreateEntry(symbol)|].SetValue(price).Dispose();
        }
        """);

    [Fact]
    public Task Reports_a_size_limit_set_through_options_create_or_a_local() => Verify.VerifyAsync(Usings + """
        class Quotes
        {
            private static readonly MemoryCache Wrapped = new(Options.Create(new MemoryCacheOptions { SizeLimit = 100 }));
            private static readonly MemoryCache Configured = Create();

            private static MemoryCache Create() => new MemoryCache(new MemoryCacheOptions());

            public void Put(string symbol, decimal price)
            {
                [|Wrapped.Set(symbol, price)|];
                Configured.Set(symbol, price);

                var options = new MemoryCacheOptions();
                options.SizeLimit = 64;
                var local = new MemoryCache(options);
                [|local.Set(symbol, price)|];
            }
        }
        """);

    [Fact]
    public Task Reports_a_local_cache() => Verify.VerifyAsync(Usings + """
        class Quotes
        {
            public void Put(string symbol, decimal price)
            {
                using var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 10 });
                [|cache.Set(symbol, price)|];
            }
        }
        """, null, false, Array.Empty<string>(), messageContains: "'cache.Set'");

    [Fact]
    public async Task Reports_a_local_cache_in_top_level_statements()
    {
        var project = TestWorkspace.CreateProject(Usings + """
            using var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 100 });
            cache.Set("BTCUSDT", 42m);
            cache.Set("ETHUSDT", 2m, new MemoryCacheEntryOptions { Size = 1 });
            """);
        project = project.WithCompilationOptions(project.CompilationOptions!.WithOutputKind(OutputKind.ConsoleApplication));
        var diagnostics = await TestWorkspace.GetAnalyzerDiagnosticsAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(new MemoryCacheEntryWithoutSizeAnalyzer()));
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("cache.Set(\"BTCUSDT\", 42m)", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
    }

    [Fact]
    public Task Ignores_entries_that_have_a_size() => Verify.VerifyAsync(Usings + """
        class Quotes
        {
            private static readonly IMemoryCache Cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1024 });
            private static readonly MemoryCacheEntryOptions Shared = new() { Size = 1 };

            public async Task Put(string symbol, decimal price)
            {
                Cache.Set(symbol, price, new MemoryCacheEntryOptions { Size = 1 });
                Cache.Set(symbol, price, new MemoryCacheEntryOptions().SetSize(1).SetSlidingExpiration(TimeSpan.FromMinutes(1)));
                var options = new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) };
                options.Size = 2;
                Cache.Set(symbol, price, options);
                var chained = new MemoryCacheEntryOptions();
                chained.SetSize(3);
                Cache.Set(symbol, price, chained);
                Cache.GetOrCreate(symbol, entry => { entry.Size = 1; return price; });
                Cache.GetOrCreate(symbol, entry => entry.SetSize(1).SetAbsoluteExpiration(TimeSpan.FromSeconds(5)) is null ? 0m : price);
                Cache.GetOrCreate(symbol, entry => { entry.SetOptions(new MemoryCacheEntryOptions { Size = 4 }); return price; });
                Cache.GetOrCreate(symbol, _ => price, new MemoryCacheEntryOptions { Size = 1 });
                await Cache.GetOrCreateAsync(symbol, entry => { entry.Size = 1; return Task.FromResult(price); });
                using (var entry = Cache.CreateEntry(symbol))
                {
                    entry.Value = price;
                    entry.Size = 1;
                }
                Cache.CreateEntry(symbol).SetSize(1).SetValue(price).Dispose();
            }
        }
        """);

    [Fact]
    public Task Ignores_caches_without_a_size_limit() => Verify.VerifyAsync(Usings + """
        class Quotes
        {
            private static readonly IMemoryCache Plain = new MemoryCache(new MemoryCacheOptions());
            private static readonly IMemoryCache NullLimit = new MemoryCache(new MemoryCacheOptions { SizeLimit = null });
            private static readonly IMemoryCache Compacting = new MemoryCache(new MemoryCacheOptions { CompactionPercentage = 0.5 });

            public void Put(string symbol, decimal price)
            {
                Plain.Set(symbol, price);
                NullLimit.Set(symbol, price);
                Compacting.Set(symbol, price);
            }
        }
        """);

    [Fact]
    public Task Ignores_caches_it_cannot_tie_to_a_creation() => Verify.VerifyAsync(Usings + """
        class FromDependencyInjection
        {
            private readonly IMemoryCache _cache;

            public FromDependencyInjection(IMemoryCache cache) => _cache = cache;

            public void Put(string symbol, decimal price) => _cache.Set(symbol, price);
        }

        class SometimesLimited
        {
            private IMemoryCache _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 10 });

            public void Reset() => _cache = new MemoryCache(new MemoryCacheOptions());

            public void Put(string symbol, decimal price) => _cache.Set(symbol, price);
        }

        class LimitFromConfiguration
        {
            private readonly IMemoryCache _cache;

            public LimitFromConfiguration(long? limit) => _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = limit });

            public void Put(string symbol, decimal price) => _cache.Set(symbol, price);
        }

        class Parameter
        {
            public void Put(IMemoryCache cache, string symbol, decimal price) => cache.Set(symbol, price);
        }
        """);

    [Fact]
    public Task Ignores_entries_configured_out_of_sight() => Verify.VerifyAsync(Usings + """
        class Quotes
        {
            private static readonly IMemoryCache Cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1024 });

            public void Put(string symbol, decimal price, MemoryCacheEntryOptions fromCaller)
            {
                var options = new MemoryCacheEntryOptions();
                Configure(options);
                Cache.Set(symbol, price, options);
                Cache.Set(symbol, price, fromCaller);
                Cache.GetOrCreate(symbol, Create);
                Cache.GetOrCreate(symbol, entry => { Configure(entry); return price; });
            }

            private static void Configure(MemoryCacheEntryOptions options) => options.Size = 1;
            private static void Configure(ICacheEntry entry) => entry.Size = 1;
            private static decimal Create(ICacheEntry entry) { entry.Size = 1; return 1m; }
        }
        """);

    [Fact]
    public Task Does_not_follow_a_field_into_nested_types() => Verify.VerifyAsync(Usings + """
        class Quotes
        {
            private static readonly IMemoryCache Cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1024 });

            private sealed class Writer
            {
                public void Put(string symbol, decimal price) => Cache.Set(symbol, price);
            }
        }

        class Writable
        {
            private IMemoryCache _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1024 });

            public void Put(string symbol, decimal price) => _cache.Set(symbol, price);

            private sealed class Swapper
            {
                public void Swap(Writable owner) => owner._cache = new MemoryCache(new MemoryCacheOptions());
            }
        }
        """);

    [Fact]
    public Task Reports_writes_in_every_part_of_a_partial_type() => Verify.VerifyAsync(Usings + """
        partial class Quotes
        {
            public void Put(string symbol, decimal price) => [|Cache.Set(symbol, price)|];
        }
        """, null, false, new[]
    {
        """
        using Microsoft.Extensions.Caching.Memory;
        partial class Quotes
        {
            private static readonly IMemoryCache Cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1024 });
        }
        """,
    });

    [Fact]
    public Task Does_not_throw_on_broken_code() => Verify.VerifyAsync(Usings + """
        class Quotes
        {
            private static readonly IMemoryCache Cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = });
            private static readonly IMemoryCache Other = new MemoryCache(;

            public void Put(string symbol, decimal price)
            {
                Cache.Set(symbol, );
                Cache.GetOrCreate(symbol, entry => { entry.Size = ; return });
                Other.Set(symbol, price, new MemoryCacheEntryOptions { Size = });
                Missing.Set(symbol, price);
                var local = new MemoryCache(Unknown);
                local.Set(symbol, price);
            }
        }
        """, allowCompilerErrors: true);
}
