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


    public static TheoryData<string> Kinds => Names(Cases);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void BacktestAndProtocolAgree(string kind) =>
        EquivalenceAssert.Check(kind, Cases[kind], TwoYears, output, TestContext.Current.CancellationToken);
}
