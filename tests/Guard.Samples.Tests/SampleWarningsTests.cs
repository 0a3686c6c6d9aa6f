using System;
using System.IO;
using System.Linq;

namespace Guard.Samples.Tests;

/// <summary>The samples, built against the packed analyzer, report exactly the warnings their `// expect:` comments declare.</summary>
[Collection(SamplesCollection.Name)]
public class SampleWarningsTests(SampleBuilds builds)
{
    private static readonly string[] AllRules = ["GRD001", "GRD002", "GRD003", "GRD004", "GRD005", "GRD006", "GRD007"];

    [Fact]
    public void TradingBot_shows_every_rule()
    {
        var declared = ExpectedWarnings.Read(SampleBuilds.SampleFolder("TradingBot")).Select(w => w.Id).ToHashSet();
        Assert.All(AllRules, id => Assert.Contains(id, declared));
    }

    [Fact]
    public void TradingBot_Fixed_expects_no_warning()
    {
        Assert.Empty(ExpectedWarnings.Read(SampleBuilds.SampleFolder("TradingBot.Fixed")));
    }

    [Theory]
    [InlineData("TradingBot")]
    [InlineData("TradingBot.Fixed")]
    public void Build_reports_exactly_the_expected_warnings(string sample)
    {
        var folder = SampleBuilds.SampleFolder(sample);
        var build = builds.BuildSucceeded(sample);

        // The analyzers came from the package, restored into the build's own packages folder, and ran cleanly.
        Assert.True(Directory.Exists(Path.Combine(builds.Packages, "guard.analyzers", builds.PackageVersion.ToLowerInvariant())), "Guard.Analyzers was not restored from the local feed");
        foreach (var problem in new[] { "AD0001", "CS8032", "CS8034" })
            Assert.DoesNotContain(problem, build.Output, StringComparison.Ordinal);

        var expected = ExpectedWarnings.Read(folder);
        var actual = BuildWarnings.Parse(build.Output, folder);
        var missing = expected.Except(actual).ToList();
        var unexpected = actual.Except(expected).ToList();
        Assert.True(missing.Count == 0 && unexpected.Count == 0,
            $"Guard warnings of {sample} differ from its `// expect:` comments.\n" +
            Describe("expected, not reported", missing, folder) + Describe("reported, not expected", unexpected, folder));
    }

    private static string Describe(string title, System.Collections.Generic.IReadOnlyCollection<SampleWarning> warnings, string folder)
    {
        if (warnings.Count == 0)
            return "";
        var lines = warnings.Select(w =>
        {
            var source = File.ReadAllLines(Path.Combine(folder, w.File));
            var text = w.Line <= source.Length ? source[w.Line - 1].Trim() : "";
            return $"  {w}    {text}";
        });
        return $"{title}:\n{string.Join('\n', lines)}\n";
    }
}
