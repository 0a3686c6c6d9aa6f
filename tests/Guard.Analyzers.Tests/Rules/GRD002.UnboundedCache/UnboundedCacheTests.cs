using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Guard.Analyzers.Rules.GRD002;
using Guard.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Verify = Guard.Analyzers.Tests.Verifiers.AnalyzerVerifier<Guard.Analyzers.Rules.GRD002.UnboundedCacheAnalyzer>;

namespace Guard.Analyzers.Tests.Rules.GRD002;

public class UnboundedCacheTests
{
    private const string Usings = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Caching.Memory;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Options;

        """;

    private static Task VerifyMessage(string markup, string message) =>
        Verify.VerifyAsync(Usings + markup, null, false, Array.Empty<string>(), messageContains: message);

    // ---- static collections that only grow ----

    [Fact]
    public Task Reports_a_static_dictionary_written_by_indexer_and_never_trimmed() => VerifyMessage("""
        class PriceFeed
        {
            private static readonly Dictionary<string, decimal> [|LastPrices|] = new();

            public void OnTick(string symbol, decimal price) => LastPrices[symbol] = price;

            public decimal Get(string symbol) => LastPrices.TryGetValue(symbol, out var price) ? price : 0m;
        }
        """, "'LastPrices' can only grow: it is added to in PriceFeed.OnTick and never removed from or cleared");

    [Fact]
    public Task Reports_every_kind_of_write() => Verify.VerifyAsync(Usings + """
        record Order(string Id);
        class Bot
        {
            private static readonly ConcurrentDictionary<string, SemaphoreSlim> [|Locks|] = new();
            private static readonly ConcurrentDictionary<string, decimal> [|Totals|] = new();
            private static readonly ConcurrentDictionary<string, Order> [|Orders|] = new();
            private static readonly HashSet<string> [|Seen|] = new();
            private static readonly List<Order> [|History|] = new();
            private static readonly ConcurrentQueue<Order> [|Pending|] = new();
            private static readonly ConcurrentBag<Order> [|Bag|] = new();
            private static readonly Dictionary<string, Order> [|ById|] = new();
            private static readonly SortedDictionary<long, Order> [|ByTime|] = new();
            private static readonly LinkedList<Order> [|Recent|] = new();

            public void On(Order order, long time)
            {
                Locks.GetOrAdd(order.Id, _ => new SemaphoreSlim(1));
                Totals.AddOrUpdate(order.Id, 1m, (_, total) => total + 1m);
                Orders.TryAdd(order.Id, order);
                if (!Seen.Add(order.Id))
                    return;
                History.Add(order);
                Pending.Enqueue(order);
                Bag.Add(order);
                ById.TryAdd(order.Id, order);
                ByTime.Add(time, order);
                Recent.AddLast(order);
            }
        }
        """);

    [Fact]
    public Task Reads_do_not_bound_a_collection() => Verify.VerifyAsync(Usings + """
        class Trades
        {
            private static readonly List<decimal> [|Fills|] = new();

            public void Record(decimal fill)
            {
                lock (Fills)
                {
                    Fills.Add(fill);
                }
            }

            public string Report()
            {
                var total = Fills.Sum();
                foreach (var fill in Fills)
                    total += fill;
                var copy = new List<decimal>(Fills);
                return string.Join(",", Fills) + total + Fills.Count + copy.Count + $"{Fills}";
            }
        }
        """);

    [Fact]
    public Task Reports_an_internal_field_written_from_another_type() => Verify.VerifyAsync(Usings + """
        static class Registry
        {
            internal static readonly Dictionary<Guid, string> [|Sessions|] = new();
        }

        class Login
        {
            public void OnLogin(Guid id, string user) => Registry.Sessions[id] = user;
        }
        """);

    [Fact]
    public Task Reports_writes_in_lambdas_and_conditional_access() => Verify.VerifyAsync(Usings + """
        class Feed
        {
            public event Action<string>? Tick;
            private static Dictionary<string, int>? [|_counts|] = new();
            private static readonly HashSet<string> [|Symbols|] = new();

            static Feed()
            {
                Symbols.Add("BTCUSDT"); // filling at start is fine, the handler below is not
            }

