using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Guard.Analyzers.Benchmarks;

/// <summary>
/// generate &lt;dir&gt; &lt;lines&gt;: writes the generated code base (see run.sh for the build that measures it);
/// report &lt;log&gt;...: reads the analyzer times of ReportAnalyzer build logs and prints the docs/benchmarks.md rows;
/// profile &lt;dir&gt; &lt;Guard.Analyzers.dll&gt; [repetitions] [diagnostics.txt]: Guard's analyzers alone, in process (AnalyzerProfile).
/// </summary>
public static class Program
{
    // The peer analyzer packages, at versions the registry serves; NetAnalyzers matches the SDK (10.0.401).
    private const string Peers = """
            <PackageReference Include="Microsoft.CodeAnalysis.NetAnalyzers" Version="10.0.401" PrivateAssets="all" />
            <PackageReference Include="Meziantou.Analyzer" Version="3.0.321" PrivateAssets="all" />
            <PackageReference Include="Microsoft.VisualStudio.Threading.Analyzers" Version="18.12.1" PrivateAssets="all" />
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 3 && args[0] == "generate")
        {
            var lines = CodeBaseGenerator.Generate(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), Peers);
            Console.WriteLine($"{lines} lines written to {args[1]}");
            return 0;
        }
        if (args.Length >= 2 && args[0] == "report")
        {
            foreach (var log in args.Skip(1))
                Console.WriteLine(AnalyzerTimes.Parse(File.ReadAllLines(log)).Describe(Path.GetFileNameWithoutExtension(log)));
            return 0;
        }
        if (args.Length >= 3 && args[0] == "profile")
            return AnalyzerProfile.Run(args[1], args[2], args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5, args.Length > 4 ? args[4] : null);
        Console.Error.WriteLine("usage: generate <dir> <lines> | report <build.log>... | profile <dir> <Guard.Analyzers.dll> [repetitions] [diagnostics.txt]");
        return 2;
    }
}
