using System;
using System.CommandLine;
using Guard.Cli;
using Guard.Runtime.Detection;

namespace Guard.Runtime.Tests.Cli;

public class CommandLineTests
{
    private static (WatchSettings Settings, ParseResult Parse) Read(string arguments)
    {
        var options = new WatchOptions();
        var command = new RootCommand();
        options.AddTo(command);
        var parse = command.Parse(arguments);
        return (options.Read(parse), parse);
    }

    [Fact]
    public void Defaults_are_text_fail_on_warning_no_duration_and_no_continuous_allocation_sampling()
    {
        var (settings, parse) = Read("");
        Assert.Empty(parse.Errors);
        Assert.Null(settings.Duration);
        Assert.Equal(OutputFormat.Text, settings.Format);
        Assert.Equal(Severity.Warning, settings.FailOn);
        Assert.False(settings.Detectors.SampleAllocations);
        Assert.Null(settings.OutputPath);
    }

    [Fact]
    public void Options_are_read_into_settings()
    {
        var (settings, parse) = Read("--duration 30 --format json --fail-on critical -t gc.pause=35 --threshold leak.rate=2.5 --alloc-sampling -o out.jsonl");
        Assert.Empty(parse.Errors);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Duration);
        Assert.Equal(OutputFormat.Json, settings.Format);
        Assert.Equal(Severity.Critical, settings.FailOn);
        Assert.Equal(35, settings.Detectors.Gc.PausePercentWarning);
        Assert.Equal(2.5, settings.Detectors.Leak.MinGrowthMBPerMin);
        Assert.True(settings.Detectors.SampleAllocations);
        Assert.EndsWith("out.jsonl", settings.OutputPath);
        // Accepted as before, and what the default is now.
        Assert.False(Read("--no-alloc-sampling").Settings.Detectors.SampleAllocations);
        Assert.False(Read("--alloc-sampling --no-alloc-sampling").Settings.Detectors.SampleAllocations);
    }

    [Fact]
    public void Heap_snapshots_are_on_by_default_and_off_with_no_heap_snapshots()
    {
        var (defaults, _) = Read("-t leak.snapshot-interval=7 -t leak.snapshots=2");
        var (off, parse) = Read("--no-heap-snapshots");

        Assert.Empty(parse.Errors);
        Assert.True(defaults.Detectors.HeapSnapshots.Enabled);
        Assert.Equal(7, defaults.Detectors.HeapSnapshots.IntervalSeconds);
        Assert.Equal(2, defaults.Detectors.HeapSnapshots.MaxPerSession);
        Assert.False(off.Detectors.HeapSnapshots.Enabled);
    }

    [Theory]
    [InlineData("attach 12 --duration -1")]
    [InlineData("attach 12 --format yaml")]
    [InlineData("attach 12 --fail-on info")]
    [InlineData("attach 12 --threshold threadpool.queue")]
    [InlineData("attach 12 --threshold leak.r2=2")]
    [InlineData("attach")]
    [InlineData("run")]
    [InlineData("ps extra")]
    public void Malformed_command_lines_are_parse_errors(string arguments)
    {
        Assert.NotEmpty(GuardCommandLine.Build().Parse(arguments).Errors);
    }

    [Theory]
    [InlineData("--duration 1.5", 1.5)]
    [InlineData("--duration 0.25", 0.25)]
    [InlineData("-d 2592000", 2592000)]
    public void Fractional_durations_are_accepted(string arguments, double seconds)
    {
        var (settings, parse) = Read(arguments);
        Assert.Empty(parse.Errors);
        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.Duration);
    }

    // Issue 11: these crashed the parser with an unhandled InvalidOperationException (exit 134).
    [Theory]
    [InlineData("attach 12 --duration 1e9", "at most")]
    [InlineData("attach 12 --duration 3000000000", "at most")]
    [InlineData("attach 12 --duration 0", "more than 0")]
    [InlineData("attach 12 --duration NaN", "needs a number")]
    [InlineData("attach 12 --duration soon", "needs a number")]
    [InlineData("run --duration 1e300 -- dotnet app.dll", "at most")]
    public void Out_of_range_durations_are_one_line_parse_errors(string arguments, string expected)
    {
        var errors = GuardCommandLine.Build().Parse(arguments).Errors;
        var error = Assert.Single(errors);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void Run_takes_everything_after_the_double_dash_as_the_command()
    {
        var parse = GuardCommandLine.Build().Parse(new[] { "run", "--duration", "5", "--", "dotnet", "app.dll", "--format", "csv", "@args.txt" },
            new ParserConfiguration { ResponseFileTokenReplacer = null });
        Assert.Empty(parse.Errors);
        Assert.Equal(new[] { "dotnet", "app.dll", "--format", "csv", "@args.txt" }, parse.GetValue<string[]>("command"));
    }
}
