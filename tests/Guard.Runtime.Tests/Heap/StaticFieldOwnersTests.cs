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

public class StaticFieldOwnersTests
{
    private static StaticFieldOwners OfThisAssembly() => new(() => new[] { typeof(StaticFieldOwnersTests).Assembly.Location });

    [Fact]
    public void A_static_field_is_qualified_with_the_class_that_declares_it()
    {
        Assert.Equal("Guard.Runtime.Tests.Heap.OwnerOfTicks.s_uniqueTicksForOwnerTest",
            OfThisAssembly().Qualify("s_uniqueTicksForOwnerTest", "System.Collections.Generic.List`1[System.String]"));
    }

    [Fact]
    public void Two_fields_of_one_name_are_told_apart_by_the_type_they_hold()
    {
        Assert.Equal("Guard.Runtime.Tests.Heap.OtherOwner.s_sharedName",
            OfThisAssembly().Qualify("s_sharedName", "System.Collections.Generic.List`1[System.Int32]"));
        // An object field can hold anything: with two candidates and no match, the field stays unqualified.
        Assert.Null(OfThisAssembly().Qualify("s_sharedName", "System.String"));
    }

    [Fact]
    public void An_unknown_field_or_unreadable_assembly_gives_null()
    {
        Assert.Null(OfThisAssembly().Qualify("s_noSuchField", "System.String"));
        Assert.Null(new StaticFieldOwners(() => new[] { "/nonexistent.dll" }).Qualify("s_uniqueTicksForOwnerTest", "System.String"));
    }
}
