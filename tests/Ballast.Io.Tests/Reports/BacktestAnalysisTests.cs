using Ballast.Data;
using Ballast.Io.Reports;
using Ballast.Io.Specs;
using Ballast.Statistics;

namespace Ballast.Io.Tests.Reports;

/// <summary>The statistics' part of the outputs: --periods parsing, the analysis of an outcome, metrics.json and the report hook.</summary>
public class BacktestAnalysisTests
{
    private const string Spec = """
        name: t
        universe: [A, B]
        periods_per_year: 12
        weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }
        policies:
          - name: never
            trigger: none
          - name: monthly
            trigger: { calendar: monthly }
        """;

    [Fact]
    public void Parse_ReadsRangesMonthsAndYears()
    {
        var request = PeriodsRequest.Parse(" 2008-09..2009-03 , years,2020-02-01..2020-04-30");

        Assert.True(request.Years);
        Assert.Equal([new PeriodRange("2008-09..2009-03", new DateOnly(2008, 9, 1), new DateOnly(2009, 3, 31)), new PeriodRange("2020-02-01..2020-04-30", new DateOnly(2020, 2, 1), new DateOnly(2020, 4, 30))], request.Ranges);
        DateOnly[] dates = [new(2019, 12, 31), new(2020, 1, 31), new(2021, 1, 31)];
        Assert.Equal(["2008-09..2009-03", "2020-02-01..2020-04-30", "2019", "2020", "2021"], request.For(dates).Select(r => r.Label));
        var error = Assert.Throws<BallastInputException>(() => PeriodsRequest.Parse(""));
        Assert.Contains("--periods", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Analysis_OfAnUnrecordedRunIsNull_AndAskingForItWithoutRecordingIsABug()
    {
        var outcome = Outcome(record: false);

        Assert.Null(BacktestAnalysis.For(outcome, null, automatic: true));
        Assert.Throws<InvalidOperationException>(() => BacktestAnalysis.For(outcome, new AnalysisRequest(Significance: true), automatic: false));
    }

    [Fact]
    public void MetricsJson_WithoutAnAnalysis_HasNoStatistics_AndWithOneMatchesTheLibrary()
    {
        var outcome = Outcome(record: true);
        var options = new BootstrapOptions(Replicates: 99, Seed: 3);
        var analysis = BacktestAnalysis.Compute(outcome, significance: true, periods: null, options);

        var plain = ResultFiles.MetricsJson(outcome);
        var full = ResultFiles.MetricsJson(outcome, analysis);

        Assert.DoesNotContain("significance", plain, StringComparison.Ordinal);
        using var doc = System.Text.Json.JsonDocument.Parse(full);
        var lw = doc.RootElement.GetProperty("policies")[1].GetProperty("significance").GetProperty("ledoit_wolf_hac");
        var a = ReturnSeries.FromEquity(outcome.Runs[1].Equity);
        var b = ReturnSeries.FromEquity(outcome.Baseline.Equity);
        Assert.Equal(LedoitWolfHac.Test(a, b).PValue, lw.GetProperty("p_value").GetDouble(), 15);
        Assert.Equal(99, doc.RootElement.GetProperty("policies")[1].GetProperty("significance").GetProperty("bootstrap").GetProperty("replicates").GetInt32());
        Assert.Equal(full, ResultFiles.MetricsJson(outcome, BacktestAnalysis.Compute(outcome, significance: true, periods: null, options)));

        var html = HtmlReport.Render(outcome, new HtmlReportOptions { Analysis = analysis });
        Assert.Contains(">Sharpe<br>p-value</th>", html, StringComparison.Ordinal);
        Assert.Contains("title=\"Ledoit-Wolf HAC p-value of the Sharpe-ratio difference", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Ledoit-Wolf", HtmlReport.Render(outcome), StringComparison.Ordinal);
    }

    private static BacktestOutcome Outcome(bool record)
    {
        const int rows = 120;
        var dates = new DateOnly[rows];
        var prices = new double[rows * 2];
        for (var r = 0; r < rows; r++)
        {
            var date = new DateOnly(2010, 1, 1).AddMonths(r);
            dates[r] = new DateOnly(date.Year, date.Month, DateTime.DaysInMonth(date.Year, date.Month));
            prices[2 * r] = 100 * Math.Exp((0.01 * r) + (0.15 * Math.Sin(r / 4.0)));
            prices[(2 * r) + 1] = 100 * Math.Exp((0.003 * r) + (0.02 * Math.Cos(r * 1.3)));
        }

        return BacktestJob.Run(SpecLoader.Load(Spec, "t.yaml"), new PriceTable(["A", "B"], dates, prices, monthly: true), "inline", new BacktestOptions { Record = record }, cancellationToken: TestContext.Current.CancellationToken);
    }
}
