using System.Net;
using Ballast.Service.Access;
using CsCheck;

namespace Ballast.Service.Tests;

/// <summary>Health, readiness, the OpenAPI document, and the rule that bad input never gets a 500.</summary>
public sealed class ServiceSurfaceTests
{
    [Fact]
    public async Task Health_Ready_OpenApi_Answer()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, setUp: false);

        using var health = await h.Client.GetAsync("/health", TestContext.Current.CancellationToken);
        using var ready = await h.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        using var openApi = await h.Client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var document = await openApi.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        foreach (var path in new[] { "/api/commands/{name}", "/api/vaults", "/api/journal", "/api/events", "/health" })
        {
            Assert.Contains($"\"{path}\"", document, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BadInput_NeverGetsA500()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite);
        var names = CommandPermissions.CommandNames.ToArray();
        var accounts = new[] { "operator", "reporter", "alice", "vic" };
        var values = Gen.OneOf(
            Gen.Const("\"demo-mix\""), Gen.Const("\"\""), Gen.Const("null"), Gen.Const("-1"), Gen.Const("\"-1\""), Gen.Const("1e400"),
            Gen.Const("\"340282366920938463463374607431768211456\""), Gen.Const("\"340282366920938463463374607431768211455\""), Gen.Const("{}"), Gen.Const("[]"), Gen.Const("true"),
            Gen.Const("\"\\ud800\""), Gen.Const("99999999999999999999"), Gen.Int[0, 10].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var members = Gen.OneOf(Gen.Const("vault"), Gen.Const("assets"), Gen.Const("shares"), Gen.Const("total_assets"), Gen.Const("symbol"), Gen.Const("decimals"),
            Gen.Const("to"), Gen.Const("amount"), Gen.Const("request_id"), Gen.Const("spec"), Gen.Const("text"), Gen.Const("policy"), Gen.Const("proposal_id"), Gen.Const("max_loss_bps"), Gen.Const("parameters"));
        var bodies = Gen.Select(members, values).Array[0, 5].Select(pairs => "{" + string.Join(",", pairs.DistinctBy(p => p.Item1).Select(p => $"\"{p.Item1}\":{p.Item2}")) + "}");
        var raw = Gen.OneOf(bodies, Gen.String[0, 40]);
        var n = 0;
        await Gen.Select(Gen.Int[0, names.Length - 1], Gen.Int[0, accounts.Length - 1], raw).SampleAsync(async t =>
        {
            var (name, account, body) = t;
            using var response = await h.PostAsync(accounts[account], names[name], body, $"fuzz-{Interlocked.Increment(ref n)}");
            var status = (int)response.StatusCode;
            return status < 500;
        }, iter: 300, threads: 1);
    }
}
