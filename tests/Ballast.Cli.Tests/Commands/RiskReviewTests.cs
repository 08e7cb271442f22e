using System.Text.Json;

namespace Ballast.Cli.Tests.Commands;

/// <summary>Cases found in review of the risk-based weights: each once ended in exit 1 or a wrong result.</summary>
public class RiskReviewTests
{
    private static string Prices(bool constantCash)
    {
        var lines = new List<string> { "Date,A,B,CASH" };
        var rng = new Random(5);
        double a = 100, b = 100;
        for (var i = 0; i < 400; i++)
        {
            a *= 1 + ((rng.NextDouble() - 0.5) * 0.02);
            b *= 1 + ((rng.NextDouble() - 0.5) * 0.01);
            var cash = constantCash ? 100 : 100 + (0.001 * i);
            lines.Add(FormattableString.Invariant($"{new DateOnly(2020, 1, 1).AddDays(i):yyyy-MM-dd},{a:0.######},{b:0.######},{cash:0.######}"));
        }

        return string.Join('\n', lines) + "\n";
    }

    [Fact]
    public void Backtest_RiskParityWithAConstantPriceAsset_ExitsTwoNamingTheAssetAndDate()
    {
        using var dir = new TempDir();
        var spec = dir.Write("rp.yaml", "universe: [A, B, CASH]\ncovariance: { lookback: 60 }\nweights: { scheme: risk-parity }\ntrigger: { calendar: monthly }\n");

        var result = CliRunner.Run("backtest", spec, "--data", dir.Write("p.csv", Prices(constantCash: true)));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("policy 'rp' on 2020-03-01: cannot compute risk-parity targets", result.Error, StringComparison.Ordinal);
        Assert.Contains("'CASH' has no variance there", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Spec_LookbackShorterThanTheAssets_IsRejectedUnlessLedoitWolf()
    {
        using var dir = new TempDir();
        var bad = dir.Write("bad.yaml", "universe: [A, B, CASH]\ncovariance: { lookback: 3 }\nweights: { scheme: risk-parity }\ntrigger: { calendar: monthly }\n");
        var good = dir.Write("lw.yaml", "universe: [A, B, CASH]\ncovariance: { method: ledoit-wolf, lookback: 3 }\nweights: { scheme: risk-parity }\ntrigger: { calendar: monthly }\n");

        var result = CliRunner.Run("spec", bad);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("(covariance.lookback): a sample covariance of 3 assets needs a lookback of at least 4 returns", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("spec", good).ExitCode);
    }

    [Fact]
    public void Spec_CovarianceTypoWithFixedWeights_IsStillAnError()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("spec", dir.Write("t.yaml", "universe: [A, B]\ncovariance: { lookbak: 60 }\nweights: { scheme: equal }\ntrigger: none\n"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown key 'lookbak'; did you mean 'lookback'?", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Spec_MinVarianceWithAndWithoutDefaultBounds_HashesTheSame()
    {
        using var dir = new TempDir();
        var a = CliRunner.Run("spec", dir.Write("a.yaml", "universe: [A, B]\nweights: { scheme: min-variance }\ntrigger: { calendar: monthly }\n"), "--json");
        var b = CliRunner.Run("spec", dir.Write("b.yaml", "universe: [A, B]\nweights: { scheme: min-variance, bounds: [0, 1] }\ntrigger: { calendar: monthly }\n"), "--json");

        static string Hash(string json) => JsonDocument.Parse(json).RootElement.GetProperty("policies")[0].GetProperty("hash").GetString()!;
        Assert.Equal(Hash(a.Out), Hash(b.Out));
    }

    [Fact]
    public void Backtest_MinTradeThatBlocksEveryRebalance_KeepsTheOldTargetsInForce()
    {
        using var dir = new TempDir();
        var spec = dir.Write("mt.yaml", "universe: [A, B, CASH]\ncovariance: { lookback: 60 }\nweights: { scheme: inverse-vol }\npolicies:\n  - name: hold\n    trigger: none\n  - name: blocked\n    trigger: { calendar: monthly }\n    execution: { min_trade: { weight: 0.9 } }\n");

        var result = CliRunner.Run("backtest", spec, "--data", dir.Write("p.csv", Prices(constantCash: false)), "--json");

        Assert.Equal(0, result.ExitCode);
        var metrics = JsonDocument.Parse(result.Out).RootElement.GetProperty("policies").EnumerateArray().Select(p => p.GetProperty("metrics")).ToArray();
        Assert.Equal(0, metrics[1].GetProperty("rebalances").GetInt32());
        Assert.Equal(metrics[0].GetProperty("mean_abs_drift").GetDouble(), metrics[1].GetProperty("mean_abs_drift").GetDouble());
        Assert.Equal(metrics[0].GetProperty("max_abs_drift").GetDouble(), metrics[1].GetProperty("max_abs_drift").GetDouble());
    }

    [Fact]
    public void Weights_AtTheFirstPossibleDecisionDate_Works()
    {
        using var dir = new TempDir();
        var spec = dir.Write("rp.yaml", "universe: [A, B, CASH]\ncovariance: { lookback: 60 }\nweights: { scheme: risk-parity }\ntrigger: { calendar: monthly }\n");

        var result = CliRunner.Run("weights", spec, "--data", dir.Write("p.csv", Prices(constantCash: false)), "--at", "2020-03-01", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(3, JsonDocument.Parse(result.Out).RootElement.GetProperty("results")[0].GetProperty("weights").EnumerateObject().Count());
    }

    [Fact]
    public void Weights_CovarianceThatIsNotPositiveSemidefinite_ExitsTwo()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("weights", "--covariance", dir.Write("c.csv", "A,B\n1,2\n2,1\n"), "--scheme", "min-variance");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not positive semidefinite", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_MinVarianceOnHighlyCorrelatedEquityEtfs_Runs()
    {
        var shared = CliRunner.SharedData();
        Assert.SkipWhen(shared is null, "../shared/data is absent: the real-data check needs it (CI always has it)");
        using var dir = new TempDir();
        var spec = dir.Write("mv.yaml", "universe: [SPY, VTI, MDY, QQQ, IWM]\ncovariance: { lookback: 21 }\nweights: { scheme: min-variance }\ntrigger: { calendar: monthly }\n");

        var result = CliRunner.Run("backtest", spec, "--data", Path.Combine(shared!, "etf_daily_adjclose_all.csv"), "--json");

        Assert.True(result.ExitCode == 0, result.Error);
    }
}

/// <summary>Cases from the second new-user trial of the risk features.</summary>
public class RiskTrialTests
{
    [Fact]
    public void Spec_VolatilityInsideAnyOrThen_IsRejected()
    {
        using var dir = new TempDir();
        var inAny = CliRunner.Run("spec", dir.Write("a.yaml", "universe: [A, B]\nweights: { scheme: equal }\ntrigger: { any: [ { calendar: quarterly, volatility: { above: 0.2, then: weekly } }, { drift: { absolute: 0.1 } } ] }\n"));
        var inThen = CliRunner.Run("spec", dir.Write("t.yaml", "universe: [A, B]\nweights: { scheme: equal }\ntrigger: { calendar: quarterly, volatility: { above: 0.2, then: { calendar: weekly, volatility: { above: 0.4, then: daily } } } }\n"));

        Assert.Equal(2, inAny.ExitCode);
        Assert.Contains("volatility applies only to a policy's top-level trigger", inAny.Error, StringComparison.Ordinal);
        Assert.Equal(2, inThen.ExitCode);
    }

    [Fact]
    public void Weights_MinVarianceOfTwoIdenticalAssets_SplitsEvenly()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("weights", "--covariance", dir.Write("c.csv", ",A,B\nA,0.04,0.04\nB,0.04,0.04\n"), "--scheme", "min-variance", "--json");

        Assert.Equal(0, result.ExitCode);
        var w = JsonDocument.Parse(result.Out).RootElement.GetProperty("results")[0].GetProperty("weights");
        Assert.Equal(0.5, w.GetProperty("A").GetDouble(), 1e-5);
    }

    [Fact]
    public void Spec_VolatilityBelowDefaultWrittenOut_HashesTheSame()
    {
        using var dir = new TempDir();
        var a = CliRunner.Run("spec", dir.Write("a.yaml", "universe: [A, B]\nweights: { scheme: equal }\ntrigger: { calendar: quarterly, volatility: { above: 0.2, then: weekly } }\n"), "--json");
        var b = CliRunner.Run("spec", dir.Write("b.yaml", "universe: [A, B]\nweights: { scheme: equal }\ntrigger: { calendar: quarterly, volatility: { above: 0.2, below: 0.16, then: weekly } }\n"), "--json");

        static string Hash(string json) => JsonDocument.Parse(json).RootElement.GetProperty("policies")[0].GetProperty("hash").GetString()!;
        Assert.Equal(Hash(a.Out), Hash(b.Out));
    }

    [Theory]
    [InlineData(",A,B\nA,0.04,0.01\nB,0.01,0.09\n", "risk-budget", "A=0.5,A=0.5", "--budgets (weights.budgets): A is given twice")]
    [InlineData(",A,B\nA,0.04,0.01\n", "risk-parity", null, "the header names 2 assets but there are 1 rows")]
    public void Weights_BadMatricesAndOptions_ExitTwo(string csv, string scheme, string? budgets, string expected)
    {
        using var dir = new TempDir();
        var args = new List<string> { "weights", "--covariance", dir.Write("c.csv", csv), "--scheme", scheme };
        if (budgets is not null)
        {
            args.AddRange(["--budgets", budgets]);
        }

        var result = CliRunner.Run([.. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }
}