            public Feed()
            {
                Tick += symbol => Symbols.Add(symbol);
            }

            public void On(string symbol) => _counts?.TryAdd(symbol, 1);
        }
        """);

    [Fact]
    public Task Reports_a_static_registry_written_by_every_instance() => VerifyMessage("""
        class Order
        {
            private static readonly Dictionary<string, Order> [|All|] = new();

            public Order(string id) => All[id] = this;
        }
        """, "it is added to in the Order constructor");

    [Fact]
    public Task Reports_an_immutable_collection_reassigned_with_an_added_copy() => Verify.VerifyAsync(Usings + """
        class Quotes
        {
            private static ImmutableDictionary<string, decimal> [|_prices|] = ImmutableDictionary<string, decimal>.Empty;
            private static ImmutableHashSet<string> [|_symbols|] = ImmutableHashSet<string>.Empty;

            public void On(string symbol, decimal price)
            {
                _prices = _prices.SetItem(symbol, price);
                ImmutableInterlocked.AddOrUpdate(ref _prices, symbol, price, (_, _) => price);
                _symbols = _symbols.Add(symbol);
            }
        }
        """);

    [Fact]
    public Task Reports_instance_fields_of_singletons_and_hosted_services() => Verify.VerifyAsync(Usings + """
        namespace Microsoft.Extensions.Hosting
        {
            public interface IHostedService
            {
                Task StartAsync(CancellationToken cancellationToken);
                Task StopAsync(CancellationToken cancellationToken);
            }
        }

        namespace App
        {
            using Microsoft.Extensions.Hosting;

            interface IQuotes { void On(string symbol, decimal price); }

            class Quotes : IQuotes
            {
                private readonly Dictionary<string, decimal> [|_prices|] = new();
                public void On(string symbol, decimal price) => _prices[symbol] = price;
            }

            class Orders
            {
                private readonly Dictionary<string, decimal> [|_open|] = new();
                public void On(string id, decimal qty) => _open[id] = qty;
            }

            class Factory
            {
                private readonly List<string> [|_made|] = new();
                public void Make(string name) => _made.Add(name);
            }

            class Worker : IHostedService
            {
                private readonly HashSet<string> [|_handled|] = new();
                public Task StartAsync(CancellationToken cancellationToken) { _handled.Add("x"); return Task.CompletedTask; }
                public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
            }

            class PerRequest
            {
                private readonly Dictionary<string, decimal> _scratch = new();
                public void On(string symbol, decimal price) => _scratch[symbol] = price;
            }

