using System;
using System.Collections.Generic;

namespace Guard.Runtime.Detection;

/// <summary>An ordinary least-squares line through (x, y) points, with its goodness of fit.</summary>
public readonly record struct TrendFit(double Slope, double Intercept, double RSquared, int Count)
{
    public double ValueAt(double x) => Intercept + Slope * x;

    /// <summary>Fits y = a + b·x. Fewer than two distinct x values give a flat line with R² 0.</summary>
    public static TrendFit Fit(IReadOnlyList<(double X, double Y)> points)
    {
        var n = points.Count;
        if (n == 0)
            return new TrendFit(0, 0, 0, 0);

        double meanX = 0, meanY = 0;
        foreach (var (x, y) in points)
        {
            meanX += x;
            meanY += y;
        }
        meanX /= n;
        meanY /= n;

        double sxx = 0, sxy = 0, syy = 0;
        foreach (var (x, y) in points)
        {
            sxx += (x - meanX) * (x - meanX);
            sxy += (x - meanX) * (y - meanY);
            syy += (y - meanY) * (y - meanY);
        }

        if (sxx <= double.Epsilon)
            return new TrendFit(0, meanY, 0, n);

        var slope = sxy / sxx;
        var intercept = meanY - slope * meanX;
        // A perfectly flat series is explained perfectly by a flat line; R² is defined as 1 there only when the slope is 0.
        var rSquared = syy <= double.Epsilon ? (Math.Abs(slope) <= double.Epsilon ? 1 : 0) : (sxy * sxy) / (sxx * syy);
        return new TrendFit(slope, intercept, rSquared, n);
    }
}
