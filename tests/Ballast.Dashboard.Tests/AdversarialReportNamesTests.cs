using Ballast.Io;
using Ballast.Io.Reports;
using Ballast.Io.Specs;
using Ballast.Synthesis;

namespace Ballast.Dashboard.Tests;

/// <summary>
/// Hostile policy names in report.html, opened in Debian's chromium: markup, attribute breakers and script in a
/// name render as the literal text of the name, run nothing (no dialog, no global set, no element or attribute
/// added), wherever the report shows names (metrics table, legends, selection lists, tooltips).
/// </summary>
public sealed class AdversarialReportNamesTests : IDisposable
{
    private static readonly string[] Hostile =
    [
        "<script>alert(1)</script>",
        "\" onmouseover=\"window.__pwned='attr'\" x=\"",
        "<img src=x onerror=\"window.__pwned='img'\">",
        "' onfocus='window.__pwned=1' autofocus='",
        "</title></style></svg><b id=\"injected\">bold</b>",
        "a&amp;b &lt;not markup&gt;",
    ];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ballast-hostile-" + Guid.NewGuid().ToString("N"));

    public AdversarialReportNamesTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteReport()
    {
        var policies = string.Concat(Hostile.Select((name, i) =>
            $"  - {{ name: {System.Text.Json.JsonSerializer.Serialize(name)}, trigger: {{ drift: {{ absolute: {0.02 + (i * 0.01):0.00} }} }} }}\n"));
        var spec = "name: hostile\nuniverse: [TREND, CARRY, VALUE]\nweights: { scheme: fixed, targets: { TREND: 0.4, CARRY: 0.3, VALUE: 0.3 } }\npolicies:\n" + policies;
        var set = SpecLoader.Load(spec, "hostile.yaml");
        var table = StrategySynthesizer.Generate(3, 6, 7);
        var outcome = BacktestJob.Run(set, table, "synthetic", new BacktestOptions { Record = true }, cancellationToken: TestContext.Current.CancellationToken);
        var path = Path.Combine(_folder, "report.html");
        File.WriteAllText(path, HtmlReport.Render(outcome));
        return new Uri(path).AbsoluteUri;
    }

    [Fact]
    public async Task HostileNames_RenderAsTheirText_AndRunNothing()
    {
        var url = WriteReport();
        await using var browser = await Browser.LaunchAsync();
        var page = browser.Page;
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        await browser.StepsAsync("report-hostile-names", async () =>
        {
            await page.GotoAsync(url);

            // Hover and focus the legend entries and table rows that carry the names, so an injected handler would fire.
            foreach (var item in await page.Locator("li[data-series], #metrics tbody tr").AllAsync())
            {
                if (await item.IsVisibleAsync())
                {
                    await item.HoverAsync(new() { Force = true });
                    await item.FocusAsync();
                }
            }

            Assert.Empty(dialogs);
            Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__pwned"));
            Assert.Equal(0, await page.EvaluateAsync<int>("() => document.querySelectorAll('#injected, img, [onmouseover], [onerror], [onfocus], [autofocus]').length"));
            Assert.Equal(1, await page.EvaluateAsync<int>("() => document.scripts.length"));

            // The metrics table's name cells read exactly as the names were written.
            var shown = await page.Locator("#metrics tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.cells[0].textContent.trim())");
            foreach (var name in Hostile)
            {
                Assert.Contains(name, shown);
            }
        });
    }
}
