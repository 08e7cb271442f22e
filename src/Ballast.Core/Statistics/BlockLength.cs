namespace Ballast.Statistics;

/// <summary>
/// The automatic block length of Politis and White (2004) with the correction of Patton, Politis and White (2009):
/// b̂ = (2 Ĝ² / D̂)^(1/3) n^(1/3), D̂ = 2 ĝ(0)² for the stationary bootstrap and (4/3) ĝ(0)² for the circular one,
/// Ĝ = Σ_{|k|≤M} λ(k/M) |k| R̂(k), ĝ(0) = Σ_{|k|≤M} λ(k/M) R̂(k), λ the flat-top (trapezoid) kernel, and M = 2 m̂ where
/// m̂ is the smallest lag after which K_n = max(5, ⌈√log₁₀ n⌉) autocorrelations in a row are below 2 √(log₁₀ n / n).
/// The result is clamped to [1, min(3 √n, n / 3)]. See docs/statistics.md.
/// </summary>
public static class BlockLength
{
    /// <summary>The rule's block length for <paramref name="series"/> (a mean block length for the stationary bootstrap).</summary>
    public static double Optimal(ReadOnlySpan<double> series, BootstrapKind kind)
    {
        var n = series.Length;
        if (n < 4)
        {
            return 1;
        }

        var mean = 0.0;
        foreach (var x in series)
        {
            mean += x;
        }

        mean /= n;
        var centred = new double[n];
        for (var t = 0; t < n; t++)
        {
            centred[t] = series[t] - mean;
        }

        var kn = Math.Max(5, (int)Math.Ceiling(Math.Sqrt(Math.Log10(n))));
        var mMax = Math.Min((int)Math.Ceiling(Math.Sqrt(n)) + kn, n - 1);
        var threshold = 2 * Math.Sqrt(Math.Log10(n) / n);
        var acv = new double[mMax + 1];
        for (var k = 0; k <= mMax; k++)
        {
            var sum = 0.0;
            for (var t = k; t < n; t++)
            {
                sum += centred[t] * centred[t - k];
            }

            acv[k] = sum / n;
        }

        if (!(acv[0] > 0))
        {
            return 1;
        }

        // m̂: the first lag m such that |ρ(m + 1)| .. |ρ(m + K_n)| are all below the threshold.
        int? mHat = null;
        for (var m = 0; m + kn <= mMax && mHat is null; m++)
        {
            var quiet = true;
            for (var k = 1; k <= kn && quiet; k++)
            {
                quiet = Math.Abs(acv[m + k] / acv[0]) < threshold;
            }

            if (quiet)
            {
                mHat = m;
            }
        }

        var bigM = mHat is { } found ? Math.Min(2 * Math.Max(found, 1), mMax) : mMax;
        double g = 0, g0 = acv[0];
        for (var k = 1; k <= bigM; k++)
        {
            var lambda = FlatTop((double)k / bigM);
            g += 2 * lambda * k * acv[k];
            g0 += 2 * lambda * acv[k];
        }

        var d = kind == BootstrapKind.Stationary ? 2 * g0 * g0 : 4.0 / 3.0 * g0 * g0;
        var upper = Math.Max(1, Math.Min(3 * Math.Sqrt(n), n / 3.0));
        if (!(d > 0))
        {
            return 1;
        }

        var b = Math.Pow(2 * g * g / d, 1.0 / 3.0) * Math.Pow(n, 1.0 / 3.0);
        return double.IsFinite(b) ? Math.Clamp(b, 1, upper) : 1;
    }

    /// <summary>The flat-top kernel λ(t): 1 for |t| ≤ ½, 2 (1 − |t|) for ½ &lt; |t| ≤ 1, else 0.</summary>
    public static double FlatTop(double t)
    {
        var x = Math.Abs(t);
        return x <= 0.5 ? 1 : x <= 1 ? 2 * (1 - x) : 0;
    }
}
