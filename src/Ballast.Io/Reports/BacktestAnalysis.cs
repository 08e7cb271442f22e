using Ballast.Backtesting;
using Ballast.Statistics;

namespace Ballast.Io.Reports;

/// <summary>What the user asked the statistics for: significance (<c>--significance</c>) and sub-periods (<c>--periods</c>).</summary>
/// <param name="Significance">Compute significance whatever the policy count (and record the run for it).</param>
/// <param name="Periods">The parsed <c>--periods</c>, or null.</param>
public sealed record AnalysisRequest(bool Significance = false, PeriodsRequest? Periods = null)
{
    /// <summary>True when the run must keep its equity curves for this request.</summary>
    public bool NeedsRecording => Significance || Periods is not null;
}

/// <summary>One policy against its baseline (docs/statistics.md).</summary>
/// <param name="Against">The baseline's name.</param>
/// <param name="Returns">T, the aligned returns compared.</param>
/// <param name="SharpeDifference">Annualised Sharpe ratio difference, policy − baseline (ddof 1, excess of the risk-free rate).</param>
/// <param name="JobsonKorkieMemmel">Jobson-Korkie's test with Memmel's correction.</param>
/// <param name="LedoitWolf">Ledoit-Wolf's HAC test.</param>
/// <param name="LedoitWolfLag">The Bartlett lag used.</param>
/// <param name="Bootstrap">The paired block bootstrap's intervals and p-value.</param>
/// <param name="ProbabilisticSharpe">PSR(0) of the policy.</param>
public sealed record PolicySignificance(string Against, int Returns, double SharpeDifference, SharpeDifferenceTest JobsonKorkieMemmel, SharpeDifferenceTest LedoitWolf, int LedoitWolfLag, PairedBootstrapResult? Bootstrap, double ProbabilisticSharpe);

/// <summary>The run as a whole: the deflated Sharpe ratio of the best policy and Hansen's SPA against the baseline.</summary>
/// <param name="Trials">N, the policies other than the baseline.</param>
/// <param name="BestIndex">The run index of the policy with the highest Sharpe ratio among them (−1 when none is defined).</param>
/// <param name="BestSharpe">Its annualised Sharpe ratio.</param>
/// <param name="SharpeVariance">The sample variance (ddof 1) of the trials' annualised Sharpe ratios.</param>
/// <param name="ExpectedMaxSharpe">SR₀ annualised: the best Sharpe ratio expected from N trials by luck.</param>
/// <param name="ProbabilisticSharpe">PSR(0) of the best.</param>
/// <param name="DeflatedSharpe">DSR of the best, PSR(SR₀).</param>
/// <param name="Spa">Hansen's SPA test of every policy against the baseline (null with no other policy).</param>
/// <param name="SpaBestIndex">The run index of SPA's best studentised policy, or −1.</param>
/// <param name="StepM">Romano-Wolf's StepM of every trial against the baseline at a 5 % family-wise error rate (null with no other policy).</param>
/// <param name="TrialIndexes">The run index of each trial, in the order the tests read them (StepM's input order).</param>
public sealed record RunSignificance(int Trials, int BestIndex, double BestSharpe, double SharpeVariance, double ExpectedMaxSharpe, double ProbabilisticSharpe, double DeflatedSharpe, SpaResult? Spa, int SpaBestIndex, StepMResult? StepM, IReadOnlyList<int> TrialIndexes)
{
    /// <summary>The family-wise error rate StepM controls in <c>ballast backtest</c>.</summary>
    public const double StepMAlpha = 0.05;

    /// <summary>Whether run <paramref name="index"/> beats the baseline after StepM's correction; null when it is not a trial or StepM did not run.</summary>
    public bool? BeatsBaseline(int index)
    {
        var trial = StepM is null ? -1 : IndexOf(index);
        return trial < 0 ? null : StepM!.Rejects(trial);
    }

