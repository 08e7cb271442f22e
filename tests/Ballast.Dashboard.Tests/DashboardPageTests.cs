using System.Globalization;
using System.Text.Json;
using Ballast.Accounting;
using Ballast.Data;
using Ballast.Governance;
using Ballast.Io.Protocol;
using Ballast.Protocol;
using Ballast.Service.Writing;
using Microsoft.Playwright;

namespace Ballast.Dashboard.Tests;

/// <summary>
/// The dashboard in a real browser (Debian's chromium through Playwright) against the service on a loopback port:
/// the vault list, a deposit through the form, rebalance markers after NAV reports with "verify this rebalance", and
/// a proposal's evidence shown as verified. Each page is screenshotted (see <see cref="Browser"/>).
/// </summary>
public class DashboardPageTests
{
    private static readonly UInt128 Token = ExactMath.Pow10(18);

    private static async Task<JsonElement> GetJsonAsync(DashboardServer server, string path)
    {
        var text = await server.Client.GetStringAsync(path, TestContext.Current.CancellationToken);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task VaultList_LoadsWithNumbers()
    {
        await using var browser = await Browser.LaunchAsync();
        await using var server = await DashboardServer.StartAsync();
        await server.ReportAllAsync(_ => 1.0, "d1");
        await server.ReportAllAsync(i => i == 0 ? 1.03 : 1.0, "d2");
        var page = browser.Page;
        await browser.StepsAsync("vaults", async () =>
        {
            await page.GotoAsync(server.Address.ToString());
            var rows = page.Locator("#vaults tbody tr");
            await Assertions.Expect(rows).ToHaveCountAsync(server.Children.Count + 1);
            var mix = page.Locator($"#vaults tr[data-vault='{DashboardServer.Composed}']");
            var nav = await mix.Locator("td.nav").InnerTextAsync();

            // Alice's 250,000 USD were filled after the first reports: the list shows the NAV the API gives, to the cent.
            var api = await GetJsonAsync(server, $"/api/vaults/{DashboardServer.Composed}");
            var expected = decimal.Parse(SimRunner.Format(UInt128.Parse(api.GetProperty("nav").GetString()!, CultureInfo.InvariantCulture), 6), CultureInfo.InvariantCulture);
            Assert.True(expected > 200_000m, $"the composed vault's NAV is {expected}");
            Assert.StartsWith(Math.Floor(expected).ToString("#,0", CultureInfo.InvariantCulture), nav, StringComparison.Ordinal);
            Assert.Matches(@"^\d\.\d{4}$", await mix.Locator("td.share-price").InnerTextAsync());
            await Assertions.Expect(page.Locator("#journal-head")).ToHaveAttributeAsync("data-sequence", server.Service.Writer.Head.Sequence.ToString(CultureInfo.InvariantCulture));
            await Assertions.Expect(page.Locator("#export-link")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/api/journal"));
            await browser.ScreenshotAsync("1-vault-list");
        });
    }

    [Fact]
    public async Task Deposit_ThroughTheForm_ShowsInThePositionAndInTheJournal()
    {
        await using var browser = await Browser.LaunchAsync();
        await using var server = await DashboardServer.StartAsync();
        await server.ReportAllAsync(_ => 1.0, "d1");
        var page = browser.Page;
        await browser.StepsAsync("position", async () =>
        {
            await page.GotoAsync(server.Address + "#/position");
            await page.FillAsync("#sign-in input[name=key]", DashboardServer.KeyOf("bob"));
            await page.ClickAsync("#sign-in button");
            await Assertions.Expect(page.Locator("#account")).ToHaveTextAsync("bob");
            Assert.Equal(0, await page.Locator("#requests tr.request").CountAsync());

            await page.SelectOptionAsync("#deposit-form select[name=vault]", DashboardServer.Composed);
            await page.FillAsync("#deposit-form input[name=amount]", "12,345.67");
            await page.ClickAsync("#deposit-form button");
            await Assertions.Expect(page.Locator("#command-result")).ToContainTextAsync("request-deposit applied");

            // The pending request shows in the position (demo-mix prices forward: a request until the next NAV).
            var request = page.Locator("#requests tr.request");
            await Assertions.Expect(request).ToHaveCountAsync(1);
            await Assertions.Expect(request).ToContainTextAsync("12,345.67");
            await Assertions.Expect(request).ToContainTextAsync(DashboardServer.Composed);

            // ... and in the journal export, under the id the form sent as Idempotency-Key.
            var commandId = await page.Locator("#command-result code").InnerTextAsync();
            var journal = await GetJsonAsync(server, "/api/journal");
            var deposit = journal.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("command_id").GetString() == commandId && e.GetProperty("type").GetString() == "command");
            Assert.Contains("\"assets\":\"12345670000\"", deposit.GetProperty("payload").GetString()!, StringComparison.Ordinal);
            Assert.Contains("\"actor\":\"bob\"", deposit.GetProperty("payload").GetString()!, StringComparison.Ordinal);
            await Assertions.Expect(page.Locator("#journal-head")).ToHaveAttributeAsync("data-sequence", journal.GetProperty("head").GetProperty("sequence").GetInt64().ToString(CultureInfo.InvariantCulture));
            await browser.ScreenshotAsync("3-position-pending");

            // The next NAV reports let the keeper fill it: the position now holds shares worth about the deposit.
            await server.ReportAllAsync(_ => 1.0, "d2");
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("#requests tr.request")).ToHaveCountAsync(0);
            var row = page.Locator($"#positions tr[data-vault='{DashboardServer.Composed}']");
            await Assertions.Expect(row).ToContainTextAsync("12,345.");
            await browser.ScreenshotAsync("3-position");
        });
    }

