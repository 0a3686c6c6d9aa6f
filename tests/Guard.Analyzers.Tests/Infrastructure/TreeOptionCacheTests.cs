using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Guard.Analyzers.Tests.Infrastructure;

/// <summary>The one per-tree option cache (issue 15): each reader runs once per tree and key, whichever rule asks.</summary>
public class TreeOptionCacheTests
{
    [Fact]
    public void A_reader_runs_once_per_tree_and_key()
    {
        var cache = new TreeOptionCache();
        var first = CSharpSyntaxTree.ParseText("class A {}");
        var second = CSharpSyntaxTree.ParseText("class B {}");
        var reads = 0;
        object Read() { reads++; return new object(); }

        var a1 = cache.Get(first, "GRD004.settings", Read);
        var a2 = cache.Get(first, "GRD004.settings", Read);
        Assert.Same(a1, a2);
        Assert.Equal(1, reads);

        cache.Get(second, "GRD004.settings", Read);
        cache.Get(first, "GRD003", Read);
        Assert.Equal(3, reads);
    }

    [Fact]
    public void Values_of_struct_types_are_cached_too()
    {
        var cache = new TreeOptionCache();
        var tree = CSharpSyntaxTree.ParseText("class A {}");
        var reads = 0;
        System.Collections.Immutable.ImmutableArray<string> Read() { reads++; return System.Collections.Immutable.ImmutableArray.Create("Sdk.Client"); }

        Assert.Equal("Sdk.Client", Assert.Single(cache.Get(tree, "GRD006", Read)));
        Assert.Single(cache.Get(tree, "GRD006", Read));
        Assert.Equal(1, reads);
    }

    [Fact]
    public void Threads_asking_at_once_all_get_the_first_value_stored()
    {
        var cache = new TreeOptionCache();
        var tree = CSharpSyntaxTree.ParseText("class A {}");
        var keys = new[] { "GRD001", "GRD003", "GRD004.settings", "GRD006" };
        var seen = new System.Collections.Concurrent.ConcurrentBag<(string Key, object Value)>();
        System.Threading.Tasks.Parallel.For(0, 64, i =>
        {
            var key = keys[i % keys.Length];
            seen.Add((key, cache.Get(tree, key, () => new object())));
        });
        foreach (var key in keys)
        {
            var values = System.Linq.Enumerable.ToList(System.Linq.Enumerable.Select(System.Linq.Enumerable.Where(seen, s => s.Key == key), s => s.Value));
            Assert.Equal(16, values.Count);
            Assert.All(values, v => Assert.Same(values[0], v));
            Assert.Same(values[0], cache.Get(tree, key, () => new object()));
        }
    }
}
