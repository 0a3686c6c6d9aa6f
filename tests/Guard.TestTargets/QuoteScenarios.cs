using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Guard.TestTargets.Quotes;

/// <summary>starve-named: pool work items that block on .Result in a named method (QuoteRefresher.Refresh).</summary>
public sealed class QuoteRefresher
{
    private static int s_refreshed;

    // Sync over async: the awaited delay needs a pool thread to complete, and the pool's threads are all waiting here.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Refresh()
    {
        var price = FetchQuoteAsync().Result;
        Interlocked.Add(ref s_refreshed, price);
    }

    private static async Task<int> FetchQuoteAsync()
    {
        await Task.Delay(200).ConfigureAwait(false);
        return 1;
    }

    public static void Run(Stopwatch clock, TimeSpan duration)
    {
        var refresher = new QuoteRefresher();
        while (clock.Elapsed < duration)
        {
            for (var i = 0; i < 4; i++)
                ThreadPool.QueueUserWorkItem(_ => refresher.Refresh());
            Thread.Sleep(50);
        }
    }
}
