using System.Net;
using System.Text.Json;
using Ballast.Io.Protocol;
using Ballast.Hashing;
using Ballast.Protocol.Journal;

namespace Ballast.Service.Tests;

/// <summary>
/// Reads, the journal export and the keeper, on each backend: a NAV report cues the keeper, which fills the due
/// deposit request and asks the composed vault to rebalance, all as journaled commands; the read model follows; a
/// restarted service rebuilds the same read model from the journal.
/// </summary>
public abstract class ReadAndKeeperTests
{
    protected abstract Backend Backend { get; }

    [Fact]
    public async Task NavReport_CuesTheKeeper_WhichFillsTheDueRequestAsAJournaledCommand()
    {
        await using var h = await ServiceHarness.StartAsync(Backend);

        await h.ReportAllAsync(1.0, "day1");
        var model = await h.EventuallyAsync(m => m.Accounts.TryGetValue("alice", out var a) && a.Positions.Any(p => p.Vault == ServiceHarness.Composed), "alice's first deposit filled");

        var fill = model.Accounts["alice"].History.Last(e => e.Command == "fill-request");
        Assert.Equal("keeper", fill.Actor);
        Assert.StartsWith("keeper-", fill.CommandId, StringComparison.Ordinal);
        Assert.NotNull(model.Vaults[ServiceHarness.Composed].LastKeeperCallAt);
        Assert.Empty(model.Accounts["alice"].Requests);
    }

    [Fact]
    public async Task KeeperOff_NothingIsFilled()
    {
        await using var h = await ServiceHarness.StartAsync(Backend, keeper: false);

        await h.ReportAllAsync(1.0, "day1");
        await h.SettledAsync();

        Assert.Null(h.Service.Keeper);
        Assert.Single(h.Service.Projector.Current.Accounts["alice"].Requests);
        Assert.Null(h.Service.Projector.Current.Vaults[ServiceHarness.Composed].LastKeeperCallAt);
    }

    [Fact]
    public async Task KeeperTimer_RunsARoundOnTheServiceClock()
    {
        await using var h = await ServiceHarness.StartAsync(Backend);
        var rounds = h.Service.Keeper!.Rounds;

        h.Clock.Advance(TimeSpan.FromHours(1));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (h.Service.Keeper.Rounds == rounds && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.True(h.Service.Keeper.Rounds > rounds, "no keeper round after the fake clock passed the interval");
    }

    [Fact]
    public async Task Vaults_Series_Rebalances_Policies_Account_AreServedFromTheJournal()
    {
        await using var h = await ServiceHarness.StartAsync(Backend, keeper: false);
        await h.ReportAllAsync(1.0, "d1");
        await h.KeeperRoundAsync();
        // The first child gains 6 % a day, the others stand still: the allocation drifts from the targets.
        for (var day = 0; day < 8; day++)
        {
            await h.ReportAllAsync(i => i == 0 ? 1.06 : 1.0, $"d{day + 2}");
            await h.KeeperRoundAsync();
        }

        var vaults = await h.GetJsonAsync("/api/vaults");
        Assert.Equal(h.Children.Count + 1, vaults.GetArrayLength());
        var mix = await h.GetJsonAsync($"/api/vaults/{ServiceHarness.Composed}");
        Assert.Equal("composed", mix.GetProperty("kind").GetString());
        var policyHash = mix.GetProperty("policy_hash").GetString()!;
        Assert.Equal(h.Children.Count, mix.GetProperty("allocation").GetArrayLength());

        var series = await h.GetJsonAsync($"/api/vaults/{ServiceHarness.Composed}/series");
        var points = series.GetProperty("points");
        Assert.True(points.GetArrayLength() >= 2);
        Assert.Equal(JsonValueKind.Null, series.GetProperty("next").ValueKind);

        // Cursor paging gives the same points as one page.
        var paged = new List<long>();
        long? cursor = null;
        do
        {
            var page = await h.GetJsonAsync($"/api/vaults/{ServiceHarness.Composed}/series?limit=2" + (cursor is { } c ? $"&after={c}" : string.Empty));
            paged.AddRange(page.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("sequence").GetInt64()));
            cursor = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetInt64();
        }
        while (cursor is not null);
        Assert.Equal(points.EnumerateArray().Select(p => p.GetProperty("sequence").GetInt64()), paged);

        // CSV carries the same rows.
        using var csv = await h.Client.GetAsync($"/api/vaults/{ServiceHarness.Composed}/series?format=csv", TestContext.Current.CancellationToken);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).TrimEnd('\n').Split('\n');
        Assert.Equal("sequence,time,nav,total_supply,share_price,allocation_ppm", lines[0]);
        Assert.Equal(points.GetArrayLength(), lines.Length - 1);

        // Time range: nothing before the start of the clock.
        var none = await h.GetJsonAsync($"/api/vaults/{ServiceHarness.Composed}/series?to=2000-01-01T00:00:00Z");
        Assert.Equal(0, none.GetProperty("points").GetArrayLength());

        var policy = await h.GetJsonAsync($"/api/policies/{policyHash}");
        Assert.Equal(policyHash, policy.GetProperty("hash").GetString());
        Assert.False(string.IsNullOrEmpty(policy.GetProperty("text").GetString()));

