using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Guard.Analyzers.Infrastructure
{
    /// <summary>
    /// Finds the identifier tokens of one name from where the name occurs in the source text, instead of walking every
    /// node: a name asked about (a field's assignments, Execute's invocations) occurs a few times among thousands of
    /// nodes, and the walk, which also makes every node it passes, was the largest part of GRD001's time in csc.
    /// </summary>
    internal static class IdentifierSearch
    {
        // Spans up to this size are copied into one reused buffer per thread; a longer one (a huge generated file) gets
        // its own array, so no thread keeps a large buffer alive.
        private const int ReusedBufferChars = 64 * 1024;

        [ThreadStatic]
        private static char[]? t_buffer;

        /// <summary>
        /// Calls <paramref name="onToken"/> with every identifier token named <paramref name="name"/> (its value, so
        /// <c>@event</c> is found as <c>event</c>) that starts within <paramref name="span"/>, in source order.
        /// False, having called nothing, when the span has a Unicode escape: an identifier's text may then not spell its
        /// name, and only walking the nodes is sure to find it.
        /// </summary>
        public static bool TryFind<TState>(SyntaxNode root, SourceText text, TextSpan span, string name, TState state, Action<SyntaxToken, TState> onToken)
        {
            // An escaped identifier is longer in the text than its name, so a span shorter than the name holds neither.
            if (name.Length == 0 || span.Length < name.Length)
                return true;
            var chars = span.Length <= ReusedBufferChars ? (t_buffer ??= new char[ReusedBufferChars]) : new char[span.Length];
            text.CopyTo(span.Start, chars, 0, span.Length);
            return TryFind(root, new ReadOnlySpan<char>(chars, 0, span.Length), span.Start, name, state, onToken);
        }

        /// <summary>The same over a whole tree whose text the caller already holds as a string.</summary>
        public static bool TryFind<TState>(SyntaxNode root, string text, string name, TState state, Action<SyntaxToken, TState> onToken) =>
            name.Length == 0 || text.Length < name.Length || TryFind(root, text.AsSpan(), 0, name, state, onToken);

        private static bool TryFind<TState>(SyntaxNode root, ReadOnlySpan<char> source, int offset, string name, TState state, Action<SyntaxToken, TState> onToken)
        {
            if (HasEscape(source))
                return false;
            var sought = name.AsSpan();
            for (var from = 0; from <= source.Length - sought.Length;)
            {
                var found = source.Slice(from).IndexOf(sought);
                if (found < 0)
                    break;
                var at = from + found;
                from = at + sought.Length;
                // Part of a longer identifier (_httpClient when looking for _http) is found under its own name.
                if ((at > 0 && IsIdentifierPart(source[at - 1])) || (at + sought.Length < source.Length && IsIdentifierPart(source[at + sought.Length])))
                    continue;
                // In a comment, a string or disabled code the token found there is another one, or the next token,
                // which starts elsewhere: only a token that starts here (or at its '@') is this occurrence.
                var position = offset + at;
                var token = root.FindToken(position);
                var verbatim = at > 0 && source[at - 1] == '@';
                if (token.IsKind(SyntaxKind.IdentifierToken) && token.SpanStart == (verbatim ? position - 1 : position) &&
                    token.ValueText == name)
                    onToken(token, state);
            }
            return true;
        }

        private static bool HasEscape(ReadOnlySpan<char> source)
        {
            for (var at = source.IndexOf('\\'); at >= 0 && at < source.Length - 1;)
            {
                if (source[at + 1] is 'u' or 'U')
                    return true;
                var next = source.Slice(at + 1).IndexOf('\\');
                at = next < 0 ? -1 : at + 1 + next;
            }
            return false;
        }

        private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c == '_';
    }
}
