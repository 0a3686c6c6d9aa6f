using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Sdk;

namespace Guard.Analyzers.Tests.Verifiers;

/// <summary>
/// Checks that an analyzer reports exactly the diagnostics the markup expects, on exactly those spans, that the
/// test source compiles (unless it is meant to be broken) and that the analyzer throws nothing.
/// </summary>
public static class AnalyzerVerifier<TAnalyzer> where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static Task VerifyAsync(string markup, string? editorConfig = null, bool allowCompilerErrors = false, params string[] extraSources) =>
        VerifyAsync(markup, editorConfig, allowCompilerErrors, extraSources, messageContains: null);

    /// <summary>Also checks that each reported message contains the given text.</summary>
    public static async Task VerifyAsync(string markup, string? editorConfig, bool allowCompilerErrors, string[] extraSources, string? messageContains)
    {
        var analyzer = new TAnalyzer();
        var defaultId = analyzer.SupportedDiagnostics.Length == 1 ? analyzer.SupportedDiagnostics[0].Id : null;
        var (source, expected) = Markup.Parse(markup, defaultId);
        var project = TestWorkspace.CreateProject(source, editorConfig, extraSources);
        if (!allowCompilerErrors)
            AssertCompiles(await TestWorkspace.CompileAsync(project));
        var actual = await TestWorkspace.GetAnalyzerDiagnosticsAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(analyzer));
        AssertMatch(source, expected, actual.Where(d => d.Location.SourceTree?.FilePath == TestWorkspace.FileName));
        if (messageContains != null)
        {
            foreach (var diagnostic in actual)
                Assert.Contains(messageContains, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    internal static void AssertCompiles(Compilation compilation)
    {
        var errors = TestWorkspace.CompilerErrors(compilation);
        if (errors.Length > 0)
            throw new XunitException("Test source does not compile:\n" + string.Join("\n", errors.Select(e => e.ToString())));
    }

    internal static void AssertMatch(string source, IReadOnlyList<ExpectedDiagnostic> expected, IEnumerable<Diagnostic> actualDiagnostics)
    {
        var actual = actualDiagnostics.Select(d => new ExpectedDiagnostic(d.Id, d.Location.SourceSpan)).ToList();
        if (expected.SequenceEqual(actual))
            return;
        var message = new StringBuilder();
        message.AppendLine("Diagnostics differ.");
        message.AppendLine("Expected:");
        foreach (var e in expected)
            message.AppendLine($"  {e.Id} {Describe(source, e)}");
        message.AppendLine("Actual:");
        foreach (var d in actualDiagnostics)
            message.AppendLine($"  {d.Id} {Describe(source, new ExpectedDiagnostic(d.Id, d.Location.SourceSpan))}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
        throw new XunitException(message.ToString());
    }

    private static string Describe(string source, ExpectedDiagnostic diagnostic)
    {
        var span = diagnostic.Span;
        var line = source.Take(span.Start).Count(c => c == '\n') + 1;
        var text = span.End <= source.Length ? source.Substring(span.Start, span.Length) : "?";
        return $"line {line} [{span.Start}..{span.End}) '{text}'";
    }
}