    private int IndexOf(int index)
    {
        for (var k = 0; k < TrialIndexes.Count; k++)
        {
            if (TrialIndexes[k] == index)
            {
                return k;
            }
        }

        return -1;
    }
}

/// <summary>A fixed-weight policy's allocation and risk: targets against what it held (docs/statistics.md).</summary>
/// <param name="Assets">The policy's series, in universe order.</param>
/// <param name="TargetWeights">The target weights.</param>
/// <param name="AverageWeights">The mean over rows of the weights held after each row's trades.</param>
/// <param name="TargetContributions">Risk contributions of the targets, wᵢ (Σw)ᵢ / w′Σw, with the window's sample covariance.</param>
/// <param name="RealisedContributions">The mean over rows of the risk contributions of the weights held, with the same covariance.</param>
public sealed record RiskAllocation(IReadOnlyList<string> Assets, IReadOnlyList<double> TargetWeights, IReadOnlyList<double> AverageWeights, IReadOnlyList<double> TargetContributions, IReadOnlyList<double> RealisedContributions);

/// <summary>
/// The statistics of a backtest beyond its metrics (docs/statistics.md): significance against the baseline, the
/// premium decomposition and sub-period metrics. Computed from the recorded equity curves, deterministically.
/// </summary>
public sealed class BacktestAnalysis
{
    /// <summary>With <c>--out</c> and no <c>--significance</c>, significance is computed up to this many runs (the baseline included).</summary>
    public const int AutomaticPolicyLimit = 50;

    private BacktestAnalysis(BootstrapOptions bootstrap, IReadOnlyList<PolicySignificance?>? policies, RunSignificance? run, (IReadOnlyList<PremiumDecomposition?> Premium, IReadOnlyList<RiskAllocation?> Risk) premium, PeriodTable? periods)
    {
        Bootstrap = bootstrap;
        Policies = policies;
        Run = run;
        Premium = premium.Premium;
        Risk = premium.Risk;
        Periods = periods;
    }

    /// <summary>The bootstrap settings used (kind, replicates, seed, confidence).</summary>
    public BootstrapOptions Bootstrap { get; }

    /// <summary>Per run (in run order) its significance against its baseline; null for the baseline itself; null when significance was not computed.</summary>
    public IReadOnlyList<PolicySignificance?>? Policies { get; }

    /// <summary>The run-wide tests; null when significance was not computed.</summary>
    public RunSignificance? Run { get; }

    /// <summary>Per run its premium decomposition (fixed-weight policies; null for risk-based ones and the baseline).</summary>
    public IReadOnlyList<PremiumDecomposition?> Premium { get; }

    /// <summary>Per run its target against realised allocation and risk contributions (fixed-weight policies other than the baseline).</summary>
    public IReadOnlyList<RiskAllocation?> Risk { get; }

    /// <summary>Sub-period metrics, when <c>--periods</c> asked for them.</summary>
    public PeriodTable? Periods { get; }

