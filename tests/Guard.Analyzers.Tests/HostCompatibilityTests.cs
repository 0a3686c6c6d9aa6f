using System;
using System.Linq;
using System.Reflection;

namespace Guard.Analyzers.Tests;

/// <summary>
/// An analyzer compiled against a newer Roslyn than its host fails to load there (CS8032). Guard promises the
/// .NET 8 SDK and Visual Studio 17.8, whose compiler is Roslyn 4.8.
/// </summary>
public class HostCompatibilityTests
{
    private static readonly Version MaxRoslyn = new(4, 8, 0, 0);

    [Theory]
    [InlineData(typeof(GuardDescriptors))]
    [InlineData(typeof(Guard.Analyzers.CodeFixes.AssemblyMarker))]
    public void Analyzer_assemblies_reference_no_roslyn_newer_than_4_8(Type typeInAssembly)
    {
        var references = typeInAssembly.Assembly.GetReferencedAssemblies()
            .Where(a => a.Name!.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(references);
        foreach (var reference in references)
            Assert.True(reference.Version <= MaxRoslyn, $"{typeInAssembly.Assembly.GetName().Name} references {reference.Name} {reference.Version}");
    }

    [Theory]
    [InlineData(typeof(GuardDescriptors))]
    [InlineData(typeof(Guard.Analyzers.CodeFixes.AssemblyMarker))]
    public void Analyzer_assemblies_target_netstandard_2_0(Type typeInAssembly)
    {
        var framework = typeInAssembly.Assembly.GetCustomAttribute<System.Runtime.Versioning.TargetFrameworkAttribute>();
        Assert.Equal(".NETStandard,Version=v2.0", framework?.FrameworkName);
    }

    [Fact]
    public void The_code_fixes_reference_the_same_roslyn_as_the_analyzers()
    {
        // One Roslyn for both assemblies: a fixer built on an older Workspaces than the compiler it runs beside
        // is a second compatibility matrix to test.
        var fixes = typeof(Guard.Analyzers.CodeFixes.AssemblyMarker).Assembly.GetReferencedAssemblies();
        var workspaces = Assert.Single(fixes, a => a.Name == "Microsoft.CodeAnalysis.Workspaces");
        var compiler = Assert.Single(typeof(GuardDescriptors).Assembly.GetReferencedAssemblies(), a => a.Name == "Microsoft.CodeAnalysis");
        Assert.Equal(compiler.Version, workspaces.Version);
        Assert.Equal(MaxRoslyn, workspaces.Version);
    }
}
