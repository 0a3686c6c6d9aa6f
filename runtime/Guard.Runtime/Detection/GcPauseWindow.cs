using System;
using System.Collections.Generic;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>What the pauses between two times cost: seconds paused, the longest pause, when the first began, and how much of it induced collections caused.</summary>
public readonly record struct PausedTime(double Seconds, double LongestMs, DateTime? FirstStart, double InducedMs);

/// <summary>
/// The GC pauses of the last while and the share of wall time they took: the one computation the GC pressure detector,
/// the starvation detector (was it the GC that stopped the pool?) and the status line share. Pauses are measured from
/// the runtime's suspend/restart events; a pause is counted for the part of it that falls inside the span asked about.
/// A queue of small structs: a flood of pauses costs a loop, not an allocation per pause.
/// </summary>
public sealed class GcPauseWindow
{
    /// <summary>A pause (or a summary of pauses), tagged when an induced collection began inside it.</summary>
    public readonly record struct Pause(DateTime Start, DateTime End, int Count, double LongestMs, bool Induced);

    private readonly Queue<Pause> _pauses = new();

    public int Count => _pauses.Count;

    public void Add(GcPauseSignal pause, bool induced = false) =>
        _pauses.Enqueue(new Pause(pause.Start, pause.Time, Math.Max(1, pause.Count), pause.LongestPause.TotalMilliseconds, induced));

    /// <summary>Forgets pauses that ended more than <paramref name="keep"/> before <paramref name="now"/>.</summary>
    public void Trim(DateTime now, TimeSpan keep)
    {
        while (_pauses.Count > 0 && now - _pauses.Peek().End > keep)
            _pauses.Dequeue();
    }

    /// <summary>What the pauses cost between two times (each pause clipped to the span).</summary>
    public PausedTime Paused(DateTime from, DateTime to)
    {
        double seconds = 0, longestMs = 0, inducedMs = 0;
        DateTime? first = null;
        foreach (var pause in _pauses)
        {
            var start = pause.Start > from ? pause.Start : from;
            var end = pause.End < to ? pause.End : to;
            if (end <= start)
                continue;
            var overlap = (end - start).TotalSeconds;
            seconds += overlap;
            longestMs = Math.Max(longestMs, pause.LongestMs);
            if (pause.Induced)
                inducedMs += overlap * 1000;
            first ??= pause.Start;
        }
        return new PausedTime(seconds, longestMs, first, inducedMs);
    }

    /// <summary>The share (0 to 1) of the span between two times spent paused; an empty span counts as a millisecond.</summary>
    public double Share(DateTime from, DateTime to) => Paused(from, to).Seconds / Math.Max((to - from).TotalSeconds, 0.001);
}
