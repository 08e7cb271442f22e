using System.Text;

namespace Ballast.Io.Reports;

/// <summary>
/// The report's top-N table (docs/report.md): the best N of the whole run's policies by the ranking metric, with
/// the sweep parameters as columns, the paired bootstrap interval of the difference from each policy's buy-and-hold
/// twin, and StepM's verdict against the baseline. Shown for a sweep, or when <c>--top</c> asks for it.
/// </summary>
internal static class HtmlTopTable
{
    /// <summary>Writes the section (nothing when the run is not a sweep and no top N was asked for).</summary>
    public static void Append(StringBuilder sb, ReportRun run, HtmlReportOptions options)
    {
        var outcome = run.Outcome;
        if (outcome.Spec.Sweep is null && options.Top is null)
        {
            return;
        }

        var metric = options.RankBy;
        var rows = TopPolicies.Rows(outcome, run.Analysis, metric, options.Top ?? TopPolicies.DefaultCount);
        var interval = TopPolicies.IntervalMetric(metric);
        var policies = Enumerable.Range(0, outcome.Runs.Count).Count(i => outcome.RoleOf(i) == RunRole.Policy);
        sb.Append("<section id=\"top\">\n<h2>Top ").Append(HtmlText.Int(rows.Count)).Append(" by ");
        HtmlText.AppendEscaped(sb, metric.Label);
        sb.Append("</h2>\n<p class=\"note\">The best ").Append(HtmlText.Int(rows.Count)).Append(" of the run's ").Append(HtmlText.Int(policies))
            .Append(" policies by ");
        HtmlText.AppendEscaped(sb, metric.Label);
        sb.Append(" (twins and named baselines are comparators, not ranked). ");
        if (run.Analysis?.Policies is null)
        {
            sb.Append("Significance was not computed for this run (pass --significance), so the rows have no interval or StepM verdict.</p>\n");
        }
        else
        {
            sb.Append("The interval is the 95 % paired stationary-bootstrap interval of the policy's ");
            HtmlText.AppendEscaped(sb, interval.Label);
            sb.Append(" minus its buy-and-hold twin's; StepM says whether the policy beats the baseline (")
                .Append(HtmlText.Escape(outcome.Baseline.Name)).Append(") at a 5 % family-wise error rate, the chance that any of the policies so marked is luck (docs/statistics.md).</p>\n");
        }

        var parameters = outcome.Spec.Sweep?.Parameters ?? [];
        sb.Append("<div class=\"table-wrap\">\n<table class=\"sortable top\">\n<thead><tr><th>#</th><th class=\"name\">Policy</th>");
        foreach (var parameter in parameters)
        {
            sb.Append("<th class=\"name\" title=\"");
            HtmlText.AppendEscaped(sb, parameter.Path);
            sb.Append("\">");
            HtmlText.AppendEscaped(sb, parameter.Name);
            sb.Append("</th>");
        }

        sb.Append("<th>");
        HtmlText.AppendEscaped(sb, Capitalised(metric.Label));
        sb.Append("</th><th title=\"Point estimate of the difference from the twin\">");
        HtmlText.AppendEscaped(sb, Capitalised(interval.Label));
        sb.Append("<br>vs twin</th><th title=\"95 % paired bootstrap interval of the difference from the twin\">95 %<br>interval</th><th title=\"Romano-Wolf StepM against the baseline, 5 % family-wise\">StepM</th></tr></thead>\n<tbody>\n");
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            sb.Append("<tr><td data-v=\"").Append(HtmlText.Int(r + 1)).Append("\">").Append(HtmlText.Int(r + 1)).Append("</td><td class=\"name\">");
            HtmlText.AppendEscaped(sb, outcome.Runs[row.Index].Name);
            sb.Append("</td>");
            if (outcome.Spec.Sweep is { } sweep)
            {
                foreach (var value in sweep.ValuesOf(row.Index))
                {
                    // A numeric value sorts as a number (5 before 10), others by their label.
                    sb.Append(value.Number is { } number && double.IsFinite(number) ? "<td class=\"name\" data-v=\"" + number.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "\">" : "<td class=\"name\">");
                    HtmlText.AppendEscaped(sb, value.Label);
                    sb.Append("</td>");
                }
            }

            HtmlTearsheet.ValueCell(sb, row.Value, metric.Format(row.Value));
            var d = row.Difference;
            HtmlTearsheet.ValueCell(sb, d?.Estimate, d is { } e ? interval.FormatDifference(e.Estimate) : HtmlText.Missing);
            HtmlTearsheet.ValueCell(sb, d?.Interval.Lower, d is { } i ? "[" + interval.FormatDifference(i.Interval.Lower) + ", " + interval.FormatDifference(i.Interval.Upper) + "]" : HtmlText.Missing);
            sb.Append(row.BeatsBaseline switch
            {
                true => "<td class=\"verdict yes\" data-v=\"1\">beats baseline</td>",
                false => "<td class=\"verdict\" data-v=\"0\">not shown better</td>",
                null => "<td>" + HtmlText.Missing + "</td>",
            });
            sb.Append("</tr>\n");
        }

        sb.Append("</tbody>\n</table>\n</div>\n</section>\n");
    }

    private static string Capitalised(string label) => label.Length == 0 ? label : char.ToUpperInvariant(label[0]) + label[1..];
}
