using Ballast.Optimisation;
using CsCheck;
using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Core.Tests.Optimisation;

public class SemidefiniteCheckTests
{
    private static double[] RowMajor(Matrix<double> m) => [.. Enumerable.Range(0, m.RowCount * m.ColumnCount).Select(k => m[k / m.ColumnCount, k % m.ColumnCount])];

    private static SemidefiniteResult Check(double[,] values) => SemidefiniteCheck.Check(RowMajor(Matrix<double>.Build.DenseOfArray(values)), values.GetLength(0));

    [Fact]
    public void Check_RankDeficientCovariance_PassesWithItsRank()
    {
        // C = A + B exactly: the third asset is a combination of the first two, so the matrix has rank 2.
        var result = Check(new double[,] { { 0.04, 0.01, 0.05 }, { 0.01, 0.09, 0.10 }, { 0.05, 0.10, 0.15 } });

        Assert.True(result.IsPositiveSemidefinite);
        Assert.Equal(2, result.Rank);
        Assert.Null(result.FailingIndex);
    }

    [Fact]
    public void Check_SampleCovarianceOfFewerReturnsThanAssets_PassesWithRankReturnsMinusOne()
    {
        var rng = new Random(7);
        var returns = Matrix<double>.Build.Dense(6, 20, (_, _) => (rng.NextDouble() - 0.5) * 0.04);

        var result = SemidefiniteCheck.Check(RowMajor(CovarianceEstimators.Sample(returns)), 20);

        Assert.True(result.IsPositiveSemidefinite);
        Assert.Equal(5, result.Rank);
    }

    [Fact]
    public void Check_ImpossibleCorrelations_FailsAtTheThirdAssetWithANegativePivot()
    {
        // A and B correlate 0.9 with each other and with C, yet A and C correlate -0.9: no three assets can.
        var result = Check(new double[,] { { 1, 0.9, -0.9 }, { 0.9, 1, 0.9 }, { -0.9, 0.9, 1 } });

        Assert.False(result.IsPositiveSemidefinite);
        Assert.Equal(2, result.FailingIndex);
        Assert.Null(result.DependsOn);
        Assert.True(result.Value < 0);
    }

    [Fact]
    public void Check_ACopyOfAnAssetCorrelatingDifferently_FailsNamingTheCopy()
    {
        // B is A (correlation 1), but C correlates 0.5 with A and 0.9 with B: impossible.
        var result = Check(new double[,] { { 1, 1, 0.5 }, { 1, 1, 0.9 }, { 0.5, 0.9, 1 } });

        Assert.False(result.IsPositiveSemidefinite);
        Assert.Equal(2, result.FailingIndex);
        Assert.Equal(1, result.DependsOn);
        Assert.Equal(0.4, result.Value, 12);
    }

    [Theory]
    [InlineData(1e-6, true, 2)]
    [InlineData(1e-9, true, 2)]
    [InlineData(1e-13, true, 1)]
    [InlineData(-1e-13, true, 1)]
    [InlineData(-1e-9, false, 1)]
    public void Check_NearlyPerfectlyCorrelatedPair_IsAcceptedUnlessClearlyAboveOne(double oneMinusRho, bool psd, int rank)
    {
        // The pivot ratio of the second asset is 1 - ρ² ≈ 2(1 - ρ): 2e-6 and 2e-9 are genuine (rank 2), 2e-13 is
        // rounding (rank 1, a singular PSD matrix), -2e-9 is a correlation above one.
        var rho = 1 - oneMinusRho;
        var result = Check(new double[,] { { 0.04, rho * 0.06 }, { rho * 0.06, 0.09 } });

        Assert.Equal(psd, result.IsPositiveSemidefinite);
        Assert.Equal(rank, result.Rank);
    }

    [Fact]
    public void Check_RandomMatrices_AgreesWithTheSmallestEigenvalue()
    {
        // Random symmetric matrices B Bᵀ + s·I around the PSD boundary; the eigendecomposition is the oracle
        // wherever the smallest eigenvalue is clearly on one side (relative to the largest variance).
        Gen.Select(Gen.Int[2, 12], Gen.Int[1, 12], Gen.Double[-0.2, 0.2], Gen.Int[0, 1_000_000]).Sample((n, k, shift, seed) =>
        {
            var rng = new Random(seed);
            var b = Matrix<double>.Build.Dense(n, k, (_, _) => rng.NextDouble() - 0.5);
            var m = (b * b.Transpose()) + (Matrix<double>.Build.DenseIdentity(n) * shift);
            m = (m + m.Transpose()) / 2;
            if (Enumerable.Range(0, n).Any(i => !(m[i, i] > 0)))
            {
                return;
            }

            var smallest = m.Evd(Symmetricity.Symmetric).EigenValues.Min(e => e.Real);
            var scale = Enumerable.Range(0, n).Max(i => m[i, i]);
            var result = SemidefiniteCheck.Check(RowMajor(m), n);

            if (smallest > 1e-6 * scale)
            {
                Assert.True(result.IsPositiveSemidefinite, $"PD matrix (smallest eigenvalue {smallest}) rejected at {result.FailingIndex}");
                Assert.Equal(n, result.Rank);
            }
            else if (smallest < -1e-6 * scale)
            {
                Assert.False(result.IsPositiveSemidefinite, $"indefinite matrix (smallest eigenvalue {smallest}) accepted");
            }
        });
    }

    [Fact]
    public void Check_NonPositiveVariance_Throws()
    {
        Assert.Throws<ArgumentException>(() => SemidefiniteCheck.Check([1, 0, 0, 0], 2));
    }
}
