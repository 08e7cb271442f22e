using System.Text;
using Ballast.Policies;

namespace Ballast.Io.Reports;

/// <summary>One-line, human-readable summaries of a policy for the report's policy list (plain text, not escaped).</summary>
internal static class HtmlPolicyText
{
    /// <summary>Universe with targets, e.g. "A 60%, B 40%".</summary>
    public static string Targets(RebalancePolicy policy)
    {
        if (policy.Spec.Weights is RiskWeights risk)
        {
            var method = risk.Covariance.Method switch
            {
                CovarianceMethod.Sample => "sample",
                CovarianceMethod.Ewma => $"EWMA (half-life {risk.Covariance.Halflife})",
                _ => "Ledoit-Wolf",
            };
            return $"{string.Join(", ", policy.Names)}: {RiskWeights.SchemeNames[(int)risk.Scheme]} from the {method} covariance of the last {risk.Covariance.Lookback} returns, recomputed at each rebalance";
        }

        return Weights(policy.Names, policy.Targets);
    }

    /// <summary>"A 60%, B 40%": each name with its weight (names past the weights are listed alone).</summary>
    private static string Weights(IReadOnlyList<string> names, ReadOnlySpan<double> targets)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < names.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(names[i]);
            if (i < targets.Length)
            {
                sb.Append(' ').Append(HtmlText.Percent(targets[i], "0.##"));
            }
        }

        return sb.ToString();
    }

    /// <summary>When the policy rebalances, e.g. "calendar quarterly (period-end)" or "any of (drift absolute ±5%; calendar annual)".</summary>
    public static string Trigger(RebalancePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Trigger(policy.Spec.Trigger, policy.Names);
    }

    /// <summary>A trigger (tree) in words; <paramref name="names"/> are the policy's assets, for regime targets.</summary>
    private static string Trigger(TriggerSpec trigger, IReadOnlyList<string> names) => trigger switch
    {
        NoTrigger => "never rebalances",
        CalendarTrigger c => c.Schedule.Describe("calendar"),
        DriftTrigger d => "drift " + (d.Measure == DriftMeasure.Absolute ? "absolute ±" + HtmlText.Percent(d.Band, "0.##") : "relative ±" + HtmlText.Percent(d.Band, "0.##") + " of target")
            + (d.CheckSchedule is { } check ? ", " + check.Describe("checked") : string.Empty),
        RiskDriftTrigger r => "risk contribution drift " + (r.Measure == DriftMeasure.Absolute ? "±" + HtmlText.Percent(r.Band, "0.##") : "±" + HtmlText.Percent(r.Band, "0.##") + " of budget")
            + (r.CheckSchedule is { } riskCheck ? ", " + riskCheck.Describe("checked") : string.Empty),
        AnyTrigger any => "any of (" + string.Join("; ", any.Triggers.Select(t => Trigger(t, names))) + ")",
        AllTrigger all => "all of (" + string.Join("; ", all.Triggers.Select(t => Trigger(t, names))) + ")",
        CooldownTrigger c => Trigger(c.Inner, names) + ", cooldown"
            + (c.Rows is { } rows ? " " + HtmlText.Int(rows) + " rows" : string.Empty)
            + (c.Days is { } days ? " " + HtmlText.Int(days) + " days" : string.Empty),
        VolatilityTrigger v => Trigger(v.Normal, names) + "; while " + (v.Scope == VolatilityScope.Portfolio ? "portfolio" : "any asset's") + " volatility (" + HtmlText.Int(v.Window) + " returns) is above "
            + HtmlText.Percent(v.Above, "0.##") + " until it falls below " + HtmlText.Percent(v.Below, "0.##") + ": " + Trigger(v.High, names)
            + (v.HighWeights is { } high ? ", targets " + Weights(names, high.Targets.AsSpan()) + " (the policy's own on leaving)" : string.Empty),
        _ => trigger.GetType().Name,
    };

    /// <summary>How a fired rebalance is carried out, or null for the default (all the way to target).</summary>
    public static string? Execution(ExecutionSpec execution)
    {
        if (execution == ExecutionSpec.Default)
        {
            return null;
        }

        var parts = new List<string>();
        if (execution.To == ExecutionTarget.BandEdge)
        {
            parts.Add("to band edge");
        }

        if (execution.Partial is { } partial)
        {
            parts.Add("partial " + HtmlText.Percent(partial, "0.##"));
        }

        if (execution.MinTrade is { } minTrade)
        {
            if (minTrade.Value is { } value)
            {
                parts.Add("min trade " + HtmlText.Number(value, "#,##0.##"));
            }

            if (minTrade.Weight is { } weight)
            {
                parts.Add("min trade " + HtmlText.Percent(weight, "0.##") + " weight");
            }
        }

        if (execution.MaxTurnover is { } maxTurnover)
        {
            parts.Add("max turnover " + HtmlText.Percent(maxTurnover, "0.##"));
        }

        return parts.Count == 0 ? null : string.Join(", ", parts);
    }
}
