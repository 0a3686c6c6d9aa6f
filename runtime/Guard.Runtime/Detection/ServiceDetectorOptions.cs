using System.Collections.Generic;
using System.Linq;

namespace Guard.Runtime.Detection;

/// <summary>Thresholds of the rate-limit detector (429 storms and retries that ignore them).</summary>
public sealed class RateLimitOptions
{
    /// <summary>The window over which throttled responses are counted per host (a minute: rate limits are mostly per minute).</summary>
    public double WindowSeconds { get; set; } = 60;

    /// <summary>Throttled responses (429, or 503 from a host that also answered 429) from one host in the window that are reported.</summary>
    public int MinThrottled { get; set; } = 10;

    /// <summary>A request to a host sent sooner than this after its 429 ignored the rate limit: Retry-After counts in whole seconds.</summary>
    public double EarlyRetryMilliseconds { get; set; } = 1000;

    /// <summary>Requests sent too soon after a 429, in the window, that make a retry storm (critical) once the host has throttled 3 times.</summary>
    public int MinEarlyRetries { get; set; } = 5;
}

/// <summary>Thresholds of the connection-pool saturation detector.</summary>
public sealed class ConnectionPoolOptions
{
    /// <summary>The window over which waits for a connection are gathered per host.</summary>
    public double WindowSeconds { get; set; } = 10;

    /// <summary>Requests that waited for a connection to one host in the window before it can be saturation.</summary>
    public int MinQueued { get; set; } = 5;

    /// <summary>The median wait, in ms, that is reported.</summary>
    public double MinWaitMilliseconds { get; set; } = 100;

    /// <summary>The median wait, in ms, that is critical.</summary>
    public double CriticalWaitMilliseconds { get; set; } = 1000;
}

/// <summary>Thresholds of the timer leak detector.</summary>
public sealed class TimerLeakOptions
{
    /// <summary>How far back the active timer count is fitted.</summary>
    public double WindowSeconds { get; set; } = 180;

    /// <summary>The rise must span at least this long: timers of requests in flight rise for as long as their timeout, then level off.</summary>
    public double MinSpanSeconds { get; set; } = 60;

    /// <summary>Timers added over the rise before it can be a leak.</summary>
    public double MinGrowth { get; set; } = 500;

    /// <summary>The floor on growth, timers a minute.</summary>
    public double MinGrowthPerMinute { get; set; } = 60;

    /// <summary>Growth, timers a minute, that is critical.</summary>
    public double CriticalGrowthPerMinute { get; set; } = 6000;

    public double MinRSquared { get; set; } = 0.8;

    /// <summary>The recent half of the rise must keep this share of the overall pace (a count that levels off does not).</summary>
    public double MinRecentRateRatio { get; set; } = 0.7;
}

/// <summary>Thresholds of the memory limit detector.</summary>
public sealed class MemoryLimitOptions
{
    /// <summary>The window over which the growth toward the limit is fitted.</summary>
    public double WindowSeconds { get; set; } = 300;

    /// <summary>The fit must span at least this long.</summary>
    public double MinSpanSeconds { get; set; } = 20;

    /// <summary>The usage must have risen by this share of the limit (%) over the window.</summary>
    public double MinRisePercent { get; set; } = 5;

    /// <summary>Share of the limit in use (%) below which nothing is reported.</summary>
    public double MinPercent { get; set; } = 70;

    /// <summary>Reported when the limit would be reached within this many seconds at the current rate.</summary>
    public double HorizonSeconds { get; set; } = 600;

    /// <summary>Critical when the limit would be reached within this many seconds.</summary>
    public double CriticalSeconds { get; set; } = 60;

    public double MinRSquared { get; set; } = 0.6;

    /// <summary>The recent half of the window must keep this share of the overall pace: a cache that fills and levels off slows down.</summary>
    public double MinRecentRateRatio { get; set; } = 0.7;
}

/// <summary>Thresholds of the exception storm detector.</summary>
public sealed class ExceptionStormOptions
{
    /// <summary>The window the current rate is measured over.</summary>
    public double WindowSeconds { get; set; } = 5;

    /// <summary>How far back the process's own baseline rate is taken (its median per interval).</summary>
    public double BaselineSeconds { get; set; } = 120;

    /// <summary>Seconds of history needed before a baseline exists; until then nothing is reported.</summary>
    public double MinBaselineSeconds { get; set; } = 30;

    /// <summary>Exceptions a second below which nothing is a storm, whatever the baseline.</summary>
    public double MinRatePerSecond { get; set; } = 50;

    /// <summary>How many times the baseline rate the current rate must reach.</summary>
    public double Factor { get; set; } = 10;

    /// <summary>Exceptions a second that are critical.</summary>
    public double CriticalRatePerSecond { get; set; } = 1000;
}

public sealed partial class DetectorOptions
{
    public RateLimitOptions RateLimit { get; } = new();
    public ConnectionPoolOptions Pool { get; } = new();
    public TimerLeakOptions Timers { get; } = new();
    public MemoryLimitOptions MemoryLimit { get; } = new();
    public ExceptionStormOptions Exceptions { get; } = new();

    // After the initializer of Thresholds (DetectorOptions.cs) has run: the keys of these detectors follow the others.
    static DetectorOptions() => Thresholds = Thresholds.Concat(ServiceThresholds()).ToArray();

