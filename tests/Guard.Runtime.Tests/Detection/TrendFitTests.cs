using System.Collections.Generic;
using Guard.Runtime.Detection;

namespace Guard.Runtime.Tests.Detection;

public class TrendFitTests
{
    [Fact]
    public void A_straight_line_fits_exactly()
    {
        var fit = TrendFit.Fit(new List<(double, double)> { (0, 10), (1, 12), (2, 14), (5, 20) });
        Assert.Equal(2, fit.Slope, 9);
        Assert.Equal(10, fit.Intercept, 9);
        Assert.Equal(1, fit.RSquared, 9);
        Assert.Equal(30, fit.ValueAt(10), 9);
    }

    [Fact]
    public void Noise_lowers_the_goodness_of_fit()
    {
        var fit = TrendFit.Fit(new List<(double, double)> { (0, 10), (1, 30), (2, 5), (3, 28), (4, 8) });
        Assert.True(fit.RSquared < 0.2);
    }

    [Fact]
    public void Degenerate_inputs_give_a_flat_line()
    {
        Assert.Equal(0, TrendFit.Fit(new List<(double, double)>()).Slope);
        var same = TrendFit.Fit(new List<(double, double)> { (3, 1), (3, 5) });
        Assert.Equal(0, same.Slope);
        Assert.Equal(3, same.Intercept);
        Assert.Equal(0, same.RSquared);
        Assert.Equal(1, TrendFit.Fit(new List<(double, double)> { (0, 7), (1, 7), (2, 7) }).RSquared);
    }
}
