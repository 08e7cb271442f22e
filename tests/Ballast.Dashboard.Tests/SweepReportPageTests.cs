using System.Globalization;
using Ballast.Io;
using Ballast.Io.Reports;
using Ballast.Io.Specs;
using Ballast.Statistics;
using Ballast.Synthesis;
using Microsoft.Playwright;

namespace Ballast.Dashboard.Tests;

/// <summary>
/// A sweep's report in Debian's chromium: the heatmap and the frontier lie inside a 1,400 px viewport with no
/// sideways scroll, a heatmap cell is drawn with its hover title, and the top-N table sorts by a clicked header.
/// </summary>
public sealed class SweepReportPageTests : IDisposable
{
    private const string Spec = """
        name: sweep-check
        universe: [TREND, CARRY, VALUE, MACRO, ARB]
        weights: { scheme: fixed, targets: { TREND: 0.25, CARRY: 0.2, VALUE: 0.2, MACRO: 0.2, ARB: 0.15 } }
        trigger: { calendar: monthly }
        sweep:
          frequency: { path: trigger.calendar, values: [weekly, monthly, quarterly, semiannual, annual] }
          cost: { path: costs.proportional_bps, values: [0, 5, 10, 25, 50] }
        """;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ballast-sweep-report-" + Guid.NewGuid().ToString("N"));

    public SweepReportPageTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteReport()
    {
        var set = SpecLoader.Load(Spec, "sweep-check.yaml");
        var table = StrategySynthesizer.Generate(5, 12, 42);
        var outcome = BacktestJob.Run(set, table, "synthetic (5 strategies, 12 years, seed 42)", new BacktestOptions { Record = true }, cancellationToken: TestContext.Current.CancellationToken);
        var analysis = BacktestAnalysis.Compute(outcome, significance: true, periods: null, new BootstrapOptions(Replicates: 200));
        var path = Path.Combine(_folder, "report.html");
        File.WriteAllText(path, HtmlReport.Render(outcome, new HtmlReportOptions { Analysis = analysis, Top = 8 }));
        return new Uri(path).AbsoluteUri;
    }

    [Fact]
    public async Task HeatmapAndFrontier_FitTheViewport_AndACellCarriesItsTitle()
    {
        var url = WriteReport();
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await browser.StepsAsync("sweep-report", async () =>
        {
            await page.SetViewportSizeAsync(1400, 1000);
            await page.GotoAsync(url);
            foreach (var selector in new[] { "#heatmaps svg.heatmap", "#frontier svg.frontier", "#top .table-wrap" })
            {
                var box = await page.Locator(selector).First.BoundingBoxAsync() ?? throw new InvalidOperationException($"{selector} has no box");
                Assert.True(box.Width > 100 && box.Height > 50, $"{selector} is {box.Width} × {box.Height}");
                Assert.True(box.X >= 0 && box.X + box.Width <= 1400, $"{selector} spans {box.X} .. {box.X + box.Width}");
            }

            var scroll = await page.EvaluateAsync<double[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            Assert.True(scroll[0] <= scroll[1], $"the page scrolls sideways: {scroll[0]} px in {scroll[1]} px");

            // 5 × 5 cells, each drawn (a box) with its title naming the cell and its value.
            var cells = page.Locator("#heatmaps svg.heatmap rect");
            Assert.Equal(25, await cells.CountAsync());
            var cell = cells.Nth(7);
            var cellBox = await cell.BoundingBoxAsync() ?? throw new InvalidOperationException("no heatmap cell box");
            Assert.True(cellBox.Width > 20 && cellBox.Height > 10);
            Assert.Matches("^frequency=monthly, cost=10: rebalancing premium -?\\d+\\.\\d\\d%$", await cell.Locator("title").TextContentAsync());
            Assert.Equal(5 * 5, await page.Locator("#frontier circle").CountAsync());

            await page.EvaluateAsync("() => document.getElementById('top').scrollIntoView()");
            await ReportPageTests.ViewportScreenshotAsync(page, "report-sweep");
        });
    }

    [Fact]
    public async Task TopTable_SortsByAClickedHeader()
    {
        var url = WriteReport();
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await browser.StepsAsync("sweep-top-sort", async () =>
        {
            await page.GotoAsync(url);
            var header = page.Locator("#top thead th", new PageLocatorOptions { HasTextString = "cost" });
            await header.ClickAsync();
            await Assertions.Expect(header).ToHaveAttributeAsync("aria-sort", "ascending");
            var index = await page.Locator("#top thead th").EvaluateAllAsync<int>("hs => hs.findIndex(h => h.textContent.trim() === 'cost')");
            var costs = await page.Locator($"#top tbody tr td:nth-child({index + 1})").EvaluateAllAsync<string[]>("ts => ts.map(t => t.textContent)");
            var values = costs.Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(8, values.Length);
            Assert.Equal(values.Order().ToArray(), values);
        });
    }
}
