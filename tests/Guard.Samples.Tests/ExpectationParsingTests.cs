using System;
using System.IO;
using Guard.Tests.Shared;

namespace Guard.Samples.Tests;

/// <summary>How `// expect:` comments and build output are read, on small inputs.</summary>
public sealed class ExpectationParsingTests : IDisposable
{
    private readonly string _folder = RepositoryPaths.NewTempFolder("guard-expect");

    [Fact]
    public void Expect_comments_declare_each_listed_rule_on_their_line()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "Sub"));
        File.WriteAllText(Path.Combine(_folder, "A.cs"), "class A\n{\n    int x = F(); // expect: GRD001\n    // GRD002 in prose is not an expectation\n}\n");
        File.WriteAllText(Path.Combine(_folder, "Sub", "B.cs"), "var y = G(); // expect: GRD001, GRD003\n");

        var expected = ExpectedWarnings.Read(_folder);

        Assert.Equal(
            [new SampleWarning("A.cs", 3, "GRD001"), new SampleWarning("Sub/B.cs", 1, "GRD001"), new SampleWarning("Sub/B.cs", 1, "GRD003")],
            expected);
    }

    [Fact]
    public void Build_output_folders_are_not_read()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "obj"));
        File.WriteAllText(Path.Combine(_folder, "obj", "Generated.cs"), "var z = H(); // expect: GRD001\n");

        Assert.Empty(ExpectedWarnings.Read(_folder));
    }

    [Theory]
    [InlineData("var y = G(); // expect GRD001")]
    [InlineData("var y = G(); // expect: GRD01")]
    [InlineData("var y = G(); // Expect: grd001")]
    [InlineData("var y = G(); // expect: GRD001 and GRD003")]
    public void A_malformed_expectation_is_an_error(string line)
    {
        File.WriteAllText(Path.Combine(_folder, "C.cs"), line + "\n");

        var error = Assert.Throws<FormatException>(() => ExpectedWarnings.Read(_folder));
        Assert.StartsWith("C.cs:1:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_warnings_are_read_once_each_relative_to_the_sample()
    {
        var file = Path.Combine(_folder, "Sub", "B.cs");
        var output = string.Join('\n',
            "  Determining projects to restore...",
            $"{file}(1,9): warning GRD001: 'G' is an outbound call with no retry protection (https://example.test/GRD001.md) [{_folder}/S.csproj]",
            $"{file}(1,9): warning GRD003: 'G' is called in a loop with no throttle [{_folder}/S.csproj]",
            $"{file}(1,9): warning CS0168: not a Guard warning [{_folder}/S.csproj]",
            "Build succeeded.",
            $"    {file}(1,9): warning GRD001: 'G' is an outbound call with no retry protection (https://example.test/GRD001.md) [{_folder}/S.csproj]");

        var warnings = BuildWarnings.Parse(output, _folder);

        Assert.Equal([new SampleWarning("Sub/B.cs", 1, "GRD001"), new SampleWarning("Sub/B.cs", 1, "GRD003")], warnings);
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
