using System.Text.RegularExpressions;
using System.Xml.Linq;
using Ballast.Data;
using Ballast.Io.Reports;
using Ballast.Io.Specs;

namespace Ballast.Io.Tests.Reports;

public sealed class HtmlReportTests
{
    private const string Spec = """
        name: t
        universe: [A, B]
        weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }
        policies:
          - name: never
            trigger: none
          - name: monthly
            trigger: { calendar: monthly }
        """;

    private static readonly string[] ChartSections = ["relative", "equity", "drawdown", "rolling", "allocation", "drift"];

    [Fact]
    public void Report_has_an_svg_chart_for_each_kind()
    {
        var html = HtmlReport.Render(Outcome(Spec, 600));

        foreach (var id in ChartSections)
        {
            var section = Section(html, id);
            Assert.Contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\"", section, StringComparison.Ordinal);
        }

        // One allocation chart per policy (never and monthly; "never" is buy-and-hold, so none is added).
        Assert.Equal(2, Regex.Count(Section(html, "allocation"), "class=\"chart\""));
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_has_the_metrics_table_and_window()
    {
        var outcome = Outcome(Spec, 600);
        var html = HtmlReport.Render(outcome);

        Assert.Contains("<h1>t</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<dd>inline</dd>", html, StringComparison.Ordinal);
        Assert.Contains(outcome.Table.FormatDate(outcome.Table.Dates[0]) + " .. " + outcome.Table.FormatDate(outcome.Table.Dates[^1]), html, StringComparison.Ordinal);
        Assert.Contains("(inferred from the dates)", html, StringComparison.Ordinal);
        Assert.Matches("<th title=\"Rebalancing premium: [^\"]*\">Premium</th>", html);
        Assert.Matches("<tr class=\"baseline\"( data-series=\"\\d+\")?>", html);
        Assert.Contains("buy-and-hold baseline", html, StringComparison.Ordinal);
        var table = Section(html, "metrics");
        Assert.Equal(outcome.Runs.Count, Regex.Count(table, "<td class=\"name\">"));
    }

