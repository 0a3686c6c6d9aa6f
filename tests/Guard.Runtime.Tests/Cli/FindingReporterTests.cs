using System;
using System.IO;
using System.Text.Json;
using Guard.Cli;
using Guard.Runtime.Detection;
using Guard.Runtime.Output;
using Guard.Runtime.Session;

namespace Guard.Runtime.Tests.Cli;

public class FindingReporterTests
{
    private static Finding Sample(Severity severity) => new()
    {
        Kind = FindingKinds.GcPressure,
        Severity = severity,
        Pid = 4242,
        Process = "TradingBot",
        Time = new DateTime(2026, 11, 22, 5, 0, 12, DateTimeKind.Utc),
        Since = new DateTime(2026, 11, 22, 5, 0, 10, DateTimeKind.Utc),
        Message = "GC paused the process 68% of the last 5 s",
        Evidence = new Evidence().Add("pausePercent", 68.2).Add("collections", 41),
        Culprits = new[] { new Evidence().Add("type", "System.Byte[]").Add("sampledMB", 412.3).Add("share", 0.71) },
        Advice = "Allocate less on the hot path.",
    };

    private static WatchSettings Settings(OutputFormat format, Severity failOn = Severity.Warning) =>
        new(null, format, failOn, new DetectorOptions(), null);

    [Fact]
    public void Json_findings_are_one_line_each()
    {
        var output = new StringWriter();
        using (var reporter = new FindingReporter(Settings(OutputFormat.Json), output, new StringWriter(), statusLine: false))
        {
            reporter.Report(Sample(Severity.Warning));
            reporter.Report(Sample(Severity.Critical));
        }
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("critical", JsonDocument.Parse(lines[1]).RootElement.GetProperty("severity").GetString());
    }

    [Fact]
    public void A_text_block_reads_as_a_diagnosis()
    {
        var block = FindingText.Block(Sample(Severity.Critical));
        Assert.StartsWith("05:00:12Z CRITICAL gc-pressure in TradingBot (pid 4242), since 05:00:10.0Z (2 s ago)", block);
        Assert.Contains("  GC paused the process 68% of the last 5 s", block);
        Assert.Contains("evidence: pausePercent=68.2 collections=41", block);
        Assert.Contains("most allocated types (sampled): System.Byte[] 71% (412.3 MB)", block);
        Assert.Contains("advice: Allocate less on the hot path.", block);
    }

    [Theory]
    [InlineData(Severity.Warning, Severity.Warning, 1)]
    [InlineData(Severity.Warning, Severity.Critical, 1)]
    [InlineData(Severity.Critical, Severity.Critical, 1)]
    [InlineData(Severity.Critical, Severity.Warning, 0)]
    public void Fail_on_decides_which_findings_make_exit_code_1(Severity failOn, Severity found, int expected)
    {
        using var reporter = new FindingReporter(Settings(OutputFormat.Text, failOn), new StringWriter(), new StringWriter(), statusLine: false);
        reporter.Report(Sample(found));
        Assert.Equal(expected, reporter.ExitCode(0));
    }

    [Fact]
    public void Nothing_found_keeps_the_fallback_exit_code()
    {
        using var reporter = new FindingReporter(Settings(OutputFormat.Text), new StringWriter(), new StringWriter(), statusLine: false);
        Assert.Equal(0, reporter.ExitCode(0));
        Assert.Equal(2, reporter.ExitCode(2));
    }

    [Fact]
    public void The_status_line_is_redrawn_in_place_and_cleared_before_a_finding()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using (var reporter = new FindingReporter(Settings(OutputFormat.Text), output, error, statusLine: true))
        {
            reporter.Status(new StatusSnapshot(DateTime.UtcNow, 299.4, 68, 5, 1542, 420, 95, 12), 4242, "TradingBot");
            reporter.Report(Sample(Severity.Warning));
            reporter.Summary("process 4242 (TradingBot)");
        }
        var text = error.ToString();
        Assert.Contains("\r\u001b[Kguard | pid 4242 TradingBot | heap 299 MB | GC 68% | alloc 420 MB/s | threads 5 | queue 1542 | cpu 95% | 0 findings", text);
        Assert.Contains("guard: watched process 4242 (TradingBot) for 0 s: 1 finding: gc-pressure", text);
        Assert.EndsWith("\n", text);
        Assert.Contains("WARNING gc-pressure", output.ToString());
    }

    [Fact]
    public void Without_a_terminal_there_is_no_status_line()
    {
        var error = new StringWriter();
        using (var reporter = new FindingReporter(Settings(OutputFormat.Text), new StringWriter(), error, statusLine: false))
            reporter.Status(new StatusSnapshot(DateTime.UtcNow, 1, 0, 1, 0, 0, 0, 0), 1, "x");
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void Findings_can_go_to_a_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "guard-findings-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            var settings = Settings(OutputFormat.Json) with { OutputPath = path };
            var stdout = new StringWriter();
            using (var reporter = new FindingReporter(settings, stdout, new StringWriter(), statusLine: false))
                reporter.Report(Sample(Severity.Warning));
            Assert.Equal("", stdout.ToString());
            Assert.Single(File.ReadAllLines(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_resolved_record_is_one_text_line_and_does_not_change_the_exit_code_or_the_count()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var reporter = new FindingReporter(Settings(OutputFormat.Text, Severity.Critical), output, error, statusLine: false);
        reporter.Report(Sample(Severity.Warning));
        reporter.Report(Sample(Severity.Warning) with { Resolved = true, Message = "GC pressure cleared: 1% of the last 5 s paused", Advice = "" });

        Assert.Contains("05:00:12Z RESOLVED gc-pressure in TradingBot (pid 4242), since 05:00:10.0Z: GC pressure cleared", output.ToString());
        // Below --fail-on critical: exit 0; the resolved record (severity warning too) does not count either way.
        Assert.Equal(0, reporter.ExitCode(0));
        reporter.Summary("process 4242 (TradingBot)");
        Assert.Contains("1 finding: gc-pressure; 1 resolved since", error.ToString());
    }

    [Fact]
    public void A_finding_that_resolved_still_fails_the_run()
    {
        using var reporter = new FindingReporter(Settings(OutputFormat.Json), new StringWriter(), new StringWriter(), statusLine: false);
        reporter.Report(Sample(Severity.Critical));
        reporter.Report(Sample(Severity.Critical) with { Resolved = true });
        Assert.Equal(1, reporter.ExitCode(0));
    }
}
