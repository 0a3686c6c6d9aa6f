using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Guard.Analyzers.Tests.Robustness;

/// <summary>
/// Every Guard analyzer and code fix over every source the repository has (trap corpus, samples, the test sources)
/// and seeded mutations of them. No analyzer or fix may throw, no fix may add a compiler error to code that compiled,
/// and nothing is reported in generated code. CI runs a fixed seed and a bounded count; widen it with
/// GUARD_ROBUSTNESS_SEED and GUARD_ROBUSTNESS_COUNT (GUARD_ROBUSTNESS_REPORT=file writes the figures there).
/// </summary>
public class RobustnessTests
{
    private const int DefaultSeed = 16;
    private const int DefaultCount = 200;
    // Applying a fix runs Roslyn's simplifier and formatter, which costs a hundred times the analysis: CI applies
    // the first fix of each document on every second input; GUARD_ROBUSTNESS_FIX_EVERY=1 and
    // GUARD_ROBUSTNESS_FIXES_PER_DOCUMENT widen that. Inputs of many files (the samples) have their fixes registered but
    // not applied here: FixAllSafetyTests applies every fix to them. GRD001's fix (a Polly pipeline field, whose
    // names Roslyn's simplifier takes seconds to reduce) is registered everywhere but applied only with
    // GUARD_ROBUSTNESS_ALL_FIXES=1: its own tests and FixAllSafetyTests apply it in CI.
    private const int DefaultFixEvery = 2;
    private const int DefaultFixesPerDocument = 1;
    private const int MaxFilesForFixes = 4;

    private readonly ITestOutputHelper _output;

    public RobustnessTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task No_analyzer_or_fix_throws_and_no_fix_breaks_code_over_the_corpus_and_its_mutations()
    {
        var seed = Setting("GUARD_ROBUSTNESS_SEED", DefaultSeed);
        var count = Setting("GUARD_ROBUSTNESS_COUNT", DefaultCount);
        RobustnessRunner.Progress("collecting");
        var originals = CorpusSources.Collect();
        RobustnessRunner.Progress($"collected {originals.Count}");
        Assert.True(originals.Count >= 300, $"only {originals.Count} sources collected");

        var random = new Random(seed);
        var inputs = originals.ToList();
        while (inputs.Count < originals.Count + count)
        {
            var kind = Mutations.Kinds[random.Next(Mutations.Kinds.Length)];
            var mutated = Mutations.Apply(kind, originals[random.Next(originals.Count)], random);
            // A second mutation on a quarter of them: a cut file in C# 7.3, a generated part of a partial class.
            if (mutated is not null && random.Next(4) == 0)
            {
                var second = Mutations.Kinds[random.Next(Mutations.Kinds.Length)];
                if (Mutations.Apply(second, mutated, random) is { } twice)
                    mutated = twice with { Mutation = kind + "+" + second };
            }
            if (mutated is not null)
                inputs.Add(mutated);
        }

        var fixEvery = Math.Max(1, Setting("GUARD_ROBUSTNESS_FIX_EVERY", DefaultFixEvery));
        var fixesPerDocument = Setting("GUARD_ROBUSTNESS_FIXES_PER_DOCUMENT", DefaultFixesPerDocument);
        var skipApplying = Environment.GetEnvironmentVariable("GUARD_ROBUSTNESS_ALL_FIXES") == "1"
            ? new HashSet<string>()
            : new HashSet<string> { nameof(Guard.Analyzers.CodeFixes.Rules.GRD001.MissingRetryCodeFixProvider) };
        var report = new RobustnessReport();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(inputs.Select((input, index) => (input, index)), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) },
            (item, ct) => new ValueTask(RobustnessRunner.RunAsync(item.input,
                item.index % fixEvery == 0 && item.input.Files.Count <= MaxFilesForFixes ? fixesPerDocument : 0, skipApplying, report, ct)));
 var summary = $"seed {seed}, count {count},  fixes on every {fixEvery}th input, {fixesPerDocument} a document, not applied: {string.Join(", ", skipApplying)}, {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s: {report.Summary()}";
        _output.WriteLine(summary);
        _output.WriteLine(report.Timings());
        foreach (var slow in report.SlowFixes)
            _output.WriteLine("slow fix: " + slow);
        if (Environment.GetEnvironmentVariable("GUARD_ROBUSTNESS_REPORT") is { Length: > 0 } path)
             File.WriteAllText(path, summary + "\n" + report.Timings() + "\n" + string.Join("\n", report.SlowFixes.Select(f => "slow fix: " + f)) + "\n\n" + string.Join("\n\n", report.Problems));

        if (!report.Problems.IsEmpty)
            throw new XunitException($"{report.Problems.Count} problems ({summary}):\n\n" + string.Join("\n\n", report.Problems.Take(10)));
        // The run must have exercised the fixes, or it proves nothing about them.
        Assert.True(report.FixesApplied >= 10, summary);
        Assert.True(report.GeneratedFiles > 0, summary);
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
