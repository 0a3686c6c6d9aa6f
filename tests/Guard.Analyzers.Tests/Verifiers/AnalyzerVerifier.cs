using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Guard.Analyzers.Tests.Verifiers;

/// <summary>
/// Checks an analyzer with <see cref="CSharpAnalyzerTest{TAnalyzer, TVerifier}"/>: it reports exactly the diagnostics
/// the markup expects (<c>[|...|]</c> for the analyzer's only id, <c>{|GRD002:...|}</c> for a named one), on exactly
/// those spans, in every source file; the sources compile (unless the test is about broken code); the analyzer
/// throws nothing (AD0001 is an unexpected diagnostic). A thin wrapper, kept so the tests read as before.
/// </summary>
public static class AnalyzerVerifier<TAnalyzer> where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static Task VerifyAsync(string markup, string? editorConfig = null, bool allowCompilerErrors = false, params string[] extraSources) =>
        VerifyAsync(markup, editorConfig, allowCompilerErrors, extraSources, messageContains: null);

    /// <summary>Also checks that each reported message contains the given text.</summary>
    public static Task VerifyAsync(string markup, string? editorConfig, bool allowCompilerErrors, string[] extraSources, string? messageContains)
    {
        var test = new GuardAnalyzerTest<TAnalyzer> { TestCode = markup };
        foreach (var source in extraSources)
            test.TestState.Sources.Add(source);
        GuardTestSetup.Configure(test, editorConfig, allowCompilerErrors);
        if (messageContains != null)
            test.DiagnosticVerifier = GuardTestSetup.MessageContains(messageContains);
        return test.RunAsync();
    }
}
