using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Guard.Tests.Shared;

namespace Guard.Analyzers.Tests;

/// <summary>
/// Packs Guard.Analyzers as a user gets it, references the package from a throwaway project and reads the
/// diagnostics of that project's `dotnet build`.
/// </summary>
public class PackageEndToEndTests
{
    [Fact]
    public void Packed_analyzer_reports_in_a_consumer_build()
    {
        var work = RepositoryPaths.NewTempFolder("guard-e2e");
        try
        {
            var feed = Path.Combine(work, "feed");
            ProcessResult pack;
            using (RepositoryBuildLock.Acquire(TimeSpan.FromMinutes(10)))
                pack = ProcessRunner.Run("dotnet", $"pack \"{RepositoryPaths.Combine("analyzers", "Guard.Analyzers.Package", "Guard.Analyzers.Package.csproj")}\" -c Release -o \"{feed}\"",
                RepositoryPaths.Root, TimeSpan.FromMinutes(4));
            Assert.True(pack.ExitCode == 0, "pack failed:\n" + pack.Output);
            var package = Directory.GetFiles(feed, "Guard.Analyzers.*.nupkg").Single();
            AssertPackageLayout(package);
            var version = Path.GetFileNameWithoutExtension(package).Substring("Guard.Analyzers.".Length);

            var consumer = Path.Combine(work, "consumer");
            Directory.CreateDirectory(consumer);
            File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Guard.Analyzers" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            // Keep the consumer out of the repository's Directory.Build.* and restore only from the local feed.
            File.WriteAllText(Path.Combine(consumer, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(consumer, "Directory.Build.targets"), "<Project />");
            File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
                using var client = new HttpClient();
                var quote = await client.GetStringAsync("http://127.0.0.1:5005/quote/BTCUSD");
                Console.WriteLine(quote);
                """);
            var build = ProcessRunner.Run("dotnet", "build -c Release", consumer, TimeSpan.FromMinutes(4),
                ("NUGET_PACKAGES", Path.Combine(work, "packages")));
            Assert.True(build.ExitCode == 0, "consumer build failed:\n" + build.Output);
            Assert.Contains("Program.cs(2,19): warning GRD001", build.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("CS8032", build.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("AD0001", build.Output, StringComparison.Ordinal);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static void AssertPackageLayout(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("analyzers/dotnet/cs/Guard.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Guard.Analyzers.CodeFixes.dll", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));
        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var reader = new StreamReader(nuspec.Open());
        var text = reader.ReadToEnd();
        Assert.Contains("<developmentDependency>true</developmentDependency>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<dependency ", text, StringComparison.Ordinal);
    }
}
