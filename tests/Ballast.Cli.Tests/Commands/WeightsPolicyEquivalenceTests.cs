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
          - name: min-variance-clusters
            weights: { scheme: min-variance, bounds: [0, 0.5], correlation_clusters: { threshold: 0.6, max_weight: 0.45 } }
          - name: min-variance-turnover
            weights: { scheme: min-variance, bounds: [0, 0.4], max_turnover: 0.2 }
          - name: mean-variance-groups-beta-turnover
            weights:
              scheme: mean-variance
              risk_aversion: 5
              bounds: { EQ1: [0, 0.3], GOLD: [0.05, 0.25] }
              groups: { equity: { assets: [EQ1, EQ2, EQ3], max: 0.45 } }
              beta_limit: { reference: MKT, max: 0.6, min: 0.1 }
              max_turnover: 0.3
        """;

    /// <summary>The weights a vault holds before the rebalance in the turnover cases (value / NAV; 2 % cash).</summary>
    private const string Held = "EQ1=0.3,EQ2=0.1,EQ3=0.1,BOND=0.3,GOLD=0.1,CMDTY=0.08";

    private static readonly double[] HeldWeights = [0.3, 0.1, 0.1, 0.3, 0.1, 0.08];

    private const string Universe = "EQ1,EQ2,EQ3,BOND,GOLD,CMDTY";

    /// <summary>Every policy of <see cref="Spec"/> written as flags of <c>ballast weights</c> (without the covariance source).</summary>
    public static TheoryData<string, string[]> FlagsOfEveryPolicy() => new()
    {
        { "inverse-vol", ["--scheme", "inverse-vol", "--estimate", "{method: sample, lookback: 120}"] },
        { "risk-parity", ["--scheme", "risk-parity", "--estimate", "{method: sample, lookback: 120}"] },
        { "risk-parity-bounded", ["--scheme", "risk-parity", "--bounds", "0.1:0.22", "--estimate", "{method: sample, lookback: 120}"] },
        { "risk-budget", ["--scheme", "risk-budget", "--budgets", "EQ1=0.3,EQ2=0.2,EQ3=0.1,BOND=0.2,GOLD=0.1,CMDTY=0.1", "--estimate", "{method: sample, lookback: 120}"] },
        { "risk-budget-bounded", ["--scheme", "risk-budget", "--budgets", "{EQ1: 0.3, EQ2: 0.2, EQ3: 0.1, BOND: 0.2, GOLD: 0.1, CMDTY: 0.1}", "--bounds", "[0.05, 0.3]", "--estimate", "{method: sample, lookback: 120}"] },
        { "risk-parity-ledoit-wolf", ["--scheme", "risk-parity", "--estimate", "{method: ledoit-wolf, lookback: 90}"] },
        { "risk-budget-ewma", ["--scheme", "risk-budget", "--budgets", "EQ1=0.3,EQ2=0.2,EQ3=0.1,BOND=0.2,GOLD=0.1,CMDTY=0.1", "--estimate", "{method: ewma, lookback: 120, halflife: 30}"] },
        { "min-variance-bounded", ["--scheme", "min-variance", "--bounds", "0.05:0.35", "--estimate", "{method: sample, lookback: 120}"] },
        { "min-variance-groups", ["--scheme", "min-variance", "--bounds", "0:0.4", "--groups", "{equity: {assets: [EQ1, EQ2, EQ3], min: 0.3, max: 0.5}, real: {assets: [GOLD, CMDTY], min: 0.15}}", "--estimate", "{method: sample, lookback: 120}"] },
        { "min-variance-clusters-beta", ["--scheme", "min-variance", "--correlation-clusters", "{threshold: 0.6, max_weight: 0.4}", "--beta-limit", "{reference: MKT, max: 0.5}", "--estimate", "{method: sample, lookback: 120}"] },
        { "mean-variance", ["--scheme", "mean-variance", "--risk-aversion", "10", "--bounds", "0:0.5", "--estimate", "{method: sample, lookback: 120}"] },
        { "min-variance-clusters", ["--scheme", "min-variance", "--bounds", "0:0.5", "--correlation-clusters", "{threshold: 0.6, max_weight: 0.45}", "--estimate", "{method: sample, lookback: 120}"] },
        { "min-variance-turnover", ["--scheme", "min-variance", "--bounds", "0:0.4", "--max-turnover", "0.2", "--estimate", "{method: sample, lookback: 120}"] },
        { "mean-variance-groups-beta-turnover", ["--scheme", "mean-variance", "--risk-aversion", "5", "--bounds", "EQ1=0:0.3,GOLD=0.05:0.25", "--groups", "{equity: {assets: [EQ1, EQ2, EQ3], max: 0.45}}", "--beta-limit", "{reference: MKT, max: 0.6, min: 0.1}", "--max-turnover", "0.3", "--estimate", "{method: sample, lookback: 120}"] },
    };

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

    /// <summary>
    /// The targets a vault running the policy sets when it rebalances on the last row on or before the date, holding
    /// <paramref name="held"/> (null: nothing, an initial allocation): the plan of the vault's own policy step.
    /// </summary>
    private static (int[] Ppm, PriceTable Table, int Row) PolicyTargets(PolicySet set, PolicySpec spec, string dataPath, double[]? held = null)
    {
        var market = Ballast.Io.MarketDataFile.Read(dataPath);
        var table = PriceWindow.Build(market, set.AllSeries(), null, new DateOnly(2024, 9, 30), FillMode.None, null, 0, minRows: 1).SelectFor(spec.Universe, [.. spec.ReferenceSeries]);
        var policy = new RebalancePolicy(spec);
        var row = table.RowCount - 1;
        var inForce = PartsPerMillion.Round([.. Enumerable.Repeat(1.0 / policy.AssetCount, policy.AssetCount)]);
        var step = PolicyStep.ForVault(policy, table, 252, inForce, 0, null);
        var plan = step.Plan(new HoldingsOnRow(row, held ?? new double[policy.AssetCount], spec.Capital), new TriggerReason("calendar", "test"));
        Assert.Null(plan.Failure);
        return ([.. plan.TargetsPpm], table, row);
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
    [InlineData("min-variance-groups", "min-variance", "--bounds", "0:0.4", "--groups", "{equity: {assets: [EQ1, EQ2, EQ3], min: 0.3, max: 0.5}, real: {assets: [GOLD, CMDTY], min: 0.15}}")]
    [InlineData("min-variance-clusters", "min-variance", "--bounds", "0:0.5", "--correlation-clusters", "{threshold: 0.6, max_weight: 0.45}")]
    [InlineData("min-variance-turnover", "min-variance", "--bounds", "0:0.4", "--max-turnover", "0.2", "--held", Held)]
    public void Weights_CovarianceFileWithFlags_PrintsWhatThePolicyWithThoseOptionsSets(string policyName, string scheme, params string[] flags)
    {
        using var dir = new TempDir();
        var data = dir.Write("prices.csv", Prices());
        var set = SpecLoader.LoadFile(dir.Write("spec.yaml", Spec));
        var spec = set.Policies.Single(p => p.Name == policyName);
        var (ppm, table, row) = PolicyTargets(set, spec, data, flags.Contains("--held") ? HeldWeights : null);
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

    [Theory]
    [MemberData(nameof(FlagsOfEveryPolicy))]
    public void Weights_FlagsOnData_PrintWhatTheSpecsVaultSetsOnThatRow(string policyName, string[] flags)
    {
        using var dir = new TempDir();
        var data = dir.Write("prices.csv", Prices());
        var specPath = dir.Write("spec.yaml", Spec);
        var set = SpecLoader.LoadFile(specPath);
        var spec = set.Policies.Single(p => p.Name == policyName);
        var (ppm, _, _) = PolicyTargets(set, spec, data);
        var (heldPpm, _, _) = PolicyTargets(set, spec, data, HeldWeights);
        var universe = policyName == "min-variance-clusters-beta" ? [] : new[] { "--universe", Universe };

        var fromFlags = CliRunner.Run(["weights", "--data", data, "--at", "2024-09-30", .. universe, .. flags, "--json"]);
        var fromFlagsHeld = CliRunner.Run(["weights", "--data", data, "--at", "2024-09-30", .. universe, .. flags, "--held", Held, "--json"]);
        var fromSpec = CliRunner.Run("weights", specPath, "--data", data, "--at", "2024-09-30", "--json");

        Assert.True(fromFlags.ExitCode == 0, fromFlags.Error);
        Assert.True(fromFlagsHeld.ExitCode == 0, fromFlagsHeld.Error);
        Assert.True(fromSpec.ExitCode == 0, fromSpec.Error);
        using var flagsDoc = JsonDocument.Parse(fromFlags.Out);
        using var heldDoc = JsonDocument.Parse(fromFlagsHeld.Out);
        using var specDoc = JsonDocument.Parse(fromSpec.Out);
        var printed = PrintedPpm(flagsDoc.RootElement.GetProperty("results")[0]);
        var printedBySpec = PrintedPpm(specDoc.RootElement.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("name").GetString() == policyName));
        Assert.Equal(spec.Universe.Order(StringComparer.Ordinal), printed.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ppm, spec.Universe.Select(name => printed[name]).ToArray());
        Assert.Equal(ppm, spec.Universe.Select(name => printedBySpec[name]).ToArray());
        var printedHeld = PrintedPpm(heldDoc.RootElement.GetProperty("results")[0]);
        Assert.Equal(heldPpm, spec.Universe.Select(name => printedHeld[name]).ToArray());
    }

    [Fact]
    public void Weights_TurnoverFromTheWeightsHeld_ChangesTheTargetsAndStaysWithinTheLimit()
    {
        // The case above would pass if --held were ignored whenever the two answers coincide: pin that they differ.
        using var dir = new TempDir();
        var data = dir.Write("prices.csv", Prices());
        var set = SpecLoader.LoadFile(dir.Write("spec.yaml", Spec));
        var spec = set.Policies.Single(p => p.Name == "min-variance-turnover");
        var (fresh, _, _) = PolicyTargets(set, spec, data);
        var (held, _, _) = PolicyTargets(set, spec, data, HeldWeights);

        var result = CliRunner.Run("weights", "--data", data, "--at", "2024-09-30", "--universe", Universe, "--scheme", "min-variance", "--bounds", "0:0.4", "--max-turnover", "0.2", "--estimate", "{method: sample, lookback: 120}", "--held", Held, "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.NotEqual(fresh, held);
        using var doc = JsonDocument.Parse(result.Out);
        var printed = PrintedPpm(doc.RootElement.GetProperty("results")[0]);
        Assert.Equal(held, spec.Universe.Select(name => printed[name]).ToArray());
        Assert.True(spec.Universe.Select((name, i) => Math.Abs((printed[name] / 1e6) - HeldWeights[i])).Sum() <= 0.2 + 1e-5);
    }

    [Theory]
    [InlineData("mean-variance", "--scheme", "mean-variance", "--risk-aversion", "10", "--bounds", "0:0.5")]
    [InlineData("min-variance-clusters-beta", "--scheme", "min-variance", "--correlation-clusters", "{threshold: 0.6, max_weight: 0.4}", "--beta-limit", "{reference: MKT, max: 0.5}")]
    public void Weights_CovarianceFileForWhatNeedsPrices_ExitsTwoNamingIt(string policyName, params string[] flags)
    {
        using var dir = new TempDir();
        var cov = dir.Write("cov.csv", ",EQ1,EQ2\nEQ1,0.04,0.01\nEQ2,0.01,0.09\n");

        var result = CliRunner.Run(["weights", "--covariance", cov, .. flags]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"policy '{flags[1]}': cannot compute {flags[1]} targets from the given covariance", result.Error, StringComparison.Ordinal);
        Assert.Contains(policyName == "mean-variance" ? "mean-variance's expected returns" : "the betas of beta_limit (against MKT)", result.Error, StringComparison.Ordinal);
        Assert.Contains("give the prices instead", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--groups", "{equity: {assets: [EQ1, NOPE], max: 0.5}}", "--groups (weights.groups.equity.assets[1]): 'NOPE' is not in the universe")]
    [InlineData("--correlation-clusters", "{threshold: 0.6}", "--correlation-clusters (weights.correlation_clusters.max_weight): correlation_clusters needs max_weight")]
    [InlineData("--max-turnover", "3", "--max-turnover (weights.max_turnover): max_turnover is an L1 distance")]
    [InlineData("--groups", "{equity: {assets: [EQ1", "--groups: invalid YAML")]
    [InlineData("--bounds", "0.1", "--bounds (weights.bounds): expected LO:HI")]
    public void Weights_BadFlag_ExitsTwoNamingTheFlagAndTheSpecKey(string flag, string value, string expected)
    {
        using var dir = new TempDir();
        var cov = dir.Write("cov.csv", ",EQ1,EQ2\nEQ1,0.04,0.01\nEQ2,0.01,0.09\n");

        var result = CliRunner.Run("weights", "--covariance", cov, "--scheme", "min-variance", flag, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }
}
