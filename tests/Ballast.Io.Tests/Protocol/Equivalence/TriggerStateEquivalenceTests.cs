using static Ballast.Io.Tests.Protocol.Equivalence.EquivalenceCases;

namespace Ballast.Io.Tests.Protocol.Equivalence;

/// <summary>
/// Backtest and protocol agree for triggers that carry state or read risk: volatility-triggered acceleration (the
/// portfolio's or any asset's realised volatility switching to a faster trigger) and risk-contribution drift.
/// </summary>
public class TriggerStateEquivalenceTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Cases = new()
    {
        ["volatility-portfolio"] = EquivalenceHarness.Spec("volatility-portfolio", Universe, FixedWeights, "{ calendar: quarterly, volatility: { window: 21, above: 0.08, then: weekly } }"),
        ["volatility-any-asset-drift"] = EquivalenceHarness.Spec("volatility-any-asset-drift", Universe, FixedWeights, "{ calendar: quarterly, volatility: { window: 10, above: 0.25, below: 0.2, scope: any-asset, then: { drift: { absolute: 0.005 } } } }"),
        ["risk-drift-absolute"] = EquivalenceHarness.Spec("risk-drift-absolute", Universe, "{ scheme: risk-parity }", "{ risk_drift: { absolute: 0.05 } }", covariance: Covariance),
        ["risk-drift-relative-budget"] = EquivalenceHarness.Spec("risk-drift-relative-budget", Universe, "{ scheme: risk-budget, budgets: { TREND: 0.3, CARRY: 0.2, VALUE: 0.2, MACRO: 0.15, ARB: 0.15 } }", "{ any: [ { calendar: quarterly }, { risk_drift: { relative: 0.3 } } ] }", covariance: Covariance),
    };

    /// <summary>
    /// Kinds that diverge on the current code, and in what; each must still diverge there (see <see cref="EquivalenceAssert"/>).
    /// The portfolio-volatility regime agrees since the keeper advances the journaled policy state row by row with the
    /// weights held (PolicyStep; it used to re-observe the whole history with today's weights and missed the 35th
    /// rebalance, a high-regime weekly one on 2001-06-25): all 51 rebalances and the NAV agree. With any-asset
    /// volatility and a drift band in the high regime, all 30 rebalances agree but the NAV leaves the bound on
    /// 2001-07-12 (backtest 1034677907232 vs protocol 1034677904141, bound 2415): the gap moves with prices from the
    /// quarterly rebalance of 2001-07-02 to the next, so the two ended that rebalance in different holdings (not yet
    /// explained). Risk-contribution drift reads the weights held; it agrees since the first deposit is invested at the
    /// policy's targets (see <see cref="RiskWeightEquivalenceTests"/>): it used to find the equal weights the protocol
    /// held and fire on 2000-03-28, where the backtest first fires on 2000-06-01 (absolute band) or at its first
    /// quarter (2000-04-03, relative band).
    /// </summary>
    private static readonly Dictionary<string, Parts> KnownDivergences = new()
    {
        ["volatility-any-asset-drift"] = Parts.Nav,
    };

    public static TheoryData<string> Kinds => Names(Cases);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void BacktestAndProtocolAgree(string kind) =>
        EquivalenceAssert.Check(kind, Cases[kind], TwoYears, KnownDivergences, output, TestContext.Current.CancellationToken);
}
