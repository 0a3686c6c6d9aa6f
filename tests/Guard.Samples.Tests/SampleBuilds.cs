using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Guard.Tests.Shared;

namespace Guard.Samples.Tests;

[CollectionDefinition(Name)]
public sealed class SamplesCollection : ICollectionFixture<SampleBuilds>
{
    public const string Name = "samples";
}

/// <summary>
/// Builds once, for every test of the collection: Guard.Analyzers packed into a local feed, and the samples built
/// against that package (-p:GuardAnalyzersFromPackage, see samples/Directory.Build.targets) with a packages folder
/// of their own, as a user who installed the package would build them. Everything goes to a temporary folder.
/// </summary>
public sealed class SampleBuilds : IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);

    private readonly object _gate = new();
    private readonly Dictionary<string, ProcessResult> _builds = new(StringComparer.Ordinal);
    private string? _packageVersion;

    public SampleBuilds()
    {
        Work = RepositoryPaths.NewTempFolder("guard-samples");
    }

    public string Work { get; }

    public string Artifacts => Path.Combine(Work, "artifacts");

    private string Feed => Path.Combine(Work, "feed");

    /// <summary>The NUGET_PACKAGES folder of the sample builds.</summary>
    public string Packages => Path.Combine(Work, "packages");

    public static string SampleFolder(string sample) => RepositoryPaths.Combine("samples", sample);

    /// <summary>The folder the sample's assembly was built to.</summary>
    public string OutputOf(string sample) => Path.Combine(Artifacts, "bin", sample, "release");

    /// <summary>The version of the Guard.Analyzers package packed from this repository, packed on first use.</summary>
    public string PackageVersion
    {
        get
        {
            lock (_gate)
            {
                if (_packageVersion != null)
                    return _packageVersion;
                var project = RepositoryPaths.Combine("analyzers", "Guard.Analyzers.Package", "Guard.Analyzers.Package.csproj");
                var pack = Dotnet($"pack \"{project}\" -o \"{Feed}\"");
                Assert.True(pack.ExitCode == 0, "pack failed:\n" + pack.Output);
                var package = Directory.GetFiles(Feed, "Guard.Analyzers.*.nupkg").Single();
                _packageVersion = Path.GetFileNameWithoutExtension(package).Substring("Guard.Analyzers.".Length);
                return _packageVersion;
            }
        }
    }

    /// <summary>`dotnet build` of samples/&lt;sample&gt; with the packed analyzers; built once, its result kept.</summary>
    public ProcessResult Build(string sample)
    {
        var version = PackageVersion;
        lock (_gate)
        {
            if (_builds.TryGetValue(sample, out var cached))
                return cached;
            var project = Path.Combine(SampleFolder(sample), sample + ".csproj");
            var build = Dotnet($"build \"{project}\" -p:GuardAnalyzersFromPackage={version} -p:GuardAnalyzersSource=\"{Feed}\"",
                ("NUGET_PACKAGES", Packages));
            _builds[sample] = build;
            return build;
        }
    }

    /// <summary>Builds the sample and fails the test when the build does.</summary>
    public ProcessResult BuildSucceeded(string sample)
    {
        var build = Build(sample);
        Assert.False(build.TimedOut, $"build of {sample} timed out:\n{build.Output}");
        Assert.True(build.ExitCode == 0, $"build of {sample} failed:\n{build.Output}");
        return build;
    }

    // Plain console output (no terminal logger), outputs under the temporary folder, and no compiler server left running.
    private ProcessResult Dotnet(string arguments, params (string Key, string Value)[] environment) =>
        ProcessRunner.Run("dotnet", $"{arguments} -c Release -tl:off -nologo --artifacts-path \"{Artifacts}\" -p:UseSharedCompilation=false",
            RepositoryPaths.Root, BuildTimeout, environment);

    public void Dispose()
    {
        try { Directory.Delete(Work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
