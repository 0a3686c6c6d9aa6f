using System;
using Guard.Runtime.Detection;

namespace Guard.Runtime.Tests.Detection;

public class EpisodeTests
{
    private static readonly DateTime T0 = new(2026, 12, 2, 3, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void An_incident_is_news_once_then_again_only_when_worse()
    {
        var episode = new Episode();
        Assert.False(episode.Active);
        Assert.True(episode.IsNews(Severity.Warning));

        episode.Begin(T0, Severity.Warning);
        Assert.True(episode.Active);
        Assert.Equal(T0, episode.Since);
        Assert.False(episode.IsNews(Severity.Warning));
        Assert.True(episode.IsNews(Severity.Critical));

        Assert.True(episode.Escalate(Severity.Critical));
        Assert.False(episode.Escalate(Severity.Critical));
        Assert.False(episode.Escalate(Severity.Warning));
        Assert.Equal(Severity.Critical, episode.Reported);
        Assert.Equal(T0, episode.Since);
    }

    [Fact]
    public void The_end_gives_the_severity_last_reported_and_the_next_incident_is_news()
    {
        var episode = new Episode();
        episode.Begin(T0, Severity.Critical);
        Assert.Equal(Severity.Critical, episode.End());
        Assert.False(episode.Active);
        // Kept for the resolved record.
        Assert.Equal(T0, episode.Since);
        Assert.False(episode.Escalate(Severity.Critical));
        Assert.True(episode.IsNews(Severity.Warning));

        episode.Begin(T0.AddMinutes(1), Severity.Warning);
        Assert.Equal(Severity.Warning, episode.Reported);
        Assert.Equal(T0.AddMinutes(1), episode.Since);
    }
}
