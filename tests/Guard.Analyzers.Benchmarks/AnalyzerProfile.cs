using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Guard.Analyzers.Benchmarks;

/// <summary>
/// profile &lt;dir&gt; &lt;Guard.Analyzers.dll&gt; [repetitions] [diagnostics.txt]: loads a generated (and restored) code base
/// into one CSharpCompilation, runs Guard's analyzers alone on it with execution-time logging, several times (the
/// first run warms the JIT and is not counted), and prints each rule's median time. Optionally writes every Guard
/// diagnostic (rule, file, line, column, message), sorted, to compare two builds of the analyzers.
/// The references are what MSBuild resolves for the project (it must be restored first: run.sh does it).
/// </summary>
public static class AnalyzerProfile
{
    public static int Run(string directory, string analyzerPath, int repetitions, string? diagnosticsPath)
    {
        var project = Directory.GetFiles(directory, "*.csproj").Single();
        var references = ResolveReferences(project);
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var sources = Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || f.EndsWith(".GlobalUsings.g.cs", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        var trees = sources.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, f)).ToList();
        var compilation = CSharpCompilation.Create("Generated.Service", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var analyzers = LoadAnalyzers(analyzerPath);
        Console.WriteLine($"{trees.Count} files, {trees.Sum(t => t.GetText().Lines.Count)} lines, {references.Count} references, {analyzers.Length} analyzers from {analyzerPath}");
        Console.WriteLine($"load average before: {LoadAverage()}");

        var times = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var walls = new List<double>();
        var cpus = new List<double>();
        ImmutableArray<Diagnostic> diagnostics = default;
        for (var run = 0; run <= repetitions; run++)
        {
            // A fresh compilation each run: Guard caches per compilation, and so does the compiler's binder.
            var fresh = compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(trees);
            // Bind everything first, so that the analyzers' time is theirs and not the compiler's.
            fresh.GetDiagnostics();
            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null,
                concurrentAnalysis: !Sequential, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false);
            var withAnalyzers = fresh.WithAnalyzers(analyzers, options);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
            watch.Stop();
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
            var line = new StringBuilder($"run {run}{(run == 0 ? " (warm-up)" : "")}: {watch.Elapsed.TotalSeconds:F2} s, cpu {cpu / 1000:F2} s, {diagnostics.Length} diagnostics;");
            foreach (var analyzer in analyzers)
            {
                var info = withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult();
                var id = analyzer.SupportedDiagnostics[0].Id;
                var ms = info.ExecutionTime.TotalMilliseconds;
                line.Append(CultureInfo.InvariantCulture, $" {id} {ms:F0}");
                if (run > 0)
                {
                    if (!times.TryGetValue(id, out var list))
                        times[id] = list = new List<double>();
                    list.Add(ms);
                }
            }
            if (run > 0)
            {
                walls.Add(watch.Elapsed.TotalMilliseconds);
                cpus.Add(cpu);
            }
            Console.WriteLine(line.ToString());
        }
        Console.WriteLine($"load average after: {LoadAverage()}");
        Console.WriteLine($"median of {repetitions} runs (ms): " + string.Join(", ", times.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key} {Median(t.Value):F0}")) +
            $"; Guard total {Median(Enumerable.Range(0, repetitions).Select(i => times.Values.Sum(v => v[i])).ToList()):F0}; wall {Median(walls):F0}; process cpu {Median(cpus):F0}");
        // On a shared machine the fastest run is the one least disturbed by others: the closest to the code's own cost.
        Console.WriteLine($"fastest of {repetitions} runs (ms): " + string.Join(", ", times.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key} {t.Value.Min():F0}")) +
            $"; Guard total {Enumerable.Range(0, repetitions).Min(i => times.Values.Sum(v => v[i])):F0}; process cpu {cpus.Min():F0}");
        if (diagnosticsPath != null)
        {
            var lines = diagnostics
                .Select(d => $"{d.Id}\t{Path.GetRelativePath(directory, d.Location.GetLineSpan().Path)}\t{d.Location.GetLineSpan().StartLinePosition}-{d.Location.GetLineSpan().EndLinePosition}\t{d.GetMessage(CultureInfo.InvariantCulture)}\t{string.Join(",", d.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value))}")
                .OrderBy(l => l, StringComparer.Ordinal);
            File.WriteAllLines(diagnosticsPath, lines);
            Console.WriteLine("by rule: " + string.Join(", ", diagnostics.GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")));
        }
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>
    /// GUARD_PROFILE_RULES=GRD001,GRD004 runs only those rules (to profile one rule at a time); NOOP adds an analyzer that
    /// asks for every invocation and does nothing, whose process CPU time is the driver's share (operations, binding).
    /// </summary>
    /// <summary>
    /// GUARD_PROFILE_SEQUENTIAL=1 runs the analyzers on one thread: each rule's time is then its own work (and the GCs
    /// it causes), not time spent preempted by the other callbacks on a small machine; steadier for comparing two builds.
    /// </summary>
    private static readonly bool Sequential = Environment.GetEnvironmentVariable("GUARD_PROFILE_SEQUENTIAL") == "1";

    private static readonly HashSet<string>? Only = Environment.GetEnvironmentVariable("GUARD_PROFILE_RULES") is { Length: > 0 } rules
        ? new HashSet<string>(rules.Split(','), StringComparer.Ordinal)
        : null;

    private static ImmutableArray<DiagnosticAnalyzer> LoadAnalyzers(string path)
    {
        var assembly = Assembly.LoadFrom(Path.GetFullPath(path));
        return assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() != null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .Where(a => Only is null || Only.Contains(a.SupportedDiagnostics[0].Id))
            .Concat(Only?.Contains(NoOpAnalyzer.Id) == true ? new DiagnosticAnalyzer[] { new NoOpAnalyzer() } : Array.Empty<DiagnosticAnalyzer>())
            .ToImmutableArray();
    }

    /// <summary>The compile references MSBuild resolves for the project (dotnet msbuild -getItem).</summary>
    private static List<MetadataReference> ResolveReferences(string project)
    {
        // Kept beside the project once resolved: the list does not change between runs of the same restore.
        var cache = Path.Combine(Path.GetDirectoryName(project)!, "obj", "guard-profile.references");
        if (File.Exists(cache) && File.GetLastWriteTimeUtc(cache) > File.GetLastWriteTimeUtc(Path.Combine(Path.GetDirectoryName(project)!, "obj", "project.assets.json")))
            return File.ReadAllLines(cache).Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToList();
        var start = new ProcessStartInfo("dotnet", $"msbuild \"{project}\" -nologo -t:ResolveAssemblyReferences;FindReferenceAssembliesForReferences -getItem:ReferencePathWithRefAssemblies")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Under dotnet-trace the child would inherit the diagnostic port and wait for a tracer that never comes.
        start.Environment.Remove("DOTNET_DiagnosticPorts");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException("dotnet msbuild failed (was the project restored?): " + output + process.StandardError.ReadToEnd());
        using var json = JsonDocument.Parse(output);
        var paths = json.RootElement.GetProperty("Items").GetProperty("ReferencePathWithRefAssemblies").EnumerateArray()
            .Select(item => item.GetProperty("FullPath").GetString()!)
            .ToList();
        File.WriteAllLines(cache, paths);
        return paths.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToList();
    }

    /// <summary>The floor: the driver's cost of handing every invocation to an analyzer. Never loaded by a compiler.</summary>
#pragma warning disable RS1041, RS1036, RS2008
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class NoOpAnalyzer : DiagnosticAnalyzer
    {
        public const string Id = "NOOP";

        private static readonly DiagnosticDescriptor Rule = new(Id, "no-op", "no-op", "Profile", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterOperationAction(_ => { }, OperationKind.Invocation, OperationKind.ObjectCreation);
        }
    }
#pragma warning restore RS1041, RS1036, RS2008
}
