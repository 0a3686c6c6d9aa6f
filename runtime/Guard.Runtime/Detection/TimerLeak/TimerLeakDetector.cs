using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>
/// Timers that are created and never disposed, or that schedule another on each tick: the active timer count
/// (System.Runtime `active-timer-count`, which counts System.Threading timers, Task.Delay and CancelAfter) rises
/// without leveling off. A busy process has many timers (one per request timeout in flight), but their number follows
/// the load and levels off once the oldest expire; so the rise is taken from the last low point of the window, must
/// last `timer.min-span` seconds, add `timer.growth` timers at `timer.rate` a minute or more, be a straight line (R²),
/// keep its pace in its recent half, and end at a new high.
/// </summary>
public sealed partial class TimerLeakDetector : IDetector
{
    private readonly TimerLeakOptions _options;
    private readonly List<(DateTime Time, double Count)> _points = new();
    private readonly Episode _episode = new();
    private double _reportedFloor;
    private double _reportedLevel;

    public TimerLeakDetector(TimerLeakOptions options) => _options = options;

    public string Kind => FindingKinds.TimerLeak;

    public Finding? Observe(Signal signal)
    {
        if (signal is not CounterSignal { Name: ServiceCounters.ActiveTimerCount } counter)
            return null;
        var now = counter.Time;
        _points.Add((now, counter.Value));
        if (_episode.Active)
            _reportedLevel = Math.Max(_reportedLevel, counter.Value);
        var drop = _points.FindIndex(p => (now - p.Time).TotalSeconds <= _options.WindowSeconds);
        _points.RemoveRange(0, drop < 0 ? _points.Count : drop);

        // Timers given back since the report: the rise is over, a new one may be reported.
        if (_episode.Active && counter.Value < _reportedLevel - (_reportedLevel - _reportedFloor) / 2)
        {
            var severity = _episode.End();
            return Resolved(now, severity, counter.Value);
        }
        return Evaluate(now, counter.Value);
    }

    private Finding? Evaluate(DateTime now, double value)
    {
        if (_points.Count < 5 || value < _points.Max(p => p.Count))
            return null;
        var floor = _points.Min(p => p.Count);
        var tolerance = 0.05 * Math.Max(value - floor, 0);
        var start = _points.FindLastIndex(p => p.Count <= floor + tolerance && p.Time < now);
        if (start < 0)
            return null;
        var segment = _points.GetRange(start, _points.Count - start);
        var first = segment[0];
        var span = (now - first.Time).TotalSeconds;
        var growth = value - first.Count;
        if (span < _options.MinSpanSeconds || growth < _options.MinGrowth)
            return null;
        var perMinute = growth / span * 60;
        if (perMinute < _options.MinGrowthPerMinute)
            return null;

        var fit = TrendFit.Fit(segment.Select(p => ((p.Time - first.Time).TotalSeconds, p.Count)).ToList());
        if (fit.RSquared < _options.MinRSquared || fit.Slope * 60 < _options.MinGrowthPerMinute)
            return null;
        var middle = segment.Last(p => p.Time <= first.Time.AddSeconds(span / 2));
        var recentPerMinute = (value - middle.Count) / Math.Max((now - middle.Time).TotalSeconds, 0.001) * 60;
        if (recentPerMinute < _options.MinRecentRateRatio * perMinute)
            return null;

        var severity = perMinute >= _options.CriticalGrowthPerMinute ? Severity.Critical : Severity.Warning;
        if (!_episode.IsNews(severity))
            return null;
        // A worse rise restarts the episode from its own onset.
        _episode.Begin(first.Time, severity);
        _reportedFloor = first.Count;
        _reportedLevel = value;

        return Report(now, severity, segment, value, perMinute, fit);
    }
}
