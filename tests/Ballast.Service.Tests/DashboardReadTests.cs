using System.Collections.Immutable;
using System.Net;
using Ballast.Service.Endpoints;
using Ballast.Service.Projection;

namespace Ballast.Service.Tests;

/// <summary>
/// The dashboard's reads over HTTP (test server, SQLite): the buy-and-hold twin, vault summaries, rebalance
/// verification, governance before it starts, and positions' profit and loss; and the rebalances CSV's quoting.
/// </summary>
public class DashboardReadTests
{
    private const string Mix = ServiceHarness.Composed;

    [Fact]
    public async Task Twin_IsTheVaultItselfUntilItRebalances_ThenDiffers()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        await h.ReportAllAsync(1.0, "d1");
        using (var fill = await h.PostAsync("vic", "fill-request", $$"""{"vault":"{{Mix}}"}""", "vic-fill"))
        {
            Assert.Equal(HttpStatusCode.OK, fill.StatusCode);
        }

        // Children move apart; nobody rebalances: a vault that never rebalances is its own buy-and-hold twin, exactly.
        for (var day = 0; day < 4; day++)
        {
            await h.ReportAllAsync(i => 1.0 + (0.08 * (i - 2)), $"apart{day}");
        }

        var held = await h.GetJsonAsync($"/api/vaults/{Mix}/twin");
        Assert.True(held.GetArrayLength() >= 5, held.GetRawText());
        foreach (var p in held.EnumerateArray())
        {
            Assert.Equal(p.GetProperty("nav").GetString(), p.GetProperty("twin_nav").GetString());
            Assert.Equal(p.GetProperty("share_price").GetString(), p.GetProperty("twin_share_price").GetString());
        }

        using (var rebalance = await h.PostAsync("vic", "rebalance", $$"""{"vault":"{{Mix}}"}""", "vic-rebalance"))
        {
            Assert.Equal(HttpStatusCode.OK, rebalance.StatusCode);
        }

        await h.ReportAllAsync(i => 1.0 + (0.03 * (i - 2)), "after");
        var twin = await h.GetJsonAsync($"/api/vaults/{Mix}/twin");
        var last = twin[twin.GetArrayLength() - 1];
        Assert.NotEqual(last.GetProperty("nav").GetString(), last.GetProperty("twin_nav").GetString());

        // The first points are unchanged by what came later, and the CSV carries the same rows.
        Assert.Equal(held[0].GetRawText(), twin[0].GetRawText());
        var csv = await h.Client.GetStringAsync($"/api/vaults/{Mix}/twin?format=csv", TestContext.Current.CancellationToken);
        Assert.Equal(twin.GetArrayLength() + 1, csv.TrimEnd('\n').Split('\n').Length);
        using var simple = await h.Client.GetAsync($"/api/vaults/{h.Children[0]}/twin", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, simple.StatusCode);
    }

    [Fact]
    public async Task Summary_Verify_Governance_AndProfitAndLoss()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        await h.ReportAllAsync(1.0, "d1");
        await h.KeeperRoundAsync();
        for (var day = 0; day < 8; day++)
        {
            await h.ReportAllAsync(i => i == 0 ? 1.06 : 1.0, $"d{day + 2}");
            await h.KeeperRoundAsync();
        }

        var summaries = await h.GetJsonAsync("/api/vaults/summary");
        Assert.Equal(h.Children.Count + 1, summaries.GetArrayLength());
        var mix = summaries.EnumerateArray().Single(s => s.GetProperty("id").GetString() == Mix);
        Assert.True(mix.GetProperty("return_since_start").GetDouble() > 0, mix.GetRawText());
        Assert.Equal(JsonValueKindNull, mix.GetProperty("return_1y").ValueKind);
        Assert.True(mix.GetProperty("volatility").GetDouble() > 0);
        Assert.True(mix.GetProperty("drift_from_target").GetDouble() >= 0);
        var first = summaries.EnumerateArray().Single(s => s.GetProperty("id").GetString() == h.Children[0]);
        Assert.Equal(0, first.GetProperty("max_drawdown").GetDouble());
        Assert.InRange(first.GetProperty("return_since_start").GetDouble(), Math.Pow(1.06, 8) - 1.001, Math.Pow(1.06, 8) - 0.999);

        var rebalances = await h.GetJsonAsync($"/api/vaults/{Mix}/rebalances");
        Assert.True(rebalances.GetArrayLength() > 0);
        foreach (var r in rebalances.EnumerateArray())
        {
            var sequence = r.GetProperty("sequence").GetInt64();
            var v = await h.GetJsonAsync($"/api/vaults/{Mix}/rebalances/{sequence}/verify");
            Assert.True(v.GetProperty("verified").GetBoolean(), v.GetRawText());
            Assert.True(v.GetProperty("identical").GetBoolean(), v.GetRawText());
            Assert.Equal(r.GetProperty("inputs_digest").GetString(), v.GetProperty("inputs_digest").GetString());
            Assert.Equal(r.GetProperty("command_id").GetString(), v.GetProperty("command_id").GetString());
            Assert.True(v.GetProperty("events_checked").GetInt64() >= sequence);
        }

        using (var notRebalance = await h.Client.GetAsync($"/api/vaults/{Mix}/rebalances/1/verify", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.NotFound, notRebalance.StatusCode);
        }

        var governance = await h.GetJsonAsync("/api/governance");
        Assert.Equal(0, governance.GetProperty("proposals").GetArrayLength());

        // Alice's position: value + returned − invested, exactly (nothing taken out yet).
        var alice = await h.GetJsonAsync("/api/accounts/alice");
        var position = alice.GetProperty("positions").EnumerateArray().Single(p => p.GetProperty("vault").GetString() == Mix);
        var value = System.Numerics.BigInteger.Parse(position.GetProperty("value").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("250000000000", position.GetProperty("invested").GetString());
        Assert.Equal("0", position.GetProperty("returned").GetString());
        Assert.Equal((value - 250_000_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture), position.GetProperty("profit_and_loss").GetString());
        Assert.True(value > 250_000_000_000, "the first child's gains did not lift alice's position");
    }

    [Fact]
    public void RebalancesCsv_QuotesCarriageReturnsCommasAndQuotes()
    {
        var view = new RebalanceView(7, new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero), "id,1", "ab", "drift\r", "line one\rline \"two\"", "d", 3, [500_000, 500_000], "0", "0", "10", "10");
        var lines = ReadEndpoints.RebalancesCsv([view]).Split('\n');
        Assert.Equal("7,2024-01-02T00:00:00.0000000Z,\"id,1\",ab,\"drift\r\",d,3,500000;500000,0,0,10,10,\"line one\rline \"\"two\"\"\"", lines[1]);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}

