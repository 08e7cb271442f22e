using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Ballast.Io.Reports;
using Ballast.Io.Reports.Tearsheet;

namespace Ballast.Io.Tests.Reports;

/// <summary>The tearsheet parts of the HTML report, its tables and its bounded size for large runs.</summary>
public sealed class HtmlTearsheetReportTests
{
    private const string Spec = """
        name: t
        universe: [A, B]
        weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }
        costs: { proportional_bps: 10 }
        policies:
          - name: never
            trigger: none
          - name: monthly
            trigger: { calendar: monthly }
          - name: band
            trigger: { drift: { absolute: 0.02 } }
        """;

    /// <summary>The documented bound on the report of a 10,000-policy run (docs/report.md).</summary>
    private const int TenThousandPolicyReportLimitBytes = 1_500_000;

    [Fact]
    public void Report_HasTheTearsheetSections()
    {
        var html = HtmlReport.Render(HtmlReportTests.Outcome(Spec, 700));

        foreach (var id in new[] { "relative", "rolling", "yearly", "distribution", "tearsheets" })
        {
            HtmlReportTests.Section(html, id);
        }

        var sheets = HtmlReportTests.Section(html, "tearsheets");
        Assert.Equal(3, Regex.Count(sheets, "<details class=\"policy\""));
        Assert.Equal(3, Regex.Count(sheets, "<h3>Monthly returns</h3>"));
        Assert.Equal(3, Regex.Count(sheets, "<h3>Worst drawdowns</h3>"));
        Assert.True(Regex.Count(sheets, "<td data-v=\"-0\\.") >= 3, "each sheet lists at least one drawdown");
    }

    [Fact]
    public void RelativeEquity_BuyAndHoldIsTheFlatLineAtOne()
    {
        var outcome = HtmlReportTests.Outcome(Spec, 700);
        var relative = HtmlReportTests.Section(HtmlReport.Render(outcome), "relative");

        var never = Regex.Match(relative, "<path d=\"([^\"]*)\" fill=\"none\"[^>]*><title>never</title>");
        Assert.True(never.Success);
        var ys = Regex.Matches(never.Groups[1].Value, ",([0-9.]+)").Select(m => m.Groups[1].Value).Distinct().ToArray();
        Assert.Single(ys);
        Assert.Contains("<title>monthly</title>", relative, StringComparison.Ordinal);
    }

    [Fact]
    public void EquityChart_MarksEachRebalance()
    {
        var outcome = HtmlReportTests.Outcome(Spec, 700);
        var equity = HtmlReportTests.Section(HtmlReport.Render(outcome), "equity");

        var marks = Regex.Matches(equity, "<path class=\"marks\" d=\"([^\"]*)\"[^>]*><title>([^:]*): (\\d+) rebalances</title>");
        // buy-and-hold never rebalances, so it has no row of marks.
        Assert.Equal(["monthly", "band"], marks.Select(m => m.Groups[2].Value));
        foreach (Match mark in marks)
        {
            var run = outcome.Runs.Single(r => r.Name == mark.Groups[2].Value);
            Assert.Equal(run.Metrics.Rebalances, int.Parse(mark.Groups[3].Value, CultureInfo.InvariantCulture));
            Assert.InRange(Regex.Count(mark.Groups[1].Value, "v5"), 1, run.Metrics.Rebalances);
        }

        // Monthly rebalances are far apart: one tick each.
        Assert.Equal(outcome.Runs[1].Metrics.Rebalances, Regex.Count(marks[0].Groups[1].Value, "v5"));
    }