    [Fact]
    public async Task RebalanceMarker_AppearsAfterNavReports_AndVerifies()
    {
        await using var browser = await Browser.LaunchAsync();
        await using var server = await DashboardServer.StartAsync();
        await server.ReportAllAsync(_ => 1.0, "d1");
        var page = browser.Page;
        await browser.StepsAsync("vault", async () =>
        {
            await page.GotoAsync(server.Address + $"#/vault/{DashboardServer.Composed}");
            await Assertions.Expect(page.Locator("#nav-chart .u-over")).ToHaveCountAsync(1);
            var before = (await GetJsonAsync(server, $"/api/vaults/{DashboardServer.Composed}/rebalances")).GetArrayLength();
            await Assertions.Expect(page.Locator("#nav-chart .marker")).ToHaveCountAsync(before);

            // The first child gains 6 % a day, the others stand still: the keeper rebalances on the reported NAVs.
            for (var day = 0; day < 8; day++)
            {
                await server.ReportAllAsync(i => i == 0 ? 1.06 : 1.0, $"d{day + 2}");
            }

            var rebalances = await GetJsonAsync(server, $"/api/vaults/{DashboardServer.Composed}/rebalances");
            Assert.True(rebalances.GetArrayLength() > before, "the keeper did not rebalance on the NAV reports");
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("#nav-chart .marker")).ToHaveCountAsync(rebalances.GetArrayLength());
            await Assertions.Expect(page.Locator("#allocation-chart .marker")).ToHaveCountAsync(rebalances.GetArrayLength());
            var last = rebalances[rebalances.GetArrayLength() - 1];
            var marker = page.Locator($"#nav-chart .marker[data-sequence='{last.GetProperty("sequence").GetInt64()}']");
            Assert.Contains(last.GetProperty("reason").GetString()!, await marker.GetAttributeAsync("title") ?? string.Empty, StringComparison.Ordinal);
            await Assertions.Expect(page.Locator("#rebalances tr.rebalance").First).ToContainTextAsync(last.GetProperty("reason").GetString()!);
            await Assertions.Expect(page.Locator("#policy-hash")).ToHaveTextAsync(last.GetProperty("policy").GetString()!);

            await page.Locator("#rebalances button.verify").First.ClickAsync();
            await Assertions.Expect(page.Locator("#verify-verdict")).ToContainTextAsync("verified: the journal");
            await Assertions.Expect(page.Locator("#inputs-digest")).ToHaveTextAsync(last.GetProperty("inputs_digest").GetString()!);
            await browser.ScreenshotAsync("2-vault");
        });
    }

    [Fact]
    public async Task ProposalEvidence_ShowsAsVerified_AndVotesGoThroughTheForm()
    {
        await using var browser = await Browser.LaunchAsync();
        await using var server = await DashboardServer.StartAsync(evidenceData: dir => [WriteData(Path.Combine(dir, "evidence.csv"))]);
        var policy = server.Service.Projector.Current.Policies.Values.Single();
        var dataFile = server.Service.Projector.Current.Vaults.Count > 0 ? Path.Combine(server.Dir, "evidence.csv") : throw new InvalidOperationException("no vaults");
        var claim = DataEvidenceVerifier.Claim(policy.Text, Ballast.Policies.PolicyHash.Parse(policy.Hash), dataFile, ValueKind.Prices, FillMode.None, new DateOnly(2020, 1, 1), new DateOnly(2020, 12, 31));

        var issuer = new AccountId("issuer");
        var alice = new AccountId("alice");
        var unlock = server.Clock.GetUtcNow().ToUnixTimeSeconds() + (365 * 86_400);
        await Submit(server, new InitGovernance("g-init", issuer, new GovernanceParameters(86_400, 3 * 86_400, 1_000, 0, 2 * 86_400, 7 * 86_400, new AccountId("guardian"))));
        await Submit(server, new MintBank("g-mint", issuer, alice, 1_000 * Token));
        await Submit(server, new CreateLock("g-lock", alice, 1_000 * Token, unlock));
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        await Submit(server, new Propose("g-propose", alice, [new AdoptPolicy(new VaultId(DashboardServer.Composed), Ballast.Policies.PolicyHash.Parse(policy.Hash), policy.Text, claim)], "keep demo-mix on its policy, with evidence"));
        server.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        await server.ReportAllAsync(_ => 1.0, "d1");

        var page = browser.Page;
        await browser.StepsAsync("governance", async () =>
        {
            await page.GotoAsync(server.Address + "#/position");
            await page.FillAsync("#sign-in input[name=key]", DashboardServer.KeyOf("alice"));
            await page.ClickAsync("#sign-in button");
            await Assertions.Expect(page.Locator("#account")).ToHaveTextAsync("alice");
            await page.GotoAsync(server.Address + "#/governance");
            var proposal = page.Locator(".proposal[data-proposal='1']");
            await Assertions.Expect(proposal.Locator(".evidence-result")).ToHaveTextAsync(EvidenceResults.Verified);
            await Assertions.Expect(proposal.Locator(".proposal-state")).ToHaveTextAsync("Active");

            // Claimed and re-run side by side, every metric equal.
            var metrics = proposal.Locator("table.evidence tbody tr");
            await Assertions.Expect(metrics).ToHaveCountAsync(claim.Metrics.Count);
            foreach (var (name, value) in claim.Metrics)
            {
                var row = metrics.Filter(new LocatorFilterOptions { HasText = name }).First;
                Assert.Equal([name, value, value], (await row.Locator("td").AllInnerTextsAsync()).Select(t => t.Trim()));
            }

            await page.FillAsync("#vote-form input[name=proposal]", "1");
            await page.ClickAsync("#vote-form button");
            await Assertions.Expect(proposal.Locator("dl")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Votes\s*for [1-9][\d,.]*, against 0"));
            await Assertions.Expect(proposal.Locator("dl")).ToContainTextAsync("veBANK: reached");
            var vote = (await GetJsonAsync(server, "/api/governance")).GetProperty("proposals")[0].GetProperty("votes").EnumerateArray().Single();
            Assert.Equal(("alice", "For"), (vote.GetProperty("voter").GetString(), vote.GetProperty("support").GetString()));
            await browser.ScreenshotAsync("4-governance");
        });
    }

    [Fact]
    public async Task ApiReference_RendersTheOpenApiDocumentOffline()
    {
        await using var browser = await Browser.LaunchAsync();
        await using var server = await DashboardServer.StartAsync(keeper: false);
        var page = browser.Page;
        var elsewhere = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(server.Address.ToString(), StringComparison.Ordinal))
            {
                elsewhere.Add(request.Url);
            }
        };
        await browser.StepsAsync("reference", async () =>
        {
            await page.GotoAsync(server.Address + "reference/");
            await Assertions.Expect(page.Locator("#operations")).ToContainTextAsync("/api/vaults/summary");
            await Assertions.Expect(page.Locator("#operations")).ToContainTextAsync("/api/vaults/{id}/rebalances/{sequence}/verify");
            await page.GotoAsync(server.Address.ToString());
            await Assertions.Expect(page.Locator("#vaults tbody tr")).ToHaveCountAsync(server.Children.Count + 1);
            Assert.Empty(elsewhere);
            await browser.ScreenshotAsync("5-api-reference");
        });
    }

    private static async Task Submit(DashboardServer server, ProtocolCommand command)
    {
        var result = await server.Service.Writer.SubmitAsync(command, TestContext.Current.CancellationToken);
        Assert.True(result.Status == WriteStatus.Applied, $"{command.Id}: {result.Status} {result.Rejection}");
        await server.SettledAsync();
    }

    /// <summary>A year of daily prices for the demo's five children (deterministic), for the evidence claim.</summary>
    private static string WriteData(string path)
    {
        var names = Ballast.Service.Demo.DemoSetup.LoadScenario().Prices.Names;
        var lines = new List<string> { "Date," + string.Join(',', names) };
        var day = new DateOnly(2020, 1, 1);
        for (var i = 0; i < 366; i++, day = day.AddDays(1))
        {
            lines.Add(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "," + string.Join(',', names.Select((_, j) => (100 * Math.Exp((0.0002 * (j + 1) * i) + (0.01 * Math.Sin((i + (7 * j)) / 5.0)))).ToString("F4", CultureInfo.InvariantCulture))));
        }

        File.WriteAllLines(path, lines);
        return path;
    }
}
