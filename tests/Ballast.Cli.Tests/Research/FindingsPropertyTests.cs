using System.Globalization;
using System.Text;
using Ballast.Io;
using Ballast.Statistics;
using CsCheck;

namespace Ballast.Cli.Tests.Research;

/// <summary>Invariants of Holm's correction and of the Shiller derivation, over generated inputs (CsCheck).</summary>
public sealed class FindingsPropertyTests
{
    [Fact]
    public void Holm_IsBetweenTheRawPAndBonferroni_AndKeepsTheRawOrder()
    {
        Gen.Double[0, 1].Array[1, 30].Sample(p =>
        {
            var adjusted = HolmCorrection.Adjust(p);
            for (var i = 0; i < p.Length; i++)
            {
                Assert.InRange(adjusted[i], p[i], Math.Min(1, p.Length * p[i]) + 1e-15);
                for (var j = 0; j < p.Length; j++)
                {
                    Assert.True(p[i] >= p[j] || adjusted[i] <= adjusted[j], $"p[{i}] < p[{j}] but adjusted {adjusted[i]} > {adjusted[j]}");
                }
            }
        });
    }

    [Fact]
    public void Shiller_EachMonthsLevelRatio_IsItsPriceDividendReturn_AndThePreviousRowsBondReturn()
    {
        var row = Gen.Select(Gen.Double[1, 5000], Gen.Double[0, 200], Gen.Double[0.9, 1.1]);
        row.Array[2, 40].Sample(rows =>
        {
            var text = new StringBuilder("Date,P,D,MonthlyTotalBondReturn\n");
            var month = new DateOnly(1900, 1, 1);
            foreach (var (p, d, b) in rows)
            {
                text.Append(CultureInfo.InvariantCulture, $"{month:yyyy-MM},{p:R},{d:R},{b:R}\n");
                month = month.AddMonths(1);
            }

            var levels = ShillerTotalReturns.Derive(new StringReader(text.ToString()), "g.csv");

            Assert.Equal(rows.Length, levels.Months.Count);
            for (var t = 1; t < rows.Length; t++)
            {
                var stock = (rows[t].Item1 + (rows[t].Item2 / 12)) / rows[t - 1].Item1;
                Assert.Equal(stock, levels.Stocks[t] / levels.Stocks[t - 1], stock * 1e-12);
                Assert.Equal(rows[t - 1].Item3, levels.Bonds[t] / levels.Bonds[t - 1], 1e-12);
            }
        });
    }
}
