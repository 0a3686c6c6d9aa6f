using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Guard.Analyzers.Tests.Verifiers;

/// <summary>An expected diagnostic: its id and the span it covers in the clean source.</summary>
public readonly record struct ExpectedDiagnostic(string Id, TextSpan Span);

/// <summary>
/// Parses test markup: <c>{|GRD001:text|}</c> expects GRD001 on <c>text</c>; <c>[|text|]</c> expects the
/// analyzer's default id. Markup may nest.
/// </summary>
public static class Markup
{
    public static (string Source, List<ExpectedDiagnostic> Expected) Parse(string markup, string? defaultId = null)
    {
        var source = new StringBuilder(markup.Length);
        var expected = new List<ExpectedDiagnostic>();
        var open = new Stack<(string Id, int Start)>();
        var i = 0;
        while (i < markup.Length)
        {
            if (Starts(markup, i, "{|"))
            {
                var colon = markup.IndexOf(':', i + 2);
                if (colon < 0)
                    throw new FormatException("Markup '{|' without ':' at " + i);
                open.Push((markup.Substring(i + 2, colon - i - 2), source.Length));
                i = colon + 1;
            }
            else if (Starts(markup, i, "[|"))
            {
                open.Push((defaultId ?? throw new FormatException("[| |] needs a default diagnostic id"), source.Length));
                i += 2;
            }
            else if (Starts(markup, i, "|}") || Starts(markup, i, "|]"))
            {
                if (open.Count == 0)
                    throw new FormatException("Unbalanced markup close at " + i);
                var (id, start) = open.Pop();
                expected.Add(new ExpectedDiagnostic(id, TextSpan.FromBounds(start, source.Length)));
                i += 2;
            }
            else
            {
                source.Append(markup[i]);
                i++;
            }
        }
        if (open.Count > 0)
            throw new FormatException("Unclosed markup");
        expected.Sort((a, b) => a.Span.Start != b.Span.Start ? a.Span.Start.CompareTo(b.Span.Start) : string.CompareOrdinal(a.Id, b.Id));
        return (source.ToString(), expected);
    }

    private static bool Starts(string text, int index, string token) =>
        string.CompareOrdinal(text, index, token, 0, token.Length) == 0;
}
