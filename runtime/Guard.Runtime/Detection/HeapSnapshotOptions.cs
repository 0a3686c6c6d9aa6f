namespace Guard.Runtime.Detection;

/// <summary>When and how often heap snapshots are taken to name what a suspected leak keeps.</summary>
public sealed class HeapSnapshotOptions
{
    /// <summary>Off with --no-heap-snapshots: a leak is then reported with the allocation samples only.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Seconds between the two snapshots compared when a leak is first suspected (the finding waits for them).</summary>
    public double IntervalSeconds { get; set; } = 20;

    /// <summary>Snapshots a session may take at most: each one stops the target for a full collection and a heap walk.</summary>
    public int MaxPerSession { get; set; } = 3;

    /// <summary>How long one snapshot may take, from the request to the last event read, before it is given up.</summary>
    public double TimeoutSeconds { get; set; } = 120;
}

public sealed partial class DetectorOptions
{
    public HeapSnapshotOptions HeapSnapshots { get; } = new();
}
