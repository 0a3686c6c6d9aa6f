namespace Guard.Runtime.Tests.EndToEnd;

/// <summary>
/// Tests that start processes run one at a time, alone: on a small machine, a target sharing the CPU with another
/// scenario (or a build) would confuse the detectors it is meant to exercise.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "End to end";
}
