using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Guard.Runtime.Detection;
using Guard.Runtime.Heap;

namespace Guard.Runtime.Tests.Heap;

/// <summary>The coordinator with snapshots made up in memory: what is held, what is published, what the budget allows.</summary>
public class HeapSnapshotCoordinatorTests
{
    private static readonly DateTime T0 = new(2026, 11, 22, 5, 0, 0, DateTimeKind.Utc);

    private static Finding Leak(bool resolved = false, bool confirmed = false) => new()
    {
        Kind = FindingKinds.MemoryLeak,
        Severity = confirmed ? Severity.Critical : Severity.Warning,
        Resolved = resolved,
        Time = T0,
        Since = T0,
        Message = confirmed ? "confirmed" : "suspected",
        Evidence = new Evidence().Add("growthMBPerMin", 38.1),
        Advice = "take two heap snapshots",
    };

    // The n-th snapshot holds 100 * n ticks under a static list.
    private static HeapSnapshot Ticks(int n)
    {
        var builder = new HeapGraphBuilder();
        builder.AddType(1, "System.Collections.Generic.List`1[Bot.Tick]");
        builder.AddType(2, "Bot.Tick[]");
        builder.AddType(3, "Bot.Tick");
        var ticks = 100 * n;
        builder.AddNode(0x100, 32, 1, 1);
        builder.AddEdge(0x200);
        builder.AddNode(0x200, 24 + 8 * ticks, 2, ticks);
        for (var i = 0; i < ticks; i++)
            builder.AddEdge(0x1000 + (ulong)i * 0x40);
        for (var i = 0; i < ticks; i++)
            builder.AddNode(0x1000 + (ulong)i * 0x40, 48, 3, 0);
        builder.AddStaticRoot(0x100, 1, "_ticks");
        return new HeapSnapshot(T0.AddSeconds(n * 10), builder.Build(), TimeSpan.FromMilliseconds(12.5 * n), TimeSpan.FromSeconds(1), 40 + n);
    }

    private sealed class Published
    {
        private readonly List<Finding> _findings = new();

        public void Add(Finding finding)
        {
            lock (_findings)
            {
                _findings.Add(finding);
                Monitor.PulseAll(_findings);
            }
        }

        public IReadOnlyList<Finding> WaitFor(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            lock (_findings)
            {
                while (_findings.Count < count && DateTime.UtcNow < deadline)
                    Monitor.Wait(_findings, 100);
                return _findings.ToList();
            }
        }
    }

    private sealed class Names : IFieldResolver
    {
        public string? QualifyStatic(string field, string objectType) => "Bot.PriceHistory." + field;

        public string? InstanceField(string ownerType, string childType) => null;
    }

    private static HeapSnapshotOptions Options(int max = 3) => new() { IntervalSeconds = 0.01, MaxPerSession = max };

    [Fact]
    public void A_suspected_leak_is_held_and_published_with_the_growing_types_and_their_path()
    {
        var taken = 0;
        var published = new Published();
        var coordinator = new HeapSnapshotCoordinator(_ => Ticks(++taken), Options(), new Names());

        Assert.True(coordinator.Hold(Leak(), published.Add));
        var finding = Assert.Single(published.WaitFor(1));

        Assert.Equal(2, coordinator.SnapshotsTaken);
        var culprit = finding.Culprits[0];
        Assert.Equal("Bot.Tick", culprit["type"]);
        Assert.Equal(100L, culprit["countDelta"]);
        Assert.Equal(4800L, culprit["bytesDelta"]);
        Assert.Equal("static Bot.PriceHistory._ticks", culprit["root"]);
        Assert.Equal("Bot.PriceHistory._ticks", culprit["staticField"]);
        Assert.Equal("static Bot.PriceHistory._ticks -> List<Tick> -> Tick[] -> Tick", culprit["path"]);
        Assert.Equal(new[] { 12.5, 25.0 }, (double[])finding.Evidence["snapshotPauseMs"]!);
        Assert.Equal(2, finding.Evidence["heapSnapshots"]);
        Assert.Contains("Bot.PriceHistory._ticks", finding.Advice);
    }

