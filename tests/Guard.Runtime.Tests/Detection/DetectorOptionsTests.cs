using System.Linq;
using Guard.Runtime.Detection;

namespace Guard.Runtime.Tests.Detection;

public class DetectorOptionsTests
{
    [Theory]
    [InlineData("gc.pause=35", 35)]
    [InlineData(" GC.PAUSE = 12.5 ", 12.5)]
    public void A_threshold_is_set_by_key(string setting, double expected)
    {
        var options = new DetectorOptions();
        Assert.True(options.TrySet(setting, out var error), error);
        Assert.Equal(expected, options.Gc.PausePercentWarning);
    }

    [Fact]
    public void Every_key_reads_back_what_was_set()
    {
        foreach (var threshold in DetectorOptions.Thresholds)
        {
            var options = new DetectorOptions();
            var value = threshold.Max >= 5 ? 5 : threshold.Max;
            Assert.True(options.TrySet($"{threshold.Key}={value}", out var error), error);
            Assert.Equal(value, threshold.Get(options));
        }
        Assert.Equal(DetectorOptions.Thresholds.Count, DetectorOptions.Thresholds.Select(t => t.Key).Distinct().Count());
    }

    [Theory]
    [InlineData("gc.pause", "not key=value")]
    [InlineData("=3", "not key=value")]
    [InlineData("gc.nope=3", "unknown threshold 'gc.nope'")]
    [InlineData("gc.pause=lots", "needs a number")]
    [InlineData("gc.pause=NaN", "needs a number")]
    [InlineData("gc.pause=150", "between 0.1 and 100")]
    [InlineData("leak.r2=-1", "between 0 and 1")]
    public void Bad_settings_are_refused_with_a_reason(string setting, string reason)
    {
        var options = new DetectorOptions();
        Assert.False(options.TrySet(setting, out var error));
        Assert.Contains(reason, error);
        Assert.DoesNotContain('\n', error);
        Assert.Equal(20, options.Gc.PausePercentWarning);
    }
}
