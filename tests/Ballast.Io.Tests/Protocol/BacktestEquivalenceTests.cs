using System.Globalization;
using Ballast.Data;
using Ballast.Io.Protocol;
using Ballast.Io.Specs;
using Ballast.Io.Storage;
using Ballast.Io.Tests.Protocol.Equivalence;

namespace Ballast.Io.Tests.Protocol;

/// <summary>
/// The proof on real data (the EDHEC hedge-fund indices in ../shared/data; skipped with a message where it is
/// absent, while the synthetic families in <c>Protocol/Equivalence</c> always run): the same policy on the same
/// data, once through the backtester and once through the protocol, gives the same decisions and the same NAV path
/// up to integer rounding. Two ways: through <c>ballast sim</c> with its journal and the policy's proportional costs
/// as the children's entry and exit fees (NAV only), and through the equivalence harness with zero costs (rebalance
/// rows, reasons, targets and NAV).
/// </summary>
public class BacktestEquivalenceTests(ITestOutputHelper output)
{
    private static readonly string[] HedgeFunds = ["CTA Global", "Equity Market Neutral", "Global Macro", "Merger Arbitrage", "Long/Short Equity"];

    private static readonly Dictionary<string, string> RealDataCases = new()
    {
        ["quarterly"] = EquivalenceHarness.Spec("quarterly", HedgeFunds, "{ scheme: equal }", "{ calendar: quarterly }"),
        ["band-relative-checked-monthly"] = EquivalenceHarness.Spec("band-relative-checked-monthly", HedgeFunds, "{ scheme: equal }", "{ drift: { relative: 0.05 }, check: monthly }"),
        ["band-edge-partial"] = EquivalenceHarness.Spec("band-edge-partial", HedgeFunds, "{ scheme: equal }", "{ drift: { absolute: 0.01 } }", "{ to: band-edge, partial: 0.5 }"),
        ["any-cooldown"] = EquivalenceHarness.Spec("any-cooldown", HedgeFunds, "{ scheme: equal }", "{ any: [ { calendar: annual }, { drift: { absolute: 0.01 } } ], cooldown: 3 }"),
        ["risk-parity"] = EquivalenceHarness.Spec("risk-parity", HedgeFunds, "{ scheme: risk-parity }", "{ calendar: quarterly }", covariance: "{ method: sample, lookback: 36 }"),
    };


    public static TheoryData<string> RealDataKinds => EquivalenceCases.Names(RealDataCases);

    [Theory]
    [MemberData(nameof(RealDataKinds))]
    public void RealData_BacktestAndProtocolAgree(string kind)
    {
        var shared = Paths.SharedData;
        Assert.SkipWhen(shared is null, "../shared/data is absent: the equivalence families run on synthetic data (Protocol/Equivalence); this run on the EDHEC data needs ../shared/data");
        var data = EquivalenceData.File(Path.Combine(shared!, "edhec_hedgefund_indices_monthly.csv"), ValueKind.ReturnsPercent);
        EquivalenceAssert.Check(kind, RealDataCases[kind], data, output, TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("quarterly")]
    [InlineData("band-relative-20")]
    [InlineData("annual")]
    public void Sim_TracksTheBacktestNavWithinIntegerRounding(string policy)
    {
        var shared = Paths.SharedData;
        Assert.SkipWhen(shared is null, "../shared/data is absent: the backtest-vs-protocol proof runs on the EDHEC data (CI always has it)");
        var spec = Path.Combine(Paths.RepoRoot, "samples", "hedge-funds.yaml");
        var data = Path.Combine(shared!, "edhec_hedgefund_indices_monthly.csv");

        // The backtest: 1,000,000 capital, 20 bps proportional costs.
        var set = SpecLoader.LoadFile(spec);
        var outcome = BacktestJob.Run(set, Ballast.Io.MarketDataFile.Read(data, ValueKind.ReturnsPercent), new BacktestOptions { Record = true }, cancellationToken: TestContext.Current.CancellationToken);
        var run = outcome.Runs.Single(r => r.Policy.Spec.Name == policy);
        var equity = run.Equity!;

        // The protocol: USD with 6 decimals, one investor depositing the same capital, 20 bps entry and exit fees paid out.
        var scenario = Scenario.Load(
            $$"""
            name: proof
            data: { file: '{{data}}', returns: percent }
            asset: { symbol: USD, decimals: 6 }
            policy: { file: '{{spec}}', name: {{policy}} }
            children: { entry_fee_bps: 20, exit_fee_bps: 20, flow_fees_paid_out: true }
            composed: { id: proof }
            investors:
              - { account: investor, deposit: 1000000, on: first }
            keeper: every-row
            """,
            Path.Combine(Paths.RepoRoot, "proof.yaml"));
        var db = Path.Combine(Path.GetTempPath(), $"ballast-proof-{Guid.NewGuid():N}.db");
        try
        {
            SimSummary summary;
            using (var store = JournalStores.Open(db))
            {
                summary = BlockingJournal.RunSim(scenario, store);
            }

            Assert.Empty(summary.Rejections);
            Assert.Equal(equity.Length, summary.NavHistory.Count);
            Assert.Equal(run.Metrics.Rebalances, summary.Rebalances);

            // Bound: each row's NAV reports floor every child's total assets (under one base unit each, always down),
            // and each child operation floors once more; so |protocol - backtest| <= (children + 1) base units per row
            // so far, scaled by the NAV's growth (a unit lost early grows with the NAV). Measured: about a third of it.
            var children = run.Policy.AssetCount;
            var worst = 0.0;
            var worstRatio = 0.0;
            for (var t = 0; t < equity.Length; t++)
            {
                var backtest = equity[t] * 1e6;
                var sim = (double)summary.NavHistory[t].Nav;
                var diff = Math.Abs(sim - backtest);
                var bound = (t + 1) * (children + 1) * Math.Max(1, backtest / 1e12);
                worst = Math.Max(worst, diff);
                worstRatio = Math.Max(worstRatio, diff / bound);
                Assert.True(diff <= bound, $"{policy}, row {t} ({summary.NavHistory[t].Date}): backtest NAV {backtest.ToString("F1", CultureInfo.InvariantCulture)} vs protocol {summary.NavHistory[t].Nav} base units: {diff:F1} apart, bound {bound:F1}");
            }

            output.WriteLine($"{policy}: {equity.Length} rows, {summary.Rebalances} rebalances, largest difference {worst:F2} base units (1e-6 USD) of ~1e12, {worstRatio:P1} of the bound; final NAV backtest {equity[^1]:F6} vs protocol {SimRunner.Format(summary.Nav, 6)}");
        }
        finally
        {
            foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(db) + "*"))
            {
                File.Delete(f);
            }
        }
    }
}
