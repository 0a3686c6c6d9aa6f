using System;
using System.Collections.Generic;
using System.Threading;
using Guard.Runtime.Detection;
using Guard.Runtime.Heap;

namespace Guard.Runtime.Tests.Heap;

public class HeldFindingTests
{
    private static Finding Make(string message, Severity severity = Severity.Warning, bool resolved = false) => new()
    {
        Kind = FindingKinds.MemoryLeak,
        Severity = severity,
        Resolved = resolved,
        Time = new DateTime(2026, 12, 2, 3, 0, 0, DateTimeKind.Utc),
        Since = new DateTime(2026, 12, 2, 3, 0, 0, DateTimeKind.Utc),
        Message = message,
        Evidence = new Evidence(),
        Advice = "",
    };

    private static readonly Evidence Culprit = new Evidence().Add("type", "Bot.Order");

    [Fact]
    public void The_held_finding_goes_out_once_then_those_queued_behind_it_with_its_culprits()
    {
        var published = new List<Finding>();
        var held = new HeldFinding((found, next) => next with { Culprits = found.Culprits });
        Assert.Equal(HeldFinding.Follow.NothingHeld, held.TryFollow(Make("first")));

        using var release = new ManualResetEventSlim();
        held.Start(Make("first"), published.Add, () => release.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(HeldFinding.Follow.Queued, held.TryFollow(Make("worse", Severity.Critical)));
        Assert.Equal(HeldFinding.Follow.Queued, held.TryFollow(Make("gone", resolved: true)));
        Assert.Equal(HeldFinding.Follow.Refused, held.TryFollow(Make("other"), h => h.Message == "not it"));
        Assert.Empty(published);

        held.Publish(Make("first") with { Culprits = new[] { Culprit } });
        held.Publish(Make("again"));
        release.Set();

        Assert.Equal(new[] { "first", "worse", "gone" }, published.ConvertAll(f => f.Message));
        Assert.Single(published[1].Culprits);
        Assert.Empty(published[2].Culprits);
        Assert.Equal(HeldFinding.Follow.NothingHeld, held.TryFollow(Make("next")));
    }

    [Fact]
    public void A_worker_that_overruns_the_flush_budget_leaves_the_finding_published_with_a_note()
    {
        var published = new List<Finding>();
        var held = new HeldFinding((_, next) => next);
        using var release = new ManualResetEventSlim();
        held.Start(Make("leak"), published.Add, () => release.Wait(TimeSpan.FromSeconds(10)));

        held.Flush(TimeSpan.FromMilliseconds(50), f => f with { Message = f.Message + " (watch ended)" });
        release.Set();

        Assert.Equal("leak (watch ended)", Assert.Single(published).Message);
    }
}
