using System;
using Guard.Cli;
using Guard.Runtime.Detection;
using Guard.Runtime.Output;

namespace Guard.Runtime.Tests.Session;

public class CulpritTextTests
{
    private static Finding WithCulprit(string kind, Evidence culprit) => new()
    {
        Kind = kind,
        Severity = Severity.Critical,
        Pid = 4242,
        Process = "TradingBot",
        Time = new DateTime(2026, 11, 22, 5, 0, 12, DateTimeKind.Utc),
        Since = new DateTime(2026, 11, 22, 5, 0, 10, DateTimeKind.Utc),
        Message = "m",
        Evidence = new Evidence().Add("n", 1),
        Culprits = new[] { culprit },
        Advice = "a",
    };

    [Fact]
    public void Leak_starvation_and_allocation_culprits_read_as_sentences()
    {
        var leak = FindingText.Block(WithCulprit(FindingKinds.MemoryLeak, new Evidence()
            .Add("type", "TradingBot.MarketData.Tick").Add("countDelta", 48000L).Add("bytesDelta", 32505856L).Add("seconds", 60.0)
            .Add("path", "static TradingBot.MarketData.PriceHistory._ticks -> List<Tick> -> Tick[] -> Tick")));
        Assert.Contains("growing types (heap snapshots): static TradingBot.MarketData.PriceHistory._ticks -> List<Tick> -> Tick[] -> Tick: +48,000 objects, +31 MB in 60 s", leak);

        var starvation = FindingText.Block(WithCulprit(FindingKinds.ThreadPoolStarvation, new Evidence()
            .Add("stack", "Task.Result <- Bot.QuoteRefresher.Refresh <- Scheduler.Tick").Add("block", "task wait").Add("threads", 12).Add("share", 0.8)));
        Assert.Contains("blocking stacks (sampled): Task.Result <- Bot.QuoteRefresher.Refresh <- Scheduler.Tick (task wait; 12 threads, 80% of the busy ones)", starvation);

        var gc = FindingText.Block(WithCulprit(FindingKinds.GcPressure, new Evidence()
            .Add("type", "System.Byte[]").Add("sampledMB", 200.7).Add("share", 0.88).Add("method", "Bot.Feed.Parse").Add("methodShare", 0.99)));
        Assert.Contains("most allocated types (sampled): System.Byte[] 88% (200.7 MB) in Bot.Feed.Parse (99%)", gc);
    }

    [Fact]
    public void Each_kind_names_its_culprits_in_its_own_words()
    {
        var rateLimited = FindingText.Block(WithCulprit(FindingKinds.RateLimited,
            new Evidence().Add("host", "api.exchange.example").Add("endpoint", "/api/v3/order").Add("status429", 40).Add("status503", 0).Add("earlyRequests", 38)));
        Assert.Contains("throttled endpoints: api.exchange.example/api/v3/order 40x429 0x503, 38 sent too soon", rateLimited);
        Assert.DoesNotContain("allocated", rateLimited);

        var pool = FindingText.Block(WithCulprit(FindingKinds.ConnectionPoolSaturation,
            new Evidence().Add("host", "127.0.0.1:5000").Add("endpoint", "/slow").Add("queuedRequests", 12).Add("medianWaitMs", 812.4)));
        Assert.Contains("waiting endpoints: 127.0.0.1:5000/slow 12 queued, median 812.4 ms", pool);

        var storm = FindingText.Block(WithCulprit(FindingKinds.ExceptionStorm,
            new Evidence().Add("type", "System.TimeoutException").Add("count", 900).Add("share", 0.9).Add("message", "timed out")));
        Assert.Contains("exceptions: System.TimeoutException x900 \"timed out\"", storm);

        var timers = FindingText.Block(WithCulprit(FindingKinds.TimerLeak, new Evidence().Add("timerGrowthPerMinute", 2957.2).Add("activeTimers", 542d)));
        Assert.Contains("timer growth: +2957.2 timers/min, 542 active", timers);

        var limit = FindingText.Block(WithCulprit(FindingKinds.MemoryLimit,
            new Evidence().Add("limitSource", "GCHeapHardLimit").Add("secondsLeft", 49d).Add("growthMBPerMin", 68.8)));
        Assert.Contains("limit: GCHeapHardLimit, about 49 s left at +68.8 MB/min", limit);

        var gc = FindingText.Block(WithCulprit(FindingKinds.GcPressure, new Evidence().Add("type", "System.Byte[]").Add("sampledMB", 412.3).Add("share", 0.71)));
        Assert.Contains("most allocated types (sampled): System.Byte[] 71% (412.3 MB)", gc);
    }
}
