using System.Threading.Tasks;
using Verify = Guard.Analyzers.Tests.Verifiers.CodeFixVerifier<
    Guard.Analyzers.Rules.GRD002.UnboundedCacheAnalyzer,
    Guard.Analyzers.CodeFixes.Rules.GRD002.UnboundedCacheCodeFixProvider>;
using VerifySize = Guard.Analyzers.Tests.Verifiers.AnalyzerVerifier<Guard.Analyzers.Rules.GRD005.MemoryCacheEntryWithoutSizeAnalyzer>;

namespace Guard.Analyzers.Tests.Rules.GRD002;

public class UnboundedCacheCodeFixTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Caching.Memory;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Options;

        """;

    private const string Fixed = Usings + """
        class Quotes
        {
            private static readonly MemoryCache Cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1024 });

            public void Put(string symbol, decimal price) => Cache.Set(symbol, price, new MemoryCacheEntryOptions { Size = 1 });

            public decimal Get(string symbol) => Cache.GetOrCreate(symbol, entry =>
            {
                entry.Size = 1;
                return 0m;
            });

            public void Touch(string symbol) => Cache.Set(symbol, 1m, new MemoryCacheEntryOptions { Size = 3, SlidingExpiration = TimeSpan.FromMinutes(1) });
        }
        """;

    [Fact]
    public Task Sets_a_size_limit_and_gives_every_entry_a_size() => Verify.VerifyFixAsync(Usings + """
        class Quotes
        {
            private static readonly MemoryCache Cache = [|new MemoryCache(new MemoryCacheOptions())|];

            public void Put(string symbol, decimal price) => Cache.Set(symbol, price);

            public decimal Get(string symbol) => Cache.GetOrCreate(symbol, entry => 0m);

            public void Touch(string symbol) => Cache.Set(symbol, 1m, new MemoryCacheEntryOptions { Size = 3, SlidingExpiration = TimeSpan.FromMinutes(1) });
        }
        """, Fixed);

    // The fixed program must not trade a leak for an exception: no write is left without a Size.
    [Fact]
    public Task The_fixed_program_has_no_entry_without_a_size() => VerifySize.VerifyAsync(Fixed);

    [Fact]
    public Task Sets_the_size_limit_where_the_options_are_built() => Verify.VerifyFixAsync(Usings + """
        class Quotes
        {
            private readonly IMemoryCache _cache;

            public Quotes()
            {
                var options = new MemoryCacheOptions
                {
                    CompactionPercentage = 0.25,
                };
                _cache = [|new MemoryCache(options)|];
            }

            public void Put(string symbol, decimal price) => _cache.Set(symbol, price);
        }

        static class Startup
        {
            public static void Configure(IServiceCollection services) => services.AddSingleton<Quotes>();
        }
        """, Usings + """
        class Quotes
        {
            private readonly IMemoryCache _cache;

            public Quotes()
            {
                var options = new MemoryCacheOptions
                {
                    CompactionPercentage = 0.25,
                    SizeLimit = 1024,
                };
                _cache = new MemoryCache(options);
            }

            public void Put(string symbol, decimal price) => _cache.Set(symbol, price, new MemoryCacheEntryOptions { Size = 1 });
        }

        static class Startup
        {
            public static void Configure(IServiceCollection services) => services.AddSingleton<Quotes>();
        }
        """);

    [Fact]
    public Task Replaces_a_null_size_limit_and_honours_the_options() => Verify.VerifyFixAsync(Usings + """
        class Quotes
        {
            private static readonly IMemoryCache Cache = [|new MemoryCache(Options.Create(new MemoryCacheOptions { SizeLimit = null }))|];

            public void Put(string symbol, decimal price)
            {
                using var entry = Cache.CreateEntry(symbol);
                entry.Value = price;
            }
        }
        """, Usings + """
        class Quotes
        {
            private static readonly IMemoryCache Cache = new MemoryCache(Options.Create(new MemoryCacheOptions { SizeLimit = 50000 }));

            public void Put(string symbol, decimal price)
            {
                using var entry = Cache.CreateEntry(symbol).SetSize(10);
                entry.Value = price;
            }
        }
        """, editorConfig: "guard.GRD002.default_size_limit = 50000\nguard.GRD005.default_entry_size = 10");

    [Fact]
    public Task Fixes_every_cache_of_a_document_at_once() => Verify.VerifyFixAllAsync(Usings + """
        class Quotes
        {
            private static readonly MemoryCache Prices = [|new MemoryCache(new MemoryCacheOptions())|];
            private static readonly MemoryCache Books = [|new MemoryCache(new MemoryCacheOptions())|];

            public void Put(string symbol, decimal price)
            {
                Prices.Set(symbol, price);
                Books.Set(symbol, Prices.GetOrCreate(symbol, entry => price));
            }
        }
        """, Usings + """
        class Quotes
        {
            private static readonly MemoryCache Prices = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1024 });
            private static readonly MemoryCache Books = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1024 });

            public void Put(string symbol, decimal price)
            {
                Prices.Set(symbol, price, new MemoryCacheEntryOptions { Size = 1 });
                Books.Set(symbol, Prices.GetOrCreate(symbol, entry =>
                {
                    entry.Size = 1;
                    return price;
                }), new MemoryCacheEntryOptions { Size = 1 });
            }
        }
        """);

    [Fact]
    public Task Offers_no_fix_for_a_collection() => Verify.VerifyNoFixAsync(Usings + """
        class Quotes
        {
            private static readonly Dictionary<string, decimal> [|Prices|] = new();

            public void Put(string symbol, decimal price) => Prices[symbol] = price;
        }
        """);

    [Fact]
    public Task Offers_no_fix_when_an_entry_size_cannot_be_known() => Verify.VerifyNoFixAsync(Usings + """
        class Quotes
        {
            private static readonly MemoryCache Cache = [|new MemoryCache(new MemoryCacheOptions())|];

            public void Put(string symbol, decimal price) => Cache.Set(symbol, price);

            public decimal Get(string symbol) => Cache.GetOrCreate(symbol, Create);

            private static decimal Create(ICacheEntry entry) => 0m;
        }
        """);

    [Fact]
    public Task Offers_no_fix_when_the_options_have_more_than_one_source() => Verify.VerifyNoFixAsync(Usings + """
        class Quotes
        {
            private static readonly bool Compact = Environment.ProcessorCount > 4;
            private static readonly MemoryCache Cache =
                [|new MemoryCache(Compact ? new MemoryCacheOptions { CompactionPercentage = 0.5 } : new MemoryCacheOptions())|];

            public void Put(string symbol, decimal price) => Cache.Set(symbol, price);
        }
        """);
}
