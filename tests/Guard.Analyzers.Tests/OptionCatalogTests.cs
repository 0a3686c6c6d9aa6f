using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Guard.Analyzers.Infrastructure;
using Guard.Tests.Shared;

namespace Guard.Analyzers.Tests;

/// <summary>
/// Options are declared once, in <see cref="GuardOptionCatalog"/>, and the docs say what the code reads: every declared
/// option is on its rules' pages, every option a page names is declared, and no source names an option by itself.
/// </summary>
public partial class OptionCatalogTests
{
    [Fact]
    public void Every_declared_option_is_on_the_page_of_each_rule_that_reads_it()
    {
        foreach (var option in GuardOptionCatalog.All)
        {
            foreach (var rule in option.Rules)
            {
                // A shared option is documented as guard.name (each rule falls back to it); a rule's own as
                // guard.GRDnnn.name or, since that is read too, guard.name.
                var page = File.ReadAllText(RepositoryPaths.Combine("docs", "rules", rule + ".md"));
                var documented = OptionKey().Matches(page).Where(m => m.Groups["name"].Value == option.Name)
                    .Any(m => option.IsShared ? m.Groups["rule"].Value.Length == 0 : m.Groups["rule"].Value is "" || m.Groups["rule"].Value == rule);
                Assert.True(documented, $"docs/rules/{rule}.md does not document guard.{(option.IsShared ? "" : rule + ".")}{option.Name}");
            }
        }
    }

    [Fact]
    public void Every_option_a_rule_page_names_is_declared()
    {
        var names = GuardOptionCatalog.All.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var page in Directory.GetFiles(RepositoryPaths.Combine("docs", "rules"), "GRD*.md"))
        {
            foreach (Match match in OptionKey().Matches(File.ReadAllText(page)))
                Assert.True(names.Contains(match.Groups["name"].Value), $"{Path.GetFileName(page)} names {match.Value}, which no rule reads");
        }
    }

    [Fact]
    public void Options_are_named_only_in_the_catalog()
    {
        var names = GuardOptionCatalog.All.Select(o => o.Name).ToList();
        var catalog = Path.Combine("Infrastructure", "GuardOptionCatalog.cs");
        var sources = Directory.GetFiles(RepositoryPaths.Combine("analyzers"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal) &&
                        !f.EndsWith(catalog, StringComparison.Ordinal));
        foreach (var source in sources)
        {
            var text = File.ReadAllText(source);
            foreach (Match literal in GuardLiteral().Matches(text))
                Assert.True(literal.Value == "\"guard.\"", $"{source} names an option itself: {literal.Value}");
            foreach (var name in names)
                Assert.False(text.Contains("\"" + name + "\"", StringComparison.Ordinal), $"{source} names option {name} outside the catalog");
            foreach (Match read in OptionRead().Matches(text))
                Assert.True(read.Value.Contains("GuardOptionCatalog.", StringComparison.Ordinal), $"{source} reads an option not from the catalog: {read.Value}");
        }
    }

    [GeneratedRegex(@"guard\.(?:(?<rule>GRD\d{3})\.)?(?<name>[a-z][a-z_]*)")]
    private static partial Regex OptionKey();

    [GeneratedRegex("\"guard\\.[^\"]*\"")]
    private static partial Regex GuardLiteral();

    [GeneratedRegex(@"GuardOptions\.Get\w+\([^;]*;")]
    private static partial Regex OptionRead();
}
