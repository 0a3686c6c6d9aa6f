using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Guard.Tests.Shared;

namespace Guard.Analyzers.Tests;

/// <summary>
/// Every rule page reads the same way (the same sections, in which a reader looks for the same things) and says where
/// the rule lives: the line under the title links to the analyzer, the fixer and the tests, and the links resolve.
/// </summary>
public partial class RulePageTests
{
    /// <summary>The sections every page has; a page may add its own between them.</summary>
    private static readonly string[] CommonSections =
    {
        "## The incident",
        "## What is flagged",
        "## What is not flagged (and why)",
        "## Options",
        "## Code fix",
        "## Suppression",
    };

    public static IEnumerable<object[]> Rules() => DescriptorTests.Descriptors();

    [Theory]
    [MemberData(nameof(Rules))]
    public void Page_has_the_common_sections_in_order(string id)
    {
        var headings = File.ReadAllLines(Page(id)).Where(l => l.StartsWith("## ", StringComparison.Ordinal)).ToList();
        var positions = CommonSections.Select(s => headings.IndexOf(s)).ToList();
        for (var i = 0; i < CommonSections.Length; i++)
            Assert.True(positions[i] >= 0, $"docs/rules/{id}.md has no '{CommonSections[i]}' section");
        Assert.True(positions.SequenceEqual(positions.OrderBy(p => p)), $"docs/rules/{id}.md has the common sections out of order");
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Page_links_to_its_sources_under_the_title(string id)
    {
        var lines = File.ReadAllLines(Page(id));
        Assert.StartsWith("# " + id + ":", lines[0], StringComparison.Ordinal);
        var source = lines.Skip(1).First(l => l.Length > 0);
        Assert.StartsWith("Source: ", source, StringComparison.Ordinal);
        var links = MarkdownLink().Matches(source).Select(m => m.Groups["target"].Value).ToList();
        Assert.Contains(links, l => l.Contains("analyzers/Guard.Analyzers/Rules/" + id + ".", StringComparison.Ordinal) && l.EndsWith("Analyzer.cs", StringComparison.Ordinal));
        Assert.Contains(links, l => l.Contains("analyzers/Guard.Analyzers.CodeFixes/Rules/" + id + ".", StringComparison.Ordinal) && l.EndsWith("CodeFixProvider.cs", StringComparison.Ordinal));
        Assert.Contains(links, l => l.Contains("tests/Guard.Analyzers.Tests/Rules/" + id + ".", StringComparison.Ordinal));
        foreach (var link in links)
        {
            var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Page(id))!, link));
            Assert.True(File.Exists(target) || Directory.Exists(target), $"docs/rules/{id}.md links to {link}, which does not exist");
        }
    }

    private static string Page(string id) => RepositoryPaths.Combine("docs", "rules", id + ".md");

    [GeneratedRegex(@"\]\((?<target>[^)]+)\)")]
    private static partial Regex MarkdownLink();
}
