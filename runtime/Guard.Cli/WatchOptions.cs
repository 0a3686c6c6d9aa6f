using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Guard.Runtime.Detection;

namespace Guard.Cli;

internal enum OutputFormat
{
    Text,
    Json,
}

/// <summary>What `attach` and `run` were asked to do, once the options are parsed and checked.</summary>
internal sealed record WatchSettings(
    TimeSpan? Duration,
    OutputFormat Format,
    Severity FailOn,
    DetectorOptions Detectors,
    string? OutputPath);

/// <summary>The options `attach` and `run` share, and their conversion to <see cref="WatchSettings"/>.</summary>
internal sealed class WatchOptions
{
    /// <summary>The longest --duration: 30 days (timers cannot wait much beyond 49 days, and no watch needs to).</summary>
    public const double MaxDurationSeconds = 30 * 86400;

    public Option<double?> Duration { get; } = new("--duration", "-d")
    {
        Description = "Stop after this many seconds, fractions allowed (default: until Ctrl+C, or until the target exits).",
        HelpName = "seconds",
        // Parsed here rather than by the default converter: a value that is not a number, or out of range, is a parse
        // error (one line, exit 2), never an exception thrown later when a validator reads it.
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (TryParseDuration(text, out var seconds, out var error))
                return seconds;
            result.AddError(error);
            return null;
        },
    };

    public Option<string> Format { get; } = new Option<string>("--format", "-f")
    {
        Description = "text: a status line and one block per finding, for a person. json: one JSON object per finding and line, flushed at once.",
        DefaultValueFactory = _ => "text",
    }.AcceptOnlyFromAmong("text", "json");

    public Option<string> FailOn { get; } = new Option<string>("--fail-on")
    {
        Description = "The least severity that makes the exit code 1 (findings below it are still reported).",
        DefaultValueFactory = _ => "warning",
    }.AcceptOnlyFromAmong("warning", "critical");

    public Option<string[]> Thresholds { get; } = new("--threshold", "-t")
    {
        Description = "Set a detector threshold (repeatable), e.g. -t gc.pause=30. Keys, with their defaults: "
            + string.Join(", ", DetectorOptions.Thresholds.Select(t => $"{t.Key}={t.Get(new DetectorOptions()).ToString(System.Globalization.CultureInfo.InvariantCulture)}"))
            + ". Their meaning: docs/runtime.md.",
        HelpName = "key=value",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<FileInfo?> Output { get; } = new("--output", "-o")
    {
        Description = "Write findings to this file instead of standard output (the status line and messages stay on standard error).",
        HelpName = "file",
    };

    public Option<bool> AllocationSampling { get; } = new("--alloc-sampling")
    {
        Description = "Sample allocations for the whole session (GCAllocationTick, one event per ~100 KB allocated), to name the most allocated "
            + "types over the last 30 s in every GC pressure and leak finding. Off by default: it costs the target all the time, and a GC pressure "
            + "finding is given its allocating types and methods by a short stack burst once it exists.",
    };

    // The default since continuous sampling became opt-in; still accepted so that scripts written before keep working.
    public Option<bool> NoAllocationSampling { get; } = new("--no-alloc-sampling")
    {
        Description = "Do not sample allocations for the whole session (the default).",
        Hidden = true,
    };

    public Option<bool> NoHeapSnapshots { get; } = new("--no-heap-snapshots")
    {
        Description = "Do not take heap snapshots when a leak is suspected (each pauses the target for a full collection and a heap walk): "
            + "the leak is then reported without the growing types and what holds them.",
    };

    public WatchOptions()
    {
        Thresholds.Validators.Add(result =>
        {
            var probe = new DetectorOptions();
            foreach (var setting in result.GetValueOrDefault<string[]>() ?? Array.Empty<string>())
            {
                if (!probe.TrySet(setting, out var error))
                {
                    result.AddError(error);
                    return;
                }
            }
        });
    }

    /// <summary>A --duration value: seconds, fractions allowed, more than 0 and at most <see cref="MaxDurationSeconds"/>.</summary>
    public static bool TryParseDuration(string text, out double seconds, out string error)
    {
        error = "";
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out seconds)
            || !double.IsFinite(seconds))
        {
            error = $"--duration needs a number of seconds, not '{text}'";
            return false;
        }
        if (seconds <= 0 || seconds > MaxDurationSeconds)
        {
            error = $"--duration must be more than 0 and at most {MaxDurationSeconds:0} seconds (30 days), not '{text}'";
            return false;
        }
        return true;
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Duration);
        command.Options.Add(Format);
        command.Options.Add(FailOn);
        command.Options.Add(Thresholds);
        command.Options.Add(Output);
        command.Options.Add(AllocationSampling);
        command.Options.Add(NoAllocationSampling);
        command.Options.Add(NoHeapSnapshots);
    }

    public WatchSettings Read(ParseResult parse)
    {
        var detectors = new DetectorOptions { SampleAllocations = parse.GetValue(AllocationSampling) && !parse.GetValue(NoAllocationSampling) };
        detectors.HeapSnapshots.Enabled = !parse.GetValue(NoHeapSnapshots);
        foreach (var setting in parse.GetValue(Thresholds) ?? Array.Empty<string>())
            detectors.TrySet(setting, out _);
        var seconds = parse.GetValue(Duration);
        return new WatchSettings(
            seconds is { } s ? TimeSpan.FromSeconds(s) : null,
            parse.GetValue(Format) == "json" ? OutputFormat.Json : OutputFormat.Text,
            parse.GetValue(FailOn) == "critical" ? Severity.Critical : Severity.Warning,
            detectors,
            parse.GetValue(Output)?.FullName);
    }
}
