using System.Collections.Generic;
using System.Linq;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Guard.Analyzers.Tests.Infrastructure;

/// <summary>
/// A member's or local's assigned values are found from where its name occurs in the text; they must be exactly what
/// reading every node finds: no occurrence in a comment, string or disabled code, no longer identifier, each
/// assignment once, in source order, across partial parts, and by the node walk where the text has Unicode escapes.
/// </summary>
public class AssignedValuesTests
{
    private const string Source = """
        using System;
        using System.Net.Http;

        partial class Client
        {
            private HttpClient _http = new HttpClient();
            private HttpClient _httpClient;
            private string @event;
            private int count;

            // _http = a comment that names the field just before it is assigned
            void Reset()
            {
                // _http: this comment is the leading trivia of the assignment's own token
                _http = new HttpClient(); // and _http = again
                this._http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
                _httpClient = _http;
                var text = "_http = new HttpClient()";
                var verbatim = @"_http = x";
                @event = "placed";
                event2 = 1;
                count = 1;
                var options = new Options { count = 2 };
        #if NEVER
                _http = null;
        #endif
                Func<int> lambda = () => { int local = 1; local = 2; local ??= 3; return local; };
                var http = _http;
                http = new HttpClient();
                if (http == null) { http = _httpClient; }
            }

            private int event2;
        }

        partial class Client
        {
            void Again() { _http ??= new HttpClient(); count += 3; }
        }

        class Options { public int count; }
        """;

    [Fact]
    public void Values_found_from_the_text_are_those_every_node_holds()
    {
        AssertSameAsWalk(Source, expectedAtLeast: 8);
    }

    [Fact]
    public void Text_with_a_unicode_escape_is_read_node_by_node()
    {
        // \u005F is '_': the assignment's text does not spell the field's name.
        var escaped = Source.Replace("count = 1;", "\\u005Fhttp = null; count = 1;");
        Assert.NotEqual(Source, escaped);
        AssertSameAsWalk(escaped, expectedAtLeast: 9);
        var values = ValuesOf(escaped, "_http");
        Assert.Contains(values, v => v == "null");
    }

    [Fact]
    public void A_field_named_in_a_comment_just_before_its_assignment_is_read_once()
    {
        var values = ValuesOf(Source, "_http");
        Assert.Equal(new[] { "new HttpClient()", "new HttpClient()", "new HttpClient { Timeout = TimeSpan.FromSeconds(5) }", "new HttpClient()" }, values);
    }

    private static List<string> ValuesOf(string source, string name)
    {
        var (compilation, tree) = Compile(source);
        var model = compilation.GetSemanticModel(tree);
        var symbol = tree.GetRoot().DescendantNodes().OfType<VariableDeclaratorSyntax>()
            .Select(d => model.GetDeclaredSymbol(d)).First(s => s!.Name == name)!;
        return AssignedValues.Of(symbol).Select(v => v.ToString()).ToList();
    }

    private static void AssertSameAsWalk(string source, int expectedAtLeast)
    {
        var (compilation, tree) = Compile(source);
        var model = compilation.GetSemanticModel(tree);
        var total = 0;
        foreach (var declarator in tree.GetRoot().DescendantNodes().OfType<VariableDeclaratorSyntax>())
        {
            var symbol = model.GetDeclaredSymbol(declarator)!;
            var expected = Walk(symbol);
            var actual = AssignedValues.Of(symbol).Select(v => v.SpanStart).ToList();
            Assert.True(expected.SequenceEqual(actual), $"{symbol.Name}: expected at {string.Join(",", expected)}, found at {string.Join(",", actual)}");
            total += actual.Count;
        }
        Assert.True(total >= expectedAtLeast, $"only {total} values in all");
    }

    /// <summary>The reference: the initializer, then every plain or ??= assignment to the name in every node of its scope.</summary>
    private static List<int> Walk(ISymbol symbol)
    {
        var declarator = (VariableDeclaratorSyntax)symbol.DeclaringSyntaxReferences[0].GetSyntax();
        var found = new List<int>();
        if (declarator.Initializer != null)
            found.Add(declarator.Initializer.Value.SpanStart);
        var scopes = symbol is ILocalSymbol
            ? new[] { declarator.FirstAncestorOrSelf<BlockSyntax>() ?? declarator.Parent! }
            : symbol.ContainingType.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).ToArray();
        foreach (var scope in scopes)
        {
            foreach (var assignment in scope.DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && !assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression))
                    continue;
                if (assignment.Parent is InitializerExpressionSyntax)
                    continue;
                var name = assignment.Left switch
                {
                    IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                    MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } member when symbol is not ILocalSymbol => member.Name.Identifier.ValueText,
                    _ => null,
                };
                if (name == symbol.Name)
                    found.Add(assignment.Right.SpanStart);
            }
        }
        return found;
    }

    private static (Compilation, SyntaxTree) Compile(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source);
        var compilation = CSharpCompilation.Create("Assigned", new[] { tree },
            new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location), MetadataReference.CreateFromFile(typeof(System.Net.Http.HttpClient).Assembly.Location) });
        return (compilation, tree);
    }
}
