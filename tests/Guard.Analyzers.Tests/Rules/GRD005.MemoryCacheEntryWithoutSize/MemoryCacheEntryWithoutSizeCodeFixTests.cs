using System.Threading.Tasks;
using Verify = Guard.Analyzers.Tests.Verifiers.CodeFixVerifier<
    Guard.Analyzers.Rules.GRD005.MemoryCacheEntryWithoutSizeAnalyzer,
    Guard.Analyzers.CodeFixes.Rules.GRD005.MemoryCacheEntryWithoutSizeCodeFixProvider>;

namespace Guard.Analyzers.Tests.Rules.GRD005;

public class MemoryCacheEntryWithoutSizeCodeFixTests
{
    private const string Header = """
        using System;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Caching.Memory;
        using Microsoft.Extensions.Primitives;

        class Quotes
        {
            private static readonly IMemoryCache Cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1024 });

        """;

    private static string Code(string members) => Header + "\n" + members + "\n}\n";

    [Fact]
    public Task Adds_options_with_a_size_to_set() => Verify.VerifyFixAsync(Code("""
            public void Put(string symbol, decimal price) => [|Cache.Set(symbol, price)|];
        """), Code("""
            public void Put(string symbol, decimal price) => Cache.Set(symbol, price, new MemoryCacheEntryOptions { Size = 1 });
        """));

    [Fact]
    public Task Keeps_the_expiration_of_set() => Verify.VerifyFixAsync(Code("""
            public void Put(string symbol, decimal price, IChangeToken token)
            {
                [|Cache.Set(symbol, price, TimeSpan.FromMinutes(5))|];
                [|Cache.Set(symbol, price, DateTimeOffset.UtcNow.AddHours(1))|];
                [|Cache.Set(symbol, price, token)|];
                [|Cache.Set(key: symbol, value: price, absoluteExpirationRelativeToNow: TimeSpan.FromSeconds(1))|];
            }
        """), Code("""
            public void Put(string symbol, decimal price, IChangeToken token)
            {
                Cache.Set(symbol, price, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5), Size = 1 });
                Cache.Set(symbol, price, new MemoryCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddHours(1), Size = 1 });
                Cache.Set(symbol, price, new MemoryCacheEntryOptions { ExpirationTokens = { token }, Size = 1 });
                Cache.Set(key: symbol, value: price, options: new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(1), Size = 1 });
            }
        """));

    [Fact]
    public Task Adds_the_size_to_entry_options() => Verify.VerifyFixAsync(Code("""
            public void Put(string symbol, decimal price)
            {
                [|Cache.Set(symbol, price, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1) })|];
                [|Cache.Set(symbol, price, new MemoryCacheEntryOptions())|];
                [|Cache.Set(symbol, price, new MemoryCacheEntryOptions
                {
                    Priority = CacheItemPriority.High,
                    SlidingExpiration = TimeSpan.FromMinutes(1),
                })|];
                [|Cache.Set(symbol, price, new MemoryCacheEntryOptions
                {
                    Priority = CacheItemPriority.Low
                })|];
                [|Cache.Set(symbol, price, new MemoryCacheEntryOptions { Size = null })|];
                [|Cache.Set(symbol, price, (MemoryCacheEntryOptions?)null)|];
            }
        """), Code("""
            public void Put(string symbol, decimal price)
            {
                Cache.Set(symbol, price, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1), Size = 1 });
                Cache.Set(symbol, price, new MemoryCacheEntryOptions { Size = 1 });
                Cache.Set(symbol, price, new MemoryCacheEntryOptions
                {
                    Priority = CacheItemPriority.High,
                    SlidingExpiration = TimeSpan.FromMinutes(1),
                    Size = 1,
                });
                Cache.Set(symbol, price, new MemoryCacheEntryOptions
                {
                    Priority = CacheItemPriority.Low,
                    Size = 1
                });
                Cache.Set(symbol, price, new MemoryCacheEntryOptions { Size = 1 });
                Cache.Set(symbol, price, new MemoryCacheEntryOptions { Size = 1 });
            }
        """));

    [Fact]
    public Task Sets_the_size_on_an_options_object_built_elsewhere_in_the_method() => Verify.VerifyFixAsync(Code("""
            public void Put(string symbol, decimal price)
            {
                var options = new MemoryCacheEntryOptions { Priority = CacheItemPriority.High };
                [|Cache.Set(symbol, price, options)|];
                [|Cache.Set(symbol, price, new MemoryCacheEntryOptions().SetSlidingExpiration(TimeSpan.FromMinutes(1)))|];
            }
        """), Code("""
            public void Put(string symbol, decimal price)
            {
                var options = new MemoryCacheEntryOptions { Priority = CacheItemPriority.High };
                Cache.Set(symbol, price, options.SetSize(1));
                Cache.Set(symbol, price, new MemoryCacheEntryOptions().SetSlidingExpiration(TimeSpan.FromMinutes(1)).SetSize(1));
            }
        """));

