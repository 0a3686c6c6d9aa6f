namespace Guard.Analyzers.Tests.Rules;

/// <summary>
/// Small declarations test sources need and the test references lack: the Microsoft.Extensions.Http.Resilience
/// and Http.Polly registration methods (Guard's registration index is syntactic, so a stub is enough), Polly's
/// rate-limiter strategy, and Guard's marker attributes, which users declare themselves.
/// </summary>
internal static class TestStubs
{
    public const string Registrations = """
        namespace Microsoft.Extensions.DependencyInjection
        {
            public static class ResilienceStubs
            {
                public static IHttpClientBuilder AddStandardResilienceHandler(this IHttpClientBuilder builder) => builder;
                public static IHttpClientBuilder AddStandardResilienceHandler(this IHttpClientBuilder builder, System.Action<object> configure) => builder;
                public static IHttpClientBuilder AddStandardHedgingHandler(this IHttpClientBuilder builder) => builder;
                public static IHttpClientBuilder AddResilienceHandler(this IHttpClientBuilder builder, string name, System.Action<Polly.ResiliencePipelineBuilder<System.Net.Http.HttpResponseMessage>> configure) => builder;
                public static IHttpClientBuilder AddPolicyHandler(this IHttpClientBuilder builder, Polly.IAsyncPolicy<System.Net.Http.HttpResponseMessage> policy) => builder;
                public static IHttpClientBuilder AddTransientHttpErrorPolicy(this IHttpClientBuilder builder, System.Func<Polly.PolicyBuilder<System.Net.Http.HttpResponseMessage>, Polly.IAsyncPolicy<System.Net.Http.HttpResponseMessage>> configure) => builder;
                public static Polly.ResiliencePipelineBuilder<T> AddRateLimiter<T>(this Polly.ResiliencePipelineBuilder<T> builder, System.Threading.RateLimiting.RateLimiter limiter) => builder;
            }
        }
        """;

    public const string RateLimiterStrategy = """
        namespace Polly
        {
            public static class RateLimiterStubs
            {
                public static ResiliencePipelineBuilder AddRateLimiter(this ResiliencePipelineBuilder builder, System.Threading.RateLimiting.RateLimiter limiter) => builder;
                public static ResiliencePipelineBuilder AddConcurrencyLimiter(this ResiliencePipelineBuilder builder, int permitLimit, int queueLimit = 0) => builder;
            }
        }
        """;

    public const string Attributes = """
        namespace Contoso.Reliability
        {
            [System.AttributeUsage(System.AttributeTargets.Method)]
            public sealed class RetryWrapperAttribute : System.Attribute { }
            [System.AttributeUsage(System.AttributeTargets.Method)]
            public sealed class NonIdempotentAttribute : System.Attribute { }
            [System.AttributeUsage(System.AttributeTargets.Method)]
            public sealed class IdempotentAttribute : System.Attribute { }
        }
        """;
}
