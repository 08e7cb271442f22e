using System.Globalization;
using Ballast.Io;
using Ballast.Io.Reports;
using Ballast.Io.Specs;
using Ballast.Synthesis;
using Microsoft.Playwright;

namespace Ballast.Dashboard.Tests;

/// <summary>
/// The backtest report (report.html) opened from file in Debian's chromium: sorting a table, highlighting a policy
/// from the legend, and the metrics table's last (premium) column inside the visible area at 1,400 and 1,920 px.
/// </summary>
public sealed class ReportPageTests : IDisposable
{
    private const string Spec = """
        name: report-check
        universe: [TREND, CARRY, VALUE, MACRO, ARB]
        weights: { scheme: fixed, targets: { TREND: 0.25, CARRY: 0.2, VALUE: 0.2, MACRO: 0.2, ARB: 0.15 } }
        costs: { proportional_bps: 10 }
        policies:
          - name: never
            trigger: none
          - name: monthly
            trigger: { calendar: monthly }
          - name: quarterly
            trigger: { calendar: quarterly }
          - name: annual
            trigger: { calendar: annual }
          - name: band-5pp-edge
            trigger: { drift: { absolute: 0.05 } }
            execution: { to: band-edge }
          - name: band-with-a-much-longer-descriptive-name
            trigger: { drift: { relative: 0.25 } }
        """;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ballast-report-" + Guid.NewGuid().ToString("N"));

    public ReportPageTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteReport()
    {
        var set = SpecLoader.Load(Spec, "report-check.yaml");
        var table = StrategySynthesizer.Generate(5, 12, 42);
        var outcome = BacktestJob.Run(set, table, "synthetic (5 strategies, 12 years, seed 42)", new BacktestOptions { Record = true }, cancellationToken: TestContext.Current.CancellationToken);
        var path = Path.Combine(_folder, "report.html");
        File.WriteAllText(path, HtmlReport.Render(outcome));
        return new Uri(path).AbsoluteUri;
    }

    [Theory]
    [InlineData(1400)]
    [InlineData(1920)]
    public async Task PremiumColumn_IsNotClipped(int width)
    {
        var url = WriteReport();
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await browser.StepsAsync("report-" + width.ToString(CultureInfo.InvariantCulture), async () =>
        {
            await page.SetViewportSizeAsync(width, 1000);
            await page.GotoAsync(url);
            var premium = page.Locator("#metrics thead th").Last;
            await Assertions.Expect(premium).ToHaveTextAsync("Premium");
            var wrap = page.Locator("#metrics .table-wrap");
            var box = await premium.BoundingBoxAsync() ?? throw new InvalidOperationException("the premium header has no box");
            var frame = await wrap.BoundingBoxAsync() ?? throw new InvalidOperationException("the table wrapper has no box");
            Assert.True(box.X + box.Width <= frame.X + frame.Width + 0.5, $"premium header ends at {box.X + box.Width}, the table's visible box at {frame.X + frame.Width}");
            Assert.True(box.X + box.Width <= width, $"premium header ends at {box.X + box.Width}, past the {width} px viewport");
            var scroll = await wrap.EvaluateAsync<double[]>("e => [e.scrollWidth, e.clientWidth]");
            Assert.True(scroll[0] <= scroll[1], $"the metrics table scrolls sideways: {scroll[0]} px in {scroll[1]} px");

            // Every premium cell is inside the box too, and no header takes more than two lines.
            var cell = page.Locator("#metrics tbody tr td:last-child").First;
            var cellBox = await cell.BoundingBoxAsync() ?? throw new InvalidOperationException("no premium cell");
            Assert.True(cellBox.X + cellBox.Width <= frame.X + frame.Width + 0.5);
            var headerHeights = await page.Locator("#metrics thead th").EvaluateAllAsync<double[]>("hs => hs.map(h => h.getBoundingClientRect().height / parseFloat(getComputedStyle(h).lineHeight || '16'))");
            Assert.All(headerHeights, lines => Assert.True(lines < 3.2, $"a header is {lines:0.0} lines tall"));
            if (width == 1400)
            {
                await ViewportScreenshotAsync(page, "report-metrics");
            }
        });
    }

    [Fact]
    public async Task MetricsTable_SortsByAClickedHeader()
    {
        var url = WriteReport();
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await browser.StepsAsync("report-sort", async () =>
        {
            await page.GotoAsync(url);
            var specOrder = await SharpeColumn(page);
            var sharpeHeader = page.Locator("#metrics thead th", new PageLocatorOptions { HasTextString = "Sharpe" });
            await sharpeHeader.ClickAsync();
            await Assertions.Expect(sharpeHeader).ToHaveAttributeAsync("aria-sort", "ascending");
            var ascending = await SharpeColumn(page);
            Assert.Equal(specOrder.Order().ToArray(), ascending);
            Assert.NotEqual(specOrder, ascending);

            await sharpeHeader.ClickAsync();
            await Assertions.Expect(sharpeHeader).ToHaveAttributeAsync("aria-sort", "descending");
            var descending = await SharpeColumn(page);
            Assert.Equal(Enumerable.Reverse(ascending).ToArray(), descending);
        });
    }

    [Fact]
    public async Task Legend_HighlightsOnePolicyInEveryChart()
    {
        var url = WriteReport();
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        await browser.StepsAsync("report-highlight", async () =>
        {
            await page.GotoAsync(url);
            var entry = page.Locator("#relative .legend li[data-series='2']");
            await entry.ClickAsync();
            await Assertions.Expect(entry).ToHaveAttributeAsync("aria-pressed", "true");
            await Assertions.Expect(page.Locator("body")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bhl\\b"));

            // In every line chart, series 2 is drawn at full opacity and the others faded.
            var on = await page.Locator("svg.chart path[data-series='2']:not(.marks)").EvaluateAllAsync<double[]>("ps => ps.map(p => +getComputedStyle(p).opacity)");
            var off = await page.Locator("svg.chart path[data-series='0']:not(.marks)").EvaluateAllAsync<double[]>("ps => ps.map(p => +getComputedStyle(p).opacity)");
            Assert.True(on.Length >= 5, $"series 2 has {on.Length} lines");
            Assert.All(on, o => Assert.Equal(1.0, o, 3));
            Assert.All(off, o => Assert.True(o < 0.5, $"opacity {o}"));
            await page.Locator("#relative").ScrollIntoViewIfNeededAsync();
            await page.EvaluateAsync("() => document.getElementById('relative').scrollIntoView()");
            await ViewportScreenshotAsync(page, "report-highlight");

            await entry.ClickAsync();
            await Assertions.Expect(page.Locator("body")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bhl\\b"));
        });
    }

    /// <summary>Saves what the viewport shows as NAME.png in the screenshot folder (a full page of this report is several screens).</summary>
    internal static async Task ViewportScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Browser.ScreenshotFolder);
        var file = Path.Combine(Browser.ScreenshotFolder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = false });
        TestContext.Current.SendDiagnosticMessage($"screenshot: {file}");
    }

    private static async Task<double[]> SharpeColumn(IPage page)
    {
        var index = await page.Locator("#metrics thead th").EvaluateAllAsync<int>("hs => hs.findIndex(h => h.textContent.trim() === 'Sharpe')");
        var values = await page.Locator($"#metrics tbody tr td:nth-child({index + 1})").EvaluateAllAsync<string[]>("ts => ts.map(t => t.getAttribute('data-v'))");
        return [.. values.Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
    }
}
