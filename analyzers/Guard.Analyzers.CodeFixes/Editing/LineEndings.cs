using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Guard.Analyzers.CodeFixes.Editing
{
    /// <summary>The line break code added by a fix is written with, so a document does not end up with mixed line endings.</summary>
    internal static class LineEndings
    {
        /// <summary>The document's line break (its first one); <c>\n</c> in a document of one line.</summary>
        public static string Of(SyntaxNode root)
        {
            foreach (var trivia in root.DescendantTrivia())
            {
                if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                    return trivia.ToString();
            }
            return "\n";
        }
    }
}
