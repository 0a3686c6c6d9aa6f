using System;
using System.IO;
using Guard.Cli;
using Guard.Runtime.Detection;
using Guard.Runtime.Session;

namespace Guard.Runtime.Tests.Session;

/// <summary>Events the runtime drops are said while they are dropped and totalled at the end, in text and JSON runs alike.</summary>
public class EventLossWatchTests
{
    private static readonly DateTime T0 = new(2026, 12, 2, 3, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Nothing_is_said_while_nothing_is_lost()
    {
        var watch = new EventLossWatch();
        Assert.Null(watch.Check(0, T0));
        Assert.Null(watch.Check(0, T0.AddSeconds(30)));
        Assert.Equal(0, watch.Total);
        Assert.Equal("", EventLossWatch.SummaryPart(0));
    }

    [Fact]
    public void A_loss_is_said_at_once_with_its_count_then_at_most_once_per_interval()
    {
        var watch = new EventLossWatch(TimeSpan.FromSeconds(10));
        Assert.Equal("the runtime dropped 120 events so far (its buffer was full): figures may be understated", watch.Check(120, T0));
        // More losses within the interval wait for it; nothing new after it says nothing.
        Assert.Null(watch.Check(500, T0.AddSeconds(3)));
        Assert.Contains("dropped 900 events", watch.Check(900, T0.AddSeconds(10)));
        Assert.Null(watch.Check(900, T0.AddSeconds(30)));
        watch.Record(950);
        Assert.Equal(950, watch.Total);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_closing_summary_gives_the_total_dropped(bool json)
    {
        var format = json ? OutputFormat.Json : OutputFormat.Text;
        var error = new StringWriter();
        var output = new StringWriter();
        using (var reporter = new FindingReporter(new WatchSettings(null, format, Severity.Warning, new DetectorOptions(), null), output, error, statusLine: false))
            reporter.Summary("process 4242 (TradingBot)", eventsLost: 37);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("guard: watched process 4242 (TradingBot) for 0 s: nothing found; the runtime dropped 37 events (buffer full)", line);
        // Standard output carries findings only: a JSON reader is not handed a line that is not a finding.
        Assert.Equal("", output.ToString());
    }
}
