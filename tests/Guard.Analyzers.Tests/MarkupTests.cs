using Guard.Analyzers.Tests.Verifiers;

namespace Guard.Analyzers.Tests;

public class MarkupTests
{
    [Fact]
    public void Parses_ids_spans_and_nesting()
    {
        var (source, expected) = Markup.Parse("a {|X1:b {|X2:c|}|} [|d|]", defaultId: "X3");
        Assert.Equal("a b c d", source);
        Assert.Equal(3, expected.Count);
        Assert.Equal(new ExpectedDiagnostic("X1", new Microsoft.CodeAnalysis.Text.TextSpan(2, 3)), expected[0]);
        Assert.Equal(new ExpectedDiagnostic("X2", new Microsoft.CodeAnalysis.Text.TextSpan(4, 1)), expected[1]);
        Assert.Equal(new ExpectedDiagnostic("X3", new Microsoft.CodeAnalysis.Text.TextSpan(6, 1)), expected[2]);
    }

    [Fact]
    public void Rejects_unbalanced_markup()
    {
        Assert.Throws<System.FormatException>(() => Markup.Parse("{|X1:a"));
        Assert.Throws<System.FormatException>(() => Markup.Parse("a|}"));
    }
}
