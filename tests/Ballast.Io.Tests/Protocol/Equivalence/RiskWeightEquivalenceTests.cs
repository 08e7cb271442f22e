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

    /// <summary>
    /// Kinds that diverge on the current code, and in what; each must still diverge there (see <see cref="EquivalenceAssert"/>).
    /// Every kind used to agree in its decisions but not in NAV: the protocol invested the deposit at equal weights
    /// (the targets in force until the policy's first rebalance) where the backtest invests its row 0 at the targets
    /// the policy computes there (risk parity on 2000-03-28: 997341530279 base units in the backtest, 996584619790 in
    /// the protocol). The keeper now sets an empty vault's targets on the window's first row, from the same lookback
    /// (H returns take H + 1 rows; it used to ask for H + 2), so the deposit is invested as the backtest invests.
    /// Left: a turnover cap keeps some assets at their current weight, so their trade falls under half a ppm of NAV
    /// and is skipped on both sides; the backtest's trader then re-spreads the other trades pro rata while the
    /// protocol leaves the difference idle (docs/protocol.md, "Known differences"; the trade sizing's, not the
    /// policy step's). Every rebalance and target agrees through 2000-06-01, where ARB is kept (331130 ppm); the NAV
    /// leaves the bound the next row (996596135779 vs 996596134851, bound 300), and the weights held then move the
    /// capped targets by one ppm on 2000-07-03 (132985,227992,… vs 132986,227991,…).
    /// </summary>
    private static readonly Dictionary<string, Parts> KnownDivergences = new()
    {
        ["min-variance-beta-turnover"] = Parts.Both,
    };

    public static TheoryData<string> Kinds => Names(Cases);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void BacktestAndProtocolAgree(string kind) =>
        EquivalenceAssert.Check(kind, Cases[kind], TwoYears, KnownDivergences, output, TestContext.Current.CancellationToken);
}
