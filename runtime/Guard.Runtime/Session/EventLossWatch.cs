using System;

namespace Guard.Runtime.Session;

/// <summary>
/// Says when the runtime drops events (its session buffer was full because the stream was read too slowly): a loss is
/// never silent. Read once per counter interval; a line goes out when the count has grown, at most once per
/// <see cref="Every"/> so a sustained loss does not bury the findings, and the total goes in the closing summary.
/// </summary>
public sealed class EventLossWatch
{
    private readonly TimeSpan _every;
    private long _said;
    private DateTime _lastSaid = DateTime.MinValue;

    public EventLossWatch(TimeSpan? every = null) => _every = every ?? TimeSpan.FromSeconds(10);

    public TimeSpan Every => _every;

    /// <summary>Events dropped so far, as last read.</summary>
    public long Total { get; private set; }

    /// <summary>Takes the count read from the event source; returns the line to show, or null when there is nothing new to say yet.</summary>
    public string? Check(long lostSoFar, DateTime now)
    {
        if (lostSoFar > Total)
            Total = lostSoFar;
        if (Total <= _said || now - _lastSaid < _every)
            return null;
        _said = Total;
        _lastSaid = now;
        return Line(Total);
    }

    /// <summary>Takes the final count (at the end of the session) without saying anything: the summary says it.</summary>
    public void Record(long lostSoFar)
    {
        if (lostSoFar > Total)
            Total = lostSoFar;
    }

    /// <summary>The wording, shared by the live line and the summary.</summary>
    public static string Line(long lost) =>
        $"the runtime dropped {lost} event{(lost == 1 ? "" : "s")} so far (its buffer was full): figures may be understated";

    /// <summary>The part of the closing summary, empty when nothing was lost.</summary>
    public static string SummaryPart(long lost) =>
        lost <= 0 ? "" : $"; the runtime dropped {lost} event{(lost == 1 ? "" : "s")} (buffer full): figures may be understated";
}
