using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Guard.Analyzers.Rules.GRD001;
using Guard.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

namespace Guard.Analyzers.Tests;

/// <summary>
/// What `dotnet format analyzers` does to a code base: every Guard fix, FixAll over the whole solution, on the
/// trap corpus (tests/Guard.Analyzers.Tests/Corpus) and the sample bot. Afterwards the code compiles, GRD004 reports
/// nothing it did not report before (no fix created a retried order), every trap line is untouched, and every
/// line marked safe was fixed (so the fixes did run).
/// </summary>
public class FixAllSafetyTests
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = typeof(MissingRetryAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    private static readonly ImmutableArray<CodeFixProvider> Fixers = typeof(Guard.Analyzers.CodeFixes.AssemblyMarker).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
        .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    [Fact]
    public async Task FixAll_over_the_traps_and_the_sample_bot_never_creates_a_retried_operation()
    {
        var project = CorpusProject();
        var compilation = await TestWorkspace.CompileAsync(project);
        Assert.Empty(TestWorkspace.CompilerErrors(compilation));
        var before = await TestWorkspace.GetAnalyzerDiagnosticsAsync(project, Analyzers);

        var traps = MarkedLines(project, "// trap:");
        var safe = MarkedLines(project, "// safe:");
        Assert.True(traps.Count >= 20, $"only {traps.Count} traps found");
        foreach (var (document, line) in traps.Concat(safe))
            Assert.True(HasGrd001On(before, document, line), $"GRD001 is not reported on the marked line: {line.Trim()}");

        var solution = project.Solution;
        foreach (var fixer in Fixers)
            solution = await FixAllAsync(solution, project.Id, fixer);
        var fixedProject = solution.GetProject(project.Id)!;

        var errors = TestWorkspace.CompilerErrors(await TestWorkspace.CompileAsync(fixedProject));
        if (errors.Length > 0)
            throw new XunitException("The fixed corpus does not compile:\n" + string.Join("\n", errors.Select(e => e.ToString())));

        var after = await TestWorkspace.GetAnalyzerDiagnosticsAsync(fixedProject, Analyzers);
        var newGrd004 = Keys(after, "GRD004").Except(Keys(before, "GRD004")).ToList();
        Assert.True(newGrd004.Count == 0, "The fixes created retried non-idempotent calls:\n" + string.Join("\n", newGrd004));

        foreach (var (document, line) in traps)
        {
            var text = (await fixedProject.GetDocument(document)!.GetTextAsync()).ToString();
            Assert.True(text.Contains(line.Trim(), StringComparison.Ordinal), "A fix changed a trap line: " + line.Trim());
        }
        foreach (var (document, line) in safe)
        {
            var text = (await fixedProject.GetDocument(document)!.GetTextAsync()).ToString();
            Assert.False(text.Contains(line.Trim(), StringComparison.Ordinal), "A safe call was not fixed: " + line.Trim());
        }
    }

    private static async Task<Solution> FixAllAsync(Solution solution, ProjectId projectId, CodeFixProvider fixer)
    {
        var project = solution.GetProject(projectId)!;
        var diagnostics = (await TestWorkspace.GetAnalyzerDiagnosticsAsync(project, Analyzers))
            .Where(d => fixer.FixableDiagnosticIds.Contains(d.Id)).ToList();
        foreach (var diagnostic in diagnostics)
        {
            var document = project.GetDocument(diagnostic.Location.SourceTree)!;
            var actions = new List<CodeAction>();
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
            if (actions.Count == 0)
                continue;
            var provider = fixer.GetFixAllProvider();
            if (provider is null)
                continue;
            var context = new FixAllContext(document, fixer, FixAllScope.Solution, actions[0].EquivalenceKey,
                fixer.FixableDiagnosticIds, new AllDiagnostics(), CancellationToken.None);
            var fixAll = await provider.GetFixAsync(context);
            if (fixAll is null)
                return solution;
            var operations = await fixAll.GetOperationsAsync(CancellationToken.None);
            return operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        }
        return solution;
    }

    private static IEnumerable<string> Keys(IEnumerable<Diagnostic> diagnostics, string id) =>
        diagnostics.Where(d => d.Id == id).Select(d =>
        {
            var tree = d.Location.SourceTree!;
            var node = tree.GetRoot().FindNode(d.Location.SourceSpan);
            return Path.GetFileName(tree.FilePath) + ": " + node.ToString().Split('(')[0].Trim();
        });

    private static bool HasGrd001On(IEnumerable<Diagnostic> diagnostics, DocumentId document, string line) =>
        diagnostics.Any(d => d.Id == "GRD001" && d.Location.SourceTree!.GetText().Lines[d.Location.GetLineSpan().StartLinePosition.Line].ToString() == line);

    private static List<(DocumentId Document, string Line)> MarkedLines(Project project, string marker) =>
        project.Documents
            .SelectMany(d => d.GetTextAsync().Result.Lines.Select(l => (d.Id, l.ToString())))
            .Where(x => x.Item2.Contains(marker, StringComparison.Ordinal) && !x.Item2.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .ToList();

    internal static Project CorpusProject()
    {
        var root = RepositoryRoot();
        var files = Directory.GetFiles(Path.Combine(root, "tests", "Guard.Analyzers.Tests", "Corpus"), "*.cs")
            .Concat(Directory.GetFiles(Path.Combine(root, "samples", "TradingBot"), "*.cs"))
            .Concat(Directory.GetFiles(Path.Combine(root, "samples", "Shared"), "*.cs"))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        var workspace = new AdhocWorkspace();
        var id = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(id, VersionStamp.Create(), "Corpus", "Corpus", LanguageNames.CSharp,
            filePath: "/corpus/Corpus.csproj",
            compilationOptions: new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: TestReferences.All));
        // The SDK's implicit usings and the samples' own global using.
        const string GlobalUsings = "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
            "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks; global using TradingBot.Shared;";
        solution = solution.AddDocument(DocumentId.CreateNewId(id), "GlobalUsings.cs", SourceText.From(GlobalUsings), filePath: "/corpus/GlobalUsings.cs");
        foreach (var file in files)
        {
            var name = Path.GetFileName(Path.GetDirectoryName(file)) + "_" + Path.GetFileName(file);
            solution = solution.AddDocument(DocumentId.CreateNewId(id), name, SourceText.From(File.ReadAllText(file)), filePath: "/corpus/" + name);
        }
        var editorConfig = File.ReadAllText(Path.Combine(root, "tests", "Guard.Analyzers.Tests", "Corpus", ".editorconfig.txt"));
        solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(id), ".editorconfig", SourceText.From(editorConfig), filePath: "/corpus/.editorconfig");
        return solution.GetProject(id)!;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Guard.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException("Guard.sln not found above " + AppContext.BaseDirectory);
    }

    private sealed class AllDiagnostics : FixAllContext.DiagnosticProvider
    {
        public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            await TestWorkspace.GetAnalyzerDiagnosticsAsync(project, Analyzers);

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            (await GetAllDiagnosticsAsync(document.Project, cancellationToken)).Where(d => d.Location.SourceTree?.FilePath == document.FilePath);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());
    }
}
