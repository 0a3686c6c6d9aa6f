using System.Globalization;
using Guard.Runtime.Detection;

namespace Guard.Runtime.Output;

/// <summary>How the culprits of each kind read in text output (the allocating types of gc-pressure are the default).</summary>
internal static class CulpritText
{
    public static string Label(string kind) => kind switch
    {
        FindingKinds.RateLimited => "throttled endpoints",
        FindingKinds.ConnectionPoolSaturation => "waiting endpoints",
        FindingKinds.ExceptionStorm => "exceptions",
        FindingKinds.TimerLeak => "timer growth",
        FindingKinds.MemoryLimit => "limit",
        FindingKinds.MemoryLeak => "growing types (heap snapshots)",
        FindingKinds.ThreadPoolStarvation => "blocking stacks (sampled)",
        _ => "most allocated types (sampled)",
    };

    /// <summary>One culprit as a short phrase ending in ';' (the separator the wrapper trims), or null for the default form.</summary>
    public static string? Describe(string kind, Evidence c) => kind switch
    {
        FindingKinds.RateLimited => $"{c["host"]}{c["endpoint"]} {c["status429"]}x429 {c["status503"]}x503, {c["earlyRequests"]} sent too soon;",
        FindingKinds.ConnectionPoolSaturation => $"{c["host"]}{c["endpoint"]} {c["queuedRequests"]} queued, median {Number(c["medianWaitMs"])} ms;",
        FindingKinds.ExceptionStorm => $"{c["type"]} x{c["count"]} \"{c["message"]}\";",
        FindingKinds.TimerLeak => $"+{Number(c["timerGrowthPerMinute"])} timers/min, {Number(c["activeTimers"])} active;",
        FindingKinds.MemoryLimit => $"{c["limitSource"]}, about {Number(c["secondsLeft"])} s left at +{Number(c["growthMBPerMin"])} MB/min;",
        FindingKinds.MemoryLeak => Growth(c),
        FindingKinds.ThreadPoolStarvation => $"{c["stack"]} ({c["block"]}; {c["threads"]} threads, {Share(c["share"])} of the busy ones);",
        FindingKinds.GcPressure when c["method"] is string method => $"{c["type"]} {Share(c["share"])}" + (c["sampledMB"] is double mb ? $" ({Number(mb)} MB)" : "")
            + $" in {method} ({Share(c["methodShare"])});",
        _ => null,
    };

    // "static Bot.PriceHistory._ticks -> List<Tick> -> Tick[] -> Tick: +48,000 objects, +31 MB in 60 s" (the path ends at the type).
    private static string Growth(Evidence c)
    {
        var type = c["type"] as string ?? "?";
        var what = c["path"] as string ?? Guard.Runtime.Heap.TypeNames.Short(type);
        var count = c["countDelta"] is long n ? n.ToString("N0", CultureInfo.InvariantCulture) : "?";
        var mb = c["bytesDelta"] is long b ? (b / 1048576.0).ToString("0.#", CultureInfo.InvariantCulture) : "?";
        return $"{what}: +{count} objects, +{mb} MB in {Number(c["seconds"])} s;";
    }

    private static string Share(object? value) => value is double d ? (d * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : "?";

    private static string Number(object? value) => value is double d ? d.ToString("0.#", CultureInfo.InvariantCulture) : value?.ToString() ?? "?";
}
