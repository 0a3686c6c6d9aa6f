using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Guard.Samples.Tests;

/// <summary>Reads Guard warnings out of the console output of `dotnet build -tl:off`.</summary>
public static partial class BuildWarnings
{
    // /path/File.cs(12,34): warning GRD001: message [/path/Project.csproj]
    [GeneratedRegex(@"^\s*(?<file>.+?)\((?<line>\d+),(?<column>\d+)\): warning (?<id>GRD\d{3}):", RegexOptions.Multiline)]
    private static partial Regex GuardWarning();

    /// <summary>The distinct Guard warnings in files under the sample's folder (MSBuild repeats them in its summary).</summary>
    public static IReadOnlyList<SampleWarning> Parse(string buildOutput, string sampleFolder)
    {
        var folder = Path.GetFullPath(sampleFolder);
        var warnings = new HashSet<SampleWarning>();
        foreach (Match match in GuardWarning().Matches(buildOutput))
        {
            var file = match.Groups["file"].Value.Trim();
            var relative = Path.IsPathRooted(file) ? ExpectedWarnings.Relative(folder, file) : file.Replace('\\', '/');
            warnings.Add(new SampleWarning(relative, int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["id"].Value));
        }
        return warnings.OrderBy(w => w.File, StringComparer.Ordinal).ThenBy(w => w.Line).ThenBy(w => w.Id, StringComparer.Ordinal).ToList();
    }
}