    private static IEnumerable<Threshold> ServiceThresholds() => new Threshold[]
    {
        new("ratelimit.per-min", "throttled responses (429) from one host in the window that are reported", 1, 1e9, o => o.RateLimit.MinThrottled, (o, v) => o.RateLimit.MinThrottled = (int)v),
        new("ratelimit.window", "seconds over which throttled responses are counted per host", 1, 86400, o => o.RateLimit.WindowSeconds, (o, v) => o.RateLimit.WindowSeconds = v),
        new("ratelimit.retry-ms", "a request sooner than this many ms after the host's 429 ignored it", 1, 3.6e6, o => o.RateLimit.EarlyRetryMilliseconds, (o, v) => o.RateLimit.EarlyRetryMilliseconds = v),
        new("ratelimit.early", "requests sent too soon after a 429, in the window, that make a retry storm", 1, 1e9, o => o.RateLimit.MinEarlyRetries, (o, v) => o.RateLimit.MinEarlyRetries = (int)v),
        new("pool.window", "seconds over which waits for a connection are gathered per host", 1, 3600, o => o.Pool.WindowSeconds, (o, v) => o.Pool.WindowSeconds = v),
        new("pool.queued", "requests that waited for a connection to one host in the window", 1, 1e9, o => o.Pool.MinQueued, (o, v) => o.Pool.MinQueued = (int)v),
        new("pool.wait-ms", "median wait for a connection, ms, that is reported", 1, 3.6e6, o => o.Pool.MinWaitMilliseconds, (o, v) => o.Pool.MinWaitMilliseconds = v),
        new("pool.wait-critical-ms", "median wait for a connection, ms, that is critical", 1, 3.6e6, o => o.Pool.CriticalWaitMilliseconds, (o, v) => o.Pool.CriticalWaitMilliseconds = v),
        new("timer.window", "seconds of active-timer-count the trend is fitted over", 5, 86400, o => o.Timers.WindowSeconds, (o, v) => o.Timers.WindowSeconds = v),
        new("timer.min-span", "seconds the rise of active timers must span", 1, 86400, o => o.Timers.MinSpanSeconds, (o, v) => o.Timers.MinSpanSeconds = v),
        new("timer.growth", "timers added over the rise before it can be a leak", 1, 1e9, o => o.Timers.MinGrowth, (o, v) => o.Timers.MinGrowth = v),
        new("timer.rate", "floor on timer growth, timers a minute", 0.01, 1e9, o => o.Timers.MinGrowthPerMinute, (o, v) => o.Timers.MinGrowthPerMinute = v),
        new("timer.rate-critical", "timer growth, timers a minute, that is critical", 0.01, 1e9, o => o.Timers.CriticalGrowthPerMinute, (o, v) => o.Timers.CriticalGrowthPerMinute = v),
        new("memlimit.percent", "% of the memory limit in use below which nothing is reported", 1, 100, o => o.MemoryLimit.MinPercent, (o, v) => o.MemoryLimit.MinPercent = v),
        new("memlimit.horizon", "seconds left to the limit, at the current rate, that are reported", 1, 86400, o => o.MemoryLimit.HorizonSeconds, (o, v) => o.MemoryLimit.HorizonSeconds = v),
        new("memlimit.critical-left", "seconds left to the limit that are critical", 1, 86400, o => o.MemoryLimit.CriticalSeconds, (o, v) => o.MemoryLimit.CriticalSeconds = v),
        new("memlimit.rise", "% of the limit the usage must have risen by over the window", 0.1, 100, o => o.MemoryLimit.MinRisePercent, (o, v) => o.MemoryLimit.MinRisePercent = v),
        new("memlimit.min-span", "seconds the rise toward the limit must span", 1, 86400, o => o.MemoryLimit.MinSpanSeconds, (o, v) => o.MemoryLimit.MinSpanSeconds = v),
        new("memlimit.window", "seconds over which the growth toward the limit is fitted", 5, 86400, o => o.MemoryLimit.WindowSeconds, (o, v) => o.MemoryLimit.WindowSeconds = v),
        new("exception.rate", "exceptions a second below which nothing is a storm", 0.1, 1e9, o => o.Exceptions.MinRatePerSecond, (o, v) => o.Exceptions.MinRatePerSecond = v),
        new("exception.factor", "times the process's own baseline rate that is a storm", 1.5, 1e6, o => o.Exceptions.Factor, (o, v) => o.Exceptions.Factor = v),
        new("exception.rate-critical", "exceptions a second that are critical", 0.1, 1e9, o => o.Exceptions.CriticalRatePerSecond, (o, v) => o.Exceptions.CriticalRatePerSecond = v),
        new("exception.window", "seconds the current exception rate is measured over", 1, 3600, o => o.Exceptions.WindowSeconds, (o, v) => o.Exceptions.WindowSeconds = v),
        new("exception.baseline-window", "seconds of history the baseline rate is taken from", 5, 86400, o => o.Exceptions.BaselineSeconds, (o, v) => o.Exceptions.BaselineSeconds = v),
        new("exception.baseline-min", "seconds of history needed before a baseline exists", 1, 86400, o => o.Exceptions.MinBaselineSeconds, (o, v) => o.Exceptions.MinBaselineSeconds = v),
    };
}
