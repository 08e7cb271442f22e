using static Ballast.Io.Tests.Protocol.Equivalence.EquivalenceCases;

namespace Ballast.Io.Tests.Protocol.Equivalence;

/// <summary>
/// Backtest and protocol agree for triggers that carry state or read risk: volatility-triggered acceleration (the
/// portfolio's or any asset's realised volatility switching to a faster trigger), targets per volatility regime
/// (entering and leaving the high regime re-targets and rebalances) and risk-contribution drift.
/// </summary>
public class TriggerStateEquivalenceTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Cases = new()
    {
        ["volatility-portfolio"] = EquivalenceHarness.Spec("volatility-portfolio", Universe, FixedWeights, "{ calendar: quarterly, volatility: { window: 21, above: 0.08, then: weekly } }"),
        ["volatility-any-asset-drift"] = EquivalenceHarness.Spec("volatility-any-asset-drift", Universe, FixedWeights, "{ calendar: quarterly, volatility: { window: 10, above: 0.25, below: 0.2, scope: any-asset, then: { drift: { absolute: 0.005 } } } }"),
        ["volatility-regime-targets"] = EquivalenceHarness.Spec("volatility-regime-targets", Universe, FixedWeights, "{ calendar: quarterly, volatility: { window: 21, above: 0.08, then: weekly, weights: { scheme: fixed, targets: { TREND: 0.05, CARRY: 0.35, VALUE: 0.2, MACRO: 0.05, ARB: 0.35 } } } }"),
        ["volatility-regime-targets-only"] = EquivalenceHarness.Spec("volatility-regime-targets-only", Universe, FixedWeights, "{ volatility: { window: 10, above: 0.25, below: 0.2, scope: any-asset, weights: { scheme: equal } } }"),
        ["volatility-regime-targets-drift-partial"] = EquivalenceHarness.Spec("volatility-regime-targets-drift-partial", Universe, FixedWeights, "{ drift: { absolute: 0.01 }, volatility: { window: 10, above: 0.1, below: 0.08, weights: { scheme: fixed, targets: { TREND: 0.1, CARRY: 0.3, VALUE: 0.3, MACRO: 0.1, ARB: 0.2 } } }, cooldown: { days: 5 } }", "{ partial: 0.5 }"),
        ["risk-drift-absolute"] = EquivalenceHarness.Spec("risk-drift-absolute", Universe, "{ scheme: risk-parity }", "{ risk_drift: { absolute: 0.05 } }", covariance: Covariance),
        ["risk-drift-relative-budget"] = EquivalenceHarness.Spec("risk-drift-relative-budget", Universe, "{ scheme: risk-budget, budgets: { TREND: 0.3, CARRY: 0.2, VALUE: 0.2, MACRO: 0.15, ARB: 0.15 } }", "{ any: [ { calendar: quarterly }, { risk_drift: { relative: 0.3 } } ] }", covariance: Covariance),
    };


    public static TheoryData<string> Kinds => Names(Cases);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void BacktestAndProtocolAgree(string kind) =>
        EquivalenceAssert.Check(kind, Cases[kind], TwoYears, output, TestContext.Current.CancellationToken);
}
