using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Detection;
using Guard.Runtime.Stacks;

namespace Guard.Runtime.Tests.Stacks;

/// <summary>Blocking stacks and allocating methods from stacks written by hand (innermost frame first).</summary>
public class BlockingStacksTests
{
    private static readonly string[] PoolBottom = { "System.Threading.ThreadPoolWorkQueue.Dispatch", "System.Threading.PortableThreadPool+WorkerThread.WorkerThreadStart", "System.Threading.Thread.StartCallback" };

    private static string[] Stack(params string[] top) => top.Concat(PoolBottom).ToArray();

    private static readonly string[] BlockedOnResult = Stack("?!libcoreclr.so", "System.Threading.Monitor.Wait", "System.Threading.ManualResetEventSlim.Wait",
        "System.Threading.Tasks.Task.SpinThenBlockingWait", "System.Threading.Tasks.Task.InternalWaitCore", "System.Threading.Tasks.Task`1[System.Int32].GetResultCore",
        "System.Threading.Tasks.Task`1[System.Int32].get_Result", "Bot.QuoteRefresher.Refresh", "Bot.Scheduler.Tick");

    private static readonly string[] Sleeping = Stack("?!libcoreclr.so", "System.Threading.Thread.Sleep", "Bot.Poller.Poll");

    private static readonly string[] Idle = { "?!libcoreclr.so", "System.Threading.LowLevelLifoSemaphore.WaitForSignal", "System.Threading.LowLevelLifoSemaphore.Wait",
        "System.Threading.PortableThreadPool+WorkerThread.WorkerDoWork", "System.Threading.PortableThreadPool+WorkerThread.WorkerThreadStart" };

    private static readonly string[] Running = Stack("Bot.Pricing.Compute", "Bot.Pricing.Run");

    private static IEnumerable<StackSample> Thread(int id, string[] frames, int samples = 10) =>
        Enumerable.Range(0, samples).Select(_ => new StackSample(SampleKind.Thread, id, frames));

    [Fact]
    public void The_blocking_call_nearest_to_user_code_and_the_user_frame_are_named()
    {
        var blocked = BlockingStacks.Classify(BlockedOnResult)!.Value;

        Assert.Equal("task wait", blocked.Kind);
        Assert.Equal("Task.Result", blocked.Call);
        Assert.Equal("Bot.QuoteRefresher.Refresh", blocked.User);
        Assert.Equal("Task.Result <- Bot.QuoteRefresher.Refresh <- Scheduler.Tick <- ThreadPoolWorkQueue.Dispatch", blocked.Stack);
        Assert.Equal("sleep", BlockingStacks.Classify(Sleeping)!.Value.Kind);
        Assert.Null(BlockingStacks.Classify(Running));
        Assert.Null(BlockingStacks.Classify(Idle));
    }

    [Theory]
    [InlineData("System.Threading.Monitor.ReliableEnter", "lock")]
    [InlineData("System.Threading.SemaphoreSlim.Wait", "lock")]
    [InlineData("System.Net.Sockets.Socket.Receive", "I/O")]
    [InlineData("System.IO.FileStream.Read", "I/O")]
    [InlineData("System.Threading.WaitHandle.WaitOneNoCheck", "wait")]
    public void Kinds_of_block_are_told_apart(string call, string kind)
    {
        Assert.Equal(kind, BlockingStacks.Classify(Stack("?!libcoreclr.so", call, "Bot.Feed.Read"))!.Value.Kind);
    }

    [Fact]
    public void Threads_are_grouped_by_where_they_block_and_shares_are_of_the_busy_pool_threads()
    {
        var samples = Thread(1, BlockedOnResult).Concat(Thread(2, BlockedOnResult)).Concat(Thread(3, BlockedOnResult))
            .Concat(Thread(4, Sleeping))
            .Concat(Thread(5, Running))
            .Concat(Thread(6, Idle)).Concat(Thread(7, Idle))
            // Not a pool thread at all: the main thread sleeping.
            .Concat(Thread(8, new[] { "System.Threading.Thread.Sleep", "Bot.Program.Main" }))
            .ToList();

        var stacks = BlockingStacks.Group(samples);

        Assert.Equal(2, stacks.Count);
        Assert.Equal("Bot.QuoteRefresher.Refresh", stacks[0].UserFrame);
        Assert.Equal(3, stacks[0].Threads);
        Assert.Equal(0.6, stacks[0].Share);
        Assert.Equal("Bot.Poller.Poll", stacks[1].UserFrame);
        Assert.Equal(5, BlockingStacks.BusyPoolThreads(samples));
    }

    [Fact]
    public void A_thread_counts_once_for_where_it_blocked_most()
    {
        var samples = Thread(1, BlockedOnResult, 7).Concat(Thread(1, Sleeping, 3)).ToList();

        var stack = Assert.Single(BlockingStacks.Group(samples));
        Assert.Equal("Task.Result", stack.BlockingCall);
        Assert.Equal(1, stack.Threads);
    }

