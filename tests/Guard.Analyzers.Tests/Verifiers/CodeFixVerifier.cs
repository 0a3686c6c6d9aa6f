using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Guard.Analyzers.Tests.Verifiers;

/// <summary>
/// Checks a code fix with <see cref="CSharpCodeFixTest{TAnalyzer, TCodeFix, TVerifier}"/>: the markup's diagnostics
/// are as expected; applying the fix one diagnostic at a time, and FixAll in document, project and solution scope,
/// each give exactly the fixed source; the fixed source compiles; the diagnostics left in it are exactly those its own
/// markup expects; each fix's tree is what the compiler parses from its text. A thin wrapper, kept so the tests read
/// as before.
/// </summary>
public static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>
    /// Applies the fix one diagnostic at a time until none is left to fix, and FixAll in document scope; both must give
    /// <paramref name="fixedMarkup"/>.
    /// </summary>
    /// <remarks>
    /// FixAll in project and solution scope is left to <see cref="VerifyFixAllAsync"/>: in these one-document,
    /// one-project tests those scopes fix the same diagnostics as document scope, and each scope runs the fix once
    /// more. Guard's fixes simplify and format the code they add (the GRD001 pipeline field takes seconds), and the
    /// two extra runs in every fix test more than doubled the time of the test project.
    /// </remarks>
    public static Task VerifyFixAsync(string markup, string fixedMarkup, string? editorConfig = null, string? equivalenceKey = null, OutputKind? outputKind = null)
    {
        var test = Create(markup, editorConfig, equivalenceKey, outputKind);
        test.FixedState.Sources.Add(fixedMarkup);
        test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipFixAllInProjectCheck | CodeFixTestBehaviors.SkipFixAllInSolutionCheck;
        return test.RunAsync();
    }

    /// <summary>
    /// Runs the provider's FixAll in document, project and solution scope; each must give <paramref name="fixedMarkup"/>.
    /// Applying the fix one diagnostic at a time must give the same source, or <paramref name="oneAtATimeMarkup"/>
    /// where it legitimately differs (fixing one diagnostic can settle another: a retry or a lease added around an
    /// outer call also covers the call inside it, which FixAll, working from the diagnostics of before, fixes too).
    /// </summary>
    public static Task VerifyFixAllAsync(string markup, string fixedMarkup, string? editorConfig = null, string? equivalenceKey = null, string? oneAtATimeMarkup = null,
        OutputKind? outputKind = null)
    {
        var test = Create(markup, editorConfig, equivalenceKey, outputKind);
        test.FixedState.Sources.Add(oneAtATimeMarkup ?? fixedMarkup);
        test.BatchFixedState.Sources.Add(fixedMarkup);
        test.BatchFixedState.MarkupHandling = MarkupMode.Allow;
        return test.RunAsync();
    }

    /// <summary>Checks that no fix is offered for the markup's diagnostics (which must still be reported).</summary>
    public static Task VerifyNoFixAsync(string markup, string? editorConfig = null, OutputKind? outputKind = null)
    {
        Assert.True(markup.Contains("[|", System.StringComparison.Ordinal) || markup.Contains("{|", System.StringComparison.Ordinal),
            "A no-fix test expects at least one diagnostic");
        var test = Create(markup, editorConfig, equivalenceKey: null, outputKind);
        // The fixed state is the test state itself: the framework then expects no code action to be offered, and
        // fails if one is, even one that changes nothing.
        test.FixedState.Sources.Add(markup);
        return test.RunAsync();
    }

    /// <param name="outputKind">ConsoleApplication for top-level statements; the framework's default (a library) when null.</param>
    private static GuardCodeFixTest<TAnalyzer, TCodeFix> Create(string markup, string? editorConfig, string? equivalenceKey, OutputKind? outputKind)
    {
        var test = new GuardCodeFixTest<TAnalyzer, TCodeFix>
        {
            TestCode = markup,
            CodeActionEquivalenceKey = equivalenceKey,
        };
        test.TestState.OutputKind = outputKind;
        GuardTestSetup.Configure(test, editorConfig, allowCompilerErrors: false);
        // The fixed source's markup names the diagnostics left after the fix, fixable ones included (by default the
        // framework ignores fixable ids in fixed markup).
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        if (new TAnalyzer().SupportedDiagnostics.Any(d => d.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd)))
        {
            // A rule that can only decide at compilation end (GRD002: a cache grows unbounded if nothing in the
            // compilation removes from it) reports non-local diagnostics, which the framework refuses to fix by
            // default; the IDE fixes them under full solution analysis and `dotnet format` always.
            test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
        }
        return test;
    }

    // ---- For tests that drive the provider themselves on a TestWorkspace project (what the framework lacks: a way to
    // look at the actions offered, or to fix one project built by hand, such as one without a package). ----

    /// <summary>The analyzer's diagnostics in the project, all of them.</summary>
    public static Task<ImmutableArray<Diagnostic>> AnalyzerDiagnosticsAsync(Project project) =>
        TestWorkspace.GetAnalyzerDiagnosticsAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(new TAnalyzer()));

    /// <summary>The actions the provider registers for one diagnostic of the document, as it registers them.</summary>
    public static async Task<List<CodeAction>> OfferedActionsAsync(Document document, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await new TCodeFix().RegisterCodeFixesAsync(context);
        return actions;
    }

    /// <summary>The text of the project's only document after the only action offered for its only diagnostic.</summary>
    public static async Task<string> ApplyOnlyFixAsync(Project project)
    {
        var document = project.Documents.Single();
        var actions = await OfferedActionsAsync(document, Assert.Single(await AnalyzerDiagnosticsAsync(project)));
        var operations = await Assert.Single(actions).GetOperationsAsync(CancellationToken.None);
        var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return (await solution.GetDocument(document.Id)!.GetTextAsync()).ToString();
    }
}
