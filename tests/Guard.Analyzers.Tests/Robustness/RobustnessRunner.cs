using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Guard.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Guard.Analyzers.Tests.Robustness;

/// <summary>What a robustness run tried and what went wrong, with one line per problem.</summary>
public sealed class RobustnessReport
{
    public int Inputs;
    public int Files;
    public int WellFormed;
    public int GuardDiagnostics;
    public int FixesOffered;
    public int FixesApplied;
    public int FixesAddingErrors;
    public int FixesTimedOut;
    public readonly ConcurrentQueue<string> SlowFixes = new();
    public int GeneratedFiles;
    public readonly ConcurrentDictionary<string, int> Mutations = new(StringComparer.Ordinal);
    public readonly ConcurrentDictionary<string, int> LanguageVersions = new(StringComparer.Ordinal);
    public readonly ConcurrentDictionary<string, int> DiagnosticsById = new(StringComparer.Ordinal);
    public readonly ConcurrentDictionary<string, int> FixesById = new(StringComparer.Ordinal);
    public readonly ConcurrentQueue<string> Problems = new();
    public readonly ConcurrentDictionary<string, long> PhaseTicks = new(StringComparer.Ordinal);
    public readonly ConcurrentBag<(double Seconds, string Label)> Durations = new();

    public void Time(string phase, System.Diagnostics.Stopwatch clock)
    {
        PhaseTicks.AddOrUpdate(phase, clock.ElapsedTicks, (_, n) => n + clock.ElapsedTicks);
        clock.Restart();
    }

    public string Timings() =>
        string.Join(", ", PhaseTicks.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value / (double)System.Diagnostics.Stopwatch.Frequency:F1} s")) +
        "; slowest: " + string.Join("; ", Durations.OrderByDescending(d => d.Seconds).Take(8).Select(d => $"{d.Seconds:F2} s {d.Label}"));

    public string Summary() =>
        $"inputs {Inputs} ({Files} files, {WellFormed} without compiler errors, {GeneratedFiles} generated files); " +
        $"mutations {string.Join(", ", Mutations.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}; " +
        $"language versions {string.Join(", ", LanguageVersions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}; " +
        $"Guard diagnostics {GuardDiagnostics} ({string.Join(", ", DiagnosticsById.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}); " +
        $"fixes offered {FixesOffered}, applied on well-formed inputs {FixesApplied} ({string.Join(", ", FixesById.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}), " +
        $"adding compiler errors {FixesAddingErrors}, given up after {FixTimeout.TotalSeconds:F0} s {FixesTimedOut}; problems {Problems.Count}";

