using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Heap;

namespace Guard.Runtime.Tests.Heap;

/// <summary>The histogram, the diff and the retention path on small graphs written by hand (no process).</summary>
public class HeapGraphTests
{
    private const ulong ListType = 1, ArrayType = 2, TickType = 3, HostType = 4, RegistryType = 5, OtherType = 6, NodeType = 7;

    /// <summary>A graph from (address, type, size, edges) rows; roots as (address, static field or null for a stack root).</summary>
    internal static HeapGraph Graph(IEnumerable<(ulong Address, ulong Type, long Size, ulong[] Edges)> nodes, IEnumerable<(ulong Address, string? Field)> roots,
        Dictionary<ulong, string>? names = null)
    {
        var builder = new HeapGraphBuilder(names);
        builder.AddType(ListType, "System.Collections.Generic.List`1[Bot.Tick]");
        builder.AddType(ArrayType, "Bot.Tick[]");
        builder.AddType(TickType, "Bot.Tick");
        builder.AddType(HostType, "Bot.Host");
        builder.AddType(RegistryType, "Bot.Registry");
        builder.AddType(OtherType, "System.String");
        builder.AddType(NodeType, "Bot.Node");
        foreach (var (address, type, size, edges) in nodes)
        {
            builder.AddNode(address, size, type, edges.Length);
            foreach (var edge in edges)
                builder.AddEdge(edge);
        }
        foreach (var (address, field) in roots)
        {
            if (field is null)
                builder.AddRoot(address, "stack");
            else
                builder.AddStaticRoot(address, ListType, field);
        }
        return builder.Build();
    }

    // static _ticks -> List -> Tick[] -> n ticks; a stack slot also sees the array and one tick.
    private static HeapGraph Ticks(int ticks, bool stackSeesThem = true)
    {
        var nodes = new List<(ulong, ulong, long, ulong[])>
        {
            (0x100, ListType, 32, new ulong[] { 0x200 }),
            (0x200, ArrayType, 24 + 8 * ticks, Enumerable.Range(0, ticks).Select(i => 0x1000 + (ulong)i * 0x40).ToArray()),
            (0x300, OtherType, 40, Array.Empty<ulong>()),
        };
        for (var i = 0; i < ticks; i++)
            nodes.Add((0x1000 + (ulong)i * 0x40, TickType, 48, Array.Empty<ulong>()));
        var roots = new List<(ulong, string?)>();
        if (stackSeesThem)
            roots.Add((0x200, null));
        roots.Add((0x100, "_ticks"));
        roots.Add((0x300, null));
        return Graph(nodes, roots);
    }

    [Fact]
    public void The_histogram_counts_objects_and_bytes_per_type()
    {
        var histogram = HeapHistogram.Of(Ticks(10));

        Assert.Equal((10L, 480L), histogram["Bot.Tick"]);
        Assert.Equal((1L, 104L), histogram["Bot.Tick[]"]);
        Assert.Equal((0L, 0L), histogram["Bot.Missing"]);
        Assert.Equal(32 + 104 + 40 + 480, histogram.TotalBytes);
    }

    [Fact]
    public void The_diff_ranks_types_that_grew_by_bytes_and_leaves_out_the_rest()
    {
        var before = HeapHistogram.Of(Ticks(10));
        var after = HeapHistogram.Of(Graph(new[]
        {
            (0x100UL, ListType, 32L, new ulong[] { 0x200 }),
            (0x200UL, ArrayType, 24L + 8 * 1000, Array.Empty<ulong>()),
        }.Concat(Enumerable.Range(0, 1000).Select(i => (0x1000 + (ulong)i * 0x40, TickType, 48L, Array.Empty<ulong>()))), new[] { (0x100UL, (string?)"_ticks") }));

        var growing = HeapDiff.Growing(before, after);

        Assert.Equal(new[] { "Bot.Tick" }, growing.Select(g => g.Type));
        Assert.Equal(990, growing[0].CountDelta);
        Assert.Equal(990 * 48, growing[0].BytesDelta);
        // The string went away, the list stayed: neither grew. The array grew in bytes but not in count: not a culprit.
        Assert.DoesNotContain(growing, g => g.Type is "System.String" or "System.Collections.Generic.List`1[Bot.Tick]");
    }

    [Fact]
    public void A_type_that_grew_by_a_sliver_of_the_total_is_not_named()
    {
        var before = new HeapHistogram(new() { ["A"] = (10, 1000), ["B"] = (10, 1000) });
        var after = new HeapHistogram(new() { ["A"] = (10_000, 1_000_000), ["B"] = (11, 1010) });

        Assert.Equal("A", Assert.Single(HeapDiff.Growing(before, after)).Type);
    }

