namespace Guard.Runtime.Detection;

/// <summary>Short bursts of stacks that name the blocking frames of a starvation and the allocating methods of GC pressure.</summary>
public sealed class StackBurstOptions
{
    /// <summary>How long a burst samples (the finding waits for it, plus the rundown and the reading).</summary>
    public double Seconds { get; set; } = 2;

    /// <summary>Bursts a session may take at most (0: none).</summary>
    public int MaxPerSession { get; set; } = 4;

    /// <summary>How long stopping a burst (its rundown) may take before it is given up.</summary>
    public double TimeoutSeconds { get; set; } = 30;
}

public sealed partial class DetectorOptions
{
    public StackBurstOptions StackBursts { get; } = new();
}
