using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace Ballast.Core.Tests.Statistics;

/// <summary>Seeded simulated return series for the statistics tests.</summary>
internal static class Draws
{
    /// <summary>n iid bivariate normal pairs with the given means, deviations and correlation.</summary>
    public static (double[] A, double[] B) NormalPair(int seed, int n, double meanA, double sdA, double meanB, double sdB, double rho)
    {
        var random = new MersenneTwister(seed);
        var a = new double[n];
        var b = new double[n];
        for (var t = 0; t < n; t++)
        {
            var z1 = Normal.Sample(random, 0, 1);
            var z2 = Normal.Sample(random, 0, 1);
            a[t] = meanA + (sdA * z1);
            b[t] = meanB + (sdB * ((rho * z1) + (Math.Sqrt(1 - (rho * rho)) * z2)));
        }

        return (a, b);
    }

    /// <summary>n iid normal values.</summary>
    public static double[] Normals(int seed, int n, double mean, double sd)
    {
        var random = new MersenneTwister(seed);
        return Enumerable.Range(0, n).Select(_ => Normal.Sample(random, mean, sd)).ToArray();
    }

    /// <summary>An AR(1) series xₜ = φ xₜ₋₁ + εₜ, ε standard normal, after a burn-in of 500.</summary>
    public static double[] Ar1(int seed, int n, double phi)
    {
        var random = new MersenneTwister(seed);
        var x = 0.0;
        var series = new double[n];
        for (var t = -500; t < n; t++)
        {
            x = (phi * x) + Normal.Sample(random, 0, 1);
            if (t >= 0)
            {
                series[t] = x;
            }
        }

        return series;
    }

    /// <summary>The sample mean, sample covariance (ddof 1) of two series, by LINQ (a second implementation for the tests).</summary>
    public static double Cov(double[] a, double[] b)
    {
        var ma = a.Average();
        var mb = b.Average();
        return a.Zip(b, (x, y) => (x - ma) * (y - mb)).Sum() / (a.Length - 1);
    }
}
