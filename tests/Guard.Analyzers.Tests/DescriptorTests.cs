using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Guard.Tests.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Guard.Analyzers.Tests;

public class DescriptorTests
{
    public static IEnumerable<object[]> Descriptors() =>
        typeof(GuardDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => new object[] { ((DiagnosticDescriptor)f.GetValue(null)!).Id });

    private static DiagnosticDescriptor Get(string id) =>
        typeof(GuardDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetValue(null)).OfType<DiagnosticDescriptor>().Single(d => d.Id == id);

    [Theory]
    [MemberData(nameof(Descriptors))]
    public void Help_link_points_at_an_existing_rule_page(string id)
    {
        var descriptor = Get(id);
        Assert.Equal(GuardDescriptors.HelpLinkBase + id + ".md", descriptor.HelpLinkUri);
        Assert.True(File.Exists(RepositoryPaths.Combine("docs", "rules", id + ".md")), $"docs/rules/{id}.md is missing");
        Assert.Equal("Reliability", descriptor.Category);
    }

    [Theory]
    [MemberData(nameof(Descriptors))]
    public void Rule_is_in_release_tracking(string id)
    {
        var shipped = File.ReadAllText(RepositoryPaths.Combine("analyzers", "Guard.Analyzers", "AnalyzerReleases.Shipped.md"));
        var unshipped = File.ReadAllText(RepositoryPaths.Combine("analyzers", "Guard.Analyzers", "AnalyzerReleases.Unshipped.md"));
        Assert.True(shipped.Contains(id, StringComparison.Ordinal) || unshipped.Contains(id, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Descriptors))]
    public void Rule_is_reported_by_exactly_one_analyzer(string id)
    {
        var analyzers = typeof(GuardDescriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .Where(a => a.SupportedDiagnostics.Any(d => d.Id == id))
            .ToList();
        Assert.Single(analyzers);
    }

    [Fact]
    public void Every_analyzer_is_in_the_Guard_category_and_warns_by_default()
    {
        var analyzers = typeof(GuardDescriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToList();
        Assert.NotEmpty(analyzers);
        foreach (var descriptor in analyzers.SelectMany(a => a.SupportedDiagnostics))
        {
            Assert.StartsWith("GRD", descriptor.Id, StringComparison.Ordinal);
            Assert.Equal(DiagnosticSeverity.Warning, descriptor.DefaultSeverity);
            Assert.True(descriptor.IsEnabledByDefault);
        }
    }
}
