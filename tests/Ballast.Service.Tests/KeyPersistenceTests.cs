using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Ballast.Service.Tests;

/// <summary>
/// Keys an operator creates over HTTP are stored by hash in the journal's database and survive a restart, on SQLite
/// and on PostgreSQL; the key itself is stored nowhere.
/// </summary>
public sealed class KeyPersistenceTests
{
    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task CreatedKey_WorksAfterARestart(Backend backend)
    {
        var first = await ServiceHarness.StartAsync(backend, keeper: false);
        string key;
        try
        {
            using var created = await CreateKeyAsync(first, new { account = "carol", roles = new[] { "investor" } });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            key = JsonDocument.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("key").GetString()!;
            using var before = await WhoAmIAsync(first, key);
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }
        finally
        {
            await first.StopKeepingJournalAsync();
        }

        await using var second = await ServiceHarness.StartAsync(backend, keeper: false, setUp: false, journal: first.Journal, dir: first.Dir, schema: first.Schema);

        using var after = await WhoAmIAsync(second, key);
        using var unknown = await WhoAmIAsync(second, key + "x");

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var me = JsonDocument.Parse(await after.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("carol", me.GetProperty("account").GetString());
        Assert.Equal(["investor"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    [Fact]
    public async Task StoredKeys_HoldTheHashNotTheKey_AndAReporterKeepsItsVaults()
    {
        await using var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        using var created = await CreateKeyAsync(h, new { account = "feed", roles = new[] { "reporter" }, reporter_of = new[] { h.Children[0] } });
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        var key = body.GetProperty("key").GetString()!;

        await using var connection = new SqliteConnection($"Data Source={h.Journal["sqlite:".Length..]};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT sha256, account, roles, reporter_of, created_by FROM journal_api_keys";
        await using var reader = await query.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken));
        var row = Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToList();
        Assert.False(await reader.ReadAsync(TestContext.Current.CancellationToken));

        Assert.Equal([Access.ApiKeyRing.Hash(key), "feed", """["reporter"]""", $"""["{h.Children[0]}"]""", "operator"], row);
        Assert.Equal(body.GetProperty("sha256").GetString(), row[0]);
        Assert.DoesNotContain(row, v => v.Contains(key, StringComparison.Ordinal));
    }

    private static async Task<HttpResponseMessage> CreateKeyAsync(ServiceHarness h, object request)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/keys") { Content = JsonContent.Create(request) };
        message.Headers.Authorization = new("Bearer", ServiceHarness.KeyOf("operator"));
        return await h.Client.SendAsync(message, TestContext.Current.CancellationToken);
    }

    private static async Task<HttpResponseMessage> WhoAmIAsync(ServiceHarness h, string key)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "/api/whoami");
        message.Headers.Authorization = new("Bearer", key);
        return await h.Client.SendAsync(message, TestContext.Current.CancellationToken);
    }
}
