using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Guard.Analyzers.Tests.Verifiers;

/// <summary>
/// What every Guard test run on Microsoft.CodeAnalysis.Testing shares: C# latest with nullable enabled, the test
/// references of <see cref="TestReferences"/>, markup that never mistakes code for a caret, and editorconfig options
/// through the framework's <c>AnalyzerConfigFiles</c>.
/// </summary>
internal static class GuardTestSetup
{
    /// <summary>
    /// No reference package at all: the framework's <see cref="ReferenceAssemblies"/> can only name NuGet packages,
    /// which it resolves (and downloads if the cache lacks them) when a test runs. Guard's tests reference the running
    /// runtime's own assemblies and the packages copied beside them instead (<see cref="TestReferences"/>), so nothing
    /// is resolved here and nothing is downloaded at test time.
    /// </summary>
    private static readonly ReferenceAssemblies NoPackages = new("net10.0");

    /// <summary>
    /// The workspace of each test project: an <see cref="AdhocWorkspace"/> on Roslyn's shared default MEF host, as the
    /// old verifier used. The framework composes a new MEF export provider for every project it creates (a code-fix
    /// test creates five or more), whose language services then start cold each time.
    /// </summary>
    public static Task<Workspace> CreateWorkspaceAsync() => Task.FromResult<Workspace>(new AdhocWorkspace());

    /// <summary>
    /// The framework's analyzer driver options but for two: analysis is not concurrent and does not time each analyzer.
    /// Tests already run in parallel on few cores; concurrent analysis inside each of them only adds contention.
    /// Analyzer exceptions are still reported (AD0001, an unexpected error), suppressed diagnostics still seen.
    /// </summary>
    public static CompilationWithAnalyzers WithAnalyzers(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options, CancellationToken cancellationToken) =>
        compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(options, onAnalyzerException: null,
            concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true));

    public static void Configure<TVerifier>(AnalyzerTest<TVerifier> test, string? editorConfig, bool allowCompilerErrors)
        where TVerifier : IVerifier, new()
    {
        test.ReferenceAssemblies = NoPackages;
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
        // `$$` is code in Guard's sources (raw interpolated strings), never a caret position.
        test.MarkupOptions = MarkupOptions.TreatPositionIndicatorsAsCode;
        // Compiler errors fail a test (they would be unexpected diagnostics) unless it is about broken code.
        test.CompilerDiagnostics = allowCompilerErrors ? CompilerDiagnostics.None : CompilerDiagnostics.Errors;
        test.SolutionTransforms.Add(static (solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            return solution
                .WithProjectCompilationOptions(projectId, ((CSharpCompilationOptions)project.CompilationOptions!)
                    .WithNullableContextOptions(NullableContextOptions.Enable))
                .WithProjectParseOptions(projectId, ((CSharpParseOptions)project.ParseOptions!)
                    .WithLanguageVersion(LanguageVersion.Latest));
        });
        if (AnalyzerConfig(editorConfig) is { } config)
            test.TestState.AnalyzerConfigFiles.Add(config);
    }

    /// <summary>
    /// Test options as an analyzer config file: text that starts with <c>is_global</c> is a global config
    /// (<c>/.globalconfig</c>, options for every file); text with sections is an .editorconfig as written; bare
    /// <c>key = value</c> lines are the options of every C# file.
    /// </summary>
    public static (string Path, string Text)? AnalyzerConfig(string? editorConfig)
    {
        if (editorConfig is null)
            return null;
        var trimmed = editorConfig.TrimStart();
        if (trimmed.StartsWith("is_global", StringComparison.Ordinal))
            return ("/.globalconfig", editorConfig);
        return ("/.editorconfig", trimmed.StartsWith("[", StringComparison.Ordinal) ? editorConfig : "root = true\n[*.cs]\n" + editorConfig);
    }

    /// <summary>
    /// The framework compares a diagnostic's message only whole (or its arguments); Guard's tests check that the
    /// message contains a phrase. This step runs on every diagnostic the framework matched to the markup.
    /// </summary>
    public static Action<Diagnostic, DiagnosticResult, IVerifier> MessageContains(string text) =>
        (diagnostic, _, verifier) =>
        {
            var message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
            verifier.True(message.Contains(text, StringComparison.Ordinal),
                $"Expected the message of {diagnostic.Id} at {diagnostic.Location.GetLineSpan()} to contain \"{text}\", but it was \"{message}\"");
        };
}
