using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace Guard.TestTargets.Big;

/// <summary>One record of a large live data set: a small object, a string and a payload array.</summary>
public sealed class MarketRecord
{
    public long Sequence;
    public long Price;
    public string Symbol = "";
    public byte[] Payload = Array.Empty<byte>();
}

/// <summary>
/// big-heap: builds a live heap of about --size-mb MB (records of three objects, about 640 bytes each), prints
/// "heap ready", then idles with a little garbage, so a heap snapshot of a large process can be measured.
/// </summary>
public static class BigHeap
{
    public static readonly List<MarketRecord> s_records = new();
    private static object? s_garbage;

    public static void Run(Stopwatch clock, TimeSpan duration, double sizeMB)
    {
        var records = (long)(sizeMB * 1024 * 1024 / 640);
        for (long i = 0; i < records; i++)
            s_records.Add(new MarketRecord { Sequence = i, Price = i * 3, Symbol = "SYM" + (i % 100_000), Payload = new byte[512] });
        GC.Collect();
        Console.WriteLine($"heap ready {GC.GetTotalMemory(false) / 1048576} MB, {records} records");
        Console.Out.Flush();
        while (clock.Elapsed < duration)
        {
            s_garbage = new byte[1024];
            Thread.Sleep(10);
        }
        GC.KeepAlive(s_garbage);
    }
}
