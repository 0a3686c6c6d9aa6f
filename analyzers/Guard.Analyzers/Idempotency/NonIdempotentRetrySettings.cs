using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Guard.Analyzers.Http;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Guard.Analyzers.Idempotency
{
    /// <summary>GRD004's options for one syntax tree, with the names it matches normalized once.</summary>
    internal sealed class NonIdempotentRetrySettings
    {
        /// <summary>Order-placing method names every exchange SDK uses; each also matches with an Async suffix.</summary>
        public static readonly ImmutableArray<string> DefaultOrderMethods = ImmutableArray.Create(
            "PlaceOrder", "SubmitOrder", "CreateOrder", "NewOrder", "SendOrder", "ExecuteOrder");

        /// <summary>
        /// Client order id spellings of the common exchange APIs (Binance newClientOrderId, KuCoin clientOid, OKX clOrdId,
        /// Bybit orderLinkId, FIX ClOrdID) and the idempotency key of payment-style APIs (also the Idempotency-Key header).
        /// </summary>
        public static readonly ImmutableArray<string> DefaultKeyNames = ImmutableArray.Create(
            "ClientOrderId", "ClientOid", "NewClientOrderId", "ClOrdId", "OrderLinkId", "IdempotencyKey", "IdempotenceKey");

        public static readonly ImmutableArray<string> DefaultOrderPathSegments = ImmutableArray.Create("order", "orders");

        public const string DefaultHeaderName = "Idempotency-Key";

        private static readonly HashSet<string> DefaultOrderMethodNames = CreateOrderMethodNames();

        private readonly HashSet<string> _keyNames;
        private readonly ConcurrentDictionary<ITypeSymbol, ISymbol?> _keyMembers = new ConcurrentDictionary<ITypeSymbol, ISymbol?>(SymbolEqualityComparer.Default);

        private readonly HashSet<string> _resubmissionPrefixes;

        public bool IsResubmissionPrefix(string word) => _resubmissionPrefixes.Contains(word);

        private NonIdempotentRetrySettings(MethodNameList nonIdempotent, MethodNameList idempotent, MethodNameList retryWrappers, HashSet<string> keyNames, ImmutableArray<string> orderSegments,
            HashSet<string> resubmissionPrefixes)
        {
            _resubmissionPrefixes = resubmissionPrefixes;
            NonIdempotentMethods = nonIdempotent;
            IdempotentMethods = idempotent;
            RetryWrappers = retryWrappers;
            _keyNames = keyNames;
            OrderPathSegments = orderSegments;
        }

        public MethodNameList NonIdempotentMethods { get; }
        public MethodNameList IdempotentMethods { get; }
        public MethodNameList RetryWrappers { get; }
        public ImmutableArray<string> OrderPathSegments { get; }

        /// <summary>
        /// The settings of a tree from the compilation's one per-tree cache (GRD001 and GRD004 share them). Trees whose
        /// options read the same share one settings object, and with it the key members already found: most projects
        /// have one set of options for every file, and building the sets and finding the keys again per tree was a
        /// twentieth of Guard's time in a csc build.
        /// </summary>
        public static NonIdempotentRetrySettings For(GuardCompilationContext guard, AnalyzerOptions options, SyntaxTree tree) =>
            guard.TreeOptions.Get(tree, SettingsKey, (guard, options), static (state, t) => Shared(state.guard, state.options, t));

        private const string SettingsKey = "GRD004.settings";

        private static readonly ConditionalWeakTable<GuardCompilationContext, ConcurrentDictionary<string, NonIdempotentRetrySettings>> ByOptions =
            new ConditionalWeakTable<GuardCompilationContext, ConcurrentDictionary<string, NonIdempotentRetrySettings>>();

        private static NonIdempotentRetrySettings Shared(GuardCompilationContext guard, AnalyzerOptions options, SyntaxTree tree)
        {
            var raw = RawOptions.Of(options, tree);
            var byOptions = ByOptions.GetValue(guard, _ => new ConcurrentDictionary<string, NonIdempotentRetrySettings>(StringComparer.Ordinal));
            return byOptions.TryGetValue(raw.Key, out var settings) ? settings : byOptions.GetOrAdd(raw.Key, _ => Create(raw));
        }

        public static NonIdempotentRetrySettings Read(AnalyzerOptions options, SyntaxTree tree) => Create(RawOptions.Of(options, tree));

        private static NonIdempotentRetrySettings Create(RawOptions raw)
        {
            var keyNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in DefaultKeyNames)
                keyNames.Add(Normalize(name));
            foreach (var name in raw.KeyNames)
            {
                var normalized = Normalize(name);
                if (normalized.Length > 0)
                    keyNames.Add(normalized);
            }
            var prefixes = new HashSet<string>(Resubmissions.DefaultPrefixes, StringComparer.Ordinal);
            foreach (var prefix in raw.ResubmissionPrefixes)
                prefixes.Add(prefix.ToLowerInvariant());
            return new NonIdempotentRetrySettings(
                new MethodNameList(raw.NonIdempotentMethods),
                new MethodNameList(raw.IdempotentMethods),
                new MethodNameList(raw.RetryWrappers),
                keyNames,
                raw.OrderPathSegments.IsEmpty ? DefaultOrderPathSegments : raw.OrderPathSegments,
                prefixes);
        }

        /// <summary>The option values the settings are made from, as read for one tree, and a key that is equal when they are.</summary>
        private readonly struct RawOptions
        {
            private RawOptions(ImmutableArray<string>[] lists)
            {
                KeyNames = lists[0];
                OrderPathSegments = lists[1];
                ResubmissionPrefixes = lists[2];
                NonIdempotentMethods = lists[3];
                IdempotentMethods = lists[4];
                RetryWrappers = lists[5];
                var key = new System.Text.StringBuilder();
                foreach (var list in lists)
                {
                    foreach (var item in list)
                        key.Append(item).Append('\u0001');
                    key.Append('\u0002');
                }
                Key = key.ToString();
            }

            public ImmutableArray<string> KeyNames { get; }
            public ImmutableArray<string> OrderPathSegments { get; }
            public ImmutableArray<string> ResubmissionPrefixes { get; }
            public ImmutableArray<string> NonIdempotentMethods { get; }
            public ImmutableArray<string> IdempotentMethods { get; }
            public ImmutableArray<string> RetryWrappers { get; }
            public string Key { get; }

            public static RawOptions Of(AnalyzerOptions options, SyntaxTree tree)
            {
                const string id = GuardDescriptors.NonIdempotentRetryId;
                return new RawOptions(new[]
                {
                    GuardOptions.GetList(options, tree, id, GuardOptionCatalog.IdempotencyKeyNames),
                    GuardOptions.GetList(options, tree, id, GuardOptionCatalog.OrderPathSegments),
                    GuardOptions.GetList(options, tree, id, GuardOptionCatalog.ResubmissionPrefixes),
                    GuardOptions.GetList(options, tree, id, GuardOptionCatalog.NonIdempotentMethods),
                    GuardOptions.GetList(options, tree, id, GuardOptionCatalog.IdempotentMethods),
                    GuardOptions.GetList(options, tree, id, GuardOptionCatalog.RetryWrappers),
                });
            }
        }

        public static bool IsDefaultOrderMethodName(string name) => DefaultOrderMethodNames.Contains(name);

        /// <summary>A member, parameter or anonymous-type property name that holds an idempotency key.</summary>
        public bool IsKeyName(string name) => _keyNames.Contains(Normalize(name));

        /// <summary>An HTTP header that carries an idempotency key: Idempotency-Key, X-Idempotency-Key, X-Client-Order-Id...</summary>
        public bool IsKeyHeader(string header)
        {
            if (header.StartsWith("x-", StringComparison.OrdinalIgnoreCase))
                header = header.Substring(2);
            return _keyNames.Contains(Normalize(header));
        }

        /// <summary>True when a string (a query string, a JSON or form body in a literal) mentions a key name.</summary>
        public bool TextMentionsKey(string text)
        {
            if (text.Length < 3)
                return false;
            var normalized = Normalize(text);
            foreach (var name in _keyNames)
            {
                if (normalized.IndexOf(name, StringComparison.Ordinal) >= 0)
                    return true;
            }
            return false;
        }

        /// <summary>The instance field or property of the type (or its bases and interfaces) that holds the key, if any.</summary>
        public ISymbol? KeyMemberOf(ITypeSymbol? type)
        {
            if (type is null || type.SpecialType != SpecialType.None || type.TypeKind is not (TypeKind.Class or TypeKind.Struct or TypeKind.Interface))
                return null;
            return _keyMembers.GetOrAdd(type, FindKeyMember);
        }

        private ISymbol? FindKeyMember(ITypeSymbol type)
        {
            for (var current = type; current != null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                var member = KeyMemberIn(current);
                if (member != null)
                    return member;
            }
            foreach (var iface in type.AllInterfaces)
            {
                var member = KeyMemberIn(iface);
                if (member != null)
                    return member;
            }
            return null;
        }

        private ISymbol? KeyMemberIn(ITypeSymbol type)
        {
            foreach (var member in type.GetMembers())
            {
                if (member.IsStatic || member is not (IPropertySymbol or IFieldSymbol))
                    continue;
                if (IsKeyName(member.Name))
                    return member;
            }
            return null;
        }

        /// <summary>Lower case without separators: ClientOrderId, client_order_id and client-order-id all match.</summary>
        public static string Normalize(string name)
        {
            var builder = new System.Text.StringBuilder(name.Length);
            foreach (var c in name)
            {
                if (c is '_' or '-' or '.' or ' ')
                    continue;
                builder.Append(char.ToLowerInvariant(c));
            }
            return builder.ToString();
        }

        private static HashSet<string> CreateOrderMethodNames()
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in DefaultOrderMethods)
            {
                names.Add(name);
                names.Add(name + "Async");
            }
            return names;
        }
    }
}