            static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSingleton<IQuotes, Quotes>();
                    services.AddSingleton(new Orders());
                    services.AddSingleton<Factory>(_ => new Factory());
                    services.AddScoped<PerRequest>();
                }
            }
        }
        """);

    [Fact]
    public async Task Reports_public_fields_of_an_application()
    {
        const string source = Usings + """
            public static class State
            {
                public static readonly Dictionary<string, decimal> Prices = new();
                public static void On(string symbol, decimal price) => Prices[symbol] = price;
            }
            """;
        var project = TestWorkspace.CreateProject(source);
        var library = await TestWorkspace.GetAnalyzerDiagnosticsAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(new UnboundedCacheAnalyzer()));
        Assert.Empty(library);

        var application = project.WithCompilationOptions(project.CompilationOptions!.WithOutputKind(OutputKind.ConsoleApplication));
        application = application.AddDocument("Program.cs", "class Program { static void Main() { } }", filePath: "/src/Program.cs").Project;
        var diagnostics = await TestWorkspace.GetAnalyzerDiagnosticsAsync(application, ImmutableArray.Create<DiagnosticAnalyzer>(new UnboundedCacheAnalyzer()));
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("GRD002", diagnostic.Id);
        Assert.Contains("'Prices' can only grow", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    // ---- collections that are bounded, or that Guard cannot see all of ----

    [Fact]
    public Task Ignores_lookup_tables_filled_at_initialization() => Verify.VerifyAsync(Usings + """
        class Symbols
        {
            private static readonly Dictionary<string, int> Decimals = new() { ["BTCUSDT"] = 2, ["ETHUSDT"] = 2 };
            private static readonly HashSet<string> Quote = new() { "USDT", "USDC" };
            private static readonly Dictionary<string, string> Aliases = new();
            private readonly Dictionary<string, int> _perInstance = new();

            static Symbols()
            {
                Aliases["XBT"] = "BTC";
                Aliases.Add("XDG", "DOGE");
            }

            public Symbols() => _perInstance["BTCUSDT"] = 2;

            public int Get(string symbol) => Decimals[symbol] + Quote.Count + Aliases.Count + _perInstance.Count;
        }
        """);

    [Fact]
    public Task Ignores_collections_that_are_trimmed() => Verify.VerifyAsync(Usings + """
        class Bot
        {
            private static readonly Dictionary<string, decimal> Open = new();
            private static readonly ConcurrentDictionary<string, decimal> Pending = new();
            private static readonly List<decimal> Window = new();
            private static readonly Queue<decimal> Fills = new();
            private static readonly HashSet<string> Seen = new();
            private static readonly ConcurrentBag<string> Bag = new();
            private static readonly Dictionary<string, decimal> Extension = new();

            public void On(string id, decimal value)
            {
                Open[id] = value;
                Pending.TryAdd(id, value);
                Window.Add(value);
                if (Window.Count > 100)
                    Window.RemoveAt(0);
                Fills.Enqueue(value);
                Seen.Add(id);
                Bag.Add(id);
                Extension.TryAdd(id, value);
            }

            public void OnFilled(string id)
            {
                Open.Remove(id);
                Pending.TryRemove(id, out _);
                Fills.TryDequeue(out _);
                Bag.TryTake(out _);
                Extension.Remove(id, out _);
            }

            public void Daily() => Seen.Clear();
        }
        """);

    [Fact]
    public Task Ignores_collections_that_are_replaced() => Verify.VerifyAsync(Usings + """
        class Bot
        {
            private static Dictionary<string, decimal> _prices = new();
            private static List<string> _log = new();
            private static ImmutableDictionary<string, decimal> _snapshot = ImmutableDictionary<string, decimal>.Empty;
            private static ImmutableHashSet<string> _updated = ImmutableHashSet<string>.Empty;
            private static Dictionary<string, decimal>? _lazy;

            public void On(string symbol, decimal price)
            {
                _prices[symbol] = price;
                _log.Add(symbol);
                _snapshot = _snapshot.SetItem(symbol, price);
                _updated = _updated.Add(symbol);
                ImmutableInterlocked.Update(ref _updated, set => set.Count > 100 ? set.Clear() : set);
                (_lazy ??= new Dictionary<string, decimal>())[symbol] = price;
            }

            public void Daily()
            {
                _prices = new Dictionary<string, decimal>();
                Interlocked.Exchange(ref _log, new List<string>());
                _snapshot = _snapshot.Remove("BTCUSDT");
                _lazy = null;
            }
        }
        """);

    [Fact]
    public Task Ignores_collections_keyed_by_a_bounded_domain() => Verify.VerifyAsync(Usings + """
        enum Side { Buy, Sell }
        class Reflection
        {
            private static readonly ConcurrentDictionary<Type, System.Reflection.PropertyInfo[]> Properties = new();
            private static readonly ConcurrentDictionary<(Type, string), System.Reflection.MethodInfo?> Methods = new();
            private static readonly Dictionary<Side, decimal> BySide = new();
            private static readonly Dictionary<bool, string> Flags = new();
            private static readonly HashSet<Type> Known = new();
            private static readonly Dictionary<char, int> Letters = new();

            public void On(Type type, Side side, char letter)
            {
                Properties.GetOrAdd(type, t => t.GetProperties());
                Methods.GetOrAdd((type, "Run"), key => key.Item1.GetMethod(key.Item2));
                BySide[side] = 1m;
                Flags[true] = "yes";
                Known.Add(type);
                Letters[letter] = 1;
            }
        }
        """);

    [Fact]
    public Task Ignores_options_cached_per_json_serializer_context() => Verify.VerifyAsync(Usings + """
        using System.Text.Json;
        using System.Text.Json.Serialization;

        // A source-generated context is one instance per context class, so this cache holds a handful of entries.
        static class SerializerOptions
        {
            private static readonly ConcurrentDictionary<JsonSerializerContext, JsonSerializerOptions> Cache = new();

            public static JsonSerializerOptions For(JsonSerializerContext context)
            {
                if (!Cache.TryGetValue(context, out var options))
                {
                    options = new JsonSerializerOptions { TypeInfoResolver = context };
                    Cache.TryAdd(context, options);
                }
                return options;
            }
        }
        """);

    [Fact]
    public Task Still_reports_options_cached_per_json_serializer_options() => Verify.VerifyAsync(Usings + """
        using System.Text.Json;

        static class Converters
        {
            // Options are often created per call: each one adds an entry.
            private static readonly ConcurrentDictionary<JsonSerializerOptions, JsonSerializerOptions> {|GRD002:Cache|} = new();

            public static JsonSerializerOptions With(JsonSerializerOptions options) =>
                Cache.GetOrAdd(options, o => new JsonSerializerOptions(o));
        }
        """);

    [Fact]
    public Task Ignores_collections_that_escape() => Verify.VerifyAsync(Usings + """
        class Bot
        {
            private static readonly Dictionary<string, decimal> Passed = new();
            private static readonly Dictionary<string, decimal> Returned = new();
            private static readonly Dictionary<string, decimal> Exposed = new();
            private static readonly Dictionary<string, decimal> Aliased = new();
            private static readonly List<string> Extended = new();
            private static readonly Dictionary<string, decimal> Viewed = new();

            public IReadOnlyDictionary<string, decimal> Prices => Exposed;

            public void On(string symbol, decimal price)
            {
                Passed[symbol] = price;
                Trim(Passed);
                Returned[symbol] = price;
                Exposed[symbol] = price;
                Aliased[symbol] = price;
                var alias = Aliased;
                alias.Clear();
                Extended.Add(symbol);
                Extended.KeepLast(10);
                Viewed[symbol] = price;
                var view = new System.Collections.ObjectModel.ReadOnlyDictionary<string, decimal>(Viewed);
            }

            public Dictionary<string, decimal> GetReturned() => Returned;

            private static void Trim(Dictionary<string, decimal> prices) => prices.Clear();
        }

        static class ListExtensions
        {
            public static void KeepLast(this List<string> list, int count) => list.RemoveRange(0, Math.Max(0, list.Count - count));
        }
        """);

    [Fact]
    public Task Ignores_locals_instance_fields_and_externally_visible_fields() => Verify.VerifyAsync(Usings + """
        public class Bot
        {
            public static readonly Dictionary<string, decimal> Public = new();
            protected static readonly Dictionary<string, decimal> Protected = new();
            private readonly Dictionary<string, decimal> _instance = new();

            public void On(string symbol, decimal price)
            {
                var local = new Dictionary<string, decimal>();
                local[symbol] = price;
                Public[symbol] = price;
                Protected[symbol] = price;
                _instance[symbol] = price;
            }
        }
        """);

    [Fact]
    public Task Ignores_types_it_does_not_know() => Verify.VerifyAsync(Usings + """
        class LruCache<TKey, TValue> : Dictionary<TKey, TValue> where TKey : notnull { }
        class Bot
        {
            private static readonly IDictionary<string, decimal> ByInterface = new Dictionary<string, decimal>();
            private static readonly LruCache<string, decimal> Derived = new();
            private static readonly System.Collections.Hashtable Legacy = new();

            public void On(string symbol, decimal price)
            {
                ByInterface[symbol] = price;
                Derived[symbol] = price;
                Legacy[symbol] = price;
            }
        }
        """);

    // ---- MemoryCache without a SizeLimit ----

    [Fact]
    public Task Reports_a_static_memory_cache_without_size_limit_whose_entries_never_expire() => VerifyMessage("""
        class Quotes
        {
            private static readonly MemoryCache Cache = [|new MemoryCache(new MemoryCacheOptions())|];

            public void Put(string symbol, decimal price) => Cache.Set(symbol, price);
            public decimal Get(string symbol) => Cache.TryGetValue(symbol, out decimal price) ? price : 0m;
        }
        """, "'Cache' can only grow: the MemoryCache has no SizeLimit and the entries written in Quotes.Put never expire");

    [Fact]
    public Task Reports_memory_caches_created_in_every_form() => Verify.VerifyAsync(Usings + """
        class Singleton
        {
            private readonly IMemoryCache _cache;
            public Singleton() => _cache = [|new MemoryCache(Options.Create(new MemoryCacheOptions { CompactionPercentage = 0.2 }))|];
            public decimal Get(string symbol) => _cache.GetOrCreate(symbol, entry => 1m);
        }

        class Local
        {
            private static readonly IMemoryCache Cache = Create();
            private static IMemoryCache? _lazy;

            private static IMemoryCache Create()
            {
                var options = new MemoryCacheOptions();
                return new MemoryCache(options);
            }

            public void Put(string symbol, decimal price)
            {
                _lazy ??= [|new MemoryCache(new MemoryCacheOptions())|];
                _lazy.CreateEntry(symbol).SetValue(price).Dispose();
                Cache.Set(symbol, price);
            }
        }

        static class Startup
        {
            public static void Configure(IServiceCollection services) => services.AddSingleton<Singleton>();
        }
        """);

    [Fact]
    public Task Ignores_memory_caches_that_are_bounded() => Verify.VerifyAsync(Usings + """
        class Bounded
        {
            private static readonly MemoryCache Limited = new(new MemoryCacheOptions { SizeLimit = 1024 });
            private static readonly MemoryCache Expiring = new(new MemoryCacheOptions());
            private static readonly MemoryCache Removed = new(new MemoryCacheOptions());
            private static readonly MemoryCache Compacted = new(new MemoryCacheOptions());
            private static readonly MemoryCache Unwritten = new(new MemoryCacheOptions());
            private static readonly MemoryCache OptionsFromCaller = new(new MemoryCacheOptions());

            public void Put(string symbol, decimal price, MemoryCacheEntryOptions options)
            {
                Limited.Set(symbol, price, new MemoryCacheEntryOptions { Size = 1 });
                Expiring.Set(symbol, price, TimeSpan.FromMinutes(1));
                Expiring.Set(symbol, price, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1) });
                Expiring.GetOrCreate(symbol, entry => { entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(5); return price; });
                Removed.Set(symbol, price);
                Removed.Remove(symbol);
                Compacted.Set(symbol, price);
                Compacted.Compact(0.5);
                _ = Unwritten.Get(symbol);
                OptionsFromCaller.Set(symbol, price, options);
            }
        }
        """);

    [Fact]
    public Task Ignores_memory_caches_it_cannot_see_all_of() => Verify.VerifyAsync(Usings + """
        class Shared
        {
            private readonly IMemoryCache _fromContainer;
            private static readonly IMemoryCache Escaping = new MemoryCache(new MemoryCacheOptions());
            private readonly IMemoryCache _instance = new MemoryCache(new MemoryCacheOptions());

            public Shared(IMemoryCache cache) => _fromContainer = cache;

            public void Put(string symbol, decimal price)
            {
                _fromContainer.Set(symbol, price);
                Escaping.Set(symbol, price);
                Helper.Use(Escaping);
                _instance.Set(symbol, price);
                var local = new MemoryCache(new MemoryCacheOptions());
                local.Set(symbol, price);
            }

            public static void Configure(IServiceCollection services)
            {
                services.AddMemoryCache();
                services.AddSingleton<IMemoryCache>(new MemoryCache(new MemoryCacheOptions()));
            }
        }

        static class Helper
        {
            public static void Use(IMemoryCache cache) => cache.Remove("x");
        }
        """);

    [Fact]
    public Task Does_not_throw_on_broken_code() => Verify.VerifyAsync(Usings + """
        class Bot
        {
            private static readonly Dictionary<string, > Broken = new();
            private static readonly Dictionary<string, decimal> Prices = new(;
            private static readonly MemoryCache Cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = });

            public void On(string symbol, decimal price)
            {
                Broken[symbol] = price;
                Prices[symbol] = ;
                Prices.Add(symbol);
                Unknown.Add(symbol);
                Cache.Set(symbol, );
                services.AddSingleton<>();
            }
        }
        """, allowCompilerErrors: true);
}
