using System;
using Guard.Runtime.Detection;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Tests.Detection;

public class GcPauseWindowTests
{
    private static readonly DateTime T0 = new(2026, 12, 2, 3, 0, 0, DateTimeKind.Utc);

    private static GcPauseSignal Pause(double startSeconds, double milliseconds) =>
        new(T0.AddSeconds(startSeconds).AddMilliseconds(milliseconds), T0.AddSeconds(startSeconds));

    [Fact]
    public void The_share_is_the_time_paused_over_the_span()
    {
        var window = new GcPauseWindow();
        window.Add(Pause(1, 200));
        window.Add(Pause(3, 300), induced: true);

        var paused = window.Paused(T0, T0.AddSeconds(5));
        Assert.Equal(0.5, paused.Seconds, 6);
        Assert.Equal(300, paused.LongestMs, 6);
        Assert.Equal(T0.AddSeconds(1), paused.FirstStart);
        Assert.Equal(300, paused.InducedMs, 6);
        Assert.Equal(0.1, window.Share(T0, T0.AddSeconds(5)), 6);
    }

    [Fact]
    public void A_pause_counts_only_for_the_part_inside_the_span()
    {
        var window = new GcPauseWindow();
        window.Add(Pause(0.9, 200)); // 0.9 s to 1.1 s
        Assert.Equal(0.1, window.Paused(T0.AddSeconds(1), T0.AddSeconds(2)).Seconds, 6);
        Assert.Equal(0, window.Paused(T0.AddSeconds(2), T0.AddSeconds(3)).Seconds);
        Assert.Null(window.Paused(T0.AddSeconds(2), T0.AddSeconds(3)).FirstStart);
        // An empty span does not divide by zero.
        Assert.Equal(0, window.Share(T0.AddSeconds(5), T0.AddSeconds(5)));
    }

    [Fact]
    public void A_summary_of_many_pauses_keeps_its_longest_and_old_pauses_are_trimmed()
    {
        var window = new GcPauseWindow();
        window.Add(new GcPauseSignal(T0.AddSeconds(1), T0.AddSeconds(0.5)) { Count = 40, Longest = TimeSpan.FromMilliseconds(30) });
        window.Add(Pause(8, 10));
        Assert.Equal(30, window.Paused(T0, T0.AddSeconds(10)).LongestMs, 6);

        window.Trim(T0.AddSeconds(10), TimeSpan.FromSeconds(5));
        Assert.Equal(1, window.Count);
        Assert.Equal(0.01, window.Paused(T0, T0.AddSeconds(10)).Seconds, 6);
    }
}
