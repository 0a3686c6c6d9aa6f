using Guard.Analyzers.Idempotency;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD004
{
    /// <summary>A retried non-idempotent call without a key made once: what the analyzer reports and the fixer repairs.</summary>
    internal sealed class NonIdempotentRetryFinding
    {
        public NonIdempotentRetryFinding(IInvocationOperation invocation, NonIdempotentKind kind, RetryScope scope, KeySite key)
        {
            Invocation = invocation;
            Kind = kind;
            Scope = scope;
            Key = key;
        }

        public IInvocationOperation Invocation { get; }
        public NonIdempotentKind Kind { get; }
        public RetryScope Scope { get; }
        public KeySite Key { get; }

        public bool KeyMadePerAttempt => Key.State == KeyState.Inside;

        public Diagnostic ToDiagnostic() => Diagnostic.Create(
            GuardDescriptors.NonIdempotentRetry,
            Invocation.Syntax.GetLocation(),
            Invocation.TargetMethod.Name,
            Scope.Description,
            Consequence());

        private string Consequence()
        {
            var isOrder = Kind is NonIdempotentKind.OrderMethod or NonIdempotentKind.OrderPost;
            var key = Kind == NonIdempotentKind.OrderMethod ? "client order id" : "idempotency key";
            var server = isOrder ? "exchange" : "server";
            if (KeyMadePerAttempt)
                return $"its {key} is created inside the retried code, so each attempt sends a new one and the {server} cannot recognise the retry; create it once, before the first attempt";
            var effect = Kind switch
            {
                NonIdempotentKind.OrderMethod or NonIdempotentKind.OrderPost => "the order reached the exchange and only the response was lost, the retry places a second order",
                NonIdempotentKind.FundsMethod => "the request reached the server and only the response was lost, the retry " + OperationNames.Classify(Invocation.TargetMethod.Name).Again,
                _ => "the request reached the server and only the response was lost, the retry runs it twice",
            };
            var article = Kind == NonIdempotentKind.OrderMethod ? "a" : "an";
            return $"if {effect}; create {article} {key} once, before the first attempt, and send it with every attempt";
        }
    }

    internal static class NonIdempotentRetryAnalysis
    {
        /// <summary>Cheap checks first: the call's name, then the retry around it, then where its key comes from.</summary>
        public static NonIdempotentRetryFinding? Analyze(IInvocationOperation invocation, ISymbol containingSymbol, GuardCompilationContext guard, NonIdempotentRetrySettings settings, MarkerAttributes markers)
        {
            var kind = NonIdempotentCalls.Classify(invocation, guard.Types, settings, markers, out var request);
            if (kind == NonIdempotentKind.None || (markers.MayHaveIdempotent && GuardAttributes.Has(containingSymbol, GuardAttributes.Idempotent)))
                return null;
            var scope = RetryScope.Find(invocation, containingSymbol, guard, settings, kind == NonIdempotentKind.OrderPost);
            if (scope is null)
                return null;
            // A request message built before the retry cannot be sent twice: HttpClient throws on the second attempt.
            if (request?.Local != null && scope.Source != RetrySource.Handler && !scope.ContainsDeclarationOf(request.Local))
                return null;
            var key = IdempotencyKeys.Judge(invocation, kind, request, scope, settings, guard.Compilation, guard.Types, containingSymbol.ContainingType);
            return key.State is KeyState.Missing or KeyState.Inside ? new NonIdempotentRetryFinding(invocation, kind, scope, key) : null;
        }
    }
}
