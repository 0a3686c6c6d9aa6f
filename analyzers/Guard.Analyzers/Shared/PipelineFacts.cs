using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers
{
    /// <summary>
    /// What a Polly pipeline or policy is known to contain, read from the syntax that builds it (the
    /// initializer of the field, property or local it is executed on). Unknown when Guard cannot see it:
    /// injected, assigned elsewhere, or combined from parts defined elsewhere.
    /// </summary>
    internal readonly struct PipelineFacts
    {
        public static readonly PipelineFacts Unknown = new PipelineFacts(false, false, false);

        private PipelineFacts(bool known, bool hasRetry, bool hasThrottle)
        {
            IsKnown = known;
            HasRetryWhenKnown = hasRetry;
            HasThrottleWhenKnown = hasThrottle;
        }

        public bool IsKnown { get; }
        private bool HasRetryWhenKnown { get; }
        private bool HasThrottleWhenKnown { get; }

        /// <summary>False only when the pipeline is known to have no retry or hedging strategy.</summary>
        public bool MayRetry => !IsKnown || HasRetryWhenKnown;

        /// <summary>True only when the pipeline is known to contain a rate or concurrency limiter.</summary>
        public bool HasThrottle => IsKnown && HasThrottleWhenKnown;

        public static PipelineFacts Of(IOperation? receiver)
        {
            var builder = BuilderSyntaxOf(receiver);
            return builder is null ? Unknown : Scan(builder);
        }

        private static SyntaxNode? BuilderSyntaxOf(IOperation? receiver)
        {
            while (receiver is IConversionOperation conversion)
                receiver = conversion.Operand;
            ISymbol? symbol = receiver switch
            {
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation property => property.Property,
                ILocalReferenceOperation local => local.Local,
                _ => null,
            };
            if (symbol is null)
                return receiver is IInvocationOperation or IObjectCreationOperation ? receiver.Syntax : null;
            if (symbol.DeclaringSyntaxReferences.Length != 1)
                return null;
            var declaration = symbol.DeclaringSyntaxReferences[0].GetSyntax();
            return declaration switch
            {
                VariableDeclaratorSyntax variable => variable.Initializer?.Value,
                PropertyDeclarationSyntax property => (SyntaxNode?)property.Initializer?.Value ?? property.ExpressionBody?.Expression,
                _ => null,
            };
        }

        private static PipelineFacts Scan(SyntaxNode builder)
        {
            bool retry = false, throttle = false, sawBuilder = false;
            foreach (var node in builder.DescendantNodesAndSelf())
            {
                if (node is not InvocationExpressionSyntax invocation)
                    continue;
                var name = SyntaxNames.InvokedName(invocation);
                if (name is null)
                    continue;
                if (PollyNames.Combinators.Contains(name))
                    return retry ? new PipelineFacts(true, true, throttle) : Unknown;
                if (PollyNames.RetryBuilders.Contains(name))
                    retry = sawBuilder = true;
                else if (PollyNames.ThrottleBuilders.Contains(name))
                    throttle = sawBuilder = true;
                else if (name is "Build" or "Timeout" or "TimeoutAsync" or "AddTimeout" or "AddCircuitBreaker" or "CircuitBreaker" or "CircuitBreakerAsync" or "AdvancedCircuitBreaker" or "AdvancedCircuitBreakerAsync" or "AddFallback" or "Fallback" or "FallbackAsync" or "NoOp" or "NoOpAsync")
                    sawBuilder = true;
            }
            return sawBuilder ? new PipelineFacts(true, retry, throttle) : Unknown;
        }
    }
}
