using static Ballast.Io.Tests.Protocol.Equivalence.EquivalenceCases;

namespace Ballast.Io.Tests.Protocol.Equivalence;

/// <summary>
/// Backtest and protocol agree for risk-based weights: inverse volatility, risk parity, risk budgets, bounded risk
/// parity, minimum variance with groups, with correlation clusters, with a beta limit and a turnover cap, and
/// mean-variance; under the sample, EWMA and Ledoit-Wolf estimators; on built-in synthetic data.
/// </summary>
public class RiskWeightEquivalenceTests(ITestOutputHelper output)
{
    private const string Monthly = "{ calendar: monthly }";

    private static readonly Dictionary<string, string> Cases = new()
    {
        ["inverse-vol"] = EquivalenceHarness.Spec("inverse-vol", Universe, "{ scheme: inverse-vol }", Monthly, covariance: Covariance),
        ["risk-parity"] = EquivalenceHarness.Spec("risk-parity", Universe, "{ scheme: risk-parity }", Monthly, covariance: Covariance),
        ["risk-parity-ledoit-wolf"] = EquivalenceHarness.Spec("risk-parity-ledoit-wolf", Universe, "{ scheme: risk-parity }", Monthly, covariance: "{ method: ledoit-wolf, lookback: 60 }"),
        ["risk-budget-ewma"] = EquivalenceHarness.Spec("risk-budget-ewma", Universe, "{ scheme: risk-budget, budgets: { TREND: 0.3, CARRY: 0.2, VALUE: 0.2, MACRO: 0.15, ARB: 0.15 } }", Monthly, covariance: "{ method: ewma, lookback: 60, halflife: 20 }"),
        ["risk-parity-bounded"] = EquivalenceHarness.Spec("risk-parity-bounded", Universe, "{ scheme: risk-parity, bounds: [0.1, 0.3] }", Monthly, covariance: Covariance),
        ["min-variance-groups"] = EquivalenceHarness.Spec("min-variance-groups", Universe, "{ scheme: min-variance, bounds: [0, 0.5], groups: { directional: { assets: [TREND, VALUE], min: 0.2 }, carry: { assets: [CARRY, ARB], max: 0.5 } } }", Monthly, covariance: Covariance),
        ["min-variance-clusters"] = EquivalenceHarness.Spec("min-variance-clusters", Universe, "{ scheme: min-variance, correlation_clusters: { threshold: 0.3, max_weight: 0.5 } }", Monthly, covariance: Covariance),
        ["min-variance-beta-turnover"] = EquivalenceHarness.Spec("min-variance-beta-turnover", Universe, "{ scheme: min-variance, beta_limit: { reference: VALUE, max: 0.5 }, max_turnover: 0.2 }", Monthly, covariance: Covariance),
        ["mean-variance"] = EquivalenceHarness.Spec("mean-variance", Universe, "{ scheme: mean-variance, risk_aversion: 20, bounds: [0, 0.4] }", Monthly, covariance: Covariance),
    };


    public static TheoryData<string> Kinds => Names(Cases);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void BacktestAndProtocolAgree(string kind) =>
        EquivalenceAssert.Check(kind, Cases[kind], TwoYears, output, TestContext.Current.CancellationToken);
}
