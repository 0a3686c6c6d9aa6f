using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Guard.Analyzers.Tests.Verifiers;

/// <summary>
/// Builds a one-project Roslyn workspace for test sources, with an optional .editorconfig, for the few tests that drive
/// Roslyn themselves, which the framework's test classes do not allow: FixAll over the trap corpus and the sample bot
/// (<see cref="FixAllSafetyTests"/>), running the pipeline a fix wrote, looking at the actions a provider offers, a
/// project without one of the test references, or the assemblies a compilation references. Every rule and fix test
/// that compares markup runs on Microsoft.CodeAnalysis.Testing (<see cref="AnalyzerVerifier{TAnalyzer}"/>,
/// <see cref="CodeFixVerifier{TAnalyzer, TCodeFix}"/>).
/// </summary>
public static class TestWorkspace
{
    public const string FileName = "/src/Test0.cs";

    public static Project CreateProject(string source, string? editorConfig = null, IEnumerable<string>? extraSources = null)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var compilationOptions = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), "Test", "Test", LanguageNames.CSharp,
                filePath: "/src/Test.csproj",
                compilationOptions: compilationOptions, parseOptions: parseOptions,
                metadataReferences: TestReferences.All));
        solution = solution.AddDocument(DocumentId.CreateNewId(projectId), "Test0.cs", SourceText.From(source), filePath: FileName);
        var index = 1;
        foreach (var extra in extraSources ?? Array.Empty<string>())
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), $"Test{index}.cs", SourceText.From(extra), filePath: $"/src/Test{index}.cs");
            index++;
        }
        if (GuardTestSetup.AnalyzerConfig(editorConfig) is var (path, text))
            solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId), path.TrimStart('/'), SourceText.From(text), filePath: "/src" + path);
        return solution.GetProject(projectId)!;
    }

    public static async Task<Compilation> CompileAsync(Project project) =>
        await project.GetCompilationAsync().ConfigureAwait(false) ?? throw new InvalidOperationException("No compilation");

    /// <summary>Runs the analyzers and fails on any analyzer exception (AD0001).</summary>
    public static async Task<ImmutableArray<Diagnostic>> GetAnalyzerDiagnosticsAsync(Project project, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var compilation = await CompileAsync(project).ConfigureAwait(false);
        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(project.AnalyzerOptions,
            onAnalyzerException: (ex, analyzer, diagnostic) => { lock (exceptions) exceptions.Add($"{analyzer.GetType().Name}: {ex}"); },
            concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
        var ad0001 = diagnostics.Where(d => d.Id == "AD0001").Select(d => d.GetMessage()).ToList();
        exceptions.AddRange(ad0001);
        if (exceptions.Count > 0)
            throw new Xunit.Sdk.XunitException("Analyzer threw:\n" + string.Join("\n", exceptions));
        return diagnostics.Where(d => d.Id != "AD0001").OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToImmutableArray();
    }

    public static ImmutableArray<Diagnostic> CompilerErrors(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
}
