using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading;
using Guard.Analyzers.Http;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD003
{
    /// <summary>
    /// GRD003: an outbound call repeated by a loop or fanned out in parallel with nothing in that loop or
    /// lambda to pace it. Retry is not a throttle: a call in a loop that retries still gets GRD003 (and no
    /// GRD001). Test projects are not analyzed.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnthrottledCallsAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: "Loop" or "FanOut". The region is the diagnostic's first additional location.</summary>
        public const string KindProperty = "Kind";

        internal const string InALoop = "in a loop";
        internal const string InAFanOut = "in a parallel fan-out";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(GuardDescriptors.UnthrottledCalls);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.SkippedByRuleReportingAtItsOperation);
            context.RegisterCompilationStartAction(start =>
            {
                var compilation = start.Compilation;
                if (TestProjects.IsTestProject(compilation))
                    return;
                var state = new CompilationState(compilation);
                start.RegisterOperationAction(c => Analyze(c, state), OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, CompilationState state)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var options = state.OptionsFor(context.Options, invocation.Syntax.SyntaxTree);
            if (!OutboundCalls.IsCandidateName(invocation.TargetMethod.Name, options.OutboundMethods))
                return;
            if (!OutboundCalls.IsOutbound(invocation, state.Guard.Types, options.OutboundMethods))
                return;
            var repetition = Repetitions.Find(invocation, state.Guard, state.Types, options.RetryWrappers, options.ThrottleMethods, options.MaxConstantIterations);
            if (repetition.Kind is RepetitionKind.None or RepetitionKind.Bounded || repetition.Region is null || repetition.ThrottleScope is null)
                return;
            if (Throttles.InRegion(repetition.ThrottleScope, state.Guard.Types, state.Types, options.ThrottleMethods, state.UnknownPipelinesMayThrottle))
                return;
            if (ResilientClients.IsThrottled(OutboundCalls.GetClientOperation(invocation), context.ContainingSymbol.ContainingType, state.Guard.Index))
                return;
            var fanOut = repetition.Kind == RepetitionKind.FanOut;
            var properties = ImmutableDictionary<string, string?>.Empty.Add(KindProperty, fanOut ? "FanOut" : "Loop");
            context.ReportDiagnostic(Diagnostic.Create(
                GuardDescriptors.UnthrottledCalls,
                invocation.Syntax.GetLocation(),
                additionalLocations: new[] { repetition.Region.Syntax.GetLocation() },
                properties: properties,
                invocation.TargetMethod.Name,
                fanOut ? InAFanOut : InALoop));
        }

        private sealed class CompilationState
        {
            private readonly Lazy<bool> _unknownPipelinesMayThrottle;

            public CompilationState(Compilation compilation)
            {
                Guard = GuardCompilationContext.For(compilation);
                Types = new RepetitionTypes(compilation);
                _unknownPipelinesMayThrottle = new Lazy<bool>(() => BuildsPollyLimiters(compilation), LazyThreadSafetyMode.ExecutionAndPublication);
            }

            public GuardCompilationContext Guard { get; }
            public RepetitionTypes Types { get; }
            public bool UnknownPipelinesMayThrottle => Guard.Types.HasPolly && _unknownPipelinesMayThrottle.Value;

            public TreeOptions OptionsFor(AnalyzerOptions options, SyntaxTree tree) =>
                Guard.TreeOptions.Get(tree, GuardDescriptors.UnthrottledCallsId, options, static (o, t) => new TreeOptions(o, t));

            /// <summary>One text search per tree, once: does any code add a limiter to a Polly pipeline or policy?</summary>
            private static bool BuildsPollyLimiters(Compilation compilation)
            {
                foreach (var tree in compilation.SyntaxTrees)
                {
                    var text = tree.GetText().ToString();
                    foreach (var name in PollyNames.ThrottleBuilders)
                    {
                        if (text.IndexOf(name + "(", StringComparison.Ordinal) >= 0 || text.IndexOf(name + "<", StringComparison.Ordinal) >= 0)
                            return true;
                    }
                }
                return false;
            }
        }

        private sealed class TreeOptions
        {
            public TreeOptions(AnalyzerOptions options, SyntaxTree tree)
            {
                var id = GuardDescriptors.UnthrottledCallsId;
                OutboundMethods = new MethodNameList(GuardOptions.GetList(options, tree, id, GuardOptionCatalog.OutboundMethods));
                RetryWrappers = new MethodNameList(GuardOptions.GetList(options, tree, id, GuardOptionCatalog.RetryWrappers));
                ThrottleMethods = new MethodNameList(GuardOptions.GetList(options, tree, id, GuardOptionCatalog.ThrottleMethods));
                MaxConstantIterations = GuardOptions.GetInt(options, tree, id, GuardOptionCatalog.MaxConstantIterations);
            }

            public MethodNameList OutboundMethods { get; }
            public MethodNameList RetryWrappers { get; }
            public MethodNameList ThrottleMethods { get; }
            public int MaxConstantIterations { get; }
        }
    }
}
