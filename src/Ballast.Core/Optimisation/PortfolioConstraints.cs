using System.Collections.Immutable;
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Optimisation;

/// <summary>A linear constraint <see cref="Lower"/> ≤ Σ aᵢwᵢ ≤ <see cref="Upper"/> on the weights; <see cref="Name"/> is how messages name it.</summary>
/// <param name="Name">How messages name the constraint, e.g. a group's name.</param>
/// <param name="Coefficients">aᵢ per asset, in universe order.</param>
/// <param name="Lower">The least value of Σ aᵢwᵢ.</param>
/// <param name="Upper">The greatest value of Σ aᵢwᵢ.</param>
public sealed record LinearConstraint(string Name, ImmutableArray<double> Coefficients, double Lower, double Upper);

/// <summary>
/// Constraints of a long-only portfolio optimisation beyond the budget (weights sum to 1): per-asset bounds, general
/// linear constraints (groups, correlation-cluster caps, a beta limit) and an L1 turnover limit from the current
/// weights. Bounds default to [0, 1].
/// </summary>
public sealed record PortfolioConstraints
{
    /// <summary>Only the budget and the default bounds [0, 1]: no linear constraint, no turnover limit.</summary>
    public static PortfolioConstraints None { get; } = new();

    /// <summary>Per-asset lower bounds in universe order; default (empty) means 0 for every asset.</summary>
    public ImmutableArray<double> Lower { get; init; }

    /// <summary>Per-asset upper bounds in universe order; default (empty) means 1 for every asset.</summary>
    public ImmutableArray<double> Upper { get; init; }

    /// <summary>General linear constraints (groups, correlation-cluster caps, a beta limit); empty for none.</summary>
    public ImmutableArray<LinearConstraint> Linear { get; init; } = [];

    /// <summary>Current weights, for <see cref="MaxTurnover"/>.</summary>
    public ImmutableArray<double> Current { get; init; }

    /// <summary>Σ|wᵢ − currentᵢ| ≤ this, when set.</summary>
    public double? MaxTurnover { get; init; }

    /// <summary>True when only bounds apply (the specialised bound-constrained solver handles it).</summary>
    public bool BoundsOnly => Linear.IsDefaultOrEmpty && MaxTurnover is null;
}

/// <summary>Builders for the constraints a policy spec names.</summary>
public static class ConstraintBuilder
{
    private static string Fmt(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>A named group's total weight within [min, max].</summary>
    public static LinearConstraint Group(string name, IReadOnlyList<int> members, IReadOnlyList<string> names, int assets, double min, double max)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(names);
        var a = new double[assets];
        foreach (var i in members)
        {
            a[i] = 1;
        }

        return new LinearConstraint($"group '{name}' ({string.Join(", ", members.Select(i => names[i]))}) total weight in [{Fmt(min)}, {Fmt(max)}]", [.. a], min, max);
    }

    /// <summary>Portfolio beta Σ βᵢwᵢ to a reference series within [min, max].</summary>
    public static LinearConstraint Beta(string reference, IReadOnlyList<double> betas, double min, double max) =>
        new($"beta_limit: portfolio beta to {reference} in [{(double.IsNegativeInfinity(min) ? "-inf" : Fmt(min))}, {Fmt(max)}] (asset betas {string.Join(", ", betas.Select(b => b.ToString("0.###", CultureInfo.InvariantCulture)))})", [.. betas], min, max);

    /// <summary>
    /// Each asset's beta to the reference: cov(rᵢ, r_ref) / var(r_ref) over the same returns (sample, ddof = 1).
    /// <paramref name="returns"/> has one row per period; <paramref name="reference"/> the reference's returns.
    /// </summary>
    public static double[] Betas(double[,] returns, IReadOnlyList<double> reference)
    {
        ArgumentNullException.ThrowIfNull(returns);
        ArgumentNullException.ThrowIfNull(reference);
        var t = returns.GetLength(0);
        var n = returns.GetLength(1);
        if (t < 2 || reference.Count != t)
        {
            throw new ArgumentException("betas need at least two returns, as many for the reference as for the assets");
        }

        var refMean = reference.Average();
        var refVar = 0.0;
        for (var k = 0; k < t; k++)
        {
            refVar += (reference[k] - refMean) * (reference[k] - refMean);
        }

        if (!(refVar > 0))
        {
            throw new ArgumentException("the beta reference has no variance over the lookback");
        }

        var betas = new double[n];
        for (var i = 0; i < n; i++)
        {
            var mean = 0.0;
            for (var k = 0; k < t; k++)
            {
                mean += returns[k, i];
            }

            mean /= t;
            var cov = 0.0;
            for (var k = 0; k < t; k++)
            {
                cov += (returns[k, i] - mean) * (reference[k] - refMean);
            }

            betas[i] = cov / refVar;
        }

        return betas;
    }

    /// <summary>
    /// Clusters of assets whose correlation exceeds <paramref name="threshold"/>, by agglomerative clustering with
    /// complete linkage: two clusters merge (most correlated pair first, ties to the lower asset indexes) only while
    /// every pair across them is correlated above the threshold, so every pair inside a cluster is. Returns the
    /// clusters of two or more assets, each sorted by index, in order of their first asset.
    /// </summary>
    public static IReadOnlyList<int[]> CorrelationClusters(Matrix<double> covariance, double threshold)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        var n = covariance.RowCount;
        var similarity = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < n; k++)
            {
                similarity[i, k] = covariance[i, k] / Math.Sqrt(covariance[i, i] * covariance[k, k]);
            }
        }

        var members = Enumerable.Range(0, n).Select(i => new List<int> { i }).ToList();
        var alive = Enumerable.Repeat(true, n).ToArray();
        while (true)
        {
            var best = threshold;
            var (left, right) = (-1, -1);
            for (var i = 0; i < n; i++)
            {
                if (!alive[i])
                {
                    continue;
                }

                for (var k = i + 1; k < n; k++)
                {
                    if (alive[k] && similarity[i, k] > best)
                    {
                        best = similarity[i, k];
                        (left, right) = (i, k);
                    }
                }
            }

            if (left < 0)
            {
                break;
            }

            // Complete linkage: the merged cluster's similarity to another is the smaller of the two.
            members[left].AddRange(members[right]);
            alive[right] = false;
            for (var k = 0; k < n; k++)
            {
                var s = Math.Min(similarity[left, k], similarity[right, k]);
                similarity[left, k] = s;
                similarity[k, left] = s;
            }
        }

        return [.. Enumerable.Range(0, n).Where(i => alive[i] && members[i].Count > 1).Select(i => members[i].Order().ToArray())];
    }

    /// <summary>A cap on the total weight of one correlation cluster.</summary>
    public static LinearConstraint ClusterCap(IReadOnlyList<int> cluster, IReadOnlyList<string> names, int assets, double threshold, double maxWeight)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(names);
        var a = new double[assets];
        foreach (var i in cluster)
        {
            a[i] = 1;
        }

        return new LinearConstraint($"correlation cluster ({string.Join(", ", cluster.Select(i => names[i]))}; pairwise correlation > {Fmt(threshold)}) total weight <= {Fmt(maxWeight)}", [.. a], double.NegativeInfinity, maxWeight);
    }
}
