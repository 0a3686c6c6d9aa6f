using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Guard.Analyzers.Idempotency;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Guard.Analyzers.Tests.Infrastructure;

/// <summary>
/// GRD004's settings (shared with GRD001) are made once per distinct set of options, not once per tree: trees whose
/// options read the same get the same object, and a file with options of its own gets its own.
/// </summary>
public class SharedSettingsTests
{
    [Fact]
    public void Trees_with_the_same_options_share_one_settings_object_and_others_get_their_own()
    {
        var plain1 = CSharpSyntaxTree.ParseText("class A {}", path: "/src/A.cs");
        var plain2 = CSharpSyntaxTree.ParseText("class B {}", path: "/src/B.cs");
        var special = CSharpSyntaxTree.ParseText("class C {}", path: "/src/Special.cs");
        var compilation = CSharpCompilation.Create("Settings", new[] { plain1, plain2, special });
        var guard = GuardCompilationContext.For(compilation);
        var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new PerTreeOptions(new Dictionary<SyntaxTree, Dictionary<string, string>>
        {
            [plain1] = new() { ["guard.idempotency_key_names"] = "RequestToken" },
            [plain2] = new() { ["guard.idempotency_key_names"] = "RequestToken" },
            [special] = new() { ["guard.idempotency_key_names"] = "RequestToken", ["guard.GRD004.order_path_segments"] = "trade" },
        }));

        var first = NonIdempotentRetrySettings.For(guard, options, plain1);
        Assert.Same(first, NonIdempotentRetrySettings.For(guard, options, plain2));
        var own = NonIdempotentRetrySettings.For(guard, options, special);
        Assert.NotSame(first, own);
        Assert.Equal(new[] { "order", "orders" }, first.OrderPathSegments);
        Assert.Equal(new[] { "trade" }, own.OrderPathSegments);
    }

    private sealed class PerTreeOptions : AnalyzerConfigOptionsProvider
    {
        private readonly Dictionary<SyntaxTree, Dictionary<string, string>> _values;

        public PerTreeOptions(Dictionary<SyntaxTree, Dictionary<string, string>> values) => _values = values;

        public override AnalyzerConfigOptions GlobalOptions => new Options(new Dictionary<string, string>());
        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(_values[tree]);
        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => GlobalOptions;

        private sealed class Options : AnalyzerConfigOptions
        {
            private readonly Dictionary<string, string> _values;

            public Options(Dictionary<string, string> values) => _values = values;

            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);
        }
    }
}
