using Ballast.Data;
using Ballast.Policies;
using Ballast.Statistics;

namespace Ballast.Io.Reports;

/// <summary>One policy of the spec against its own buy-and-hold twin, as the Findings read it.</summary>
/// <param name="Name">The policy's name.</param>
/// <param name="Premium">Its rebalancing premium, CAGR minus the twin's (null when undefined).</param>
/// <param name="PremiumInterval">The paired bootstrap's interval of the CAGR difference, or null.</param>
/// <param name="SharpeDifference">The annualised Sharpe-ratio difference, policy − twin.</param>
/// <param name="PValue">Ledoit-Wolf's HAC p-value of that difference (NaN when undefined).</param>
public sealed record PolicyFinding(string Name, double? Premium, Interval? PremiumInterval, double SharpeDifference, double PValue);

/// <summary>The most and the least frequent calendar policies at zero cost, tested against each other.</summary>
/// <param name="Frequent">The more frequent policy's name.</param>
/// <param name="FrequentSchedule">Its calendar frequency's spec name (e.g. monthly).</param>
/// <param name="FrequentCagr">Its CAGR.</param>
/// <param name="Infrequent">The less frequent policy's name.</param>
/// <param name="InfrequentSchedule">Its calendar frequency's spec name.</param>
/// <param name="InfrequentCagr">Its CAGR.</param>
/// <param name="SharpeDifference">The annualised Sharpe-ratio difference, frequent − infrequent.</param>
/// <param name="PValue">Ledoit-Wolf's HAC p-value of that difference.</param>
public sealed record FrequencyFinding(string Frequent, string FrequentSchedule, double? FrequentCagr, string Infrequent, string InfrequentSchedule, double? InfrequentCagr, double SharpeDifference, double PValue);

/// <summary>Romano-Wolf's StepM of the spec's policies against the run's baseline, as the Findings read it.</summary>
/// <param name="Against">The baseline's name.</param>
/// <param name="Alpha">The family-wise error rate controlled (0.05).</param>
/// <param name="Tested">K, the policies compared (those identical to the baseline left out).</param>
/// <param name="Beat">The policies whose mean return beats the baseline's at that level, in run order.</param>
public sealed record StepMFinding(string Against, double Alpha, int Tested, IReadOnlyList<string> Beat);

/// <summary>
/// The statistics the report's Findings are written from (<see cref="FindingsText"/>): a plain record, so the wording
/// can be driven by chosen numbers on both sides of a threshold.
/// </summary>
/// <param name="Returns">T, the returns in the window.</param>
/// <param name="PeriodsPerYear">P, the data's periods per year.</param>
/// <param name="First">The window's first date, as the data writes it.</param>
/// <param name="Last">Its last date.</param>
/// <param name="Policies">Each policy of the spec against its twin (those with a defined test).</param>
/// <param name="Spa">Hansen's SPA p-value of every policy against the run's baseline, or null.</param>
/// <param name="SpaAgainst">The SPA benchmark's name.</param>
/// <param name="ZeroCost">The zero-cost frequency comparison, or null when the spec has no two calendar frequencies at zero cost.</param>
/// <param name="Confidence">The bootstrap intervals' confidence (0.95).</param>
/// <param name="Replicates">Bootstrap replicates.</param>
/// <param name="Seed">Bootstrap seed.</param>
/// <param name="StepM">StepM's verdicts, or null when it was not computed (the Findings then fall back on Holm's correction of the pairwise p-values).</param>
public sealed record FindingsInput(int Returns, int PeriodsPerYear, string First, string Last, IReadOnlyList<PolicyFinding> Policies, double? Spa, string SpaAgainst, FrequencyFinding? ZeroCost, double Confidence, int Replicates, int Seed, StepMFinding? StepM = null)
{
    /// <summary>
    /// The Findings' statistics of a run: null unless significance was computed. The zero-cost comparison takes the
    /// spec's calendar policies (a plain calendar trigger, full execution) with no cost at all, and tests the most
    /// frequent against the least frequent (the first of each in spec order); a drift band of 0 checked on a calendar
    /// counts as that calendar.
    /// </summary>
    public static FindingsInput? From(BacktestOutcome outcome, BacktestAnalysis? analysis)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (analysis?.Policies is not { } significance || outcome.Table.RowCount < 2)
        {
            return null;
        }

