using System;
using System.IO;
using Guard.Runtime.Heap;
using Xunit;

namespace Guard.Runtime.Tests.Heap;

/// <summary>
/// A heap snapshot one guard session takes is known to the other sessions on the same process, so that none of them
/// reports the collection it induced as GC pressure (issue 12: the demo's second session did).
/// </summary>
public class SnapshotMarkerTests
{
    // A pid no process has here: the markers are files named by pid in the temporary folder.
    private static int FreshPid() => 3_000_000 + Random.Shared.Next(1_000_000);

    [Fact]
    public void A_collection_during_a_snapshot_is_covered_and_one_after_it_is_not()
    {
        var pid = FreshPid();
        try
        {
            DateTime during;
            using (SnapshotMarker.Begin(pid))
            {
                during = DateTime.UtcNow;
                Assert.True(SnapshotMarker.Covers(pid, during));
            }
            // Read later, as a second session reads its events later than the snapshot session: still covered.
            Assert.True(SnapshotMarker.Covers(pid, during));
            Assert.False(SnapshotMarker.Covers(pid, DateTime.UtcNow.AddSeconds(30)));
            Assert.False(SnapshotMarker.Covers(pid, during.AddMinutes(-5)));
        }
        finally
        {
            File.Delete(SnapshotMarker.PathFor(pid));
        }
    }

    [Fact]
    public void Another_process_is_not_covered()
    {
        var pid = FreshPid();
        try
        {
            using (SnapshotMarker.Begin(pid))
                Assert.False(SnapshotMarker.Covers(pid + 1, DateTime.UtcNow));
        }
        finally
        {
            File.Delete(SnapshotMarker.PathFor(pid));
        }
    }

    [Fact]
    public void A_snapshot_never_ended_counts_for_a_bounded_time_only()
    {
        var pid = FreshPid();
        try
        {
            // A guard killed during its snapshot leaves a marker without an end.
            var started = DateTime.UtcNow.AddMinutes(-10);
            File.WriteAllText(SnapshotMarker.PathFor(pid), started.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(SnapshotMarker.Covers(pid, started.AddSeconds(30)));
            Assert.False(SnapshotMarker.Covers(pid, DateTime.UtcNow));
        }
        finally
        {
            File.Delete(SnapshotMarker.PathFor(pid));
        }
    }

    [Fact]
    public void No_marker_or_a_garbled_one_covers_nothing()
    {
        var pid = FreshPid();
        Assert.False(SnapshotMarker.Covers(pid, DateTime.UtcNow));
        try
        {
            File.WriteAllText(SnapshotMarker.PathFor(pid), "not a time");
            Assert.False(SnapshotMarker.Covers(pid, DateTime.UtcNow));
        }
        finally
        {
            File.Delete(SnapshotMarker.PathFor(pid));
        }
    }
}
