using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>
/// An exception storm: first-chance exceptions a second far above the process's own baseline. The rate comes from the
/// `exception-count` counter (exact, whatever the event stream drops); the baseline is the median rate of the
/// intervals before the current window, over `exception.baseline-window` seconds, and exists only once
/// `exception.baseline-min` seconds of history are in (attached in the middle of a storm, there is no baseline to be
/// far above, so nothing is said). The exception events (type and message) name the culprits. The baseline is frozen
/// while a storm lasts, so a long storm does not become normal.
/// </summary>
public sealed partial class ExceptionStormDetector : IDetector
{
    private const int MaxTypesPerSecond = 200;
    private const int MessageLength = 300;

    private readonly ExceptionStormOptions _options;
    private readonly List<(DateTime Time, double Count, double Interval)> _rates = new();
    private readonly Queue<(DateTime Second, Dictionary<string, (int Count, string Message)> Types)> _events = new();

    private readonly Episode _episode = new();
    private double _frozenBaseline;
    private int _calmSamples;
    private double _peakRate;

    public ExceptionStormDetector(ExceptionStormOptions options) => _options = options;

    public string Kind => FindingKinds.ExceptionStorm;

    public Finding? Observe(Signal signal)
    {
        switch (signal)
        {
            case ExceptionSignal exception:
                AddEvent(exception);
                return null;
            case CounterSignal { Name: ServiceCounters.ExceptionCount } counter:
                return OnRate(counter);
            default:
                return null;
        }
    }

    private void AddEvent(ExceptionSignal exception)
    {
        var second = exception.Time.AddTicks(-(exception.Time.Ticks % TimeSpan.TicksPerSecond));
        if (_events.Count == 0 || _events.Last().Second != second)
            _events.Enqueue((second, new Dictionary<string, (int, string)>()));
        var types = _events.Last().Types;
        if (types.TryGetValue(exception.TypeName, out var entry))
            types[exception.TypeName] = (entry.Count + 1, exception.Message);
        else if (types.Count < MaxTypesPerSecond)
            types[exception.TypeName] = (1, exception.Message);
        while (_events.Count > 0 && (exception.Time - _events.Peek().Second).TotalSeconds > _options.WindowSeconds + 1)
            _events.Dequeue();
    }

    private Finding? OnRate(CounterSignal counter)
    {
        var now = counter.Time;
        _rates.Add((now, counter.Value, Math.Max(counter.IntervalSeconds, 0.001)));
        var keep = _options.WindowSeconds + _options.BaselineSeconds;
        var drop = _rates.FindIndex(r => (now - r.Time).TotalSeconds <= keep);
        _rates.RemoveRange(0, drop < 0 ? _rates.Count : drop);

        var windowStart = now.AddSeconds(-_options.WindowSeconds);
        var current = _rates.Where(r => r.Time > windowStart).ToList();
        var history = _rates.Where(r => r.Time <= windowStart).ToList();
        var rate = current.Sum(r => r.Count) / Math.Max(current.Sum(r => r.Interval), 0.001);

        double baseline;
        if (_episode.Active)
            baseline = _frozenBaseline;
        else
        {
            if (history.Count < 3 || (windowStart - history[0].Time).TotalSeconds + history[0].Interval < _options.MinBaselineSeconds)
                return null;
            var perSecond = history.Select(r => r.Count / r.Interval).OrderBy(r => r).ToList();
            baseline = perSecond[perSecond.Count / 2];
        }

        var threshold = Math.Max(_options.MinRatePerSecond, _options.Factor * baseline);
        if (rate < threshold)
        {
            if (_episode.Active && rate < threshold / 2 && ++_calmSamples >= 3)
            {
                var lastSeverity = _episode.End();
                return new Finding
                {
                    Kind = Kind,
                    Severity = lastSeverity,
                    Resolved = true,
                    Time = now,
                    Since = _episode.Since,
                    Message = $"exceptions are back to {rate:0.#}/s (baseline {baseline:0.##}/s; {_peakRate:0}/s at the worst)",
                    Evidence = new Evidence().Add("exceptionsPerSecond", Math.Round(rate, 1)).Add("baselinePerSecond", Math.Round(baseline, 2))
                        .Add("peakPerSecond", Math.Round(_peakRate, 1)),
                    Advice = "",
                };
            }
            return null;
        }
        _calmSamples = 0;
        if (_episode.Active)
            _peakRate = Math.Max(_peakRate, rate);
        // The window must be covered: one busy interval right after attaching is not a rate over the window.
        if (current.Sum(r => r.Interval) < Math.Min(_options.WindowSeconds, 2) * 0.9)
            return null;

        var severity = rate >= _options.CriticalRatePerSecond ? Severity.Critical : Severity.Warning;
        if (!_episode.IsNews(severity))
            return null;
        var starting = !_episode.Active;
        if (starting)
        {
            _frozenBaseline = baseline;
            _peakRate = rate;
        }
        var finding = Report(now, severity, rate, baseline, current);
        if (starting)
            _episode.Begin(finding.Since, severity);
        else
            _episode.Escalate(severity);
        return finding;
    }
}
