using System.Text;
using Ballast.Data;
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

        var sb = new StringBuilder();
        var targets = policy.Targets;
        for (var i = 0; i < policy.Names.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(policy.Names[i]);
            if (i < targets.Length)
            {
                sb.Append(' ').Append(HtmlText.Percent(targets[i], "0.##"));
            }
        }

        return sb.ToString();
    }

    /// <summary>When the policy rebalances, e.g. "calendar monthly" or "any of (drift absolute ±5%; calendar annual)".</summary>
    public static string Trigger(TriggerSpec trigger) => trigger switch
    {
        NoTrigger => "never rebalances",
        CalendarTrigger c => "calendar " + c.Frequency.ToSpecName(),
        DriftTrigger d => "drift " + (d.Measure == DriftMeasure.Absolute ? "absolute ±" + HtmlText.Percent(d.Band, "0.##") : "relative ±" + HtmlText.Percent(d.Band, "0.##") + " of target")
            + (d.Check is { } check ? ", checked " + check.ToSpecName() : string.Empty),
        RiskDriftTrigger r => "risk contribution drift " + (r.Measure == DriftMeasure.Absolute ? "±" + HtmlText.Percent(r.Band, "0.##") : "±" + HtmlText.Percent(r.Band, "0.##") + " of budget")
            + (r.Check is { } riskCheck ? ", checked " + riskCheck.ToSpecName() : string.Empty),
        AnyTrigger any => "any of (" + string.Join("; ", any.Triggers.Select(Trigger)) + ")",
        AllTrigger all => "all of (" + string.Join("; ", all.Triggers.Select(Trigger)) + ")",
        CooldownTrigger c => Trigger(c.Inner) + ", cooldown"
            + (c.Rows is { } rows ? " " + HtmlText.Int(rows) + " rows" : string.Empty)
            + (c.Days is { } days ? " " + HtmlText.Int(days) + " days" : string.Empty),
        VolatilityTrigger v => Trigger(v.Normal) + "; while " + (v.Scope == VolatilityScope.Portfolio ? "portfolio" : "any asset's") + " volatility (" + HtmlText.Int(v.Window) + " returns) is above "
            + HtmlText.Percent(v.Above, "0.##") + " until it falls below " + HtmlText.Percent(v.Below, "0.##") + ": " + Trigger(v.High),
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
