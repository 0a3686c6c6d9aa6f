using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers
{
    /// <summary>GRD001: an outbound network call with no retry protection in sight.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class MissingRetryAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(GuardDescriptors.MissingRetry);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var guard = new GuardCompilationContext(start.Compilation);
                // Registered even without HttpClient: users may list outbound methods of their own.
                start.RegisterOperationAction(c => Analyze(c, guard), OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, GuardCompilationContext guard)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var tree = invocation.Syntax.SyntaxTree;
            var userMethods = new MethodNameList(GuardOptions.GetList(context.Options, tree, GuardDescriptors.MissingRetryId, OutboundCalls.OptionName));
            if (!OutboundCalls.IsCandidateName(invocation.TargetMethod.Name, userMethods))
                return;
            if (!OutboundCalls.IsOutbound(invocation, guard.Types, userMethods))
                return;
            var retryWrappers = new MethodNameList(GuardOptions.GetList(context.Options, tree, GuardDescriptors.MissingRetryId, RetryRegions.RetryWrappersOption));
            if (RetryRegions.Find(invocation, context.ContainingSymbol, guard, retryWrappers).Kind != RetryKind.None)
                return;
            if (ResilientClients.Of(OutboundCalls.GetClientOperation(invocation), context.ContainingSymbol.ContainingType, guard.Index) != ClientResilience.None)
                return;
            context.ReportDiagnostic(Diagnostic.Create(GuardDescriptors.MissingRetry, invocation.Syntax.GetLocation(), invocation.TargetMethod.Name));
        }
    }
}
