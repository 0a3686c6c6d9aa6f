using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Guard.Analyzers.Tests.Robustness;

/// <summary>One file of a robustness input.</summary>
public sealed record SourceFile(string Name, string Text);

/// <summary>
/// One project to analyze: its files, and where they came from. <see cref="EditorConfig"/> is the trap corpus's
/// option file where the input came from it (its listed helpers make more calls outbound).
/// </summary>
public sealed record RobustnessInput(string Origin, IReadOnlyList<SourceFile> Files, string? EditorConfig = null)
{
    public LanguageVersion LanguageVersion { get; init; } = LanguageVersion.Latest;
    public NullableContextOptions Nullable { get; init; } = NullableContextOptions.Enable;
    public OutputKind OutputKind { get; init; } = OutputKind.DynamicallyLinkedLibrary;
    public string Mutation { get; init; } = "none";
}

/// <summary>
/// Collects every C# source the repository already has for the analyzers: the trap corpus, the sample bots and
/// exchange, and the source strings of the analyzer tests (read with Roslyn: string literals, raw or interpolated,
/// with `Usings + """..."""`, const fields and [InlineData] arguments folded in, markup removed).
/// </summary>
public static class CorpusSources
{
    /// <summary>What the SDK's implicit usings give the samples, plus the test headers' own namespaces.</summary>
    public const string StandardUsings = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    private const string SampleGlobalUsings = "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
        "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks; global using TradingBot.Shared;";

    // A test's InlineData can multiply one source many times; a few variants are enough to vary the shapes.
    private const int MaxVariantsPerLiteral = 6;

    private static readonly Regex Markup = new(@"\{\|[A-Za-z0-9_]+:|\|\}|\[\||\|\]", RegexOptions.Compiled);

    public static IReadOnlyList<RobustnessInput> Collect()
    {
        var root = RepositoryRoot();
        var inputs = new List<RobustnessInput>();
        var shared = Files(Path.Combine(root, "samples", "Shared"), "Shared_");
        var globals = new SourceFile("GlobalUsings.cs", SampleGlobalUsings);
        var corpusConfig = File.ReadAllText(Path.Combine(root, "tests", "Guard.Analyzers.Tests", "Corpus", ".editorconfig.txt"));
        inputs.Add(new RobustnessInput("corpus", Files(Path.Combine(root, "tests", "Guard.Analyzers.Tests", "Corpus"), "Corpus_")
            .Concat(Files(Path.Combine(root, "samples", "TradingBot"), "TradingBot_")).Concat(shared).Append(globals).ToList(), corpusConfig));
        foreach (var sample in new[] { "TradingBot", "TradingBot.Fixed", "Exchange" })
            inputs.Add(new RobustnessInput("sample:" + sample, Files(Path.Combine(root, "samples", sample), sample + "_").Concat(shared).Append(globals).ToList())
            { OutputKind = OutputKind.ConsoleApplication });

        var testRoot = Path.Combine(root, "tests", "Guard.Analyzers.Tests");
        var testFiles = Directory.GetFiles(testRoot, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                     && !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                     && !f.Contains(Path.DirectorySeparatorChar + "Robustness" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                     && !f.Contains(Path.DirectorySeparatorChar + "Corpus" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (file, source) in TestSources(testFiles))
        {
            if (!seen.Add(source))
                continue;
            var text = HasUsings(source) ? source : StandardUsings + source;
            inputs.Add(new RobustnessInput("test:" + Path.GetFileNameWithoutExtension(file), new[] { new SourceFile("Test0.cs", text) }));
        }
        return inputs;
    }

    /// <summary>The C# sources written as strings in the given test files, markup removed.</summary>
    public static IEnumerable<(string File, string Source)> TestSources(IEnumerable<string> files)
    {
        var trees = files.Select(f => (File: f, Tree: CSharpSyntaxTree.ParseText(File.ReadAllText(f), path: f))).ToList();
        // Const and static string fields by simple name, across the test project (TestStubs.X is used from other files).
        var fields = new Dictionary<string, ExpressionSyntax>(StringComparer.Ordinal);
        foreach (var (_, tree) in trees)
        {
            foreach (var variable in tree.GetRoot().DescendantNodes().OfType<VariableDeclaratorSyntax>())
            {
                if (variable.Parent?.Parent is FieldDeclarationSyntax && variable.Initializer?.Value is { } value)
                    fields.TryAdd(variable.Identifier.ValueText, value);
            }
        }
        foreach (var (file, tree) in trees)
        {
            foreach (var expression in OutermostStrings(tree.GetRoot()))
            {
                var evaluator = new Evaluator(fields, expression);
                foreach (var value in evaluator.Evaluate(expression).Take(MaxVariantsPerLiteral))
                {
                    var source = Markup.Replace(value, string.Empty);
                    if (LooksLikeCode(source))
                        yield return (file, source);
                }
            }
        }
    }

    private static IEnumerable<ExpressionSyntax> OutermostStrings(SyntaxNode root) =>
        root.DescendantNodes().OfType<ExpressionSyntax>()
            .Where(e => e is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } or InterpolatedStringExpressionSyntax)
            .Where(e => e.Parent is not InterpolationSyntax)
            .Select(e =>
            {
                // Climb string concatenations: `Usings + """..."""` is one source.
                ExpressionSyntax top = e;
                while (top.Parent is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } add)
                    top = add;
                return top;
            })
            .Distinct();

