using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Optimisation;

/// <summary>
/// Covariance estimators over a window of simple returns: one row per observation (oldest first), one column per
/// asset. No look-ahead is possible here: the caller passes exactly the rows up to and including the decision row.
/// </summary>
public static class CovarianceEstimators
{
    /// <summary>Sample covariance with ddof = 1 (divides by n − 1).</summary>
    public static Matrix<double> Sample(Matrix<double> returns)
    {
        var (centered, n) = Center(returns, minRows: 2);
        return centered.TransposeThisAndMultiply(centered) / (n - 1);
    }

    /// <summary>
    /// Exponentially weighted covariance: observation k rows before the newest has weight λ^k with
    /// λ = 0.5^(1/halflife), weights normalised to sum to 1, deviations taken from the weighted mean.
    /// </summary>
    public static Matrix<double> Ewma(Matrix<double> returns, double halflife)
    {
        ArgumentNullException.ThrowIfNull(returns);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(halflife, 0);
        var n = returns.RowCount;
        if (n < 2)
        {
            throw new ArgumentException("at least two observations are needed", nameof(returns));
        }

        var lambda = Math.Pow(0.5, 1 / halflife);
        var weights = new double[n];
        var total = 0.0;
        for (var t = 0; t < n; t++)
        {
            weights[t] = Math.Pow(lambda, n - 1 - t);
            total += weights[t];
        }

        var p = returns.ColumnCount;
        var mean = new double[p];
        for (var t = 0; t < n; t++)
        {
            for (var j = 0; j < p; j++)
            {
                mean[j] += weights[t] / total * returns[t, j];
            }
        }

        var covariance = Matrix<double>.Build.Dense(p, p);
        for (var t = 0; t < n; t++)
        {
            var w = weights[t] / total;
            for (var i = 0; i < p; i++)
            {
                var di = returns[t, i] - mean[i];
                for (var j = i; j < p; j++)
                {
                    covariance[i, j] += w * di * (returns[t, j] - mean[j]);
                }
            }
        }

        return Symmetrise(covariance);
    }

    /// <summary>
    /// Ledoit-Wolf shrinkage towards the scaled identity μI (μ = average variance), in the standard closed form
    /// (Ledoit and Wolf 2004, as implemented by scikit-learn): the sample covariance here is the maximum-likelihood
    /// one (divides by n), and the shrinkage δ = min(β, δ̂) / δ̂ with β the estimated variance of the sample
    /// covariance entries and δ̂ its distance to the target.
    /// </summary>
    public static (Matrix<double> Covariance, double Shrinkage) LedoitWolf(Matrix<double> returns)
    {
        var (x, n) = Center(returns, minRows: 2);
        var p = x.ColumnCount;
        var x2 = x.PointwiseMultiply(x);
        var empirical = x.TransposeThisAndMultiply(x) / n;
        var trace = 0.0;
        for (var j = 0; j < p; j++)
        {
            trace += empirical[j, j];
        }

        var mu = trace / p;
        var betaSum = x2.TransposeThisAndMultiply(x2).Enumerate().Sum();
        var deltaSum = x.TransposeThisAndMultiply(x).Enumerate().Sum(v => v * v) / ((double)n * n);
        var beta = 1.0 / (p * n) * ((betaSum / n) - deltaSum);
        var delta = (deltaSum - (2.0 * mu * trace) + (p * mu * mu)) / p;
        beta = Math.Min(beta, delta);
        var shrinkage = beta == 0 ? 0 : beta / delta;
        var shrunk = empirical * (1 - shrinkage);
        for (var j = 0; j < p; j++)
        {
            shrunk[j, j] += shrinkage * mu;
        }

        return (shrunk, shrinkage);
    }

