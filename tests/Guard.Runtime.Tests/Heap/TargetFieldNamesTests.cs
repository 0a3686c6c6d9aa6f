using System.Collections.Generic;
using Guard.Runtime.Heap;

namespace Guard.Runtime.Tests.Heap;

public static class OwnerOfTicks
{
    public static readonly List<string> s_uniqueTicksForOwnerTest = new();
    public static object? s_sharedName;
}

public static class OtherOwner
{
    public static List<int>? s_sharedName;
}

public sealed class JournalHolder
{
    public readonly List<string> _journal = new();
    public readonly List<int> _other = new();
    public object? _anything;
    public readonly Dictionary<int, string> _byId = new();
}

public class TargetFieldNamesTests
{
    [Fact]
    public void An_instance_field_is_named_by_the_type_it_points_to_and_only_when_one_fits()
    {
        var names = OfThisAssembly();

        Assert.Equal("_byId", names.InstanceField("Guard.Runtime.Tests.Heap.JournalHolder", "System.Collections.Generic.Dictionary`2[System.Int32,System.String]"));
        // Both lists are List`1: the field cannot be told apart by type, so it is not named.
        Assert.Null(names.InstanceField("Guard.Runtime.Tests.Heap.JournalHolder", "System.Collections.Generic.List`1[System.String]"));
        Assert.Null(names.InstanceField("Guard.Runtime.Tests.Heap.JournalHolder", "System.String"));
        Assert.Null(names.InstanceField("System.Collections.Generic.List`1[System.String]", "System.String[]"));
    }

    [Fact]
    public void The_nearest_named_field_and_the_described_path_show_instance_fields()
    {
        var path = new RetentionPath("s_host", true, new[] { "Bot.Host", "Bot.Registry", "System.Collections.Generic.List`1[Bot.Session]", "Bot.Session[]", "Bot.Session" },
            "Bot.Session[]", 10, 10) { Fields = new string?[] { "Registry", "_sessions", null, null, null } };

        Assert.Equal("Bot.Registry._sessions", path.NearestField);
        Assert.Equal("static s_host -> Host.Registry -> Registry._sessions -> List<Session> -> Session[] -> Session", path.Describe());
    }

    [Fact]
    public void A_long_chain_keeps_its_root_and_the_end_the_application_owns()
    {
        var types = new[] { "T.Queue[]", "T.Queue", "T.Timer", "T.State", "T.Box", "T.Runner", "Bot.Recorder", "System.Collections.Generic.List`1[Bot.Snap]", "Bot.Snap[]", "Bot.Snap" };
        var fields = new string?[types.Length];
        fields[6] = "_journal";
        var path = new RetentionPath("T.Queue.Instances", true, types, "Bot.Snap[]", 1, 1) { Fields = fields };

        Assert.Equal("static T.Queue.Instances -> Queue[] -> ... (3 more) -> Box -> Runner -> Recorder._journal -> List<Snap> -> Snap[] -> Snap", path.Describe());
        Assert.Equal("Bot.Recorder._journal", path.NearestField);
    }

    private static TargetFieldNames OfThisAssembly() => new(() => new[] { typeof(TargetFieldNamesTests).Assembly.Location });

    [Fact]
    public void A_static_field_is_qualified_with_the_class_that_declares_it()
    {
        Assert.Equal("Guard.Runtime.Tests.Heap.OwnerOfTicks.s_uniqueTicksForOwnerTest",
            OfThisAssembly().QualifyStatic("s_uniqueTicksForOwnerTest", "System.Collections.Generic.List`1[System.String]"));
    }

    [Fact]
    public void Two_fields_of_one_name_are_told_apart_by_the_type_they_hold()
    {
        Assert.Equal("Guard.Runtime.Tests.Heap.OtherOwner.s_sharedName",
            OfThisAssembly().QualifyStatic("s_sharedName", "System.Collections.Generic.List`1[System.Int32]"));
        // An object field can hold anything: with two candidates and no match, the field stays unqualified.
        Assert.Null(OfThisAssembly().QualifyStatic("s_sharedName", "System.String"));
    }

    [Fact]
    public void An_unknown_field_or_unreadable_assembly_gives_null()
    {
        Assert.Null(OfThisAssembly().QualifyStatic("s_noSuchField", "System.String"));
        Assert.Null(new TargetFieldNames(() => new[] { "/nonexistent.dll" }).QualifyStatic("s_uniqueTicksForOwnerTest", "System.String"));
    }
}