    [Fact]
    public Task Sets_the_size_in_a_get_or_create_factory() => Verify.VerifyFixAsync(Code("""
            public decimal Get(string symbol) => [|Cache.GetOrCreate(symbol, entry =>
            {
                entry.SlidingExpiration = TimeSpan.FromMinutes(1);
                return 1m;
            })|];

            public decimal Quick(string symbol) => [|Cache.GetOrCreate(symbol, entry => 2m)|];

            public decimal Discard(string symbol) => [|Cache.GetOrCreate(symbol, _ => 3m)|];

            public Task<decimal> GetAsync(string symbol) => [|Cache.GetOrCreateAsync(symbol, async (ICacheEntry e) => await Task.FromResult(4m))|];
        """), Code("""
            public decimal Get(string symbol) => Cache.GetOrCreate(symbol, entry =>
            {
                entry.Size = 1;
                entry.SlidingExpiration = TimeSpan.FromMinutes(1);
                return 1m;
            });

            public decimal Quick(string symbol) => Cache.GetOrCreate(symbol, entry =>
            {
                entry.Size = 1;
                return 2m;
            });

            public decimal Discard(string symbol) => Cache.GetOrCreate(symbol, entry =>
            {
                entry.Size = 1;
                return 3m;
            });

            public Task<decimal> GetAsync(string symbol) => Cache.GetOrCreateAsync(symbol, async (ICacheEntry e) =>
            {
                e.Size = 1;
                return await Task.FromResult(4m);
            });
        """));

    [Fact]
    public Task Sets_the_size_of_a_created_entry() => Verify.VerifyFixAsync(Code("""
            public void Put(string symbol, decimal price)
            {
                using var entry = [|Cache.CreateEntry(symbol)|];
                entry.Value = price;
            }
        """), Code("""
            public void Put(string symbol, decimal price)
            {
                using var entry = Cache.CreateEntry(symbol).SetSize(1);
                entry.Value = price;
            }
        """));

    [Fact]
    public Task Uses_the_configured_entry_size() => Verify.VerifyFixAsync(Code("""
            public void Put(string symbol, decimal price) => [|Cache.Set(symbol, price)|];
        """), Code("""
            public void Put(string symbol, decimal price) => Cache.Set(symbol, price, new MemoryCacheEntryOptions { Size = 16 });
        """), editorConfig: "guard.GRD005.default_entry_size = 16");

    [Fact]
    public Task Imports_the_caching_namespace_when_the_file_lacks_it() => Verify.VerifyFixAsync("""
        using System;

        class Quotes
        {
            private static readonly Microsoft.Extensions.Caching.Memory.MemoryCache Cache =
                new(new Microsoft.Extensions.Caching.Memory.MemoryCacheOptions { SizeLimit = 10 });

            public void Put(string symbol, decimal price)
            {
                using var entry = [|Cache.CreateEntry(symbol)|];
                entry.Value = price;
            }
        }
        """, """
        using System;
        using Microsoft.Extensions.Caching.Memory;

        class Quotes
        {
            private static readonly Microsoft.Extensions.Caching.Memory.MemoryCache Cache =
                new(new Microsoft.Extensions.Caching.Memory.MemoryCacheOptions { SizeLimit = 10 });

            public void Put(string symbol, decimal price)
            {
                using var entry = Cache.CreateEntry(symbol).SetSize(1);
                entry.Value = price;
            }
        }
        """);

    [Fact]
    public Task Fixes_all_writes_at_once_including_nested_ones() => Verify.VerifyFixAllAsync(Code("""
            public decimal Get(string symbol) => [|Cache.GetOrCreate(symbol, entry =>
            {
                [|Cache.Set(symbol + ":seen", true)|];
                return 1m;
            })|];

            public void Put(string symbol, decimal price)
            {
                [|Cache.Set(symbol, price)|];
                [|Cache.Set(symbol, price, TimeSpan.FromSeconds(10))|];
            }
        """), Code("""
            public decimal Get(string symbol) => Cache.GetOrCreate(symbol, entry =>
            {
                entry.Size = 1;
                Cache.Set(symbol + ":seen", true, new MemoryCacheEntryOptions { Size = 1 });
                return 1m;
            });

            public void Put(string symbol, decimal price)
            {
                Cache.Set(symbol, price, new MemoryCacheEntryOptions { Size = 1 });
                Cache.Set(symbol, price, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(10), Size = 1 });
            }
        """));
}
