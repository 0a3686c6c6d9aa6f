using Microsoft.CodeAnalysis;

namespace Guard.Analyzers.CodeFixes.Editing
{
    /// <summary>The syntax a diagnostic's location points at, found again in the tree a fix edits.</summary>
    internal static class ReportedNodes
    {
        /// <summary>The node of type <typeparamref name="T"/> whose span is exactly the location's; null when there is none.</summary>
        public static T? Find<T>(SyntaxNode root, Location location) where T : SyntaxNode
        {
            var span = location.SourceSpan;
            if (!root.FullSpan.Contains(span))
                return null;
            for (var node = root.FindNode(span, getInnermostNodeForTie: true); node != null; node = node.Parent)
            {
                if (node is T match && match.Span == span)
                    return match;
                if (node.Span.Length > span.Length)
                    break;
            }
            return null;
        }
    }
}
