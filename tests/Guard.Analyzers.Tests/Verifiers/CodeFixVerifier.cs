using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Sdk;

namespace Guard.Analyzers.Tests.Verifiers;

/// <summary>
/// Checks a code fix: the markup's diagnostics are as expected; applying the fix (one diagnostic at a time, or
/// all at once with FixAll) gives exactly the fixed source; the fixed source compiles; and the diagnostics left
/// in it are exactly those its own markup expects.
/// </summary>
public static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>Applies the fix one diagnostic at a time until none is left to fix, then compares.</summary>
    public static async Task VerifyFixAsync(string markup, string fixedMarkup, string? editorConfig = null, string? equivalenceKey = null)
    {
        var (project, document, analyzer, fix) = await PrepareAsync(markup, editorConfig);
        for (var iteration = 0; iteration < 50; iteration++)
        {
            var diagnostics = await FixableDiagnosticsAsync(document, analyzer, fix);
            if (diagnostics.Length == 0)
                break;
            var action = await FirstActionAsync(document, fix, diagnostics[0], equivalenceKey)
                ?? throw new XunitException($"No code fix offered for {diagnostics[0]}");
            document = await ApplyAsync(document, action);
            if (iteration == 49)
                throw new XunitException("The fix did not converge after 50 applications");
        }
        await AssertFixedAsync(document, analyzer, fixedMarkup);
    }

    /// <summary>Runs the provider's FixAll on the document scope in one step, then compares.</summary>
    public static async Task VerifyFixAllAsync(string markup, string fixedMarkup, string? editorConfig = null, string? equivalenceKey = null)
    {
        var (project, document, analyzer, fix) = await PrepareAsync(markup, editorConfig);
        var diagnostics = await FixableDiagnosticsAsync(document, analyzer, fix);
        Assert.NotEmpty(diagnostics);
        var first = await FirstActionAsync(document, fix, diagnostics[0], equivalenceKey)
            ?? throw new XunitException($"No code fix offered for {diagnostics[0]}");
        var provider = fix.GetFixAllProvider() ?? throw new XunitException("The code fix has no FixAll provider");
        var context = new FixAllContext(document, fix, FixAllScope.Document, first.EquivalenceKey,
            diagnostics.Select(d => d.Id).Distinct(), new DiagnosticProvider(analyzer), CancellationToken.None);
        var action = await provider.GetFixAsync(context) ?? throw new XunitException("FixAll produced no action");
        document = await ApplyAsync(document, action);
        await AssertFixedAsync(document, analyzer, fixedMarkup);
    }

    /// <summary>Checks that no fix is offered for the markup's diagnostics (which must still be reported).</summary>
    public static async Task VerifyNoFixAsync(string markup, string? editorConfig = null)
    {
        var (_, document, analyzer, fix) = await PrepareAsync(markup, editorConfig);
        var diagnostics = await FixableDiagnosticsAsync(document, analyzer, fix);
        Assert.NotEmpty(diagnostics);
        foreach (var diagnostic in diagnostics)
            Assert.Null(await FirstActionAsync(document, fix, diagnostic, null));
    }

    /// <summary>The analyzer's diagnostics in the project, all of them (for tests that drive the provider themselves).</summary>
    public static Task<ImmutableArray<Diagnostic>> AnalyzerDiagnosticsAsync(Project project) =>
        TestWorkspace.GetAnalyzerDiagnosticsAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(new TAnalyzer()));

    /// <summary>The actions the provider registers for one diagnostic of the document, as it registers them.</summary>
    public static Task<List<CodeAction>> OfferedActionsAsync(Document document, Diagnostic diagnostic) =>
        OfferedActionsAsync(document, new TCodeFix(), diagnostic);

    private static async Task<List<CodeAction>> OfferedActionsAsync(Document document, TCodeFix fix, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await fix.RegisterCodeFixesAsync(context);
        return actions;
    }

    /// <summary>The text of the project's only document after the only action offered for its only diagnostic.</summary>
    public static async Task<string> ApplyOnlyFixAsync(Project project)
    {
        var document = project.Documents.Single();
        var actions = await OfferedActionsAsync(document, Assert.Single(await AnalyzerDiagnosticsAsync(project)));
        var fixedDocument = await ApplyAsync(document, Assert.Single(actions));
        return (await fixedDocument.GetTextAsync()).ToString();
    }

    private static async Task<(Project, Document, TAnalyzer, TCodeFix)> PrepareAsync(string markup, string? editorConfig)
    {
        var analyzer = new TAnalyzer();
        var fix = new TCodeFix();
        var defaultId = analyzer.SupportedDiagnostics.Length == 1 ? analyzer.SupportedDiagnostics[0].Id : null;
        var (source, expected) = Markup.Parse(markup, defaultId);
        var project = TestWorkspace.CreateProject(source, editorConfig);
        AnalyzerVerifier<TAnalyzer>.AssertCompiles(await TestWorkspace.CompileAsync(project));
        var actual = await TestWorkspace.GetAnalyzerDiagnosticsAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(analyzer));
        AnalyzerVerifier<TAnalyzer>.AssertMatch(source, expected, actual);
        return (project, project.Documents.Single(d => d.FilePath == TestWorkspace.FileName), analyzer, fix);
    }

    private static async Task<ImmutableArray<Diagnostic>> FixableDiagnosticsAsync(Document document, TAnalyzer analyzer, TCodeFix fix)
    {
        var diagnostics = await TestWorkspace.GetAnalyzerDiagnosticsAsync(document.Project, ImmutableArray.Create<DiagnosticAnalyzer>(analyzer));
        return diagnostics.Where(d => fix.FixableDiagnosticIds.Contains(d.Id) && d.Location.SourceTree?.FilePath == document.FilePath).ToImmutableArray();
    }

    private static async Task<CodeAction?> FirstActionAsync(Document document, TCodeFix fix, Diagnostic diagnostic, string? equivalenceKey)
    {
        var actions = await OfferedActionsAsync(document, fix, diagnostic);
        var flattened = actions.SelectMany(a => a.NestedActions.IsDefaultOrEmpty ? new[] { a } : a.NestedActions.ToArray()).ToList();
        return equivalenceKey is null ? flattened.FirstOrDefault() : flattened.FirstOrDefault(a => a.EquivalenceKey == equivalenceKey);
    }

    private static async Task<Document> ApplyAsync(Document document, CodeAction action)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return solution.GetDocument(document.Id)!;
    }

    private static async Task AssertFixedAsync(Document document, TAnalyzer analyzer, string fixedMarkup)
    {
        var defaultId = analyzer.SupportedDiagnostics.Length == 1 ? analyzer.SupportedDiagnostics[0].Id : null;
        var (expectedSource, expectedDiagnostics) = Markup.Parse(fixedMarkup, defaultId);
        var actualSource = (await document.GetTextAsync()).ToString();
        if (Normalize(actualSource) != Normalize(expectedSource))
            throw new XunitException("Fixed source differs.\n--- expected ---\n" + expectedSource + "\n--- actual ---\n" + actualSource);
        var compilation = await TestWorkspace.CompileAsync(document.Project);
        var errors = TestWorkspace.CompilerErrors(compilation);
        if (errors.Length > 0)
            throw new XunitException("Fixed source does not compile:\n" + string.Join("\n", errors.Select(e => e.ToString())) + "\n" + actualSource);
        var remaining = await TestWorkspace.GetAnalyzerDiagnosticsAsync(document.Project, ImmutableArray.Create<DiagnosticAnalyzer>(analyzer));
        AnalyzerVerifier<TAnalyzer>.AssertMatch(actualSource, expectedDiagnostics, remaining.Where(d => d.Location.SourceTree?.FilePath == document.FilePath));
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private sealed class DiagnosticProvider : FixAllContext.DiagnosticProvider
    {
        private readonly TAnalyzer _analyzer;

        public DiagnosticProvider(TAnalyzer analyzer) => _analyzer = analyzer;

        public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            await TestWorkspace.GetAnalyzerDiagnosticsAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(_analyzer));

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            (await GetAllDiagnosticsAsync(document.Project, cancellationToken)).Where(d => d.Location.SourceTree?.FilePath == document.FilePath);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());
    }
}
