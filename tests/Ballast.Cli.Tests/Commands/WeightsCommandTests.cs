using System.Text.Json;

namespace Ballast.Cli.Tests.Commands;

public class WeightsCommandTests
{
    // Roncalli's example, written the way pandas writes DataFrame.cov(): names in the header and the first column.
    private const string Pandas = ",A,B,C,D\nA,0.01,0.0075,0.01,0.015\nB,0.0075,0.0225,0.015,0.0225\nC,0.01,0.015,0.04,0.045\nD,0.015,0.0225,0.045,0.09\n";

    private static Dictionary<string, double> Weights(string json, string key = "weights") =>
        JsonDocument.Parse(json).RootElement.GetProperty("results")[0].GetProperty(key).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());

    [Fact]
    public void Weights_RiskParityFromAPandasCovariance_GivesEqualRiskContributions()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("weights", "--covariance", dir.Write("cov.csv", Pandas), "--scheme", "risk-parity", "--json");

        Assert.Equal(0, result.ExitCode);
        var w = Weights(result.Out);
        Assert.Equal(0.4101, w["A"], 4);
        Assert.Equal(0.1266, w["D"], 4);
        Assert.Equal(1.0, w.Values.Sum(), 12);
        Assert.All(Weights(result.Out, "risk_contributions").Values, rc => Assert.Equal(0.25, rc, 5));
    }

    [Fact]
    public void Weights_RiskBudgetsAndMinVarianceFromAPlainMatrix_Work()
    {
        using var dir = new TempDir();
        var plain = dir.Write("plain.csv", "A,B,C,D\n0.01,0.0075,0.01,0.015\n0.0075,0.0225,0.015,0.0225\n0.01,0.015,0.04,0.045\n0.015,0.0225,0.045,0.09\n");

        var budget = CliRunner.Run("weights", "--covariance", plain, "--scheme", "risk-budget", "--budgets", "A=0.3,B=0.3,C=0.195,D=0.205", "--json");
        var gmv = CliRunner.Run("weights", "--covariance", plain, "--scheme", "min-variance", "--bounds", "0.1:0.6");
        var text = CliRunner.Run("weights", "--covariance", plain, "--scheme", "inverse-vol");

        Assert.Equal(0, budget.ExitCode);
        Assert.Equal(0.4505, Weights(budget.Out)["A"], 4);
        Assert.Equal(0, gmv.ExitCode);
        Assert.Contains("min-variance", gmv.Out, StringComparison.Ordinal);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("risk solved", text.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(",A,B\nA,0.01,0.002\nB,0.003,0.04\n", "cov.csv:3:2 (A): the matrix is not symmetric")]
    [InlineData(",A,B\nA,0.01,x\nB,0.002,0.04\n", "cov.csv:2:3 (B): cannot read number 'x'")]
    [InlineData(",A,B\nA,-0.01,0.002\nB,0.002,0.04\n", "the variance of 'A' is -0.01")]
    [InlineData("A,B,C\n0.01,0.002,0\n0.002,0.04,0\n", "the header names 3 assets but there are 2 rows")]
    [InlineData(",A,B,C\nA,1,0.9,-0.9\nB,0.9,1,0.9\nC,-0.9,0.9,1\n", "cov.csv:4:4 (C): the matrix is not a covariance matrix: it is not positive semidefinite at row 3 (C)")]
    [InlineData(",A,B,C\nA,1,1,0.5\nB,1,1,0.9\nC,0.5,0.9,1\n", "cov.csv:4:3 (B): the matrix is not a covariance matrix: it is not positive semidefinite at row 3 (C): 'B' is a combination")]
    public void Weights_BadCovarianceFile_ExitsTwoNamingTheCell(string csv, string expected)
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("weights", "--covariance", dir.Write("cov.csv", csv), "--scheme", "risk-parity");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_SingularButSemidefiniteMatrix_IsAccepted()
    {
        // C = A + B exactly: a covariance matrix of rank 2, which is still a covariance matrix.
        using var dir = new TempDir();
        var path = dir.Write("cov.csv", ",A,B,C\nA,0.04,0.01,0.05\nB,0.01,0.09,0.1\nC,0.05,0.1,0.15\n");

        var result = CliRunner.Run("weights", "--covariance", path, "--scheme", "risk-parity", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.All(Weights(result.Out, "risk_contributions").Values, rc => Assert.Equal(1.0 / 3, rc, 5));
    }

    [Fact]
    public void Weights_NearlyPerfectHedge_PrintsTheSolvedContributionsBesideTheTargets()
    {
        // Volatilities 10 % and 19 %, correlation −(1 − 10⁻⁶): the portfolio variance is a tiny remainder, so rounding
        // the weights to parts per million (0.6551724 → 0.655172) moves the contributions at the targets to about
        // −42 % and +142 %, although the solved weights contribute exactly half each. Both are printed, each labelled;
        // before, only the targets' were, as "risk contr.".
        using var dir = new TempDir();
        var path = dir.Write("hedge.csv", ",A,B\nA,0.01,-0.018999981\nB,-0.018999981,0.0361\n");

        var text = CliRunner.Run("weights", "--covariance", path, "--scheme", "risk-parity");
        var json = CliRunner.Run("weights", "--covariance", path, "--scheme", "risk-parity", "--json");

        Assert.True(text.ExitCode == 0, text.Error);
        var rows = text.Out.Split('\n').Where(l => l.StartsWith("A ", StringComparison.Ordinal) || l.StartsWith("B ", StringComparison.Ordinal))
            .ToDictionary(l => l[..1], l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(new[] { "A", "0.655172", "655172", "10.00%", "50.00%", "-41.58%" }, rows["A"]);
        Assert.Equal(new[] { "B", "0.344828", "344828", "19.00%", "50.00%", "141.58%" }, rows["B"]);
        Assert.Contains("'solved' at the weights the scheme solved, before rounding", text.Out, StringComparison.Ordinal);

        Assert.True(json.ExitCode == 0, json.Error);
        Assert.All(Weights(json.Out, "solved_risk_contributions").Values, rc => Assert.Equal(0.5, rc, 6));
        Assert.Equal(0.19 / 0.29, Weights(json.Out, "solved_weights")["A"], 9);
        Assert.Equal(-0.4158, Weights(json.Out, "risk_contributions")["A"], 4);
        Assert.Equal(0.655172, Weights(json.Out)["A"], 12);
    }

    [Fact]
    public void Weights_InfeasibleBoundsOrMissingBudgets_ExitTwo()
    {
        using var dir = new TempDir();
        var path = dir.Write("cov.csv", Pandas);

        var bounds = CliRunner.Run("weights", "--covariance", path, "--scheme", "min-variance", "--bounds", "0.3:1");
        var budgets = CliRunner.Run("weights", "--covariance", path, "--scheme", "risk-budget", "--budgets", "A=0.5,B=0.5");

        Assert.Equal(2, bounds.ExitCode);
        Assert.Contains("lower bounds sum to 1.2 > 1", bounds.Error, StringComparison.Ordinal);
        Assert.Equal(2, budgets.ExitCode);
        Assert.Contains("--budgets (weights.budgets): no budget for 'C', 'D'", budgets.Error, StringComparison.Ordinal);
    }
}

public class WeightsFromSpecTests
{
    [Fact]
    public void Weights_SpecAtADate_GivesEachPolicysTargetsWithRiskContributions()
    {
        var shared = CliRunner.SharedData();
        Assert.SkipWhen(shared is null, "../shared/data is absent: the real-data check needs it (CI always has it)");
        var result = CliRunner.Run("weights", Path.Combine(CliRunner.RepoRoot(), "samples", "risk-parity.yaml"), "--data", Path.Combine(shared!, "etf_daily_adjclose.csv"), "--at", "2020-03-31", "--json");

        Assert.Equal(0, result.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(result.Out);
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal(7, results.Count);
        var rp = results["risk-parity-monthly"];
        Assert.All(rp.GetProperty("risk_contributions").EnumerateObject(), p => Assert.Equal(0.2, p.Value.GetDouble(), 4));
        Assert.Equal(1.0, rp.GetProperty("weights").EnumerateObject().Sum(p => p.Value.GetDouble()), 12);
        Assert.All(results["equal-quarterly"].GetProperty("weights").EnumerateObject(), p => Assert.Equal(0.2, p.Value.GetDouble(), 12));
    }

    [Fact]
    public void Weights_ConstrainedSample_MeetsGroupsBoundsAndTheBetaLimitOnTheDay()
    {
        var shared = CliRunner.SharedData();
        Assert.SkipWhen(shared is null, "../shared/data is absent: the real-data check needs it (CI always has it)");
        var data = Path.Combine(shared!, "etf_daily_adjclose.csv");
        var result = CliRunner.Run("weights", Path.Combine(CliRunner.RepoRoot(), "samples", "constrained-min-variance.yaml"), "--data", data, "--at", "2020-03-31", "--json");

        Assert.Equal(0, result.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(result.Out);
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("weights").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()));
        const double ppm = 1e-6;
        var groups = results["min-variance-groups"];
        Assert.All(groups.Values, w => Assert.InRange(w, 0, 0.4 + ppm));
        Assert.InRange(groups["TLT"] + groups["IEF"] + groups["AGG"], 0, 0.6 + (3 * ppm));
        Assert.True(groups["VNQ"] + groups["DBC"] + groups["GLD"] >= 0.15 - (3 * ppm));
        Assert.InRange(groups["EFA"] + groups["EEM"], 0.1 - (2 * ppm), 0.4 + (2 * ppm));

        // Beta to SPY (not held) over the same 252 returns, computed here from the data file.
        var market = Ballast.Io.MarketDataFile.Read(data, Ballast.Data.ValueKind.Prices);
        var table = Ballast.Data.PriceWindow.Build(market, ["SPY", .. groups.Keys], null, new DateOnly(2020, 3, 31));
        var returns = table.ReturnsEndingAt(table.RowCount - 1, 252);
        var betas = Ballast.Optimisation.ConstraintBuilder.Betas(
            System.Linq.Enumerable.Range(0, 252).Aggregate(new double[252, groups.Count], (m, k) =>
            {
                for (var c = 0; c < groups.Count; c++)
                {
                    m[k, c] = returns[k, c + 1];
                }

                return m;
            }),
            [.. Enumerable.Range(0, 252).Select(k => returns[k, 0])]);
        var capped = results["min-variance-clusters-beta"];
        var beta = groups.Keys.Select((name, i) => betas[i] * capped[name]).Sum();
        Assert.True(beta <= 0.3 + 1e-4, $"portfolio beta {beta} above the 0.3 limit");
    }

    [Fact]
    public void Weights_SpecWithoutDataOrDate_ExitsTwo()
    {
        var result = CliRunner.Run("weights", Path.Combine(CliRunner.RepoRoot(), "samples", "risk-parity.yaml"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("weights SPEC needs --data FILE and --at DATE", result.Error, StringComparison.Ordinal);
    }
}