    [Fact]
    public void The_path_starts_at_the_static_field_even_when_a_stack_slot_is_nearer()
    {
        var graph = Ticks(50);
        var path = RetentionPaths.Find(graph, RetentionPaths.SpanningTree(graph), "Bot.Tick");

        Assert.NotNull(path);
        Assert.True(path!.StaticRoot);
        Assert.Equal("_ticks", path.Root);
        Assert.Equal(new[] { "System.Collections.Generic.List`1[Bot.Tick]", "Bot.Tick[]", "Bot.Tick" }, path.Types);
        Assert.Equal("Bot.Tick[]", path.HeldBy);
        Assert.Equal(50, path.Objects);
        Assert.Equal("static _ticks -> List<Tick> -> Tick[] -> Tick", path.Describe());
    }

    [Fact]
    public void An_instance_field_chain_from_a_static_is_shown_whole()
    {
        // static Current -> Host -> Registry -> Tick[] -> ticks
        var nodes = new List<(ulong, ulong, long, ulong[])>
        {
            (0x100, HostType, 24, new ulong[] { 0x180 }),
            (0x180, RegistryType, 24, new ulong[] { 0x200 }),
            (0x200, ArrayType, 24 + 8 * 20, Enumerable.Range(0, 20).Select(i => 0x1000 + (ulong)i * 0x40).ToArray()),
        };
        nodes.AddRange(Enumerable.Range(0, 20).Select(i => (0x1000 + (ulong)i * 0x40, TickType, 48L, Array.Empty<ulong>())));
        var graph = Graph(nodes, new[] { (0x100UL, (string?)"Current") });

        var path = RetentionPaths.Find(graph, RetentionPaths.SpanningTree(graph), "Bot.Tick")!;

        Assert.Equal("static Current -> Host -> Registry -> Tick[] -> Tick", path.Describe());
        Assert.Equal("Bot.Tick[]", path.HeldBy);
    }

    [Fact]
    public void A_linked_list_of_the_type_is_cut_at_its_first_node()
    {
        // stack root -> node1 -> node2 -> node3: every node is kept by the same chain, which ends at the first node.
        var graph = Graph(new[]
        {
            (0x100UL, NodeType, 24L, new ulong[] { 0x200 }),
            (0x200UL, NodeType, 24L, new ulong[] { 0x300 }),
            (0x300UL, NodeType, 24L, Array.Empty<ulong>()),
        }, new[] { (0x100UL, (string?)null) });

        var path = RetentionPaths.Find(graph, RetentionPaths.SpanningTree(graph), "Bot.Node")!;

        Assert.False(path.StaticRoot);
        Assert.Equal("stack -> Node", path.Describe());
        Assert.Equal(3, path.Objects);
    }

    [Fact]
    public void Unreachable_objects_and_edges_out_of_the_snapshot_give_no_path()
    {
        var graph = Graph(new[]
        {
            (0x100UL, HostType, 24L, new ulong[] { 0xdead }),
            (0x200UL, TickType, 48L, Array.Empty<ulong>()),
        }, new[] { (0x100UL, (string?)null) });

        Assert.Null(RetentionPaths.Find(graph, RetentionPaths.SpanningTree(graph), "Bot.Tick"));
        Assert.Null(RetentionPaths.Find(graph, RetentionPaths.SpanningTree(graph), "Bot.Absent"));
        Assert.Equal(-1, graph.Edges(0)[0]);
    }

    [Fact]
    public void A_later_snapshot_keeps_the_names_the_runtime_gave_only_once()
    {
        var names = new Dictionary<ulong, string>();
        var first = new HeapGraphBuilder(names);
        first.AddType(TickType, "Bot.Tick");
        first.AddNode(0x100, 48, TickType, 0);
        first.Build();

        var second = new HeapGraphBuilder(names);
        second.AddNode(0x100, 48, TickType, 0);
        second.AddNode(0x200, 48, 99, 0);
        var graph = second.Build();

        Assert.Equal("Bot.Tick", graph.TypeOf(0));
        Assert.Equal("<type 0x63>", graph.TypeOf(1));
    }

    [Fact]
    public void A_stream_cut_short_leaves_missing_edges_unknown()
    {
        var builder = new HeapGraphBuilder();
        builder.AddNode(0x100, 24, HostType, 3);
        builder.AddEdge(0x100);
        var graph = builder.Build();

        Assert.Equal(new[] { 0, -1, -1 }, graph.Edges(0).ToArray());
    }

    [Theory]
    [InlineData("System.Collections.Generic.List`1[TradingBot.Tick]", "List<Tick>")]
    [InlineData("System.Collections.Generic.Dictionary`2[System.String,TradingBot.Order]", "Dictionary<String, Order>")]
    [InlineData("System.Byte[]", "Byte[]")]
    [InlineData("System.Int32[,]", "Int32[,]")]
    [InlineData("System.Collections.Generic.List`1[System.Byte[]]", "List<Byte[]>")]
    [InlineData("Bot.Outer+Inner", "Outer+Inner")]
    [InlineData("System.Collections.Generic.Dictionary`2+Entry[System.Int32,Bot.Session][]", "Dictionary+Entry<Int32, Session>[]")]
    [InlineData("Tick", "Tick")]
    public void Type_names_read_as_in_CSharp(string runtimeName, string expected)
    {
        Assert.Equal(expected, TypeNames.Short(runtimeName));
    }
}
