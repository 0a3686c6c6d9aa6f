using System.Collections.Concurrent;
using System.Collections.Immutable;
using Guard.Analyzers.Idempotency;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD004
{
    /// <summary>
    /// GRD004: a non-idempotent operation (placing an order) retried without an idempotency key made once, before
    /// the first attempt. A lost response after the exchange accepted the order makes the retry a second order.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NonIdempotentRetryAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(GuardDescriptors.NonIdempotentRetry);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.SkippedByRuleReportingAtItsOperation);
            context.RegisterCompilationStartAction(start =>
            {
                var guard = GuardCompilationContext.For(start.Compilation);
                var markers = MarkerAttributes.Of(start.Compilation);
                var options = start.Options;
                start.RegisterOperationAction(c =>
                {
                    var invocation = (IInvocationOperation)c.Operation;
                    var tree = invocation.Syntax.SyntaxTree;
                    // Read once per tree, for this rule and GRD001 alike; the settings also cache which types carry a key member.
                    var treeSettings = NonIdempotentRetrySettings.For(guard, options, tree);
                    var finding = NonIdempotentRetryAnalysis.Analyze(invocation, c.ContainingSymbol, guard, treeSettings, markers);
                    if (finding != null)
                        c.ReportDiagnostic(finding.ToDiagnostic());
                }, OperationKind.Invocation);
            });
        }
    }
}
