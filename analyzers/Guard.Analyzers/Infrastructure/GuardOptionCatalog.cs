using System.Collections.Immutable;

namespace Guard.Analyzers.Infrastructure
{
    internal enum GuardOptionKind
    {
        /// <summary>Methods as <c>Method</c>, <c>Type.Method</c> or <c>Namespace.Type.Method</c>, separated by <c>,</c> <c>;</c> or <c>|</c>.</summary>
        MethodList,

        /// <summary>Names or words, same separators.</summary>
        NameList,

        /// <summary>A positive whole number; anything else keeps the default.</summary>
        PositiveInt,
    }

    /// <summary>
    /// One .editorconfig option. Read as <c>guard.GRDnnn.name</c> for the rule asking, falling back to <c>guard.name</c>
    /// (<see cref="GuardOptions"/>). <see cref="Rules"/> are the rules whose analyzer or fix reads it; each one's page in
    /// docs/rules documents it (a test checks).
    /// </summary>
    internal sealed class GuardOption
    {
        public GuardOption(string name, GuardOptionKind kind, int defaultNumber, params string[] rules)
        {
            Name = name;
            Kind = kind;
            DefaultNumber = defaultNumber;
            Rules = ImmutableArray.Create(rules);
        }

        public string Name { get; }
        public GuardOptionKind Kind { get; }

        /// <summary>The default of a <see cref="GuardOptionKind.PositiveInt"/>; a list's default is empty (built-in names are always added).</summary>
        public int DefaultNumber { get; }

        public ImmutableArray<string> Rules { get; }

        /// <summary>Shared by several rules: documented as <c>guard.name</c>; otherwise as <c>guard.GRDnnn.name</c>.</summary>
        public bool IsShared => Rules.Length > 1;
    }

    /// <summary>Every option Guard reads: name, kind, default and rules, declared once here and nowhere else.</summary>
    internal static class GuardOptionCatalog
    {
        private const string GRD001 = GuardDescriptors.MissingRetryId;
        private const string GRD002 = GuardDescriptors.UnboundedCacheId;
        private const string GRD003 = GuardDescriptors.UnthrottledCallsId;
        private const string GRD004 = GuardDescriptors.NonIdempotentRetryId;
        private const string GRD005 = GuardDescriptors.MemoryCacheEntryWithoutSizeId;
        private const string GRD006 = GuardDescriptors.ApiClientPerCallId;
        private const string GRD007 = GuardDescriptors.SilentStreamId;

        // Shared: what is outbound and what retries is one notion for every rule that asks.
        public static readonly GuardOption OutboundMethods = new GuardOption("outbound_methods", GuardOptionKind.MethodList, 0, GRD001, GRD003);
        public static readonly GuardOption RetryWrappers = new GuardOption("retry_wrappers", GuardOptionKind.MethodList, 0, GRD001, GRD003, GRD004);

        // GRD001 code fix: the pipeline it writes.
        public static readonly GuardOption RetryAttempts = new GuardOption("retry_attempts", GuardOptionKind.PositiveInt, 3, GRD001);
        public static readonly GuardOption RetryBaseDelayMs = new GuardOption("retry_base_delay_ms", GuardOptionKind.PositiveInt, 1000, GRD001);
        public static readonly GuardOption RetryAfterMaxSeconds = new GuardOption("retry_after_max_seconds", GuardOptionKind.PositiveInt, 20, GRD001);
        public static readonly GuardOption AttemptTimeoutSeconds = new GuardOption("attempt_timeout_seconds", GuardOptionKind.PositiveInt, 10, GRD001);
        public static readonly GuardOption TotalTimeoutSeconds = new GuardOption("total_timeout_seconds", GuardOptionKind.PositiveInt, 30, GRD001);

        public static readonly GuardOption DefaultSizeLimit = new GuardOption("default_size_limit", GuardOptionKind.PositiveInt, 1024, GRD002);

        public static readonly GuardOption ThrottleMethods = new GuardOption("throttle_methods", GuardOptionKind.MethodList, 0, GRD003);
        public static readonly GuardOption MaxConstantIterations = new GuardOption("max_constant_iterations", GuardOptionKind.PositiveInt, 3, GRD003);

        // GRD004's reading of "must not be sent twice", also used by GRD001 and its fix (they read it as GRD004's).
        public static readonly GuardOption NonIdempotentMethods = new GuardOption("non_idempotent_methods", GuardOptionKind.MethodList, 0, GRD004);
        public static readonly GuardOption IdempotentMethods = new GuardOption("idempotent_methods", GuardOptionKind.MethodList, 0, GRD004);
        public static readonly GuardOption IdempotencyKeyNames = new GuardOption("idempotency_key_names", GuardOptionKind.NameList, 0, GRD004);
        public static readonly GuardOption OrderPathSegments = new GuardOption("order_path_segments", GuardOptionKind.NameList, 0, GRD004);
        public static readonly GuardOption ResubmissionPrefixes = new GuardOption("resubmission_prefixes", GuardOptionKind.NameList, 0, GRD004);

        public static readonly GuardOption DefaultEntrySize = new GuardOption("default_entry_size", GuardOptionKind.PositiveInt, 1, GRD005);

        public static readonly GuardOption ClientTypes = new GuardOption("client_types", GuardOptionKind.NameList, 0, GRD006);

        public static readonly GuardOption KeepAliveTimeoutSeconds = new GuardOption("keep_alive_timeout_seconds", GuardOptionKind.PositiveInt, 10, GRD007);

        public static ImmutableArray<GuardOption> All { get; } = ImmutableArray.Create(
            OutboundMethods, RetryWrappers,
            RetryAttempts, RetryBaseDelayMs, RetryAfterMaxSeconds, AttemptTimeoutSeconds, TotalTimeoutSeconds,
            DefaultSizeLimit,
            ThrottleMethods, MaxConstantIterations,
            NonIdempotentMethods, IdempotentMethods, IdempotencyKeyNames, OrderPathSegments, ResubmissionPrefixes,
            DefaultEntrySize,
            ClientTypes,
            KeepAliveTimeoutSeconds);
    }
}
