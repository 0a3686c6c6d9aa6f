using System;

namespace Guard.Runtime.Detection;

/// <summary>
/// One incident as a detector reports it: whether it is under way, since when, and the severity last reported. A finding
/// is news when no episode is under way or it is worse than what was reported; the resolved record that ends an
/// episode carries the severity last reported. Every detector that reports an incident once (and again only when it
/// gets worse) keeps one of these (the HTTP detectors one per endpoint).
/// </summary>
public sealed class Episode
{
    public bool Active { get; private set; }

    /// <summary>When the condition began, as the detector judged it when it reported.</summary>
    public DateTime Since { get; private set; }

    /// <summary>The severity last reported; kept after the end, for the resolved record.</summary>
    public Severity Reported { get; private set; }

    /// <summary>True when a finding of this severity should be reported: no episode under way, or worse than the one reported.</summary>
    public bool IsNews(Severity severity) => !Active || severity > Reported;

    /// <summary>Starts an episode (or restarts it from a new onset) with the severity reported.</summary>
    public void Begin(DateTime since, Severity severity)
    {
        Active = true;
        Since = since;
        Reported = severity;
    }

    /// <summary>Records a worse severity for the episode under way; false (and nothing changes) when it is not worse.</summary>
    public bool Escalate(Severity severity)
    {
        if (!Active || severity <= Reported)
            return false;
        Reported = severity;
        return true;
    }

    /// <summary>Ends the episode; returns the severity last reported, for the resolved record.</summary>
    public Severity End()
    {
        Active = false;
        return Reported;
    }
}
