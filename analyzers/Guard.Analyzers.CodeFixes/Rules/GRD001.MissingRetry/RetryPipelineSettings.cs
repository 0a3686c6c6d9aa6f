using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Guard.Analyzers.CodeFixes.Rules.GRD001
{
    /// <summary>
    /// The numbers in the retry pipeline the GRD001 fix adds, from .editorconfig (<c>guard.GRD001.*</c>). The
    /// defaults follow the standard resilience handler's shape: three retries, 10 s per attempt, 30 s in all,
    /// with a Retry-After wait capped below the total so the server's answer can still be used.
    /// </summary>
    internal sealed class RetryPipelineSettings
    {
        public const string RuleId = GuardDescriptors.MissingRetryId;

        private RetryPipelineSettings(int maxRetryAttempts, int baseDelayMilliseconds, int retryAfterCapSeconds, int attemptTimeoutSeconds, int totalTimeoutSeconds)
        {
            MaxRetryAttempts = maxRetryAttempts;
            BaseDelayMilliseconds = baseDelayMilliseconds;
            RetryAfterCapSeconds = retryAfterCapSeconds;
            AttemptTimeoutSeconds = attemptTimeoutSeconds;
            TotalTimeoutSeconds = totalTimeoutSeconds;
        }

        public int MaxRetryAttempts { get; }
        public int BaseDelayMilliseconds { get; }
        public int RetryAfterCapSeconds { get; }
        public int AttemptTimeoutSeconds { get; }
        public int TotalTimeoutSeconds { get; }

        public static RetryPipelineSettings Read(AnalyzerOptions options, SyntaxTree tree) => new RetryPipelineSettings(
            GuardOptions.GetInt(options, tree, RuleId, GuardOptionCatalog.RetryAttempts),
            GuardOptions.GetInt(options, tree, RuleId, GuardOptionCatalog.RetryBaseDelayMs),
            GuardOptions.GetInt(options, tree, RuleId, GuardOptionCatalog.RetryAfterMaxSeconds),
            GuardOptions.GetInt(options, tree, RuleId, GuardOptionCatalog.AttemptTimeoutSeconds),
            GuardOptions.GetInt(options, tree, RuleId, GuardOptionCatalog.TotalTimeoutSeconds));
    }
}
