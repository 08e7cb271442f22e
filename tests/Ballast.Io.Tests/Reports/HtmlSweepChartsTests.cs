using System.Globalization;
using System.Text.RegularExpressions;
using Ballast.Io.Reports;

namespace Ballast.Io.Tests.Reports;

/// <summary>The sweep heatmaps and frontier: one per pair of parameters with means over the others, and bounded axes.</summary>
public sealed class HtmlSweepChartsTests
{
    [Fact]
    public void ThreeParameters_OneHeatmapPerPair_EachCellTheMeanOverTheThird()
    {
        const string Spec = """
            name: three
            universe: [A, B]
            weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }
            trigger: { calendar: monthly }
            sweep:
              mix: { path: weights.targets, values: [{ A: 0.6, B: 0.4 }, { A: 0.3, B: 0.7 }], labels: [a60, a30] }
              frequency: { path: trigger.calendar, values: [monthly, annual] }
              cost: { path: costs.proportional_bps, values: [0, 25] }
            """;
        var outcome = HtmlReportTests.Outcome(Spec, 500);

        var html = HtmlReport.Render(outcome);

        var heatmaps = HtmlReportTests.Section(html, "heatmaps");
        Assert.Equal(["mix × frequency", "mix × cost", "frequency × cost"], Regex.Matches(heatmaps, "<figcaption>([^<]+)</figcaption>").Select(m => m.Groups[1].Value));
        Assert.Contains("each cell is the <strong>mean</strong> over the other parameters", heatmaps, StringComparison.Ordinal);
        var mixCost = heatmaps[heatmaps.IndexOf("<figcaption>mix × cost", StringComparison.Ordinal)..];
        var cell = Regex.Match(mixCost, "data-v=\"([^\"]+)\"><title>mix=a30, cost=25: rebalancing premium [^(]*\\(mean of 2 policies");
        Assert.True(cell.Success, "the cell mix=a30, cost=25 with its mean over two frequencies");
        var premiums = Enumerable.Range(0, 8).Where(i => outcome.Runs[i].Name is "mix=a30,frequency=monthly,cost=25" or "mix=a30,frequency=annual,cost=25")
            .Select(i => outcome.Runs[i].Metrics.RebalancingPremium!.Value).ToArray();
        Assert.Equal(2, premiums.Length);
        Assert.Equal((premiums[0] + premiums[1]) / 2, double.Parse(cell.Groups[1].Value, CultureInfo.InvariantCulture), 15);
        Assert.Equal(8, Regex.Count(HtmlReportTests.Section(html, "frontier"), "<circle "));
    }

    [Fact]
    public void AParameterWithManyValues_IsShownInThirtyRunsOfConsecutiveValues()
    {
        const string Spec = """
            name: long
            universe: [A, B]
            weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }
            trigger: { calendar: monthly }
            sweep:
              cost: { path: costs.proportional_bps, range: { from: 0, to: 99, step: 1 } }
            """;

        var html = HtmlReport.Render(HtmlReportTests.Outcome(Spec, 120));

        var heatmaps = HtmlReportTests.Section(html, "heatmaps");
        Assert.Equal(HtmlSweepCharts.MaxAxisCells, Regex.Count(heatmaps, "<rect "));
        Assert.Contains("<title>cost=0..3: rebalancing premium ", heatmaps, StringComparison.Ordinal);
        Assert.Contains("<title>cost=97..99: rebalancing premium ", heatmaps, StringComparison.Ordinal);
        Assert.Contains("(mean of 4 policies, ", heatmaps, StringComparison.Ordinal);
        Assert.Contains("shown in 30 runs of consecutive values", heatmaps, StringComparison.Ordinal);
    }
}
