using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Threading;

namespace Guard.TestTargets.Leaks;

/// <summary>A price tick: the type a static history keeps forever (the leak whose culprit is known).</summary>
public sealed class PriceTick
{
    public long Time;
    public long Bid;
    public long Ask;
    public long BidSize;
    public long AskSize;
    public long Sequence;
}

/// <summary>Keeps every tick in a static list: the leak is PriceHistory.s_ticks.</summary>
public static class PriceHistory
{
    public static readonly List<PriceTick> s_ticks = new();
}

/// <summary>A user session, kept by an instance field of a long-lived registry reached from a static.</summary>
public sealed class SessionState
{
    public long Id;
    public long LastSeen;
    public long Requests;
    public long Bytes;
}

public sealed class SessionRegistry
{
    // Sessions are added and never removed: the leak is this field of the registry.
    public readonly List<SessionState> _sessions = new();
}

public sealed class ServiceHost
{
    public readonly SessionRegistry Registry = new();
}

public static class Services
{
    public static readonly ServiceHost Current = new();
}

/// <summary>
/// leak-named: two leaks at once, each of a named type held by a named owner, beside ordinary garbage.
/// leak-exit: the same, and the process exits the moment it sees an induced collection start (a heap snapshot's),
/// so the snapshot is cut short by the target's exit.
/// </summary>
public static class LeakScenarios
{
    public static bool TryRun(string scenario, Stopwatch clock, TimeSpan duration, double rate)
    {
        switch (scenario)
        {
            case "leak-named":
                Run(clock, duration, rate);
                return true;
            case "big-heap":
                Big.BigHeap.Run(clock, duration, rate);
                return true;
            case "starve-named":
                Quotes.QuoteRefresher.Run(clock, duration);
                return true;
            case "leak-exit":
                using (new ExitOnInducedCollection())
                    Run(clock, duration, rate);
                return true;
            default:
                return false;
        }
    }

    private static object? s_garbage;

    // Ticks take about two thirds of the retained bytes, sessions the rest.
    private static void Run(Stopwatch clock, TimeSpan duration, double rate)
    {
        const int tickBytes = 64, sessionBytes = 48;
        var perTick = (int)(rate * 1024 * 1024 / 10 / (tickBytes * 2 + sessionBytes));
        var registry = Services.Current.Registry;
        var next = clock.Elapsed;
        long sequence = 0;
        while (clock.Elapsed < duration)
        {
            for (var i = 0; i < perTick; i++)
            {
                PriceHistory.s_ticks.Add(new PriceTick { Sequence = sequence, Bid = sequence });
                PriceHistory.s_ticks.Add(new PriceTick { Sequence = sequence + 1 });
                registry._sessions.Add(new SessionState { Id = sequence });
                s_garbage = new byte[512];
                sequence += 2;
            }
            next += TimeSpan.FromMilliseconds(100);
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero)
                Thread.Sleep(wait);
        }
        GC.KeepAlive(s_garbage);
    }

    /// <summary>Listens to this process's own GC events and exits at the first induced collection.</summary>
    private sealed class ExitOnInducedCollection : EventListener
    {
        private const int GcStart = 1;
        private const int InducedReason = 1;

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
                EnableEvents(source, EventLevel.Informational, (EventKeywords)0x1);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventId != GcStart || e.Payload is null || e.PayloadNames is null)
                return;
            var reason = e.PayloadNames.IndexOf("Reason");
            if (reason >= 0 && Convert.ToInt32(e.Payload[reason]) == InducedReason)
            {
                Console.WriteLine("exiting on an induced collection");
                Console.Out.Flush();
                Environment.Exit(0);
            }
        }
    }
}
