using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace Guard.Analyzers.Tests;

/// <summary>
/// The test markup Guard's tests write, as Microsoft.CodeAnalysis.Testing reads it: <c>{|GRD001:text|}</c> expects
/// GRD001 on <c>text</c>, <c>[|text|]</c> the analyzer's only id; markup may nest; <c>$$</c> stays code.
/// </summary>
public class MarkupTests
{
    [Fact]
    public void Parses_ids_spans_and_nesting()
    {
        TestFileMarkupParser.GetSpans("a {|X1:b {|X2:c|}|} [|d|]", out var source, out ImmutableDictionary<string, ImmutableArray<TextSpan>> spans);
        Assert.Equal("a b c d", source);
        Assert.Equal(3, spans.Count);
        Assert.Equal(new TextSpan(2, 3), Assert.Single(spans["X1"]));
        Assert.Equal(new TextSpan(4, 1), Assert.Single(spans["X2"]));
        Assert.Equal(new TextSpan(6, 1), Assert.Single(spans[string.Empty]));
    }

    [Fact]
    public void Keeps_dollar_signs_as_code()
    {
        TestFileMarkupParser.GetSpans("var s = $$\"{{x}}\"; [|d|]", treatPositionIndicatorsAsCode: true, out var source, out ImmutableDictionary<string, ImmutableArray<TextSpan>> spans);
        Assert.Equal("var s = $$\"{{x}}\"; d", source);
        Assert.Equal(new TextSpan(19, 1), Assert.Single(spans[string.Empty]));
    }

    [Fact]
    public void Rejects_unbalanced_markup()
    {
        Assert.ThrowsAny<System.ArgumentException>(() => TestFileMarkupParser.GetSpans("{|X1:a", out _, out ImmutableArray<TextSpan> _));
        Assert.ThrowsAny<System.ArgumentException>(() => TestFileMarkupParser.GetSpans("a|}", out _, out ImmutableArray<TextSpan> _));
    }
}