    [Fact]
    public void Findings_of_the_kind_that_come_meanwhile_follow_in_order_and_share_the_culprits()
    {
        var gate = new ManualResetEventSlim();
        var taken = 0;
        var published = new Published();
        var coordinator = new HeapSnapshotCoordinator(_ => { gate.Wait(TimeSpan.FromSeconds(30)); return Ticks(++taken); }, Options());

        Assert.True(coordinator.Hold(Leak(), published.Add));
        Assert.True(coordinator.Hold(Leak(confirmed: true), published.Add));
        Assert.True(coordinator.Hold(Leak(resolved: true), published.Add));
        Assert.False(coordinator.Hold(Leak() with { Kind = FindingKinds.GcPressure }, published.Add));
        gate.Set();
        var findings = published.WaitFor(3);

        Assert.Equal(new[] { "suspected", "confirmed", "suspected" }, findings.Select(f => f.Message));
        Assert.True(findings[2].Resolved);
        Assert.NotEmpty(findings[1].Culprits);
        Assert.Empty(findings[2].Culprits);
    }

    [Fact]
    public void The_budget_bounds_the_snapshots_of_a_session()
    {
        var taken = 0;
        var published = new Published();
        var coordinator = new HeapSnapshotCoordinator(_ => Ticks(++taken), Options(max: 2));

        coordinator.Hold(Leak(), published.Add);
        published.WaitFor(1);
        coordinator.Hold(Leak(confirmed: true), published.Add);
        var findings = published.WaitFor(2);

        Assert.Equal(2, taken);
        Assert.Contains("budget", (string)findings[1].Evidence["heapSnapshotNote"]!);
    }

    [Fact]
    public void A_target_that_exits_during_a_snapshot_gives_the_finding_with_a_note_and_no_more_snapshots()
    {
        var published = new Published();
        var notices = new List<string>();
        var coordinator = new HeapSnapshotCoordinator(_ => throw new HeapSnapshotException("the target exited during the heap snapshot", targetExited: true), Options());
        coordinator.Notice += notices.Add;

        coordinator.Hold(Leak(), published.Add);
        var finding = Assert.Single(published.WaitFor(1));

        Assert.Equal("the target exited during the heap snapshot", finding.Evidence["heapSnapshotNote"]);
        Assert.Empty(finding.Culprits);
        Assert.Contains(notices, n => n.Contains("exited", StringComparison.Ordinal));
        Assert.True(coordinator.Hold(Leak(confirmed: true), published.Add));
        Assert.Equal(2, published.WaitFor(2).Count);
    }

    [Fact]
    public void The_end_of_the_watch_publishes_a_held_finding_at_once()
    {
        var published = new Published();
        var coordinator = new HeapSnapshotCoordinator(token => { token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)); throw new OperationCanceledException(); },
            Options());

        coordinator.Hold(Leak(), published.Add);
        coordinator.Flush(TimeSpan.FromSeconds(5));
        var finding = Assert.Single(published.WaitFor(1));

        Assert.Contains("watch ended", (string)finding.Evidence["heapSnapshotNote"]!);
    }

    [Fact]
    public void Only_induced_blocking_gen2_collections_can_be_guards_own()
    {
        var coordinator = new HeapSnapshotCoordinator(_ => Ticks(1), Options());
        var published = new Published();
        coordinator.Hold(Leak(), published.Add);
        published.WaitFor(1);

        Assert.True(coordinator.IsOwnCollection(41, 2, induced: true));
        Assert.False(coordinator.IsOwnCollection(41, 2, induced: false));
        Assert.False(coordinator.IsOwnCollection(41, 1, induced: true));
    }
}
