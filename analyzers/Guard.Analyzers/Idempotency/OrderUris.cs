using System;
using System.Collections.Generic;
using System.Text;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Idempotency
{
    /// <summary>A piece of a URI as written: literal text, or a hole whose value is computed.</summary>
    internal readonly struct UriPart
    {
        public UriPart(string? text, IOperation? hole)
        {
            Text = text;
            Hole = hole;
        }

        public string? Text { get; }

        /// <summary>The interpolated or concatenated expression; null for literal text and for holes Guard cannot see.</summary>
        public IOperation? Hole { get; }
    }

    /// <summary>
    /// Reads a request URI from a string literal, an interpolated string, a concatenation, a const or a local
    /// initialized with one of those, or <c>new Uri(...)</c>, and decides whether its path names an order resource.
    /// </summary>
    internal static class OrderUris
    {
        private const char HoleMarker = '\0';
        private const int MaxDepth = 3;

        public static bool IsOrderUri(IOperation? uri, IOperation root, NonIdempotentRetrySettings settings)
        {
            var parts = Read(uri, root);
            return parts.Count > 0 && IsOrderPath(Flatten(parts), settings);
        }

        public static List<UriPart> Read(IOperation? uri, IOperation root)
        {
            var parts = new List<UriPart>();
            if (uri != null)
                Read(uri, root, parts, 0);
            return parts;
        }

        private static void Read(IOperation operation, IOperation root, List<UriPart> parts, int depth)
        {
            operation = OperationTree.Unwrap(operation);
            if (operation.ConstantValue is { HasValue: true, Value: string constant })
            {
                parts.Add(new UriPart(constant, null));
                return;
            }
            if (depth > MaxDepth)
            {
                parts.Add(new UriPart(null, null));
                return;
            }
            switch (operation)
            {
                case IInterpolatedStringOperation interpolated:
                    foreach (var part in interpolated.Parts)
                    {
                        if (part is IInterpolatedStringTextOperation text && text.Text.ConstantValue is { HasValue: true, Value: string value })
                            parts.Add(new UriPart(value, null));
                        else if (part is IInterpolationOperation interpolation)
                            Read(interpolation.Expression, root, parts, depth + 1);
                    }
                    return;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } concatenation when concatenation.Type?.SpecialType == SpecialType.System_String:
                    Read(concatenation.LeftOperand, root, parts, depth + 1);
                    Read(concatenation.RightOperand, root, parts, depth + 1);
                    return;
                case IObjectCreationOperation creation when creation.Type?.Name == "Uri" && creation.Type.ContainingNamespace?.Name == "System":
                    foreach (var argument in creation.Arguments)
                    {
                        if (argument.Value.Type?.SpecialType == SpecialType.System_String || argument.Value.Type?.Name == "Uri")
                            Read(argument.Value, root, parts, depth + 1);
                    }
                    return;
                case ILocalReferenceOperation local:
                    // Followed only into text built in place: a key local (var id = NewId()) stays a hole of its own.
                    var initializer = OperationTree.FindDeclarator(root, local.Local)?.GetVariableInitializer()?.Value;
                    if (initializer != null && OperationTree.Unwrap(initializer) is IInterpolatedStringOperation or IBinaryOperation or IObjectCreationOperation || initializer?.ConstantValue.HasValue == true)
                    {
                        Read(initializer, root, parts, depth + 1);
                        return;
                    }
                    break;
            }
            parts.Add(new UriPart(null, operation));
        }

        private static string Flatten(List<UriPart> parts)
        {
            var builder = new StringBuilder();
            foreach (var part in parts)
            {
                if (part.Text != null)
                    builder.Append(part.Text);
                else
                    builder.Append(HoleMarker);
            }
            return builder.ToString();
        }

        /// <summary>
        /// A path segment equal to an order segment (order, orders), and no segment that cancels or only tests:
        /// POST /api/v3/order places an order; POST /orders/{id}/cancel and POST /api/v3/order/test do not.
        /// </summary>
        private static bool IsOrderPath(string uri, NonIdempotentRetrySettings settings)
        {
            var end = uri.IndexOfAny(new[] { '?', '#' });
            var path = end >= 0 ? uri.Substring(0, end) : uri;
            var scheme = path.IndexOf("://", StringComparison.Ordinal);
            if (scheme >= 0)
            {
                var slash = path.IndexOf('/', scheme + 3);
                path = slash >= 0 ? path.Substring(slash) : string.Empty;
            }
            var found = false;
            foreach (var segment in path.Split('/'))
            {
                if (segment.IndexOf("cancel", StringComparison.OrdinalIgnoreCase) >= 0 || string.Equals(segment, "test", StringComparison.OrdinalIgnoreCase))
                    return false;
                foreach (var orderSegment in settings.OrderPathSegments)
                {
                    if (string.Equals(segment, orderSegment, StringComparison.OrdinalIgnoreCase))
                        found = true;
                }
            }
            return found;
        }
    }
}
