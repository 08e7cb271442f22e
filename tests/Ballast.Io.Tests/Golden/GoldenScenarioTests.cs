using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ballast.Backtesting;
using Ballast.Io.Specs;
using Ballast.Io.Tests.Protocol;

namespace Ballast.Io.Tests.Golden;

/// <summary>
/// The golden scenario, pinned as Lean pins its regression algorithms: samples/demo.yaml's <c>hybrid</c> policy
/// (annual calendar or a 25 % relative band, 10 bps plus 4 bps spread) on the built-in synthetic data of
/// samples/scenarios/sim-demo.yaml (5 strategies, 5 years, seed 42). Its metrics, printed to fixed decimals, and the
/// SHA-256 of its trade list must not change. Any change to the backtest's arithmetic, the policy engine, the cost
/// model or the synthetic generator shows here; if the change is deliberate, re-pin (see <see cref="RepinHint"/>).
/// </summary>
public class GoldenScenarioTests(ITestOutputHelper output)
{
    /// <summary>The pinned metrics, one per line, as <see cref="Metrics"/> prints them.</summary>
    private const string PinnedMetrics = """
        start: 2000-01-03
        end: 2004-12-31
        final NAV: 936211.05
        CAGR: -0.013112
        volatility: 0.103523
        max drawdown: -0.297428
        turnover (one-way, annual): 0.047602
        rebalances: 6
        costs paid: 1711.06
        """;

    /// <summary>SHA-256 (hex) of the trade list as <see cref="TradeList"/> prints it.</summary>
    private const string PinnedTradesSha256 = "513e96f2c66e5275937f09c4f65727f6ce88d4532b30f93f439070b0be5d6b25";

    private const string RepinHint = "If the change is deliberate (say why in the commit), re-pin: copy the metrics and the hash printed in this test's output into PinnedMetrics and PinnedTradesSha256 in tests/Ballast.Io.Tests/Golden/GoldenScenarioTests.cs.";

    [Fact]
    public void HybridOnSyntheticData_MatchesThePinnedMetricsAndTrades()
    {
        var run = Run();
        var metrics = Metrics(run);
        var trades = TradeList(run);
        var hash = Sha256(trades);
        output.WriteLine(metrics);
        output.WriteLine($"trades: {run.Trades!.Count}, SHA-256 {hash}");

        Assert.True(PinnedMetrics.ReplaceLineEndings("\n") == metrics, $"the golden scenario's metrics changed.\npinned:\n{PinnedMetrics}\nnow:\n{metrics}\n{RepinHint}");
        Assert.True(PinnedTradesSha256 == hash, $"the golden scenario's trade list changed: pinned SHA-256 {PinnedTradesSha256}, now {hash} ({run.Trades.Count} trades; the first lines:\n{string.Join('\n', trades.Split('\n').Take(5))}).\n{RepinHint}");
    }

    [Fact]
    public void TheTradeListHash_SeesAChangeInOneTrade()
    {
        // The hash is over every field of every trade: a trade list differing in one cost by one cent hashes differently.
        var run = Run();
        var trades = run.Trades!;
        var changed = trades.Select((t, i) => i == trades.Count / 2 ? t with { Cost = t.Cost + 0.01 } : t).ToList();
        Assert.NotEqual(Sha256(Format(trades)), Sha256(Format(changed)));
    }

    private static PolicyRun Run()
    {
        var set = SpecLoader.LoadFile(Path.Combine(Paths.RepoRoot, "samples", "demo.yaml"));
        var table = Ballast.Synthesis.StrategySynthesizer.Generate(5, 5, 42);
        var outcome = BacktestJob.Run(set, table.Select([.. set.AllSeries()]), "synthetic", new BacktestOptions { Record = true }, cancellationToken: TestContext.Current.CancellationToken);
        return outcome.Runs.Single(r => r.Name == "hybrid");
    }

    /// <summary>The pinned figures, fixed decimals, invariant culture.</summary>
    private static string Metrics(PolicyRun run)
    {
        var m = run.Metrics;
        static string F(double? value, int decimals) => value is { } v ? v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "none";
        return string.Join('\n',
            $"start: {m.Start:yyyy-MM-dd}",
            $"end: {m.End:yyyy-MM-dd}",
            $"final NAV: {F(m.FinalNav, 2)}",
            $"CAGR: {F(m.Cagr, 6)}",
            $"volatility: {F(m.Volatility, 6)}",
            $"max drawdown: {F(m.MaxDrawdown, 6)}",
            $"turnover (one-way, annual): {F(m.TurnoverOneWayAnnual, 6)}",
            $"rebalances: {m.Rebalances}",
            $"costs paid: {F(m.CostsPaid, 2)}");
    }

    private static string TradeList(PolicyRun run) => Format(run.Trades!);

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>One line per trade: row, date, asset, price, units before and after, value, cost, weights before and after, reason; amounts to the cent, units and weights to 1e-8.</summary>
    private static string Format(IReadOnlyList<TradeRecord> trades)
    {
        var text = new StringBuilder();
        foreach (var t in trades)
        {
            text.Append(CultureInfo.InvariantCulture, $"{t.Row},{t.Date:yyyy-MM-dd},{t.Asset},{t.Price:F6},{t.UnitsBefore:F8},{t.UnitsAfter:F8},{t.Value:F2},{t.Cost:F2},{t.WeightBefore:F8},{t.WeightAfter:F8},{t.Reason}\n");
        }

        return text.ToString();
    }
}
