namespace Ballast.Io.Reports.Tearsheet;

/// <summary>
/// Equity relative to buy-and-hold: the policy's growth divided by the baseline's growth, row by row,
/// Rₜ = (Pₜ / P₀) / (Bₜ / B₀). Above 1 the policy is ahead of buy-and-hold since the window's start; the slope is the
/// running rebalancing premium (a flat line: no difference).
/// </summary>
public static class RelativeEquity
{
    /// <summary>
    /// Rₜ for t = 0 .. n − 1, n the shorter of the two series; NaN where either NAV is not positive and finite (or
    /// the first NAV of either is not).
    /// </summary>
    public static double[] Compute(ReadOnlySpan<double> policyNav, ReadOnlySpan<double> baselineNav)
    {
        var n = Math.Min(policyNav.Length, baselineNav.Length);
        var ratio = new double[n];
        if (n == 0)
        {
            return ratio;
        }

        var p0 = policyNav[0];
        var b0 = baselineNav[0];
        for (var t = 0; t < n; t++)
        {
            var p = policyNav[t];
            var b = baselineNav[t];
            ratio[t] = Positive(p0) && Positive(b0) && Positive(p) && Positive(b) ? (p / p0) / (b / b0) : double.NaN;
        }

        return ratio;
    }

    private static bool Positive(double value) => double.IsFinite(value) && value > 0;
}
