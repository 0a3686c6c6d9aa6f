using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace Guard.Analyzers.Benchmarks;

/// <summary>One analyzer's time in a ReportAnalyzer build, under the assembly that holds it.</summary>
public sealed record AnalyzerTime(string Assembly, string Analyzer, double Seconds);

/// <summary>
/// The analyzer times csc prints with ReportAnalyzer=true at detailed verbosity ("Total analyzer execution time: N
/// seconds." then one line an assembly and, indented under it, one line an analyzer), and the Csc task's time from the
/// performance summary. Analyzer times are summed over the threads of a concurrent analysis, so they can exceed the
/// task's wall-clock time; shares are given against the task's time all the same, as the rough cost a user sees.
/// </summary>
public sealed class AnalyzerTimes
{
    private static readonly Regex Row = new(@"^(\s*)(<?\s*[\d.]+)\s+(<?\s*\d+)\s+(\S.*)$", RegexOptions.Compiled);
    private static readonly Regex CscTask = new(@"^\s*(\d+) ms\s+Csc\s+\d+ calls", RegexOptions.Compiled);
    // run.sh's sequential csc run: /usr/bin/time's line after csc's own output.
    private static readonly Regex CscWall = new(@"^csc wall ([\d.]+) s", RegexOptions.Compiled);
    private static readonly Regex Total = new(@"Total analyzer execution time:\s*([\d.]+)", RegexOptions.Compiled);
    private static readonly Regex Reported = new(@": (?:warning|error) ([A-Z]+[0-9]+):", RegexOptions.Compiled);
    private static readonly Regex Ids = new(@"\(([A-Z]+[0-9]+(?:, *[A-Z]+[0-9]+)*)\)\s*$", RegexOptions.Compiled);

    public double CompileSeconds { get; private set; }
    public double AnalyzerSeconds { get; private set; }
    public List<AnalyzerTime> Analyzers { get; } = new();

    /// <summary>The diagnostic IDs the build printed as warnings or errors (info and hidden ones are not printed).</summary>
    public HashSet<string> ReportedIds { get; } = new(StringComparer.Ordinal);

    public static AnalyzerTimes Parse(IEnumerable<string> lines)
    {
        var result = new AnalyzerTimes();
        string? assembly = null;
        var inTable = false;
        foreach (var raw in lines)
        {
            // Detailed logs prefix task output with a node number ("  3>"); the table itself is what matters.
            var line = Regex.Replace(raw, @"^\s*\d+>", string.Empty);
            if (Reported.Match(line) is { Success: true } reported)
            {
                result.ReportedIds.Add(reported.Groups[1].Value);
                continue;
            }
            if (CscTask.Match(line) is { Success: true } csc)
            {
                result.CompileSeconds = Math.Max(result.CompileSeconds, double.Parse(csc.Groups[1].Value, CultureInfo.InvariantCulture) / 1000);
                continue;
            }
            if (CscWall.Match(line) is { Success: true } wall)
            {
                result.CompileSeconds = Math.Max(result.CompileSeconds, double.Parse(wall.Groups[1].Value, CultureInfo.InvariantCulture));
                continue;
            }
            if (Total.Match(line) is { Success: true } total)
            {
                result.AnalyzerSeconds += double.Parse(total.Groups[1].Value.TrimEnd('.'), CultureInfo.InvariantCulture);
                inTable = true;
                continue;
            }
            if (line.Contains("Total generator execution time", StringComparison.Ordinal))
            {
                inTable = false;
                continue;
            }
            // Blank lines separate the assemblies of the table; the header names its columns.
            if (!inTable || line.Trim().Length == 0 || line.Contains("Time (s)", StringComparison.Ordinal))
                continue;
            var row = Row.Match(line);
            if (!row.Success)
            {
                inTable = false;
                assembly = null;
                continue;
            }
            var seconds = double.Parse(row.Groups[2].Value.TrimStart('<').Trim(), CultureInfo.InvariantCulture);
            var name = row.Groups[4].Value.Trim();
            if (name.Contains(", Version=", StringComparison.Ordinal))
                assembly = name.Split(',')[0];
            else if (assembly is not null)
                result.Analyzers.Add(new AnalyzerTime(assembly, name, seconds));
        }
        return result;
    }

    public string Describe(string label)
    {
        var text = new StringBuilder();
        var guard = Analyzers.Where(a => a.Assembly == "Guard.Analyzers").ToList();
        var guardTotal = guard.Sum(a => a.Seconds);
        text.AppendLine(CultureInfo.InvariantCulture, $"{label}: Csc {CompileSeconds:F1} s, analyzers {AnalyzerSeconds:F1} s; Guard {guardTotal:F3} s = {Share(guardTotal)} of the compile");
        foreach (var rule in guard.OrderBy(a => a.Analyzer, StringComparer.Ordinal))
            text.AppendLine(CultureInfo.InvariantCulture, $"  {rule.Analyzer}: {rule.Seconds:F3} s ({Share(rule.Seconds)})");
        foreach (var peer in Analyzers.Where(a => a.Assembly != "Guard.Analyzers").GroupBy(a => Package(a.Assembly)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var times = peer.OrderBy(a => a.Seconds).ToList();
            var median = times[times.Count / 2];
            var worst = times[^1];
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  peer {peer.Key}: {times.Count} analyzers, total {times.Sum(a => a.Seconds):F3} s, median {median.Seconds:F3} s, worst {worst.Seconds:F3} s {worst.Analyzer}");
            // The median above is mostly analyzers with nothing to look at in this code; beside it, the median of those
            // that found something (printed a warning), which did work comparable to a Guard rule's.
            var reporting = times.Where(a => DiagnosticIds(a.Analyzer).Any(ReportedIds.Contains)).ToList();
            if (reporting.Count > 0)
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"    of which {reporting.Count} reported a warning here: median {reporting[reporting.Count / 2].Seconds:F3} s");
        }
        return text.ToString();
    }

    /// <summary>The IDs csc lists after an analyzer's name: "Namespace.Type (CA1062, CA1063)".</summary>
    public static IEnumerable<string> DiagnosticIds(string analyzer)
    {
        var ids = Ids.Match(analyzer);
        return ids.Success ? ids.Groups[1].Value.Split(',').Select(id => id.Trim()) : Enumerable.Empty<string>();
    }

    /// <summary>The package an analyzer assembly comes in: NetAnalyzers and VS Threading ship a language-neutral and a C# assembly.</summary>
    public static string Package(string assembly) => assembly switch
    {
        "Microsoft.CodeAnalysis.CSharp.NetAnalyzers" => "Microsoft.CodeAnalysis.NetAnalyzers",
        "Microsoft.VisualStudio.Threading.Analyzers.CSharp" => "Microsoft.VisualStudio.Threading.Analyzers",
        _ when assembly.StartsWith("Microsoft.Interop.", StringComparison.Ordinal) || assembly.StartsWith("System.", StringComparison.Ordinal) => "SDK generators (" + assembly + ")",
        _ => assembly,
    };

    private string Share(double seconds) =>
        CompileSeconds > 0 ? (100 * seconds / CompileSeconds).ToString("F2", CultureInfo.InvariantCulture) + " %" : "n/a";
}
