using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Guard.Samples.Tests;

/// <summary>A Guard warning at a line of a sample file; the path is relative to the sample's folder, with '/'.</summary>
public sealed record SampleWarning(string File, int Line, string Id)
{
    public override string ToString() => $"{File}:{Line} {Id}";
}

/// <summary>
/// The warnings a sample declares next to its smells: a line that ends with <c>// expect: GRD001</c> (or
/// <c>// expect: GRD001, GRD003</c>) expects each listed rule to be reported on that line, and no line expects
/// anything else.
/// </summary>
public static partial class ExpectedWarnings
{
    [GeneratedRegex(@"//\s*expect:\s*(?<ids>GRD\d{3}(?:\s*,\s*GRD\d{3})*)\s*$")]
    private static partial Regex ExpectComment();

    [GeneratedRegex(@"//\s*expect\b", RegexOptions.IgnoreCase)]
    private static partial Regex AnyExpectComment();

    public static IReadOnlyList<SampleWarning> Read(string sampleFolder)
    {
        var expected = new List<SampleWarning>();
        foreach (var path in SourceFiles(sampleFolder))
        {
            var relative = Relative(sampleFolder, path);
            var lines = File.ReadAllLines(path);
            for (var i = 0; i < lines.Length; i++)
            {
                var match = ExpectComment().Match(lines[i]);
                if (!match.Success)
                {
                    // A misspelt expectation would silently expect nothing.
                    if (AnyExpectComment().IsMatch(lines[i]))
                        throw new FormatException($"{relative}:{i + 1}: malformed expectation, write `// expect: GRD001` or `// expect: GRD001, GRD003` at the end of the line");
                    continue;
                }
                foreach (var id in match.Groups["ids"].Value.Split(',', StringSplitOptions.TrimEntries))
                    expected.Add(new SampleWarning(relative, i + 1, id));
            }
        }
        return expected;
    }

    public static IEnumerable<string> SourceFiles(string sampleFolder) =>
        Directory.EnumerateFiles(sampleFolder, "*.cs", SearchOption.AllDirectories)
            .Where(path => !Relative(sampleFolder, path).Split('/').Any(part => part is "bin" or "obj"))
            .OrderBy(path => path, StringComparer.Ordinal);

    public static string Relative(string folder, string path) => Path.GetRelativePath(folder, path).Replace('\\', '/');
}
