using Guard.Analyzers.Http;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD003
{
    /// <summary>
    /// Whether a region paces or bounds the calls in it: a RateLimiter or PartitionedRateLimiter acquire, a
    /// SemaphoreSlim wait, Task.Delay, Thread.Sleep, PeriodicTimer.WaitForNextTickAsync, a Polly pipeline with
    /// a rate or concurrency limiter, or a method the user lists in <c>guard.throttle_methods</c>.
    /// </summary>
    internal static class Throttles
    {
        /// <param name="unknownPipelinesMayThrottle">
        /// True when the compilation builds rate limiters into Polly pipelines somewhere: a pipeline Guard cannot
        /// read (injected, from a registry) may then be one of them.
        /// </param>
        public static bool InRegion(IOperation region, KnownTypes known, RepetitionTypes types, MethodNameList throttleMethods, bool unknownPipelinesMayThrottle)
        {
            foreach (var operation in region.DescendantsAndSelf())
            {
                if (operation is IInvocationOperation invocation && IsThrottle(invocation, known, types, throttleMethods, unknownPipelinesMayThrottle))
                    return true;
            }
            return false;
        }

        private static bool IsThrottle(IInvocationOperation invocation, KnownTypes known, RepetitionTypes types, MethodNameList throttleMethods, bool unknownPipelinesMayThrottle)
        {
            var method = invocation.TargetMethod;
            var containing = method.ContainingType;
            switch (method.Name)
            {
                case "AcquireAsync" or "AttemptAcquire":
                    if (KnownTypes.IsOrDerivesFrom(containing, types.RateLimiter) || KnownTypes.IsOrDerivesFrom(containing, types.PartitionedRateLimiter))
                        return true;
                    break;
                case "Wait" or "WaitAsync":
                    if (KnownTypes.Same(containing, types.SemaphoreSlim))
                        return true;
                    break;
                case "Delay":
                    if (KnownTypes.Same(containing, types.Task))
                        return true;
                    break;
                case "Sleep":
                    if (KnownTypes.Same(containing, types.Thread))
                        return true;
                    break;
                case "WaitForNextTickAsync":
                    if (KnownTypes.Same(containing, types.PeriodicTimer))
                        return true;
                    break;
            }
            if (PollyNames.ExecuteMethods.Contains(method.Name) && known.IsPollyExecutor(containing))
            {
                var pipeline = PipelineFacts.Of(invocation.Instance);
                if (pipeline.HasThrottle || (unknownPipelinesMayThrottle && pipeline.MayThrottle))
                    return true;
            }
            return throttleMethods.Matches(method.ReducedFrom ?? method.OriginalDefinition);
        }
    }
}
