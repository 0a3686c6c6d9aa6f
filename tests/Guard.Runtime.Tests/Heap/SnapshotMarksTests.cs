using System;
using System.IO;
using Guard.Runtime.Heap;

namespace Guard.Runtime.Tests.Heap;

/// <summary>Another guard session's heap snapshot is seen as such; this session's own, an old one or a dead guard's are not.</summary>
public class SnapshotMarksTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "guard-marks-test-" + Guid.NewGuid().ToString("N"));
    private readonly string _saved = SnapshotMarks.Folder;

    public SnapshotMarksTests() => SnapshotMarks.Folder = _folder;

    public void Dispose()
    {
        SnapshotMarks.Folder = _saved;
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void A_snapshot_of_another_live_guard_counts_while_it_runs_and_shortly_after()
    {
        var other = Environment.ProcessId; // a live process standing for the other guard
        const int self = int.MaxValue - 1;
        var mark = SnapshotMarks.Begin(4242, other);
        Assert.True(SnapshotMarks.OtherSessionSnapshotting(4242, self));
        Assert.False(SnapshotMarks.OtherSessionSnapshotting(4343, self));
        // Its own snapshot is known to a session by other means.
        Assert.False(SnapshotMarks.OtherSessionSnapshotting(4242, other));

        mark.Dispose();
        Assert.True(SnapshotMarks.OtherSessionSnapshotting(4242, self, DateTime.UtcNow.AddSeconds(2)));
        Assert.False(SnapshotMarks.OtherSessionSnapshotting(4242, self, DateTime.UtcNow.AddSeconds(30)));
    }

    [Fact]
    public void The_mark_of_a_guard_that_is_gone_is_ignored_and_cleared()
    {
        _ = SnapshotMarks.Begin(4242, 999999);
        Assert.False(SnapshotMarks.OtherSessionSnapshotting(4242, Environment.ProcessId));
        Assert.Empty(Directory.GetFiles(_folder));
    }
}
