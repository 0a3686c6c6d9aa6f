using Guard.Runtime.Signals;

namespace Guard.Runtime.Detection;

/// <summary>
/// Consumes signals in time order and keeps its own sliding windows. Returns a finding when one is due, otherwise null.
/// Detectors are single-threaded: the pipeline calls them from one thread.
/// </summary>
public interface IDetector
{
    string Kind { get; }

    Finding? Observe(Signal signal);
}