    /// <summary>
    /// The run a policy is compared with: its own buy-and-hold twin (same universe, weights, costs, lots and capital),
    /// the same comparator as its rebalancing premium; the outcome's baseline for a run without a twin.
    /// </summary>
    public static PolicyRun BaselineFor(BacktestOutcome outcome, int index)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Twins.Count > index && outcome.Twins[index] >= 0 ? outcome.Runs[outcome.Twins[index]] : outcome.Baseline;
    }

    /// <summary>
    /// The analysis a run gets: null when nothing is asked and the run is not recorded. Significance is computed when
    /// asked, or, when <paramref name="automatic"/> (the run writes its output files), for a recorded run of at most
    /// <see cref="AutomaticPolicyLimit"/> policies (above that <paramref name="notice"/> says it was skipped).
    /// </summary>
    public static BacktestAnalysis? For(BacktestOutcome outcome, AnalysisRequest? request, bool automatic, Action<string>? notice = null)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        request ??= new AnalysisRequest();
        var recorded = outcome.Runs.All(r => r.Equity is not null);
        if (!recorded)
        {
            if (request.NeedsRecording)
            {
                throw new InvalidOperationException("significance and sub-periods need a recorded run (Record = true)");
            }

            return null;
        }

        var significance = request.Significance || (automatic && outcome.Runs.Count <= AutomaticPolicyLimit);
        if (automatic && !significance)
        {
            notice?.Invoke($"significance not computed for {outcome.Runs.Count} policies (automatic up to {AutomaticPolicyLimit}); pass --significance to compute it");
        }

        return Compute(outcome, significance, request.Periods, BootstrapOptions.Default);
    }

    /// <summary>Computes the analysis of a recorded outcome.</summary>
    public static BacktestAnalysis Compute(BacktestOutcome outcome, bool significance, PeriodsRequest? periods, BootstrapOptions bootstrap)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(bootstrap);
        var periodTable = periods is null ? null : PeriodTable.Compute(outcome, periods);
        var premium = PremiumOf(outcome);
        if (!significance)
        {
            return new BacktestAnalysis(bootstrap, null, null, premium, periodTable);
        }

        var returns = outcome.Runs.Select(r => ReturnSeries.FromEquity(r.Equity)).ToArray();
        var rf = ReturnSeries.RiskFreePerPeriod(outcome.RiskFree, outcome.PeriodsPerYear);
        var policies = new PolicySignificance?[outcome.Runs.Count];
        Parallel.For(0, outcome.Runs.Count, i =>
        {
            var baseline = BaselineFor(outcome, i);
            if (ReferenceEquals(baseline, outcome.Runs[i]))
            {
                return;
            }

            var a = returns[i];
            var b = ReturnSeries.FromEquity(baseline.Equity);
            var sqrtP = Math.Sqrt(outcome.PeriodsPerYear);
            policies[i] = new PolicySignificance(
                baseline.Name,
                a.Length,
                (ReturnSeries.Sharpe(a, rf) - ReturnSeries.Sharpe(b, rf)) * sqrtP,
                JobsonKorkieMemmel.Test(a, b, rf),
                LedoitWolfHac.Test(a, b, rf),
                LedoitWolfHac.Lag(a.Length),
                PairedBootstrap.Compare(a, b, outcome.PeriodsPerYear, rf, bootstrap),
                SharpeDeflation.Probabilistic(a, rf));
        });

        return new BacktestAnalysis(bootstrap, policies, RunWide(outcome, returns, rf, bootstrap), premium, periodTable);
    }

    /// <summary>The Ledoit-Wolf p-value of run <paramref name="index"/> against its baseline, or null.</summary>
    public double? SharpePValue(int index) =>
        Policies is { } p && p[index] is { } s && double.IsFinite(s.LedoitWolf.PValue) ? s.LedoitWolf.PValue : null;

    private static RunSignificance RunWide(BacktestOutcome outcome, double[][] returns, double rf, BootstrapOptions bootstrap)
    {
        var sqrtP = Math.Sqrt(outcome.PeriodsPerYear);
        var baseline = outcome.BaselineIndex;
        // The trials are the spec's own policies: buy-and-hold twins and added baselines are comparators, not trials.
        var trials = Enumerable.Range(0, returns.Length).Where(i => i != baseline && outcome.RoleOf(i) == RunRole.Policy).ToArray();
        var sharpes = trials.Select(i => ReturnSeries.Sharpe(returns[i], rf)).ToArray();
        var defined = sharpes.Where(double.IsFinite).ToArray();
        var variance = defined.Length > 1 ? SampleMoments.Of(defined).Variance : 0;
        var best = -1;
        for (var k = 0; k < trials.Length; k++)
        {
            if (double.IsFinite(sharpes[k]) && (best < 0 || sharpes[k] > sharpes[Array.IndexOf(trials, best)]))
            {
                best = trials[k];
            }
        }

        double psr = double.NaN, dsr = double.NaN, bestSharpe = double.NaN;
        var expected = SharpeDeflation.ExpectedMaximum(Math.Max(1, trials.Length), variance);
        if (best >= 0)
        {
            var m = SampleMoments.Of(returns[best]);
            bestSharpe = ReturnSeries.Sharpe(returns[best], rf);
            psr = SharpeDeflation.Probabilistic(bestSharpe, 0, m.Count, m.Skewness, m.Kurtosis);
            dsr = SharpeDeflation.Probabilistic(bestSharpe, expected, m.Count, m.Skewness, m.Kurtosis);
        }

        SpaResult? spa = null;
        StepMResult? stepM = null;
        var spaBest = -1;
        if (trials.Length > 0 && returns[baseline].Length >= 3)
        {
            var stationary = bootstrap with { Kind = BootstrapKind.Stationary };
            // One bootstrap pass for both: the same resamples, the same numbers as each test alone.
            var comparison = BenchmarkComparison.Test(returns[baseline], trials.Select(i => returns[i]), RunSignificance.StepMAlpha, stationary);
            spa = comparison.Spa;
            spaBest = spa.BestIndex >= 0 ? trials[spa.BestIndex] : -1;
            stepM = comparison.StepM;
        }

        return new RunSignificance(trials.Length, best, bestSharpe * sqrtP, variance * outcome.PeriodsPerYear, expected * sqrtP, psr, dsr, spa, spaBest, stepM, trials);
    }

    private static (IReadOnlyList<PremiumDecomposition?>, IReadOnlyList<RiskAllocation?>) PremiumOf(BacktestOutcome outcome)
    {
        var table = outcome.Table;
        var covariances = new Dictionary<string, double[,]?>(StringComparer.Ordinal);
        var result = new PremiumDecomposition?[outcome.Runs.Count];
        var risk = new RiskAllocation?[outcome.Runs.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var policy = outcome.Runs[i].Policy;
            if (policy.IsRiskBased || i == outcome.BaselineIndex)
            {
                continue;
            }

            var key = string.Join('\u001f', policy.Names);
            if (!covariances.TryGetValue(key, out var covariance))
            {
                var columns = policy.Names.Select(table.IndexOf).ToArray();
                covariance = null;
                if (columns.All(c => c >= 0) && table.RowCount > 2)
                {
                    var returns = new double[table.RowCount - 1, columns.Length];
                    for (var t = 1; t < table.RowCount; t++)
                    {
                        var now = table.Row(t);
                        var before = table.Row(t - 1);
                        for (var c = 0; c < columns.Length; c++)
                        {
                            returns[t - 1, c] = (now[columns[c]] / before[columns[c]]) - 1;
                        }
                    }

                    covariance = DiversificationReturn.Covariance(returns);
                }

                covariances[key] = covariance;
            }

            if (covariance is not null)
            {
                result[i] = DiversificationReturn.Compute(policy.Targets, covariance, outcome.PeriodsPerYear);
                risk[i] = Allocation(outcome.Runs[i], covariance, table.RowCount);
            }
        }

        return (result, risk);
    }

    private static RiskAllocation? Allocation(PolicyRun run, double[,] covariance, int rows)
    {
        if (run.Weights is not { } weights)
        {
            return null;
        }

        var m = run.Policy.AssetCount;
        var average = new double[m];
        var realised = new double[m];
        for (var t = 0; t < rows; t++)
        {
            var held = weights.AsSpan(t * m, m);
            var contributions = DiversificationReturn.RiskContributions(held, covariance);
            for (var i = 0; i < m; i++)
            {
                average[i] += held[i] / rows;
                realised[i] += contributions[i] / rows;
            }
        }

        var targets = run.Policy.Targets.ToArray();
        return new RiskAllocation(run.Policy.Names, targets, average, DiversificationReturn.RiskContributions(targets, covariance), realised);
    }
}
