using Microsoft.CodeAnalysis.Diagnostics;

namespace Guard.Analyzers.Infrastructure
{
    /// <summary>
    /// Generated code is not Guard's to judge: no rule is run on it, and no diagnostic lands in it.
    /// </summary>
    internal static class GeneratedCode
    {
        /// <summary>
        /// For a rule that reports only at the operation its callback is given. The driver does not call it for
        /// generated files or symbols, so what it reports is never in generated code, and the driver need not check
        /// each diagnostic's location as well: that check searches the tree's declarations for [GeneratedCode] under
        /// a lock every analyzer shares, and was a third of GRD001's sampled time (docs/benchmarks.md, third run).
        /// The one difference: a `#line hidden` stretch inside a method that is otherwise visible is analyzed and reported on.
        /// </summary>
        public const GeneratedCodeAnalysisFlags SkippedByRuleReportingAtItsOperation = GeneratedCodeAnalysisFlags.ReportDiagnostics;

        /// <summary>For a rule that reports at what it gathered elsewhere (a field, a declaration): checked at each report.</summary>
        public const GeneratedCodeAnalysisFlags Skipped = GeneratedCodeAnalysisFlags.None;
    }
}