    /// <summary>
    /// Ledoit-Wolf shrinkage towards the constant-correlation target (Ledoit and Wolf 2004, "Honey, I shrunk the
    /// sample covariance matrix"): F keeps the sample variances and sets every correlation to the average sample
    /// correlation r̄; δ = max(0, min(1, (π̂ − ρ̂) / γ̂ / n)) with π̂ the summed asymptotic variances of the sample
    /// covariances, ρ̂ their covariance with the target, γ̂ = ‖F − S‖²; S is the maximum-likelihood covariance.
    /// </summary>
    public static (Matrix<double> Covariance, double Shrinkage) LedoitWolfConstantCorrelation(Matrix<double> returns)
    {
        var (x, n) = Center(returns, minRows: 2);
        var p = x.ColumnCount;
        var s = x.TransposeThisAndMultiply(x) / n;
        var sd = Enumerable.Range(0, p).Select(i => Math.Sqrt(s[i, i])).ToArray();
        var rbar = 0.0;
        if (p > 1)
        {
            for (var i = 0; i < p; i++)
            {
                for (var j = 0; j < p; j++)
                {
                    if (i != j)
                    {
                        rbar += s[i, j] / (sd[i] * sd[j]);
                    }
                }
            }

            rbar /= p * (p - 1);
        }

        var f = Matrix<double>.Build.Dense(p, p, (i, j) => i == j ? s[i, i] : rbar * sd[i] * sd[j]);

        // π_ij = (1/n) Σ_t (x_ti x_tj − s_ij)²;  θ_ii,ij = (1/n) Σ_t (x_ti² − s_ii)(x_ti x_tj − s_ij).
        var pi = 0.0;
        var rho = 0.0;
        var theta = new double[p, p];
        for (var i = 0; i < p; i++)
        {
            for (var j = 0; j < p; j++)
            {
                var piIj = 0.0;
                var thetaIj = 0.0;
                for (var t = 0; t < n; t++)
                {
                    var cross = (x[t, i] * x[t, j]) - s[i, j];
                    piIj += cross * cross;
                    thetaIj += ((x[t, i] * x[t, i]) - s[i, i]) * cross;
                }

                pi += piIj / n;
                theta[i, j] = thetaIj / n;
                if (i == j)
                {
                    rho += piIj / n;
                }
            }
        }

        for (var i = 0; i < p; i++)
        {
            for (var j = 0; j < p; j++)
            {
                if (i != j)
                {
                    rho += rbar / 2 * ((Math.Sqrt(s[j, j] / s[i, i]) * theta[i, j]) + (Math.Sqrt(s[i, i] / s[j, j]) * theta[j, i]));
                }
            }
        }

        var gamma = (f - s).Enumerate().Sum(v => v * v);
        var shrinkage = gamma > 0 ? Math.Max(0, Math.Min(1, (pi - rho) / gamma / n)) : 0;
        return ((f * shrinkage) + (s * (1 - shrinkage)), shrinkage);
    }

    /// <summary>Volatilities (square roots of the diagonal).</summary>
    public static double[] Volatilities(Matrix<double> covariance)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        var volatilities = new double[covariance.RowCount];
        for (var i = 0; i < volatilities.Length; i++)
        {
            volatilities[i] = Math.Sqrt(covariance[i, i]);
        }

        return volatilities;
    }

    /// <summary>Correlation matrix from a covariance matrix.</summary>
    public static Matrix<double> Correlation(Matrix<double> covariance)
    {
        var vol = Volatilities(covariance);
        return Matrix<double>.Build.Dense(covariance.RowCount, covariance.ColumnCount, (i, j) => covariance[i, j] / (vol[i] * vol[j]));
    }

    private static (Matrix<double> Centered, int Rows) Center(Matrix<double> returns, int minRows)
    {
        ArgumentNullException.ThrowIfNull(returns);
        var n = returns.RowCount;
        if (n < minRows)
        {
            throw new ArgumentException($"at least {minRows} observations are needed, got {n}", nameof(returns));
        }

        var means = returns.ColumnSums() / n;
        var centered = returns.Clone();
        for (var t = 0; t < n; t++)
        {
            for (var j = 0; j < returns.ColumnCount; j++)
            {
                centered[t, j] -= means[j];
            }
        }

        return (centered, n);
    }

    private static Matrix<double> Symmetrise(Matrix<double> upper)
    {
        for (var i = 0; i < upper.RowCount; i++)
        {
            for (var j = 0; j < i; j++)
            {
                upper[i, j] = upper[j, i];
            }
        }

        return upper;
    }
}