    [Fact]
    public void MetricsTable_HeadersAreAtMostTwoLines_AndCellsCarrySortKeys()
    {
        var outcome = HtmlReportTests.Outcome(Spec, 400);
        var metrics = HtmlReportTests.Section(HtmlReport.Render(outcome), "metrics");

        Assert.Contains("<table class=\"sortable metrics\">", metrics, StringComparison.Ordinal);
        foreach (Match th in Regex.Matches(metrics, "<th[^>]*>(.*?)</th>"))
        {
            Assert.True(Regex.Count(th.Groups[1].Value, "<br>") <= 1, th.Value);
        }

        var sharpe = outcome.Runs[1].Metrics.Sharpe!.Value.ToString("R", CultureInfo.InvariantCulture);
        Assert.Contains("<td data-v=\"" + sharpe + "\">", metrics, StringComparison.Ordinal);
        Assert.Contains("th{vertical-align:bottom;white-space:nowrap;", HtmlReport.Render(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void YearlyTable_MatchesPeriodReturns_WithPartialYearsMarked()
    {
        var outcome = HtmlReportTests.Outcome(Spec, 700);
        var yearly = HtmlReportTests.Section(HtmlReport.Render(outcome), "yearly");
        var expected = PeriodReturns.Yearly(outcome.Table.Dates, outcome.Runs[1].Equity);

        Assert.True(expected.Count >= 3);
        Assert.True(expected[0].Partial);
        Assert.True(expected[^1].Partial);
        Assert.False(expected[1].Partial);
        foreach (var year in expected)
        {
            var cell = "data-v=\"" + year.Return.ToString("R", CultureInfo.InvariantCulture) + "\"";
            Assert.Contains(cell, yearly, StringComparison.Ordinal);
        }

        Assert.Equal(2 * 3, Regex.Count(yearly, "class=\"partial\" title=\"partial"));
    }

    [Fact]
    public void ManyPolicies_TableListsTheBestFiftyBySharpe_AndTheFooterOnlyThose()
    {
        var outcome = HtmlReportTests.Outcome(ManyPolicies(120), 300);
        var html = HtmlReport.Render(outcome);

        var metrics = HtmlReportTests.Section(html, "metrics");
        Assert.Equal(HtmlReportOptions.DefaultTableRows, Regex.Count(metrics, "<td class=\"name\">"));
        Assert.Contains("Listing 50 of 121 policies", metrics, StringComparison.Ordinal);
        var best = PolicyRanking.Order(outcome.Runs, RankMetric.Sharpe)[0];
        Assert.Contains("<tr data-series=\"0\"><td class=\"name\">", metrics, StringComparison.Ordinal);
        Assert.Contains("buy-and-hold baseline", metrics, StringComparison.Ordinal);
        Assert.StartsWith(outcome.Runs[best].Name, Regex.Match(metrics, "<td class=\"name\"><svg[^>]*>.*?</svg>([^<]*)").Groups[1].Value, StringComparison.Ordinal);
        Assert.Equal(HtmlReportOptions.DefaultTableRows, Regex.Count(html[html.IndexOf("<ol class=\"policies\">", StringComparison.Ordinal)..], "<li><strong>"));

        var byCagr = HtmlReport.Render(outcome, new HtmlReportOptions { RankBy = RankMetric.All.Single(m => m.Key == "cagr"), TableRows = 10 });
        Assert.Contains("Listing 10 of 121 policies</strong>: the best 9 by CAGR and buy-and-hold", byCagr, StringComparison.Ordinal);
    }

    [Fact]
    public void TenThousandPolicies_ReportStaysUnderTheDocumentedBound()
    {
        var outcome = HtmlReportTests.Outcome(ManyPolicies(10_000), 130);
        var html = HtmlReport.Render(outcome);
        var bytes = Encoding.UTF8.GetByteCount(html);

        Assert.Equal(10_001, outcome.Runs.Count);
        Assert.True(bytes < TenThousandPolicyReportLimitBytes, $"the report of 10,000 policies is {bytes:N0} bytes");
        TestContext.Current.SendDiagnosticMessage($"10,000-policy report: {bytes:N0} bytes");
        Assert.Equal(HtmlReportOptions.DefaultTableRows, Regex.Count(HtmlReportTests.Section(html, "metrics"), "<td class=\"name\">"));
        Assert.Equal(HtmlSelection.MaxDetails, Regex.Count(html, "<details class=\"policy\""));
    }

    [Fact]
    public void PolicyRanking_TopKeepsTheBaseline_AndOrdersUndefinedLast()
    {
        var outcome = HtmlReportTests.Outcome(ManyPolicies(30), 300);
        var order = PolicyRanking.Order(outcome.Runs, RankMetric.Sharpe);
        var sharpe = order.Select(i => outcome.Runs[i].Metrics.Sharpe ?? double.NegativeInfinity).ToArray();

        Assert.True(sharpe.Zip(sharpe.Skip(1)).All(p => p.First >= p.Second));
        var top = PolicyRanking.Top(outcome.Runs, outcome.BaselineIndex, 5, RankMetric.Sharpe);
        Assert.Equal(5, top.Length);
        Assert.Contains(outcome.BaselineIndex, top);
        Assert.Equal(order.Where(i => i != outcome.BaselineIndex).Take(4), top.Where(i => i != outcome.BaselineIndex).Take(4));
        var volatility = PolicyRanking.Order(outcome.Runs, RankMetric.All.Single(m => m.Key == "volatility"));
        Assert.True(outcome.Runs[volatility[0]].Metrics.Volatility <= outcome.Runs[volatility[^1]].Metrics.Volatility);
    }

    private static string ManyPolicies(int count)
    {
        var lines = new List<string> { "name: many", "universe: [A, B]", "weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }", "costs: { proportional_bps: 5 }", "policies:" };
        for (var i = 1; i <= count; i++)
        {
            lines.Add(FormattableString.Invariant($"  - name: band-{i}"));
            lines.Add(FormattableString.Invariant($"    trigger: {{ drift: {{ absolute: {i / (double)count * 0.2:0.#######} }} }}"));
        }

        return string.Join('\n', lines) + "\n";
    }
}