    [Fact]
    public void Report_lists_every_full_hash_and_shows_short_hashes_with_a_title()
    {
        var outcome = Outcome(Spec, 300);
        var html = HtmlReport.Render(outcome);

        Assert.Equal(2, outcome.Runs.Count);
        Assert.NotEqual(outcome.Runs[0].Hash, outcome.Runs[1].Hash);
        foreach (var run in outcome.Runs)
        {
            Assert.Equal(64, run.Hash.ToString().Length);
            Assert.Contains("<code title=\"" + run.Hash + "\">" + run.Hash.Abbreviated + "</code>", html, StringComparison.Ordinal);
            Assert.Contains("<code>" + run.Hash + "</code>", Footer(html), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Names_from_user_files_are_escaped()
    {
        var spec = Spec.Replace("name: monthly", "name: \"<script>alert('x')</script> & co\"", StringComparison.Ordinal);
        var html = HtmlReport.Render(Outcome(spec, 300));

        // The report's own inline script is the only one.
        Assert.Equal(1, Regex.Count(html, "<script", RegexOptions.IgnoreCase));
        Assert.DoesNotContain("<script>alert", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Asset_names_are_escaped()
    {
        var spec = """
            name: "a<b>"
            universe: ["A<i>", B]
            weights: { scheme: fixed, targets: { "A<i>": 0.5, B: 0.5 } }
            policies:
              - name: never
                trigger: none
            """;
        var html = HtmlReport.Render(Outcome(spec, 100, "A<i>"));

        Assert.DoesNotContain("A<i>", html, StringComparison.Ordinal);
        Assert.Contains("A&lt;i&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<h1>a&lt;b&gt;</h1>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Rendering_is_deterministic()
    {
        var outcome = Outcome(Spec, 900);
        var first = HtmlReport.Render(outcome);
        var second = HtmlReport.Render(outcome);
        var fromNewRun = HtmlReport.Render(Outcome(Spec, 900));

        Assert.Equal(first, second);
        Assert.Equal(first, fromNewRun);
        Assert.DoesNotContain("\r", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_svg_is_well_formed_xml()
    {
        var html = HtmlReport.Render(Outcome(Spec, 400));

        var svgs = Regex.Matches(html, "<svg.*?</svg>", RegexOptions.Singleline);
        Assert.NotEmpty(svgs);
        foreach (Match svg in svgs)
        {
            var element = XElement.Parse(svg.Value);
            Assert.Equal("svg", element.Name.LocalName);
        }
    }

    [Fact]
    public void The_report_is_self_contained()
    {
        var html = HtmlReport.Render(Outcome(Spec, 300));

        // One inline script (sorting and highlighting), loading nothing.
        Assert.Equal(1, Regex.Count(html, "<script", RegexOptions.IgnoreCase));
        Assert.Contains("<script>\n(function(){", html, StringComparison.Ordinal);
        Assert.DoesNotContain("fetch(", html, StringComparison.Ordinal);
        Assert.DoesNotContain("XMLHttpRequest", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Long_series_are_downsampled()
    {
        var html = HtmlReport.Render(Outcome(Spec, 3000));

        foreach (var id in new[] { "equity", "drawdown", "drift" })
        {
            var paths = Regex.Matches(Section(html, id), "<path d=\"([^\"]*)\" fill=\"none\" stroke=\"#[0-9a-f]{6}\"");
            Assert.Equal(2, paths.Count);
            foreach (Match path in paths)
            {
                var points = Regex.Count(path.Groups[1].Value, ",");
                Assert.InRange(points, 700, HtmlCharts.MaxPoints);
            }
        }
    }

    [Fact]
    public void Unrecorded_runs_give_the_metrics_table_and_a_note()
    {
        var spec = SpecLoader.Load(Spec, "test.yaml");
        var outcome = BacktestJob.Run(spec, Table(200), "inline", new BacktestOptions { Record = false }, cancellationToken: TestContext.Current.CancellationToken);
        var html = HtmlReport.Render(outcome);

        Assert.Contains("Charts need a recorded run", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"chart\"", html, StringComparison.Ordinal);
        Assert.Matches("<th title=\"[^\"]*\">CAGR</th>", html);
        foreach (var run in outcome.Runs)
        {
            Assert.Contains(run.Hash.ToString(), html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void More_than_twelve_policies_show_the_best_twelve_by_sharpe_with_buy_and_hold_and_say_so()
    {
        var lines = new List<string> { "name: many", "universe: [A, B]", "weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }", "policies:" };
        for (var i = 0; i < 14; i++)
        {
            lines.Add($"  - name: drift{i}");
            lines.Add($"    trigger: {{ drift: {{ absolute: 0.0{i + 1:00} }} }}");
        }

        var outcome = Outcome(string.Join('\n', lines), 300);
        var html = HtmlReport.Render(outcome);

        Assert.Equal(15, outcome.Runs.Count);
        Assert.Equal(14, outcome.BaselineIndex);
        // Independently: the policies by Sharpe, best first, spec order on ties.
        var bySharpe = Enumerable.Range(0, 14).OrderByDescending(i => outcome.Runs[i].Metrics.Sharpe ?? double.NegativeInfinity).ThenBy(i => i).ToArray();
        var equity = Section(html, "equity");
        Assert.Contains("Showing 12 of 15 policies: the best 11 by Sharpe and buy-and-hold", equity, StringComparison.Ordinal);
        Assert.Equal(12, Regex.Count(equity, "<path d=\"[^\"]*\" fill=\"none\" stroke=\"#[0-9a-f]{6}\""));
        Assert.Contains("<title>buy-and-hold</title>", equity, StringComparison.Ordinal);
        foreach (var i in bySharpe.Take(11))
        {
            Assert.Contains("<title>" + outcome.Runs[i].Name + "</title>", equity, StringComparison.Ordinal);
        }

        foreach (var i in bySharpe.Skip(11))
        {
            Assert.DoesNotContain("<title>" + outcome.Runs[i].Name + "</title>", equity, StringComparison.Ordinal);
        }

        // The allocation charts are the best five by Sharpe and buy-and-hold, not the first in spec order.
        var allocation = Section(html, "allocation");
        Assert.Equal(6, Regex.Count(allocation, "class=\"chart\""));
        var captions = Regex.Matches(allocation, "<figcaption>([^<]*)").Select(m => m.Groups[1].Value.Trim()).ToArray();
        Assert.Equal([.. bySharpe.Take(5).Select(i => outcome.Runs[i].Name), "buy-and-hold"], captions);
        Assert.NotEqual(Enumerable.Range(0, 5), bySharpe.Take(5));
        Assert.Equal(15, Regex.Count(Section(html, "metrics"), "<td class=\"name\">"));
    }

    [Fact]
    public void Downsampling_keeps_the_ends_and_the_extremes()
    {
        var values = new double[5000];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = -Math.Abs(Math.Sin(i / 50.0)) * 0.1;
        }

        values[1234] = -0.9;
        values[4321] = 5;

        var min = SvgDownsample.Rows(values, 800, SvgBucket.Min);
        var max = SvgDownsample.Rows(values, 800, SvgBucket.Max);
        var even = SvgDownsample.Rows(values.Length, 800);

        foreach (var rows in new[] { min, max, even })
        {
            Assert.Equal(800, rows.Length);
            Assert.Equal(0, rows[0]);
            Assert.Equal(values.Length - 1, rows[^1]);
            Assert.True(rows.Zip(rows.Skip(1)).All(p => p.First < p.Second));
        }

        Assert.Contains(1234, min);
        Assert.Contains(4321, max);
        Assert.Equal([0, 1, 2], SvgDownsample.Rows(3, 800));
    }

    [Fact]
    public void Formatting_is_invariant_and_marks_missing_values()
    {
        Assert.Equal("–", HtmlText.Percent(null));
        Assert.Equal("–", HtmlText.Number(double.NaN));
        Assert.Equal("12.35%", HtmlText.Percent(0.12345));
        Assert.Equal("0.00%", HtmlText.Percent(-0.000001));
        Assert.Equal("+0.12%", HtmlText.SignedPercent(0.0012));
        Assert.Equal("0.00%", HtmlText.SignedPercent(0.000001));
        Assert.Equal("1,234.50", HtmlText.Number(1234.5, "#,##0.00"));
        Assert.Equal("0", HtmlText.Coord(-0.04));
        Assert.Equal("&lt;a href=&quot;x&quot;&gt;&amp;&#39;", HtmlText.Escape("<a href=\"x\">&'"));
    }

    [Fact]
    public void Axis_ticks_are_nice()
    {
        var linear = SvgAxis.Linear(-0.34, 0, v => HtmlText.Percent(v, "0.#"));
        Assert.Equal(["-40%", "-30%", "-20%", "-10%", "0%"], linear.Ticks.Select(t => t.Label));

        var log = SvgAxis.Log(0.8, 12, v => HtmlText.Number(v, "0.###"));
        Assert.Contains("1", log.Ticks.Select(t => t.Label));
        Assert.Contains("10", log.Ticks.Select(t => t.Label));
        Assert.InRange(log.Ticks.Count, 2, 8);

        var years = SvgAxis.Dates(new DateOnly(2001, 3, 5).DayNumber, new DateOnly(2024, 6, 30).DayNumber);
        Assert.Equal(["2005", "2010", "2015", "2020"], years.Select(t => t.Label));

        var months = SvgAxis.Dates(new DateOnly(2020, 1, 15).DayNumber, new DateOnly(2020, 7, 2).DayNumber);
        Assert.Equal(["2020-02", "2020-03", "2020-04", "2020-05", "2020-06", "2020-07"], months.Select(t => t.Label));
    }

    internal static BacktestOutcome Outcome(string specText, int rows, string firstAsset = "A")
    {
        var spec = SpecLoader.Load(specText, "test.yaml");
        return BacktestJob.Run(spec, Table(rows, firstAsset), "inline", new BacktestOptions { Record = true }, cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>Weekday prices from 2015-01-01: A trends up with swings, B drifts slowly with smaller swings.</summary>
    internal static PriceTable Table(int rows, string firstAsset = "A")
    {
        var dates = new DateOnly[rows];
        var prices = new double[rows * 2];
        var day = new DateOnly(2015, 1, 1);
        for (var r = 0; r < rows; r++)
        {
            while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                day = day.AddDays(1);
            }

            dates[r] = day;
            day = day.AddDays(1);
            prices[2 * r] = 100 * Math.Exp((0.0004 * r) + (0.08 * Math.Sin(r / 37.0)));
            prices[(2 * r) + 1] = 50 * Math.Exp((0.0001 * r) + (0.02 * Math.Cos(r / 23.0)));
        }

        return new PriceTable([firstAsset, "B"], dates, prices);
    }

    internal static string Section(string html, string id)
    {
        var start = html.IndexOf("<section id=\"" + id + "\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"section {id} missing");
        var end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    private static string Footer(string html) => html[html.IndexOf("<footer>", StringComparison.Ordinal)..];
}

public class HtmlReportRiskTests
{
    [Fact]
    public void Render_RiskBasedPolicy_HasARiskContributionChart()
    {
        var table = Ballast.Synthesis.StrategySynthesizer.Generate(3, 3, 4);
        var spec = Ballast.Io.Specs.SpecLoader.Load("universe: [TREND, CARRY, VALUE]\ncovariance: { lookback: 60 }\nweights: { scheme: risk-parity }\npolicies:\n  - name: rp\n    trigger: { calendar: monthly }\n", "risk.yaml");
        var outcome = BacktestJob.Run(spec, table, "synthetic", new BacktestOptions { Record = true }, cancellationToken: TestContext.Current.CancellationToken);

        var html = Ballast.Io.Reports.HtmlReport.Render(outcome);

        Assert.Contains("id=\"risk\"", html, StringComparison.Ordinal);
        Assert.Contains("Risk contributions over time: rp", html, StringComparison.Ordinal);
        Assert.Contains("risk-parity from the sample covariance of the last 60 returns", html, StringComparison.Ordinal);
        var rp = outcome.Runs[0];
        for (var row = 1; row < table.RowCount - 260; row += 97)
        {
            var sum = Enumerable.Range(0, 3).Sum(i => rp.RiskContributions![(row * 3) + i]);
            Assert.Equal(1.0, sum, 9);
        }
    }
}

public class HtmlChartColourTests
{
    [Fact]
    public void Color_FortyAssets_AllDistinctAndWellFormed()
    {
        var colours = Enumerable.Range(0, 40).Select(Ballast.Io.Reports.HtmlCharts.Color).ToArray();

        Assert.Equal(40, colours.Distinct(StringComparer.Ordinal).Count());
        Assert.All(colours, c => Assert.Matches("^#[0-9a-f]{6}$", c));
    }
}
