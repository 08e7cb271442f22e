using System.Globalization;
using System.Text;
using System.Text.Json;
using Ballast.Data;
using Ballast.Io.Specs;
using Ballast.Policies;

namespace Ballast.Cli.Tests.Commands;

/// <summary>
/// <c>ballast weights</c> prints exactly the targets the policy sets on that row, in parts per million: through a spec
/// with --data and --at for every risk scheme and option, and through --covariance with flags, on a covariance file
/// holding the policy's own estimate. Built-in synthetic prices, so it never skips.
/// </summary>
public class WeightsPolicyEquivalenceTests
{
    private static readonly string[] Assets = ["EQ1", "EQ2", "EQ3", "BOND", "GOLD", "CMDTY"];

    private const string Spec = """
        name: weights-equivalence
        universe: [EQ1, EQ2, EQ3, BOND, GOLD, CMDTY]
        covariance: { method: sample, lookback: 120 }
        trigger: { calendar: monthly }
        weights: { scheme: risk-parity }
        policies:
          - name: inverse-vol
            weights: { scheme: inverse-vol }
          - name: risk-parity
          - name: risk-parity-bounded
            weights: { scheme: risk-parity, bounds: [0.1, 0.22] }
          - name: risk-budget
            weights: { scheme: risk-budget, budgets: { EQ1: 0.3, EQ2: 0.2, EQ3: 0.1, BOND: 0.2, GOLD: 0.1, CMDTY: 0.1 } }
          - name: risk-budget-bounded
            weights: { scheme: risk-budget, budgets: { EQ1: 0.3, EQ2: 0.2, EQ3: 0.1, BOND: 0.2, GOLD: 0.1, CMDTY: 0.1 }, bounds: [0.05, 0.3] }
          - name: risk-parity-ledoit-wolf
            covariance: { method: ledoit-wolf, lookback: 90 }
          - name: risk-budget-ewma
            weights: { scheme: risk-budget, budgets: { EQ1: 0.3, EQ2: 0.2, EQ3: 0.1, BOND: 0.2, GOLD: 0.1, CMDTY: 0.1 } }
            covariance: { method: ewma, lookback: 120, halflife: 30 }
          - name: min-variance-bounded
            weights: { scheme: min-variance, bounds: [0.05, 0.35] }
          - name: min-variance-groups
            weights:
              scheme: min-variance
              bounds: [0, 0.4]
              groups:
                equity: { assets: [EQ1, EQ2, EQ3], min: 0.3, max: 0.5 }
                real: { assets: [GOLD, CMDTY], min: 0.15 }
          - name: min-variance-clusters-beta
            weights:
              scheme: min-variance
              correlation_clusters: { threshold: 0.6, max_weight: 0.4 }
              beta_limit: { reference: MKT, max: 0.5 }
          - name: mean-variance
            weights: { scheme: mean-variance, risk_aversion: 10, bounds: [0, 0.5] }
        """;