    [Fact]
    public void Allocating_methods_are_the_innermost_user_frames_ranked_by_bytes()
    {
        var samples = new[]
        {
            new StackSample(SampleKind.Allocation, 1, new[] { "System.Text.StringBuilder.ToString", "Bot.Quotes.Format", "Bot.Quotes.Run" }, "System.String", 300),
            new StackSample(SampleKind.Allocation, 1, new[] { "System.String.Concat", "Bot.Log.Write" }, "System.String", 100),
            new StackSample(SampleKind.Allocation, 2, new[] { "System.GC.AllocateUninitializedArray", "System.Buffers.SharedArrayPool`1.Rent" }, "System.Byte[]", 100),
        };

        var byType = AllocatingMethods.ByType(samples);

        Assert.Equal(new[] { ("Bot.Quotes.Format", 0.75), ("Bot.Log.Write", 0.25) }, byType["System.String"]);
        Assert.Equal("System.GC.AllocateUninitializedArray", byType["System.Byte[]"][0].Method);
    }

    [Fact]
    public void A_starvation_finding_gets_its_stacks_and_advice_naming_the_method()
    {
        var finding = new Finding
        {
            Kind = FindingKinds.ThreadPoolStarvation, Severity = Severity.Warning, Time = DateTime.UtcNow, Since = DateTime.UtcNow,
            Message = "starved", Evidence = new Evidence(), Advice = "Make the call chain async.",
        };

        var enriched = StackBurstCoordinator.WithBlockingStacks(finding, Thread(1, BlockedOnResult).Concat(Thread(2, BlockedOnResult)).ToList(), 2);

        var culprit = Assert.Single(enriched.Culprits);
        Assert.Equal("Bot.QuoteRefresher.Refresh", culprit["userFrame"]);
        Assert.Equal("task wait", culprit["block"]);
        Assert.Equal(1.0, culprit["share"]);
        Assert.StartsWith("Pool threads are blocked in Task.Result called from Bot.QuoteRefresher.Refresh", enriched.Advice);
        Assert.Equal(2, enriched.Evidence["busyPoolThreads"]);
    }

    [Fact]
    public void Bursts_are_bounded_and_findings_of_the_held_kind_follow_in_order()
    {
        var published = new List<Finding>();
        var gate = new System.Threading.ManualResetEventSlim();
        var coordinator = new StackBurstCoordinator((_, _) => { gate.Wait(TimeSpan.FromSeconds(30)); return Thread(1, BlockedOnResult).ToList(); },
            new StackBurstOptions { MaxPerSession = 1 });
        var finding = new Finding
        {
            Kind = FindingKinds.ThreadPoolStarvation, Severity = Severity.Warning, Time = DateTime.UtcNow, Since = DateTime.UtcNow,
            Message = "first", Evidence = new Evidence(), Advice = "",
        };
        void Publish(Finding f) { lock (published) published.Add(f); }

        Assert.True(coordinator.Hold(finding, Publish));
        Assert.True(coordinator.Hold(finding with { Message = "escalated", Severity = Severity.Critical }, Publish));
        Assert.False(coordinator.Hold(finding with { Kind = FindingKinds.MemoryLeak }, Publish));
        gate.Set();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && published.Count < 2)
            System.Threading.Thread.Sleep(20);

        Assert.Equal(new[] { "first", "escalated" }, published.Select(f => f.Message));
        Assert.NotEmpty(published[1].Culprits);
        // The budget of one burst is spent: the next incident is published as it is.
        Assert.False(coordinator.Hold(finding with { Message = "later" }, Publish));
    }

    [Fact]
    public void Without_continuous_sampling_the_burst_names_the_types_over_one_percent_and_their_methods()
    {
        // A GC pressure finding with no culprits of its own (continuous sampling is off by default).
        var finding = new Finding
        {
            Kind = FindingKinds.GcPressure, Severity = Severity.Warning, Time = DateTime.UtcNow, Since = DateTime.UtcNow,
            Message = "gc", Evidence = new Evidence(), Advice = "",
        };
        var samples = Enumerable.Range(0, 97).Select(_ => new StackSample(SampleKind.Allocation, 1, new[] { "System.GC.AllocateNewArray", "Bot.Feed.Parse", "Bot.Feed.Run" }, "System.Byte[]", 100_000))
            .Concat(Enumerable.Range(0, 3).Select(_ => new StackSample(SampleKind.Allocation, 1, new[] { "Bot.Feed.Split" }, "System.Object[]", 100_000)))
            // Guard's own counters in the target: one sample in three hundred, not a culprit.
            .Concat(new[] { new StackSample(SampleKind.Allocation, 3, new[] { "System.Diagnostics.Tracing.PollingCounter.WritePayload" }, "System.Diagnostics.Tracing.CounterPayload", 100_000) })
            .ToList();

        var named = StackBurstCoordinator.WithAllocatingMethods(finding, samples, 2);

        Assert.Equal(new[] { "System.Byte[]", "System.Object[]" }, named.Culprits.Select(c => (string)c["type"]!));
        Assert.Equal("Bot.Feed.Parse", named.Culprits[0]["method"]);
        Assert.Equal(0.96, named.Culprits[0]["share"]);
        Assert.Equal(101, named.Evidence["allocationStacks"]);
    }
}