/// <summary>The summary metrics on known price paths.</summary>
public class VaultMetricsTests
{
    private static readonly DateTimeOffset Day0 = new(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static List<(DateTimeOffset, double)> Daily(params double[] prices) => [.. prices.Select((p, i) => (Day0.AddDays(i), p))];

    [Fact]
    public void Return_IsFromTheLastPriceAtOrBeforeTheWindowStart_NullWhenTooYoung()
    {
        var prices = Daily(1.0, 1.1, 1.2, 1.5);
        Assert.Equal((1.5 / 1.1) - 1, VaultMetrics.Return(prices, 1.5, Day0.AddDays(1.5))!.Value, 12);
        Assert.Null(VaultMetrics.Return(prices, 1.5, Day0.AddDays(-1)));
    }

    [Fact]
    public void MaxDrawdown_IsTheLargestFallFromARunningPeak()
    {
        Assert.Equal(0.5, VaultMetrics.MaxDrawdown(Daily(1, 2, 1.5, 1, 1.8, 1.2))!.Value, 12);
        Assert.Equal(0, VaultMetrics.MaxDrawdown(Daily(1, 1.1, 1.2))!.Value);
        Assert.Null(VaultMetrics.MaxDrawdown([]));
    }

    [Fact]
    public void Volatility_IsTheSampleDeviationOfDailyLogReturns_Annualised()
    {
        // Alternating +1 % and −1 % log moves over 5 returns in 5 days.
        var p = new double[6];
        p[0] = 1;
        for (var i = 1; i < 6; i++)
        {
            p[i] = p[i - 1] * Math.Exp(i % 2 == 1 ? 0.01 : -0.01);
        }

        var r = new[] { 0.01, -0.01, 0.01, -0.01, 0.01 };
        var mean = r.Average();
        var sd = Math.Sqrt(r.Sum(x => (x - mean) * (x - mean)) / 4);
        Assert.Equal(sd * Math.Sqrt(5 / (5 / 365.25)), VaultMetrics.Volatility(Daily(p))!.Value, 9);
        Assert.Null(VaultMetrics.Volatility(Daily(1, 2)));

        // Several points on one day count as that day's last price.
        List<(DateTimeOffset, double)> intraday = [(Day0.AddHours(-3), 9.0), .. Daily(p)];
        Assert.Equal(VaultMetrics.Volatility(Daily(p)), VaultMetrics.Volatility(intraday));
    }

    [Fact]
    public void Drift_IsTheLargestGapBetweenWeightAndTarget()
    {
        var view = new VaultView("m", "composed", "USD", 6, 12, "op", null, "100", "100", "1", false, false, "h", ImmutableArray.Create(600_000, 400_000),
            [new AllocationView("a", "55", 550_000), new AllocationView("b", "45", 450_000)], DateTimeOffset.UnixEpoch, null, null, null, 0, new Accounting.SharePrice(1, 1));
        Assert.Equal(0.05, VaultMetrics.Drift(view)!.Value, 12);
        Assert.Null(VaultMetrics.Drift(view with { TargetsPpm = null }));
    }
}