    /// <summary>Seeded daily prices: three equities on a common market factor (MKT, not held), a bond, gold and commodities.</summary>
    private static string Prices()
    {
        var rng = new Random(20261206);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var text = new StringBuilder("Date,MKT," + string.Join(',', Assets) + "\n");
        double[] price = [100, 50, 40, 30, 100, 1200, 20];
        var date = new DateOnly(2024, 1, 1);
        for (var row = 0; row < 200; row++)
        {
            var market = 0.01 * Normal();
            double[] returns = [market, (1.1 * market) + (0.006 * Normal()), (0.9 * market) + (0.008 * Normal()), (1.3 * market) + (0.012 * Normal()), (-0.2 * market) + (0.004 * Normal()), 0.009 * Normal(), (0.3 * market) + (0.014 * Normal())];
            for (var i = 0; i < price.Length; i++)
            {
                price[i] *= 1 + (0.0002 * (i + 1)) + returns[i];
            }

            text.Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',').AppendJoin(',', price.Select(p => p.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
            date = date.AddDays(date.DayOfWeek == DayOfWeek.Friday ? 3 : 1);
        }

        return text.ToString();
    }

    /// <summary>The targets the policy itself sets on the last row on or before the date, with nothing held.</summary>
    private static (int[] Ppm, PriceTable Table, int Row) PolicyTargets(PolicySet set, PolicySpec spec, string dataPath)
    {
        var market = Ballast.Io.MarketDataFile.Read(dataPath);
        var table = PriceWindow.Build(market, set.AllSeries(), null, new DateOnly(2024, 9, 30), FillMode.None, null, 0, minRows: 1).SelectFor(spec.Universe, [.. spec.ReferenceSeries]);
        var policy = new RebalancePolicy(spec);
        var ppm = new int[policy.AssetCount];
        var row = table.RowCount - 1;
        policy.ComputeTargets(new PolicyContext(table.Calendar, row, new double[policy.AssetCount], spec.Capital, 0, false, prices: table), ppm);
        return (ppm, table, row);
    }

    private static Dictionary<string, int> PrintedPpm(JsonElement result) =>
        result.GetProperty("weights").EnumerateObject().ToDictionary(p => p.Name, p => (int)Math.Round(p.Value.GetDouble() * 1_000_000));

    [Fact]
    public void Weights_SpecOnADate_PrintsThePolicysTargetsForEveryScheme()
    {
        using var dir = new TempDir();
        var data = dir.Write("prices.csv", Prices());
        var specPath = dir.Write("spec.yaml", Spec);
        var set = SpecLoader.LoadFile(specPath);

        var result = CliRunner.Run("weights", specPath, "--data", data, "--at", "2024-09-30", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = JsonDocument.Parse(result.Out);
        var printed = doc.RootElement.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, PrintedPpm);
        Assert.Equal(set.Policies.Length, printed.Count);
        foreach (var spec in set.Policies)
        {
            var (ppm, _, _) = PolicyTargets(set, spec, data);
            Assert.Equal(1_000_000, ppm.Sum());
            Assert.Equal(ppm, spec.Universe.Select(name => printed[spec.Name][name]).ToArray());
        }
    }

    [Theory]
    [InlineData("inverse-vol", "inverse-vol")]
    [InlineData("risk-parity", "risk-parity")]
    [InlineData("risk-parity-bounded", "risk-parity", "--bounds", "0.1:0.22")]
    [InlineData("risk-budget", "risk-budget", "--budgets", "EQ1=0.3,EQ2=0.2,EQ3=0.1,BOND=0.2,GOLD=0.1,CMDTY=0.1")]
    [InlineData("risk-budget-bounded", "risk-budget", "--budgets", "EQ1=0.3,EQ2=0.2,EQ3=0.1,BOND=0.2,GOLD=0.1,CMDTY=0.1", "--bounds", "0.05:0.3")]
    [InlineData("min-variance-bounded", "min-variance", "--bounds", "0.05:0.35")]
    public void Weights_CovarianceFileWithFlags_PrintsWhatThePolicyWithThoseOptionsSets(string policyName, string scheme, params string[] flags)
    {
        using var dir = new TempDir();
        var data = dir.Write("prices.csv", Prices());
        var set = SpecLoader.LoadFile(dir.Write("spec.yaml", Spec));
        var spec = set.Policies.Single(p => p.Name == policyName);
        var (ppm, table, row) = PolicyTargets(set, spec, data);
        // The policy's own estimate on that row, written at full precision (round-trip formatting).
        var covariance = RebalancePolicy.Estimate(((RiskWeights)spec.Weights).Covariance, table, row);
        var csv = new StringBuilder("," + string.Join(',', spec.Universe) + "\n");
        for (var i = 0; i < spec.Universe.Length; i++)
        {
            csv.Append(spec.Universe[i]).Append(',').AppendJoin(',', Enumerable.Range(0, spec.Universe.Length).Select(j => covariance[i, j].ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }

        var result = CliRunner.Run(["weights", "--covariance", dir.Write("cov.csv", csv.ToString()), "--scheme", scheme, .. flags, "--json"]);

        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = JsonDocument.Parse(result.Out);
        var printed = PrintedPpm(doc.RootElement.GetProperty("results")[0]);
        Assert.Equal(ppm, spec.Universe.Select(name => printed[name]).ToArray());
    }

    [Fact]
    public void Weights_BoundedRiskParityFlags_StayWithinTheBounds()
    {
        // Before the flags were mapped onto the spec's options, --bounds was ignored outside min-variance.
        using var dir = new TempDir();
        var cov = dir.Write("cov.csv", ",A,B,C,D\nA,0.01,0.0075,0.01,0.015\nB,0.0075,0.0225,0.015,0.0225\nC,0.01,0.015,0.04,0.045\nD,0.015,0.0225,0.045,0.09\n");

        var result = CliRunner.Run("weights", "--covariance", cov, "--scheme", "risk-parity", "--bounds", "0.15:0.3", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.All(PrintedPpm(doc.RootElement.GetProperty("results")[0]).Values, ppm => Assert.InRange(ppm, 150_000, 300_000));
    }
}
