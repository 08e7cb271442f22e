namespace Ballast.Statistics;

/// <summary>The rebalancing premium split into the diversification return and the rest.</summary>
/// <param name="DiversificationReturn">½ (Σ wᵢ σᵢ² − w′ Σ w) × P, annual.</param>
/// <param name="WeightedVariance">Σ wᵢ σᵢ² × P, annual.</param>
/// <param name="PortfolioVariance">w′ Σ w × P, annual.</param>
public readonly record struct PremiumDecomposition(double DiversificationReturn, double WeightedVariance, double PortfolioVariance)
{
    /// <summary>premium − diversification return: what the variance term does not explain (dispersion of the assets' growth, mean reversion, costs).</summary>
    public double Rest(double premium) => premium - DiversificationReturn;
}

/// <summary>
/// The diversification return of Booth and Fama (1992) as Hallerbach (2014) writes it, ½ (Σ wᵢ σᵢ² − w′ Σ w), from
/// target weights and the sample covariance (ddof 1) of the assets' per-period returns; and risk contributions.
/// See docs/statistics.md.
/// </summary>
public static class DiversificationReturn
{
    /// <summary>The sample covariance matrix (ddof 1) of the columns of <paramref name="returns"/> (rows × assets).</summary>
    public static double[,] Covariance(double[,] returns)
    {
        ArgumentNullException.ThrowIfNull(returns);
        var n = returns.GetLength(0);
        var m = returns.GetLength(1);
        if (n < 2)
        {
            throw new ArgumentException("a covariance needs at least two rows of returns", nameof(returns));
        }

        var means = new double[m];
        for (var i = 0; i < m; i++)
        {
            for (var t = 0; t < n; t++)
            {
                means[i] += returns[t, i];
            }

            means[i] /= n;
        }

        var cov = new double[m, m];
        for (var i = 0; i < m; i++)
        {
            for (var j = i; j < m; j++)
            {
                var s = 0.0;
                for (var t = 0; t < n; t++)
                {
                    s += (returns[t, i] - means[i]) * (returns[t, j] - means[j]);
                }

                cov[i, j] = cov[j, i] = s / (n - 1);
            }
        }

        return cov;
    }

    /// <summary>The decomposition for <paramref name="weights"/> (summing to 1) and a per-period covariance, annualised with P.</summary>
    public static PremiumDecomposition Compute(ReadOnlySpan<double> weights, double[,] covariance, int periodsPerYear)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        var m = weights.Length;
        if (covariance.GetLength(0) != m || covariance.GetLength(1) != m)
        {
            throw new ArgumentException($"the covariance must be {m} × {m}", nameof(covariance));
        }

        double weighted = 0, portfolio = 0;
        for (var i = 0; i < m; i++)
        {
            weighted += weights[i] * covariance[i, i];
            for (var j = 0; j < m; j++)
            {
                portfolio += weights[i] * weights[j] * covariance[i, j];
            }
        }

        return new PremiumDecomposition(0.5 * (weighted - portfolio) * periodsPerYear, weighted * periodsPerYear, portfolio * periodsPerYear);
    }

    /// <summary>Risk contributions wᵢ (Σ w)ᵢ / (w′ Σ w), summing to 1; NaN when w′ Σ w is 0.</summary>
    public static double[] RiskContributions(ReadOnlySpan<double> weights, double[,] covariance)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        var m = weights.Length;
        var marginal = new double[m];
        var total = 0.0;
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < m; j++)
            {
                marginal[i] += covariance[i, j] * weights[j];
            }

            total += weights[i] * marginal[i];
        }

        var contributions = new double[m];
        for (var i = 0; i < m; i++)
        {
            contributions[i] = total > 0 ? weights[i] * marginal[i] / total : double.NaN;
        }

        return contributions;
    }
}