        var policies = new List<PolicyFinding>();
        for (var i = 0; i < outcome.Runs.Count; i++)
        {
            if (outcome.RoleOf(i) == RunRole.Policy && significance[i] is { } s)
            {
                policies.Add(new PolicyFinding(outcome.Runs[i].Name, outcome.Runs[i].Metrics.RebalancingPremium, s.Bootstrap?.Cagr.Interval, s.SharpeDifference, s.LedoitWolf.PValue));
            }
        }

        var table = outcome.Table;
        return new FindingsInput(
            table.RowCount - 1,
            outcome.PeriodsPerYear,
            table.FormatDate(table.Dates[0]),
            table.FormatDate(table.Dates[^1]),
            policies,
            analysis.Run?.Spa?.PValue,
            outcome.Baseline.Name,
            ZeroCostFrequencies(outcome),
            analysis.Bootstrap.Confidence,
            analysis.Bootstrap.Replicates,
            analysis.Bootstrap.Seed,
            StepMOf(outcome, analysis.Run));
    }

    private static StepMFinding? StepMOf(BacktestOutcome outcome, RunSignificance? run) => run?.StepM is { } stepM
        ? new StepMFinding(outcome.Baseline.Name, stepM.Alpha, stepM.Models, [.. stepM.Rejected.Select(k => outcome.Runs[run.TrialIndexes[k]].Name)])
        : null;

    private static FrequencyFinding? ZeroCostFrequencies(BacktestOutcome outcome)
    {
        var calendar = Enumerable.Range(0, Math.Min(outcome.Spec.Policies.Length, outcome.Runs.Count))
            .Select(i => (Index: i, Spec: outcome.Runs[i].Policy.Spec))
            .Where(p => p.Spec.Execution == ExecutionSpec.Default && IsFree(p.Spec.Costs) && Schedule(p.Spec.Trigger) is not null)
            .Select(p => (p.Index, Frequency: Schedule(p.Spec.Trigger)!.Value))
            .ToList();
        if (calendar.Count < 2)
        {
            return null;
        }

        var frequent = calendar.MinBy(c => c.Frequency);
        var infrequent = calendar.MaxBy(c => c.Frequency);
        if (frequent.Frequency == infrequent.Frequency)
        {
            return null;
        }

        var a = ReturnSeries.FromEquity(outcome.Runs[frequent.Index].Equity);
        var b = ReturnSeries.FromEquity(outcome.Runs[infrequent.Index].Equity);
        var rf = ReturnSeries.RiskFreePerPeriod(outcome.RiskFree, outcome.PeriodsPerYear);
        var test = LedoitWolfHac.Test(a, b, rf);
        var sqrtP = Math.Sqrt(outcome.PeriodsPerYear);
        return new FrequencyFinding(
            outcome.Runs[frequent.Index].Name,
            frequent.Frequency.ToSpecName(),
            outcome.Runs[frequent.Index].Metrics.Cagr,
            outcome.Runs[infrequent.Index].Name,
            infrequent.Frequency.ToSpecName(),
            outcome.Runs[infrequent.Index].Metrics.Cagr,
            (ReturnSeries.Sharpe(a, rf) - ReturnSeries.Sharpe(b, rf)) * sqrtP,
            test.PValue);
    }

    /// <summary>The frequency of a trigger that rebalances on every period of a calendar: a calendar trigger, or a drift band of 0 checked on a calendar (Vanguard's "0 % threshold").</summary>
    private static CalendarFrequency? Schedule(TriggerSpec trigger) => trigger switch
    {
        CalendarTrigger c => c.Frequency,
        DriftTrigger { Band: 0, Check: { } check } => check,
        _ => null,
    };

    private static bool IsFree(CostSpec costs) => costs.FixedPerTrade == 0 && costs.ProportionalBps.All(c => c == 0) && costs.SpreadBps.All(c => c == 0);
}
