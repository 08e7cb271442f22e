using System.Text;

namespace Ballast.Io.Reports;

/// <summary>
/// The report's Findings section (docs/report.md#findings): the sentences of <see cref="FindingsText"/> written from
/// the run's statistics, then each policy's average allocation beside its CAGR, volatility and rebalances (the
/// columns of the published rebalancing tables, e.g. Vanguard 2010). Nothing is written without significance.
/// </summary>
public static class FindingsSection
{
    /// <summary>Runs above this count get the sentences but no allocation table (the metrics table lists them).</summary>
    public const int MaxAllocationRows = 60;

    /// <summary>Assets above this count get no allocation table (it would not fit the page).</summary>
    public const int MaxAllocationAssets = 10;

    /// <summary>Appends the section when <paramref name="analysis"/> carries significance; otherwise nothing.</summary>
    public static void Append(StringBuilder sb, BacktestOutcome outcome, BacktestAnalysis? analysis)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(outcome);
        if (FindingsInput.From(outcome, analysis) is not { } input)
        {
            return;
        }

        sb.Append("<section id=\"findings\">\n<h2>Findings</h2>\n<p class=\"note\">Written by Ballast from this run's statistics (docs/report.md#findings); ")
            .Append(input.StepM is null
                ? "a difference is called significant only at p ≤ 0.05 after Holm's correction (StepM was not computed)."
                : "a policy is said to beat the baseline only when Romano-Wolf's StepM rejects at a 5 % family-wise error rate.")
            .Append("</p>\n<ul class=\"findings\">\n");
        foreach (var finding in FindingsText.Write(input))
        {
            sb.Append("<li>");
            HtmlText.AppendEscaped(sb, finding.Evidence);
            sb.Append("</li>\n");
        }

        sb.Append("</ul>\n");
        AllocationTable(sb, outcome);
        sb.Append("</section>\n");
    }

    private static void AllocationTable(StringBuilder sb, BacktestOutcome outcome)
    {
        var assets = outcome.Runs[0].Policy.Spec.Universe;
        var runs = outcome.Runs.Where(r => r.Weights is not null && r.Policy.Spec.Universe.SequenceEqual(assets)).ToList();
        if (runs.Count == 0 || outcome.Runs.Count > MaxAllocationRows || assets.Length > MaxAllocationAssets)
        {
            return;
        }

        sb.Append("<h3>Average allocation</h3>\n<p class=\"note\">The mean over rows of each asset's weight after that row's trades, beside the policy's CAGR, volatility and rebalances (policies holding the first policy's universe).</p>\n<div class=\"table-wrap\">\n<table class=\"allocation\">\n<thead><tr><th class=\"name\">Policy</th>");
        foreach (var asset in assets)
        {
            sb.Append("<th>");
            HtmlText.AppendEscaped(sb, asset);
            sb.Append("</th>");
        }

        sb.Append("<th>CAGR</th><th>Volatility</th><th>Rebalances</th></tr></thead>\n<tbody>\n");
        foreach (var run in runs)
        {
            var weights = run.Weights!;
            var rows = weights.Length / assets.Length;
            sb.Append("<tr><td class=\"name\">");
            HtmlText.AppendEscaped(sb, run.Name);
            sb.Append("</td>");
            for (var a = 0; a < assets.Length; a++)
            {
                var sum = 0.0;
                for (var t = 0; t < rows; t++)
                {
                    sum += weights[(t * assets.Length) + a];
                }

                sb.Append("<td>").Append(HtmlText.Percent(rows > 0 ? sum / rows : null, "0.0")).Append("</td>");
            }

            sb.Append("<td>").Append(HtmlText.Percent(run.Metrics.Cagr)).Append("</td><td>").Append(HtmlText.Percent(run.Metrics.Volatility))
                .Append("</td><td>").Append(HtmlText.Int(run.Metrics.Rebalances)).Append("</td></tr>\n");
        }

        sb.Append("</tbody>\n</table>\n</div>\n");
    }
}
