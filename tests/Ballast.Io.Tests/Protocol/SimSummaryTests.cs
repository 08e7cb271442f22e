using System.Collections.Immutable;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Policies;
using Ballast.Protocol;

namespace Ballast.Io.Tests.Protocol;

/// <summary>
/// <c>ballast sim</c>'s summary under a risk-based policy. A keeper call on an empty composed vault
/// journals a <c>rebalanced</c> event with trigger <c>initial</c> and no trades (the targets
/// the first deposit is invested at). They are counted apart from the rebalances that trade.
/// </summary>
public class SimSummaryTests
{
    [Fact]
    public void Sim_SummaryCountsAgreeWithTheJournal_UnderARiskPolicy()
    {
        var dir = Directory.CreateTempSubdirectory("ballast-sim-summary-");
        try
        {
            // Inverse volatility over a 20-row lookback, monthly, the investor depositing on the first row. (A sim
            // cannot keep the composed vault empty past the lookback today: its children are empty too and report a
            // constant NAV, which has no volatility; and a full redemption leaves a base unit of dust. So this holds
            // the summary's counts to the journal; KeeperCallKindOf below covers the initial setting itself.)
            var spec = Path.Combine(dir.FullName, "risk.yaml");
            File.WriteAllText(spec, """
                name: risk
                universe: [TREND, CARRY, VALUE]
                capital: 1000000
                covariance: { method: sample, lookback: 20 }
                costs: { proportional_bps: 0 }
                weights: { scheme: inverse-vol }
                trigger: { calendar: monthly }
                """);
            var scenario = Scenario.Load(
                $$"""
                name: risk-summary
                data: { synth: { strategies: 3, years: 1, seed: 7 } }
                asset: { symbol: USD, decimals: 6 }
                policy: { file: '{{spec}}', name: risk }
                composed: { id: mix }
                investors:
                  - { account: investor, deposit: 1000000, on: first }
                keeper: every-row
                """,
                Path.Combine(dir.FullName, "scenario.yaml"));
            var db = Path.Combine(dir.FullName, "sim.db");
            SimSummary summary;
            List<Rebalanced> rebalanced;
            using (var store = JournalStores.Open(db))
            {
                summary = BlockingJournal.RunSim(scenario, store);
                rebalanced = [.. store.Read().Where(e => e.Type == "rebalanced").Select(e => (Rebalanced)EventTypes.Parse(e.Type, e.Payload))];
            }

            Assert.True(summary.Rejections.Count == 0, string.Join("\n", summary.Rejections.Take(3)));
            var initial = rebalanced.Where(r => r.Trigger == PolicyStep.InitialInvestment.Kind && r.Trades.IsDefaultOrEmpty).ToList();
            var traded = rebalanced.Where(r => !r.Trades.IsDefaultOrEmpty).ToList();
            Assert.True(traded.Count > 0, "the scenario must trade");
            Assert.Equal(rebalanced.Count, initial.Count + traded.Count);

            // Rebalances counts what traded; the empty vault's target settings are counted apart.
            Assert.Equal(traded.Count, summary.Rebalances);
            Assert.Equal(initial.Count, summary.InitialTargetSettings);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static Rebalanced Event(string trigger, ImmutableArray<ChildFlow> trades) =>
        new(new VaultId("mix"), PolicyHash.OfCanonicalJson("{}"), trigger, "why", new string('0', 64), 0, [500_000, 500_000], trades, 0, 0, 1, 1, null, DateTimeOffset.UnixEpoch);

    [Fact]
    public void KeeperCallKindOf_AnInitialTargetSettingWithoutTrades_IsNotARebalance()
    {
        // Before: every applied call with a rebalanced event was counted as a rebalance, the empty vault's too.
        var initial = CommandOutcome.Of(Event(PolicyStep.InitialInvestment.Kind, []));
        Assert.Equal(SimRunner.KeeperCallKind.InitialTargets, SimRunner.KeeperCallKindOf(initial));
    }

    [Fact]
    public void KeeperCallKindOf_ARebalanceThatTrades_IsARebalance_AndTheRestIsNot()
    {
        var traded = CommandOutcome.Of(Event("calendar", [new ChildFlow(new VaultId("A"), null!)]));
        Assert.Equal(SimRunner.KeeperCallKind.Rebalance, SimRunner.KeeperCallKindOf(traded));
        Assert.Equal(SimRunner.KeeperCallKind.NothingTraded, SimRunner.KeeperCallKindOf(CommandOutcome.Nothing("no trigger fired")));
        Assert.Equal(SimRunner.KeeperCallKind.Rejected, SimRunner.KeeperCallKindOf(CommandOutcome.Reject("policy-failed", "no variance")));
    }
}
