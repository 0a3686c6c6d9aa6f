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
    public Option<int?> Duration { get; } = new("--duration", "-d")
    {
        Description = "Stop after this many seconds (default: until Ctrl+C, or until the target exits).",
        HelpName = "seconds",
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

    public Option<bool> NoAllocationSampling { get; } = new("--no-alloc-sampling")
    {
        Description = "Do not sample allocations (GCAllocationTick, one event per ~100 KB allocated): cheaper for the target, but no allocating types are named.",
    };

    public WatchOptions()
    {
        Duration.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is <= 0)
                result.AddError("--duration must be a positive number of seconds");
        });
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

    public void AddTo(Command command)
    {
        command.Options.Add(Duration);
        command.Options.Add(Format);
        command.Options.Add(FailOn);
        command.Options.Add(Thresholds);
        command.Options.Add(Output);
        command.Options.Add(NoAllocationSampling);
    }

    public WatchSettings Read(ParseResult parse)
    {
        var detectors = new DetectorOptions { SampleAllocations = !parse.GetValue(NoAllocationSampling) };
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