        var rebalances = await h.GetJsonAsync($"/api/vaults/{ServiceHarness.Composed}/rebalances");
        Assert.True(rebalances.GetArrayLength() > 0, "the keeper's calls never rebalanced");
        foreach (var r in rebalances.EnumerateArray())
        {
            Assert.Equal(policyHash, r.GetProperty("policy").GetString());
            Assert.Equal(64, r.GetProperty("inputs_digest").GetString()!.Length);
            Assert.False(string.IsNullOrEmpty(r.GetProperty("reason").GetString()));
        }

        var alice = await h.GetJsonAsync("/api/accounts/alice");
        var position = alice.GetProperty("positions").EnumerateArray().Single(p => p.GetProperty("vault").GetString() == ServiceHarness.Composed);
        // Alice is the only holder, so her shares are worth the whole NAV (to a base unit), which the children's gains moved.
        var value = UInt128.Parse(position.GetProperty("value").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var nav = UInt128.Parse(mix.GetProperty("nav").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(nav - value <= 1, $"alice's position is worth {value}, the vault's NAV is {nav}");
        Assert.NotEqual("250000.000000", SimRunner.Format(value, 6));
        Assert.NotEqual("1.000000", mix.GetProperty("share_price").GetString());
        Assert.Contains(alice.GetProperty("history").EnumerateArray(), e => e.GetProperty("command").GetString() == "request-deposit");
    }

    [Fact]
    public async Task UnknownVaultPolicyAccount_Are404_BadQueries_Are400()
    {
        await using var h = await ServiceHarness.StartAsync(Backend);

        foreach (var path in new[] { "/api/vaults/nope", "/api/vaults/nope/series", "/api/policies/00", "/api/accounts/nobody" })
        {
            using var response = await h.Client.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, path);
        }

        foreach (var path in new[] { "/api/vaults/demo-mix/series?from=yesterday", "/api/vaults/demo-mix/series?limit=0", "/api/vaults/demo-mix/series?format=xml", "/api/journal?from=0", "/api/journal?from=5&to=2" })
        {
            using var response = await h.Client.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, path);
        }
    }

    [Fact]
    public async Task JournalExport_IsTheChainAsStored_PagedAndVerifiable()
    {
        await using var h = await ServiceHarness.StartAsync(Backend);
        await h.ReportAllAsync(1.0, "d1");
        await h.SettledAsync();

        var all = await h.GetJsonAsync("/api/journal");
        var head = all.GetProperty("head");
        var events = all.GetProperty("events").EnumerateArray().Select(ToEvent).ToList();

        Assert.Equal(head.GetProperty("sequence").GetInt64(), events.Count);
        var chain = JournalHead.Empty;
        foreach (var e in events)
        {
            Assert.Null(JournalVerifier.Check(chain, e));
            chain = JournalHead.After(e);
        }

        Assert.Equal(head.GetProperty("hash").GetString(), chain.Hash.ToHex());
        var part = await h.GetJsonAsync("/api/journal?from=3&to=5");
        Assert.Equal([3L, 4L, 5L], part.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
    }

    [Fact]
    public async Task Restart_RebuildsTheSameReadModelFromTheJournal()
    {
        var h = await ServiceHarness.StartAsync(Backend, keeper: false);
        string before;
        try
        {
            await h.ReportAllAsync(1.0, "d1");
            using (var fill = await h.PostAsync("vic", "fill-request", """{"vault":"demo-mix"}""", "vic-fill"))
            {
                Assert.Equal(HttpStatusCode.OK, fill.StatusCode);
            }

            await h.ReportAllAsync(1.02, "d2");
            using (var rebalance = await h.PostAsync("vic", "rebalance", """{"vault":"demo-mix"}""", "vic-rebalance"))
            {
                Assert.True(rebalance.IsSuccessStatusCode, await rebalance.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            }

            await h.SettledAsync();
            Assert.NotEmpty(h.Service.Projector.Current.Accounts["alice"].Positions);
            before = await Snapshot(h);
            await h.StopKeepingJournalAsync();
        }
        catch
        {
            await h.DisposeAsync();
            throw;
        }

        await using var again = await ServiceHarness.StartAsync(Backend, keeper: false, setUp: false, journal: h.Journal, dir: h.Dir, schema: h.Schema);
        Assert.Equal(before, await Snapshot(again));
    }

    private static async Task<string> Snapshot(ServiceHarness h)
    {
        var parts = new List<string> { (await h.GetJsonAsync("/api/vaults")).GetRawText(), (await h.GetJsonAsync("/api/accounts/alice")).GetRawText(), (await h.GetJsonAsync("/api/head")).GetRawText() };
        foreach (var id in h.Service.Projector.Current.Vaults.Keys)
        {
            parts.Add((await h.GetJsonAsync($"/api/vaults/{id}/series")).GetRawText());
        }

        return string.Join('\n', parts);
    }

    private static JournalEvent ToEvent(JsonElement e) => new(
        e.GetProperty("sequence").GetInt64(),
        DateTimeOffset.Parse(e.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal),
        e.GetProperty("type").GetString()!,
        e.GetProperty("command_id").GetString()!,
        e.GetProperty("payload").GetString()!,
        Sha256Digest.Parse(e.GetProperty("previous_hash").GetString()!),
        Sha256Digest.Parse(e.GetProperty("hash").GetString()!));
}

public sealed class SqliteReadAndKeeperTests : ReadAndKeeperTests
{
    protected override Backend Backend => Backend.Sqlite;
}

public sealed class PostgresReadAndKeeperTests : ReadAndKeeperTests
{
    protected override Backend Backend => Backend.Postgres;
}
