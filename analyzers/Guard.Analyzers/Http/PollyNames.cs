using System.Collections.Generic;

namespace Guard.Analyzers.Http
{
    /// <summary>Method names of Polly v7 and v8 that matter to Guard, for cheap name tests before symbol work.</summary>
    internal static class PollyNames
    {
        public static readonly HashSet<string> ExecuteMethods = new HashSet<string>
        {
            "Execute", "ExecuteAsync", "ExecuteAndCapture", "ExecuteAndCaptureAsync", "ExecuteOutcomeAsync",
        };

        public static readonly HashSet<string> RetryBuilders = new HashSet<string>
        {
            "AddRetry", "AddHedging", "Retry", "RetryAsync", "RetryForever", "RetryForeverAsync",
            "WaitAndRetry", "WaitAndRetryAsync", "WaitAndRetryForever", "WaitAndRetryForeverAsync",
        };

        public static readonly HashSet<string> ThrottleBuilders = new HashSet<string>
        {
            "AddRateLimiter", "AddConcurrencyLimiter", "RateLimit", "RateLimitAsync", "Bulkhead", "BulkheadAsync",
        };

        /// <summary>Builders that combine policies defined elsewhere, which a syntactic look cannot see into.</summary>
        public static readonly HashSet<string> Combinators = new HashSet<string>
        {
            "Wrap", "WrapAsync", "AddPipeline", "GetPipeline",
        };

        public static readonly HashSet<string> HttpResilienceHandlers = new HashSet<string>
        {
            "AddStandardResilienceHandler", "AddResilienceHandler", "AddStandardHedgingHandler",
            "AddPolicyHandler", "AddTransientHttpErrorPolicy", "AddPolicyHandlerFromRegistry",
        };
    }
}