    /// <summary>
    /// How long one fix may take to compute its change. Roslyn's simplifier, which the fixes' annotations run, can take
    /// tens of seconds on a loaded machine for a long builder chain; such a fix is counted, listed, and not failed.
    /// </summary>
    public static readonly TimeSpan FixTimeout = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Runs every Guard analyzer and code fix over robustness inputs, the way an IDE does: analyzer exceptions are caught
/// through <c>onAnalyzerException</c> and AD0001, code-fix exceptions around registration and application, and each
/// fix applied to an input that compiled is compiled again to compare its errors.
/// </summary>
public static class RobustnessRunner
{
    public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = typeof(Guard.Analyzers.Rules.GRD001.MissingRetryAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    public static readonly ImmutableArray<CodeFixProvider> Fixers = typeof(Guard.Analyzers.CodeFixes.Rules.GRD001.MissingRetryCodeFixProvider).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <param name="maxFixesPerDocument">Fixes applied per document (0: fixes are registered, never applied).</param>
    /// <param name="skipApplying">Fixers whose actions are registered but not applied (their cost is elsewhere covered).</param>
    public static async Task RunAsync(RobustnessInput input, int maxFixesPerDocument, ISet<string> skipApplying, RobustnessReport report, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref report.Inputs);
        Interlocked.Add(ref report.Files, input.Files.Count);
        report.Mutations.AddOrUpdate(input.Mutation, 1, (_, n) => n + 1);
        report.LanguageVersions.AddOrUpdate(input.LanguageVersion.ToDisplayString(), 1, (_, n) => n + 1);
        var label = $"{input.Origin} [{input.Mutation}, C# {input.LanguageVersion.ToDisplayString()}, nullable {input.Nullable}]";

        var total = System.Diagnostics.Stopwatch.StartNew();
        Progress($"start {label}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var project = CreateProject(input);
        var compilation = (await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
        var errorsBefore = Errors(compilation);
        report.Time("compile", clock);
        var wellFormed = errorsBefore.Count == 0;
        if (wellFormed)
            Interlocked.Increment(ref report.WellFormed);

        var diagnostics = await AnalyzeAsync(project, compilation, label, report, cancellationToken).ConfigureAwait(false);
        report.Time("analyze", clock);
        Interlocked.Add(ref report.GuardDiagnostics, diagnostics.Length);
        foreach (var diagnostic in diagnostics)
            report.DiagnosticsById.AddOrUpdate(diagnostic.Id, 1, (_, n) => n + 1);

        // Generated code is not Guard's to judge: no diagnostic may land in a file marked generated.
        var generated = new HashSet<string>(input.Files.Where(Mutations.IsGenerated).Select(f => "/src/" + f.Name), StringComparer.Ordinal);
        Interlocked.Add(ref report.GeneratedFiles, generated.Count);
        foreach (var diagnostic in diagnostics.Where(d => d.Location.SourceTree is { } tree && generated.Contains(tree.FilePath)))
            report.Problems.Enqueue($"{label}: {diagnostic.Id} reported in generated file {diagnostic.Location.GetLineSpan()}");

        foreach (var group in diagnostics.Where(d => d.Location.IsInSource).GroupBy(d => d.Location.SourceTree!.FilePath))
        {
            var document = project.Documents.First(d => d.FilePath == group.Key);
            var applied = 0;
            foreach (var diagnostic in group)
            {
                foreach (var fixer in Fixers.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
                {
                    clock.Restart();
                    var actions = await RegisterAsync(fixer, document, diagnostic, label, report, cancellationToken).ConfigureAwait(false);
                    report.Time("register fixes", clock);
                    Interlocked.Add(ref report.FixesOffered, actions.Count);
                    if (actions.Count == 0 || applied >= maxFixesPerDocument || skipApplying.Contains(fixer.GetType().Name))
                        continue;
                    applied++;
                    var changed = await ApplyAsync(fixer, actions[0], diagnostic, label, report, cancellationToken).ConfigureAwait(false);
                    report.Time("apply fixes", clock);
                    if (changed is null || !wellFormed)
                        continue;
                    Interlocked.Increment(ref report.FixesApplied);
                    report.FixesById.AddOrUpdate(diagnostic.Id, 1, (_, n) => n + 1);
                    var fixedProject = changed.GetProject(project.Id)!;
                    var fixedCompilation = (await fixedProject.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
                    var changes = fixedProject.GetChanges(project);
                    var trees = new List<SyntaxTree>();
                    foreach (var id in changes.GetChangedDocuments().Concat(changes.GetAddedDocuments()))
                        trees.Add((await fixedProject.GetDocument(id)!.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false))!);
                    var added = Errors(fixedCompilation, trees).Except(errorsBefore).ToList();
                    report.Time("compile fixed", clock);
                    if (added.Count > 0)
                    {
                        Interlocked.Increment(ref report.FixesAddingErrors);
                        var fixedText = (await changed.GetDocument(document.Id)!.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString();
                        report.Problems.Enqueue($"{label}: fix '{actions[0].Title}' of {diagnostic.Id} at {diagnostic.Location.GetLineSpan()} adds errors:\n  " +
                            string.Join("\n  ", added.Take(5)) + "\n--- fixed document ---\n" + fixedText);
                    }
                }
            }
        }
        report.Durations.Add((total.Elapsed.TotalSeconds, label));
        Progress($"{total.Elapsed.TotalSeconds:F2} s {label}");
    }

    private static readonly object ProgressLock = new();

    /// <summary>A line in the file GUARD_ROBUSTNESS_PROGRESS names, to follow a long run.</summary>
    public static void Progress(string line)
    {
        if (Environment.GetEnvironmentVariable("GUARD_ROBUSTNESS_PROGRESS") is { Length: > 0 } progress)
        {
            lock (ProgressLock)
                System.IO.File.AppendAllText(progress, $"{DateTime.UtcNow:HH:mm:ss} {line}\n");
        }
    }

    public static Project CreateProject(RobustnessInput input)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), "Robust", "Robust", LanguageNames.CSharp,
            filePath: "/src/Robust.csproj",
            compilationOptions: new CSharpCompilationOptions(input.OutputKind, nullableContextOptions: input.Nullable, allowUnsafe: true),
            parseOptions: new CSharpParseOptions(input.LanguageVersion),
            metadataReferences: TestReferences.All));
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in input.Files)
        {
            // Two parts of one input may have been given the same name by mutations; paths must stay unique.
            var name = file.Name;
            for (var i = 2; !names.Add(name); i++)
                name = i + "_" + file.Name;
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), name, SourceText.From(file.Text), filePath: "/src/" + name);
        }
        if (input.EditorConfig is not null)
            solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId), ".editorconfig", SourceText.From(input.EditorConfig), filePath: "/src/.editorconfig");
        return solution.GetProject(projectId)!;
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Project project, Compilation compilation, string label, RobustnessReport report, CancellationToken cancellationToken)
    {
        var options = new CompilationWithAnalyzersOptions(project.AnalyzerOptions,
            onAnalyzerException: (ex, analyzer, _) => report.Problems.Enqueue($"{label}: {analyzer.GetType().Name} threw {ex}"),
            concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(Analyzers, options).GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var failure in diagnostics.Where(d => d.Id is "AD0001" or "AD0002"))
            report.Problems.Enqueue($"{label}: {failure.GetMessage()}");
        return diagnostics.Where(d => d.Id.StartsWith("GRD", StringComparison.Ordinal)).ToImmutableArray();
    }

    private static async Task<List<CodeAction>> RegisterAsync(CodeFixProvider fixer, Document document, Diagnostic diagnostic, string label, RobustnessReport report, CancellationToken cancellationToken)
    {
        var actions = new List<CodeAction>();
        try
        {
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            report.Problems.Enqueue($"{label}: {fixer.GetType().Name}.RegisterCodeFixesAsync threw on {diagnostic.Id} at {diagnostic.Location.GetLineSpan()}: {ex}");
        }
        return actions;
    }

    private static async Task<Solution?> ApplyAsync(CodeFixProvider fixer, CodeAction action, Diagnostic diagnostic, string label, RobustnessReport report, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RobustnessReport.FixTimeout);
        try
        {
            var operations = await action.GetOperationsAsync(timeout.Token).ConfigureAwait(false);
            return operations.OfType<ApplyChangesOperation>().FirstOrDefault()?.ChangedSolution;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref report.FixesTimedOut);
            report.SlowFixes.Enqueue($"{label}: {fixer.GetType().Name} '{action.Title}' on {diagnostic.Id} at {diagnostic.Location.GetLineSpan()}");
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            report.Problems.Enqueue($"{label}: {fixer.GetType().Name} action '{action.Title}' threw on {diagnostic.Id} at {diagnostic.Location.GetLineSpan()}: {ex}");
            return null;
        }
    }

    // Errors compared by id, file and message (a fix moves positions; a new error is a new id or message).
    private static List<string> Errors(Compilation compilation) => Describe(compilation.GetDiagnostics());

    // After a fix, only the documents it changed are bound again: an error it adds elsewhere (a duplicate member) is
    // reported in the changed document too, and binding the whole project again for every fix is what costs.
    private static List<string> Errors(Compilation compilation, IEnumerable<SyntaxTree> changed) =>
        Describe(changed.SelectMany(tree => compilation.GetSemanticModel(tree).GetDiagnostics()));

    private static List<string> Describe(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"{d.Id} {System.IO.Path.GetFileName(d.Location.SourceTree?.FilePath)}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .Distinct().ToList();
}
