using System.Threading.Tasks;
using Verify = Guard.Analyzers.Tests.Verifiers.AnalyzerVerifier<Guard.Analyzers.Rules.GRD002.UnboundedCacheAnalyzer>;

namespace Guard.Analyzers.Tests.Rules.GRD002;

/// <summary>Shapes met in public exchange clients and SDKs (docs/precision.md): what GRD002 must and must not say there.</summary>
public class UnboundedCacheRealCodeTests
{
    private const string Usings = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;

        """;

    [Fact]
    public Task A_write_that_replaces_a_key_just_found_does_not_grow_the_map() => Verify.VerifyAsync(Usings + """
        interface IExchange { string Name { get; } }
        class Exchange : IExchange, IDisposable
        {
            private static readonly Dictionary<string, object?> apis = new Dictionary<string, object?>();

            static Exchange()
            {
                foreach (var name in new[] { "binance", "kraken" })
                    apis[name] = null;
            }

            public string Name => "binance";

            public void Dispose()
            {
                lock (apis)
                {
                    if (apis.TryGetValue(Name, out var cached) && cached == this)
                        apis[Name] = null;
                    if (apis.ContainsKey(Name))
                    {
                        apis[Name] = null;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task A_write_after_a_failed_lookup_still_adds() => Verify.VerifyAsync(Usings + """
        record Quote(decimal Bid, decimal Ask);
        class Quotes
        {
            private static readonly Dictionary<string, Quote> [|bySymbol|] = new Dictionary<string, Quote>();

            public Quote Get(string symbol)
            {
                if (!bySymbol.TryGetValue(symbol, out var quote))
                {
                    quote = new Quote(0, 0);
                    bySymbol[symbol] = quote;
                }
                return quote;
            }

            public void Set(string symbol, Quote quote, string other)
            {
                if (bySymbol.ContainsKey(other))
                    bySymbol[symbol] = quote; // a different key: may add
            }
        }
        """);

    [Fact]
    public Task A_registry_of_services_keyed_by_configuration_is_not_reported() => Verify.VerifyAsync(Usings + """
        class TokenRegistry { public TokenRegistry(string key) { } }
        interface IExchangeApi { }
        class ExchangeClient { }
        static class Registries
        {
            private static readonly object _lock = new object();
            private static readonly Dictionary<string, TokenRegistry> _registries = new Dictionary<string, TokenRegistry>();
            private static readonly ConcurrentDictionary<string, IExchangeApi?> _apis = new ConcurrentDictionary<string, IExchangeApi?>();
            private static readonly ConcurrentDictionary<string, ExchangeClient> _clients = new ConcurrentDictionary<string, ExchangeClient>();

            public static TokenRegistry GetRegistry(string registryKey)
            {
                lock (_lock)
                {
                    if (!_registries.TryGetValue(registryKey, out var registry))
                    {
                        registry = new TokenRegistry(registryKey);
                        _registries[registryKey] = registry;
                    }
                    return registry;
                }
            }

            public static void Register(string name, IExchangeApi api) => _apis[name] = api;
            public static ExchangeClient Client(string environment) => _clients.GetOrAdd(environment, _ => new ExchangeClient());
        }
        """);

    [Fact]
    public Task A_map_of_data_is_still_reported() => Verify.VerifyAsync(Usings + """
        record Order(string Id);
        class OrderBookkeeping
        {
            private static readonly ConcurrentDictionary<string, Order> [|_orders|] = new ConcurrentDictionary<string, Order>();
            public static void Track(Order order) => _orders[order.Id] = order;
        }
        """);

    [Fact]
    public Task A_map_keyed_by_api_exchange_environment_or_topic_is_bounded_by_configuration() => Verify.VerifyAsync(Usings + """
        class TimeOffset { public void Update(double ms) { } }
        class KeyedCache { }
        static class TimeOffsets
        {
            private static readonly ConcurrentDictionary<string, TimeOffset> _lastSocketDelays = new ConcurrentDictionary<string, TimeOffset>();
            private static readonly ConcurrentDictionary<string, KeyedCache> _symbolInfos = new ConcurrentDictionary<string, KeyedCache>();
            private static readonly Dictionary<string, string> _baseUrls = new Dictionary<string, string>();

            public static void UpdateSocketOffset(string api, double offsetMs)
            {
                if (!_lastSocketDelays.TryGetValue(api, out var offset))
                {
                    offset = new TimeOffset();
                    _lastSocketDelays.TryAdd(api, offset);
                }
                offset.Update(offsetMs);
            }

            public static void UpdateSymbolInfo(string topicId, string environment)
            {
                var id = topicId + environment;
                if (!_symbolInfos.TryGetValue(id, out _))
                    _symbolInfos.TryAdd(id, new KeyedCache());
            }

            public static void Configure(Options options, string url) => _baseUrls[options.ExchangeName] = url;
        }
        class Options { public string ExchangeName { get; set; } = ""; }
        """);

    [Fact]
    public Task A_map_keyed_by_symbol_or_order_is_still_reported() => Verify.VerifyAsync(Usings + """
        class TimeOffset { }
        static class PerSymbol
        {
            private static readonly ConcurrentDictionary<string, TimeOffset> [|_bySymbol|] = new ConcurrentDictionary<string, TimeOffset>();
            public static void Update(string symbol, string environment)
            {
                var id = symbol + environment;
                _bySymbol.TryAdd(id, new TimeOffset());
            }
        }
        """);

    [Fact]
    public Task A_warn_once_set_is_not_reported() => Verify.VerifyAsync(Usings + """
        static class Log { public static void Warning(string message) => Console.WriteLine(message); }
        static class EnumMapping
        {
            private static readonly ConcurrentBag<string> _unknownValuesWarned = new ConcurrentBag<string>();
            private static readonly HashSet<string> _reported = new HashSet<string>();

            public static void Unknown(string value)
            {
                if (!_unknownValuesWarned.Contains(value))
                {
                    _unknownValuesWarned.Add(value);
                    Log.Warning("Cannot map enum value " + value);
                }
            }

            public static void Deprecated(string name)
            {
                if (_reported.Add(name))
                    Console.WriteLine(name + " is deprecated");
            }
        }
        """);

    [Fact]
    public Task A_seen_set_that_does_not_log_is_still_reported() => Verify.VerifyAsync(Usings + """
        static class Dedup
        {
            private static readonly HashSet<string> [|_processed|] = new HashSet<string>();
            public static bool Process(string tradeId)
            {
                if (!_processed.Add(tradeId))
                    return false;
                return true;
            }
        }
        """);
}
