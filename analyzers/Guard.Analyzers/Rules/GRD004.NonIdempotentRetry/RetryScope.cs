using Guard.Analyzers.Http;
using Guard.Analyzers.Idempotency;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Guard.Analyzers.Rules.GRD004
{
    internal enum RetrySource
    {
        PollyPipeline,
        PollyPolicy,
        PollyMethodGroup,
        Loop,
        Wrapper,
        /// <summary>The method calls itself again when an attempt fails.</summary>
        Recursion,
        /// <summary>A method or loop that sends again what failed before: ResubmitAsync, foreach (var o in failedOrders).</summary>
        Resubmission,
        /// <summary>An HttpClient whose registration adds a resilience handler that retries POST.</summary>
        Handler,
    }

    /// <summary>
    /// What retries a call and which code runs again on every attempt. A value computed inside <see cref="Span"/>
    /// is computed again per attempt; one computed outside is computed once. A handler retries the request the call
    /// already built, so nothing is inside.
    /// </summary>
    internal sealed class RetryScope
    {
        private RetryScope(RetrySource source, IOperation? body, TextSpan span, IOperation? anchor, string? wrapperName)
        {
            Source = source;
            Body = body;
            Span = span;
            Anchor = anchor;
            WrapperName = wrapperName;
        }

        public RetrySource Source { get; }

        /// <summary>The lambda, loop or method body run on each attempt; null for a handler.</summary>
        public IOperation? Body { get; }

        public TextSpan Span { get; }

        /// <summary>The Polly Execute call, the wrapper call or the loop: a key created right before its statement is created once.</summary>
        public IOperation? Anchor { get; }

        public string? WrapperName { get; }

        public bool Contains(SyntaxNode node) => Body != null && Span.Contains(node.Span);

        public bool ContainsDeclarationOf(ISymbol symbol)
        {
            // The name's location, not DeclaringSyntaxReferences: a source local builds those anew on every call. A
            // declaration is inside the scope exactly when its name is.
            if (Body is null || symbol.Locations.IsEmpty)
                return false;
            var location = symbol.Locations[0];
            return location.IsInSource && location.SourceTree == Body.Syntax.SyntaxTree && Span.Contains(location.SourceSpan);
        }

        public string Description => Source switch
        {
            RetrySource.PollyPipeline => "by a Polly resilience pipeline",
            RetrySource.PollyPolicy => "by a Polly retry policy",
            RetrySource.PollyMethodGroup => "by Polly (the method is passed to Execute)",
            RetrySource.Loop => "in a retry loop",
            RetrySource.Wrapper => "by the retry wrapper '" + WrapperName + "'",
            RetrySource.Recursion => "by '" + WrapperName + "' calling itself again when an attempt fails",
            RetrySource.Resubmission => "as a resubmission " + WrapperName,
            _ => "by the HttpClient's resilience handler",
        };

        public static RetryScope? Find(IInvocationOperation invocation, ISymbol containingSymbol, GuardCompilationContext guard, NonIdempotentRetrySettings settings, bool isHttpPost)
        {
            var region = RetryRegions.Find(invocation, containingSymbol, guard, settings.RetryWrappers);
            if (region.IsRetried)
            {
                var body = region.Boundary ?? OperationTree.Root(invocation);
                var span = BodySpan(body);
                switch (region.Kind)
                {
                    case RetryKind.RetryLoop:
                        return new RetryScope(RetrySource.Loop, body, span, region.Boundary, null);
                    case RetryKind.Recursion:
                        return new RetryScope(RetrySource.Recursion, body, span, null, containingSymbol.Name);
                    case RetryKind.Polly:
                        var source = region.Executor is null ? RetrySource.PollyMethodGroup
                            : IsPipeline(region.Executor, guard.Types) ? RetrySource.PollyPipeline : RetrySource.PollyPolicy;
                        return new RetryScope(source, body, span, region.Executor, null);
                    case RetryKind.RetryWrapper:
                        var name = region.Executor?.TargetMethod.Name ?? (region.Boundary as ILocalFunctionOperation)?.Symbol.Name ?? containingSymbol.Name;
                        return new RetryScope(RetrySource.Wrapper, body, span, region.Executor, name);
                }
            }
            var resubmission = Resubmissions.Find(invocation, containingSymbol, settings);
            if (resubmission != null)
            {
                var body = resubmission is IForEachLoopOperation loop ? loop.Body : OperationTree.Root(invocation);
                return new RetryScope(RetrySource.Resubmission, body, BodySpan(body), resubmission is IForEachLoopOperation ? resubmission : null,
                    resubmission is IForEachLoopOperation each ? "in the loop over '" + each.Collection.Syntax + "'" : "in '" + containingSymbol.Name + "'");
            }
            // A POST through any method on an HttpClient (its own, an extension, a helper taking it first) whose
            // handler retries every method.
            var client = OutboundCalls.GetClientOperation(invocation);
            if (isHttpPost && KnownTypes.IsOrDerivesFrom(client?.Type, guard.Types.HttpClient) &&
                ResilientClients.Of(client, containingSymbol.ContainingType, guard.Index) == ClientResilience.RetriesAllMethods)
                return new RetryScope(RetrySource.Handler, null, default, invocation, null);
            return null;
        }

        /// <summary>A whole method's body, without its parameters (those come from the caller, once).</summary>
        private static TextSpan BodySpan(IOperation body)
        {
            var syntax = body switch
            {
                IMethodBodyOperation method => (method.BlockBody ?? method.ExpressionBody)?.Syntax,
                IConstructorBodyOperation constructor => (constructor.BlockBody ?? constructor.ExpressionBody)?.Syntax,
                _ => body.Syntax,
            };
            return (syntax ?? body.Syntax).Span;
        }

        private static bool IsPipeline(IInvocationOperation executor, KnownTypes types)
        {
            var type = executor.Instance?.Type;
            return KnownTypes.IsOrDerivesFrom(type, types.ResiliencePipeline) || KnownTypes.IsOrDerivesFrom(type, types.ResiliencePipelineOfT);
        }
    }
}
