using System.Collections.Immutable;
using Ballast.Accounting;
using Ballast.Governance;
using Ballast.Protocol;
using Ballast.Service.Writing;
using Microsoft.Playwright;

namespace Ballast.Dashboard.Tests;

/// <summary>
/// Text anyone can put in the journal (a vault id, a proposal's description) is shown by the dashboard as text:
/// markup in it is neither parsed nor run, on the vault list, the vault's page and the governance page.
/// </summary>
public class HostileTextTests
{
    private const string Vault = "<img src=x onerror=\"window.__xss='vault'\">";
    private const string Description = "<script>window.__xss='proposal'</script><b id=\"injected\">bold</b><img src=x onerror=\"window.__xss='img'\">";

    [Fact]
    public async Task VaultIdAndProposalDescription_WithMarkup_RenderAsText()
    {
        await using var browser = await Browser.LaunchAsync();
        await using var server = await DashboardServer.StartAsync(keeper: false);
        var ops = new AccountId("operator");
        await Submit(server, new CreateSimpleVault("x-vault", ops, new VaultId(Vault), new SimpleVaultSpec
        {
            Asset = new AssetSymbol("USD"), DecimalsOffset = 6, Operator = ops, Reporter = new AccountId("reporter"), FeeRecipient = ops,
            Pricing = PricingMode.Immediate, MinReportIntervalSeconds = 0,
        }));
        var issuer = new AccountId("issuer");
        var alice = new AccountId("alice");
        var token = ExactMath.Pow10(18);
        await Submit(server, new InitGovernance("x-init", issuer, new GovernanceParameters(86_400, 3 * 86_400, 1_000, 0, 2 * 86_400, 7 * 86_400, new AccountId("guardian"))));
        await Submit(server, new MintBank("x-mint", issuer, alice, 1_000 * token));
        await Submit(server, new CreateLock("x-lock", alice, 1_000 * token, server.Clock.GetUtcNow().ToUnixTimeSeconds() + (365 * 86_400)));
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        await Submit(server, new Propose("x-propose", alice, ImmutableArray.Create<GovernanceAction>(new AddGauge(new GaugeId(DashboardServer.Composed))), Description));

        var page = browser.Page;
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) => dialogs.Add(dialog.Message);
        await browser.StepsAsync("hostile-text", async () =>
        {
            await page.GotoAsync(server.Address.ToString());
            var row = page.Locator("#vaults tbody tr").Filter(new LocatorFilterOptions { HasText = "onerror" });
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await Assertions.Expect(row.Locator("a")).ToHaveTextAsync(Vault);
            await row.Locator("a").ClickAsync();
            await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(Vault);

            await page.GotoAsync(server.Address + "#/governance");
            var proposal = page.Locator(".proposal[data-proposal='1'] h2").First;
            await Assertions.Expect(proposal).ToContainTextAsync(Description);
            await Assertions.Expect(page.Locator("#injected")).ToHaveCountAsync(0);
            await browser.ScreenshotAsync("6-hostile-text");
            Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__xss"));
            Assert.Empty(dialogs);
        });
    }

    private static async Task Submit(DashboardServer server, ProtocolCommand command)
    {
        var result = await server.Service.Writer.SubmitAsync(command, TestContext.Current.CancellationToken);
        Assert.True(result.Status == WriteStatus.Applied, $"{command.Id}: {result.Status} {result.Rejection}");
        await server.SettledAsync();
    }
}