    private static bool LooksLikeCode(string source) =>
        source.Length >= 30 && source.Contains('{', StringComparison.Ordinal) &&
        (source.Contains("class ", StringComparison.Ordinal) || source.Contains("record ", StringComparison.Ordinal) ||
         source.Contains("struct ", StringComparison.Ordinal) || source.Contains("interface ", StringComparison.Ordinal));

    private static bool HasUsings(string source) =>
        source.Split('\n').Any(l => l.TrimStart().StartsWith("using ", StringComparison.Ordinal) && l.TrimEnd().EndsWith(';'));

    private static IReadOnlyList<SourceFile> Files(string directory, string prefix) =>
        Directory.GetFiles(directory, "*.cs").OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new SourceFile(prefix + Path.GetFileName(f), File.ReadAllText(f))).ToList();

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Guard.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException("Guard.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// Folds a string expression to its possible values: literals, concatenations, string fields, and a test method's
    /// parameters through its [InlineData] rows (one value a row). Anything else becomes an empty string.
    /// </summary>
    private sealed class Evaluator
    {
        private readonly Dictionary<string, ExpressionSyntax> _fields;
        private readonly MethodDeclarationSyntax? _method;
        private int _depth;

        public Evaluator(Dictionary<string, ExpressionSyntax> fields, SyntaxNode site)
        {
            _fields = fields;
            _method = site.FirstAncestorOrSelf<MethodDeclarationSyntax>();
        }

        public IEnumerable<string> Evaluate(ExpressionSyntax expression)
        {
            if (++_depth > 20)
                return new[] { string.Empty };
            try
            {
                return expression switch
                {
                    LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression) => new[] { literal.Token.ValueText },
                    BinaryExpressionSyntax add when add.IsKind(SyntaxKind.AddExpression) => Combine(Evaluate(add.Left).ToList(), Evaluate(add.Right).ToList()),
                    InterpolatedStringExpressionSyntax interpolated => Interpolate(interpolated),
                    ParenthesizedExpressionSyntax parenthesized => Evaluate(parenthesized.Expression),
                    IdentifierNameSyntax or MemberAccessExpressionSyntax => Name(expression),
                    _ => new[] { string.Empty },
                };
            }
            finally
            {
                _depth--;
            }
        }

        private IEnumerable<string> Interpolate(InterpolatedStringExpressionSyntax interpolated)
        {
            IReadOnlyList<string> results = new[] { string.Empty };
            foreach (var content in interpolated.Contents)
            {
                var parts = content switch
                {
                    InterpolatedStringTextSyntax text => new[] { text.TextToken.ValueText },
                    InterpolationSyntax hole => Evaluate(hole.Expression).ToList(),
                    _ => (IReadOnlyList<string>)new[] { string.Empty },
                };
                results = Combine(results, parts).ToList();
            }
            return results;
        }

        private IEnumerable<string> Name(ExpressionSyntax expression)
        {
            var name = expression is MemberAccessExpressionSyntax member ? member.Name.Identifier.ValueText : ((IdentifierNameSyntax)expression).Identifier.ValueText;
            if (_method is not null && _method.ParameterList.Parameters.IndexOf(p => p.Identifier.ValueText == name) is var index and >= 0)
            {
                var rows = _method.AttributeLists.SelectMany(l => l.Attributes)
                    .Where(a => a.Name.ToString() is "InlineData" or "InlineDataAttribute" && a.ArgumentList?.Arguments.Count > index)
                    .Select(a => a.ArgumentList!.Arguments[index].Expression)
                    .OfType<LiteralExpressionSyntax>()
                    .Where(l => l.IsKind(SyntaxKind.StringLiteralExpression))
                    .Select(l => l.Token.ValueText)
                    .ToList();
                return rows.Count > 0 ? rows : new[] { string.Empty };
            }
            if (_fields.TryGetValue(name, out var value) && value is not null)
                return Evaluate(value);
            return new[] { string.Empty };
        }

        private static IEnumerable<string> Combine(IReadOnlyList<string> left, IReadOnlyList<string> right) =>
            left.SelectMany(l => right.Select(r => l + r)).Take(MaxVariantsPerLiteral);
    }
}

internal static class SeparatedListExtensions
{
    public static int IndexOf<T>(this SeparatedSyntaxList<T> list, Func<T, bool> predicate) where T : SyntaxNode
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (predicate(list[i]))
                return i;
        }
        return -1;
    }
}
