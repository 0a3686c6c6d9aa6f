using Guard.Runtime.Heap;
using Xunit;

namespace Guard.Runtime.Tests.Heap;

/// <summary>
/// The heap snapshot's event buffer: big enough for the walk of a heap of many small objects (the sample bot's leak lost
/// events at 256 MB with 430 MB resident and none at 1 GB), never more than the target can spare.
/// </summary>
public class SnapshotBufferTests
{
    private const long MB = 1048576;

    [Fact]
    public void A_small_process_gets_the_minimum()
        => Assert.Equal(SnapshotBuffer.MinMB, SnapshotBuffer.Size(residentBytes: 80 * MB, spareBytes: 8_000 * MB));

    [Fact]
    public void The_buffer_follows_the_resident_size_up_to_the_maximum()
    {
        Assert.Equal(430, SnapshotBuffer.Size(430 * MB, 8_000 * MB));
        Assert.Equal(SnapshotBuffer.MaxMB, SnapshotBuffer.Size(3_000 * MB, 16_000 * MB));
    }

    [Fact]
    public void Unknown_sizes_give_the_minimum()
        => Assert.Equal(SnapshotBuffer.MinMB, SnapshotBuffer.Size(null, null));

    [Fact]
    public void Never_more_than_half_of_what_the_target_can_spare_but_never_under_the_minimum()
    {
        Assert.Equal(300, SnapshotBuffer.Size(900 * MB, spareBytes: 600 * MB));
        Assert.Equal(SnapshotBuffer.MinMB, SnapshotBuffer.Size(900 * MB, spareBytes: 100 * MB));
    }

    [Fact]
    public void A_snapshot_that_lost_events_doubles_the_next_buffer()
    {
        long resident = 200 * MB;
        var buffer = new SnapshotBuffer(() => resident, () => 8_000 * MB);
        var first = buffer.NextMB();
        Assert.Equal(SnapshotBuffer.MinMB, first);
        buffer.Lost(first);
        Assert.Equal(2 * first, buffer.NextMB());
        buffer.Lost(2 * first);
        buffer.Lost(4 * first);
        Assert.Equal(SnapshotBuffer.MaxMB, buffer.NextMB());
    }

    [Fact]
    public void A_larger_resident_size_wins_over_an_earlier_loss()
    {
        long resident = 200 * MB;
        var buffer = new SnapshotBuffer(() => resident, () => null);
        buffer.Lost(SnapshotBuffer.MinMB);
        resident = 700 * MB;
        Assert.Equal(700, buffer.NextMB());
    }
}
