using System;
using System.IO;
using System.Linq;
using Guard.Tests.Shared;

namespace Guard.Runtime.Tests;

/// <summary>Packs Guard.Cli, installs it with `dotnet tool install` as a user would, and runs `guard`.</summary>
[Collection(Guard.Runtime.Tests.EndToEnd.EndToEndCollection.Name)]
public class ToolPackageEndToEndTests
{
    [Fact]
    public void Packed_tool_installs_and_answers_help_and_version()
    {
        var work = RepositoryPaths.NewTempFolder("guard-tool");
        try
        {
            var feed = Path.Combine(work, "feed");
            ProcessResult pack;
            using (RepositoryBuildLock.Acquire(TimeSpan.FromMinutes(10)))
                pack = ProcessRunner.Run("dotnet", $"pack \"{RepositoryPaths.Combine("runtime", "Guard.Cli", "Guard.Cli.csproj")}\" -c Release -o \"{feed}\"",
                RepositoryPaths.Root, TimeSpan.FromMinutes(4));
            Assert.True(pack.ExitCode == 0, "pack failed:\n" + pack.Output);
            var package = Assert.Single(Directory.GetFiles(feed, "Guard.Cli.*.nupkg"));
            // net8.0, rolling forward: `dotnet tool install` works on a host with only the .NET 8 runtime.
            using (var zip = System.IO.Compression.ZipFile.OpenRead(package))
                Assert.Contains(zip.Entries, e => e.FullName == "tools/net8.0/any/guard.dll");

            var tools = Path.Combine(work, "tools");
            var install = ProcessRunner.Run("dotnet", $"tool install --tool-path \"{tools}\" Guard.Cli --add-source \"{feed}\" --prerelease",
                work, TimeSpan.FromMinutes(3), ("NUGET_PACKAGES", Path.Combine(work, "packages")));
            Assert.True(install.ExitCode == 0, "install failed:\n" + install.Output);

            var guard = Path.Combine(tools, "guard");
            var help = ProcessRunner.Run(guard, "--help", work, TimeSpan.FromMinutes(1));
            Assert.Equal(0, help.ExitCode);
            foreach (var verb in new[] { "ps", "attach", "run", "watch" })
                Assert.Contains(verb, help.Output, StringComparison.Ordinal);

            var version = ProcessRunner.Run(guard, "--version", work, TimeSpan.FromMinutes(1));
            Assert.Equal(0, version.ExitCode);
            Assert.Equal(GuardInfo.Version, version.Output.Trim());
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
