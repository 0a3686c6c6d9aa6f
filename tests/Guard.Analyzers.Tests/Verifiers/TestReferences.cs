using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Guard.Analyzers.Tests.Verifiers;

/// <summary>
/// Reference assemblies for test sources: the running .NET's own assemblies plus the libraries the test
/// project copies beside itself (Polly, Polly.Core, Microsoft.Extensions.Caching.Memory, Microsoft.Extensions.Http,
/// System.Threading.RateLimiting and what they depend on). Nothing is downloaded at test time.
/// </summary>
/// <remarks>
/// Kept because Microsoft.CodeAnalysis.Testing lacks it: its <c>ReferenceAssemblies</c> names NuGet packages
/// (Microsoft.NETCore.App.Ref and the like) and resolves them when a test runs, from the NuGet cache or by download.
/// The framework tests get these as <c>TestState.AdditionalReferences</c> (<see cref="GuardTestSetup"/>), with an
/// empty <c>ReferenceAssemblies</c>, so the tests need nothing beyond what restoring the test project brings.
/// </remarks>
public static class TestReferences
{
    private static readonly string[] ExtraPrefixes = { "Polly", "Microsoft.Extensions.", "System.Threading.RateLimiting" };

    public static ImmutableArray<MetadataReference> All { get; } = Load();

    private static ImmutableArray<MetadataReference> Load()
    {
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var trusted = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty;
        foreach (var path in trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (name.StartsWith("System.", StringComparison.Ordinal) || name is "System" or "mscorlib" or "netstandard" ||
                name.StartsWith("Microsoft.Win32", StringComparison.Ordinal) || name == "Microsoft.CSharp")
                paths[name] = path;
        }
        foreach (var path in Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (ExtraPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
                paths[name] = path;
        }
        return paths.Values.OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }
}
