using System.Text.Json;
using Ballast.Cli.Tests.Service;
using Ballast.Cluster.Tests;
using Microsoft.Playwright;

namespace Ballast.Dashboard.Tests;

/// <summary>
/// The cluster page in a real browser: two real <c>ballast serve --cluster</c> processes over PostgreSQL; the page of
/// one shows both silos active, which one holds the deployment's sequencer and which its ticking keeper coordinator
/// (what <c>GET /api/cluster</c> says), and a
/// silo killed outright turning Dead without a reload. A single-process service hides the page's link.
/// </summary>
public sealed class ClusterPageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoSilos_ShowMembershipAndTheSequencersHolder_AndAKilledSiloTurnsDead()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var browser = await Browser.LaunchAsync();
        var journal = "postgres:" + database.ConnectionString;
        await using var first = await ServeProcess.StartAsync(["--cluster", "dash", "--db", journal, "--keeper-interval", "1", "--silo-port", $"{TestDatabase.FreePort()}", "--gateway-port", $"{TestDatabase.FreePort()}"], Cancel);
        await using var second = await ServeProcess.StartAsync(["--cluster", "dash", "--db", journal, "--keeper-interval", "1", "--silo-port", $"{TestDatabase.FreePort()}", "--gateway-port", $"{TestDatabase.FreePort()}"], Cancel);
        using var http = new HttpClient { BaseAddress = first.Address, Timeout = TimeSpan.FromSeconds(30) };
        var page = browser.Page;

        await browser.StepsAsync("cluster", async () =>
        {
            // Both silos are in the membership table once the second has joined (asked until then).
            var view = await ClusterViewAsync(http, v => v.GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "Active") == 2);
            var self = view.GetProperty("silo").GetString()!;
            var other = view.GetProperty("silos").EnumerateArray().Select(s => s.GetProperty("address").GetString()!).Single(a => a != self);

            await page.GotoAsync(first.Address.ToString());
            await Assertions.Expect(page.Locator("#cluster-link")).ToBeVisibleAsync();
            await page.Locator("#cluster-link").ClickAsync();
            await Assertions.Expect(page.Locator("#silos tbody tr[data-status='Active']")).ToHaveCountAsync(2);
            await Assertions.Expect(page.Locator($"#silos tr[data-silo='{self}']")).ToContainTextAsync("serving this page");

            // The sequencer's holder as the API gives it, in both tables.
            var holder = (await ClusterViewAsync(http, v => v.GetProperty("sequencers")[0].GetProperty("silo").ValueKind == JsonValueKind.String))
                .GetProperty("sequencers")[0].GetProperty("silo").GetString()!;
            Assert.Contains(holder, new[] { self, other });
            await Assertions.Expect(page.Locator("#sequencers td.holder")).ToHaveTextAsync(holder);
            await Assertions.Expect(page.Locator($"#silos tr[data-silo='{holder}'] .sequencer")).ToHaveCountAsync(1);

            // The deployment's keeper coordinator (one, whichever silo holds it) ticks every second.
            var coordinator = (await ClusterViewAsync(http, v => v.GetProperty("keepers")[0].GetProperty("ticks").ValueKind == JsonValueKind.Number && v.GetProperty("keepers")[0].GetProperty("ticks").GetInt64() > 0))
                .GetProperty("keepers")[0].GetProperty("silo").GetString()!;
            Assert.Contains(coordinator, new[] { self, other });
            await Assertions.Expect(page.Locator("#keepers tbody tr[data-ticking='true'] td.keeper-silo")).ToHaveTextAsync(coordinator);
            await Assertions.Expect(page.Locator($"#silos tr[data-silo='{coordinator}'] .keeper")).ToHaveCountAsync(1);
            await browser.ScreenshotAsync("cluster-1-two-silos");

            // The other silo dies at once: the page, refreshing itself, shows it Dead once the membership has voted it out.
            await second.KillAsync();
            var dead = page.Locator($"#silos tr[data-silo='{other}']");
            await Assertions.Expect(dead).ToHaveAttributeAsync("data-status", "Dead", new() { Timeout = 90_000 });
            await Assertions.Expect(page.Locator("#silos tbody tr[data-status='Active']")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("#sequencers td.holder")).ToHaveTextAsync(self, new() { Timeout = 90_000 });
            await browser.ScreenshotAsync("cluster-2-one-dead");
        });
    }

    [Fact]
    public async Task ASingleProcessService_HidesTheClusterLink_AndThePageSaysSo()
    {
        await using var browser = await Browser.LaunchAsync();
        await using var server = await DashboardServer.StartAsync(keeper: false);
        var page = browser.Page;
        await browser.StepsAsync("no-cluster", async () =>
        {
            await page.GotoAsync(server.Address.ToString());
            await Assertions.Expect(page.Locator("#vaults tbody tr")).ToHaveCountAsync(server.Children.Count + 1);
            await Assertions.Expect(page.Locator("#cluster-link")).ToBeHiddenAsync();
            await page.GotoAsync(server.Address + "#/cluster");
            await Assertions.Expect(page.Locator("#cluster-status")).ToContainTextAsync("not a cluster silo");
        });
    }

    private static async Task<JsonElement> ClusterViewAsync(HttpClient http, Func<JsonElement, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            using var response = await http.GetAsync("/api/cluster", Cancel);
            if (response.IsSuccessStatusCode)
            {
                var view = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.Clone();
                if (until(view))
                {
                    return view;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"GET /api/cluster did not show what the test waits for within 90 s (last: {(int)response.StatusCode})");
            await Task.Delay(250, Cancel);
        }
    }
}
