using System.Collections.Concurrent;
using System.Collections.Immutable;
using Guard.Analyzers.Http;
using Guard.Analyzers.Idempotency;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD001
{
    /// <summary>
    /// GRD001: an outbound network call with no retry protection in sight. Protection is a Polly pipeline or
    /// policy that runs the call (unless it is known to have no retry), a hand-written retry loop, a
    /// [RetryWrapper] (or listed) method, a method that runs its delegate through Polly, or an HttpClient from
    /// a factory registration with a resilience handler. Test projects are not analyzed.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class MissingRetryAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(GuardDescriptors.MissingRetry);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.SkippedByRuleReportingAtItsOperation);
            context.RegisterCompilationStartAction(start =>
            {
                if (TestProjects.IsTestProject(start.Compilation))
                    return;
                var guard = GuardCompilationContext.For(start.Compilation);
                var markers = MarkerAttributes.Of(start.Compilation);
                // Registered even without HttpClient: users may list outbound methods of their own.
                start.RegisterOperationAction(c => Analyze(c, guard, markers), OperationKind.Invocation);
            });
        }

        /// <summary>The diagnostic property the code fix reads: present only when sending the call again is known to be safe.</summary>
        public const string RetrySafeProperty = "Guard.RetrySafe";

        private static readonly ImmutableDictionary<string, string?> SafeProperties = ImmutableDictionary<string, string?>.Empty.Add(RetrySafeProperty, "true");

        private static void Analyze(OperationAnalysisContext context, GuardCompilationContext guard, MarkerAttributes markers)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var tree = invocation.Syntax.SyntaxTree;
            var analyzerOptions = context.Options;
            var options = guard.TreeOptions.Get(tree, GuardDescriptors.MissingRetryId, analyzerOptions, static (o, t) => new TreeOptions(o, t));
            if (!OutboundCalls.IsCandidateName(invocation.TargetMethod.Name, options.OutboundMethods))
                return;
            if (!OutboundCalls.IsOutbound(invocation, guard.Types, options.OutboundMethods))
                return;
            if (HandledContinuations.IsFailureHandledByContinuation(invocation))
                return;
            if (RetryRegions.Find(invocation, context.ContainingSymbol, guard, options.RetryWrappers).IsRetried)
                return;
            if (ResilientClients.Of(OutboundCalls.GetClientOperation(invocation), context.ContainingSymbol.ContainingType, guard.Index) != ClientResilience.None)
                return;
            if (OutboundCalls.IsInsideListedHelper(invocation, context.ContainingSymbol, options.OutboundMethods))
                return;
            // Judged only for the calls reported: the fix wraps only what may be sent again, and the message says
            // when a plain retry would repeat an order or a payment.
            var safety = RetrySafety.Judge(invocation, context.ContainingSymbol, guard.Types, NonIdempotentRetrySettings.For(guard, analyzerOptions, tree), markers);
            var advice = safety.Verdict switch
            {
                RetryVerdict.NonIdempotent => "; " + safety.Reason + ", so retry it only with an idempotency key made once, before the first attempt (GRD004)",
                RetryVerdict.UnsafeVerb => "; " + safety.Reason + ", so retry it only where the server deduplicates it (an idempotency key)",
                _ => "",
            };
            context.ReportDiagnostic(Diagnostic.Create(GuardDescriptors.MissingRetry, invocation.Syntax.GetLocation(),
                safety.IsSafe ? SafeProperties : ImmutableDictionary<string, string?>.Empty, invocation.TargetMethod.Name, advice));
        }

        /// <summary>The rule's options for one tree, read once.</summary>
        private sealed class TreeOptions
        {
            public TreeOptions(AnalyzerOptions options, SyntaxTree tree)
            {
                OutboundMethods = new MethodNameList(GuardOptions.GetList(options, tree, GuardDescriptors.MissingRetryId, GuardOptionCatalog.OutboundMethods));
                RetryWrappers = new MethodNameList(GuardOptions.GetList(options, tree, GuardDescriptors.MissingRetryId, GuardOptionCatalog.RetryWrappers));
            }

            public MethodNameList OutboundMethods { get; }
            public MethodNameList RetryWrappers { get; }

        }
    }
}
