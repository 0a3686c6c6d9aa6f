using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Guard.Analyzers.Infrastructure
{
    /// <summary>
    /// Reads Guard's .editorconfig options: <c>guard.GRDnnn.name</c> wins over <c>guard.name</c>. Callers pass a
    /// <see cref="GuardOption"/> of <see cref="GuardOptionCatalog"/>, where each option is declared once.
    /// </summary>
    internal static class GuardOptions
    {
        public static ImmutableArray<string> GetList(AnalyzerOptions options, SyntaxTree tree, string ruleId, GuardOption option) =>
            GetList(options, tree, ruleId, option.Name);

        /// <summary>A positive number, or the option's declared default.</summary>
        public static int GetInt(AnalyzerOptions options, SyntaxTree tree, string ruleId, GuardOption option) =>
            GetInt(options, tree, ruleId, option.Name, option.DefaultNumber);

        private static readonly char[] ListSeparators = { ',', ';', '|' };

        private static string? GetString(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name)
        {
            var config = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
            if (config.TryGetValue("guard." + ruleId + "." + name, out var value) && !string.IsNullOrWhiteSpace(value))
                return value.Trim();
            if (config.TryGetValue("guard." + name, out value) && !string.IsNullOrWhiteSpace(value))
                return value.Trim();
            return null;
        }

        /// <summary>A comma-separated list (a `;` would start an .editorconfig comment); empty when unset.</summary>
        private static ImmutableArray<string> GetList(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name)
        {
            var value = GetString(options, tree, ruleId, name);
            if (value is null)
                return ImmutableArray<string>.Empty;
            var builder = ImmutableArray.CreateBuilder<string>();
            foreach (var part in value.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries))
            {
                var trimmed = part.Trim();
                if (trimmed.Length > 0)
                    builder.Add(trimmed);
            }
            return builder.ToImmutable();
        }

        private static int GetInt(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name, int defaultValue)
        {
            var value = GetString(options, tree, ruleId, name);
            return value != null && int.TryParse(value, out var parsed) && parsed > 0 ? parsed : defaultValue;
        }

        public static bool GetBool(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name, bool defaultValue)
        {
            var value = GetString(options, tree, ruleId, name);
            return value != null && bool.TryParse(value, out var parsed) ? parsed : defaultValue;
        }
    }
}
