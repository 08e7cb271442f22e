using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ballast.Service.Tests;

/// <summary>
/// An operator lists and revokes API keys: a revoked key is refused (401) from the next request, also after a
/// restart (the revocation is kept in the journal's database); only operators may list or revoke; a bad or unknown
/// hash is a 400 or 404 naming it. On SQLite, and on PostgreSQL when BALLAST_TEST_POSTGRES is set.
/// </summary>
public sealed class KeyRevocationTests
{
    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task RevokedKey_IsRefusedAtOnce_AndAfterARestart(Backend backend)
    {
        var first = await ServiceHarness.StartAsync(backend, keeper: false, setUp: false);
        string carol;
        string carolHash;
        try
        {
            using (var created = await SendAsync(first, HttpMethod.Post, "/api/keys", "operator", new { account = "carol", roles = new[] { "investor" } }))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
                (carol, carolHash) = (body.GetProperty("key").GetString()!, body.GetProperty("sha256").GetString()!);
            }

            // Listed, by hash only.
            using (var list = await SendAsync(first, HttpMethod.Get, "/api/keys", "operator"))
            {
                var text = await list.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.OK, list.StatusCode);
                var row = JsonDocument.Parse(text).RootElement.EnumerateArray().Single(k => k.GetProperty("account").GetString() == "carol");
                Assert.Equal(carolHash, row.GetProperty("sha256").GetString());
                Assert.DoesNotContain(carol, text, StringComparison.Ordinal);
            }

            // Not an operator: 403 for both; a bad hash 400, an unknown one 404.
            using (var notOperatorList = await SendAsync(first, HttpMethod.Get, "/api/keys", "alice"))
            {
                Assert.Equal(HttpStatusCode.Forbidden, notOperatorList.StatusCode);
            }

            using (var notOperator = await SendAsync(first, HttpMethod.Delete, $"/api/keys/{carolHash}", "alice"))
            {
                Assert.Equal(HttpStatusCode.Forbidden, notOperator.StatusCode);
            }

            using (var bad = await SendAsync(first, HttpMethod.Delete, "/api/keys/not-a-hash", "operator"))
            {
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
                Assert.Equal("sha256", JsonDocument.Parse(await bad.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("member").GetString());
            }

            using (var unknown = await SendAsync(first, HttpMethod.Delete, $"/api/keys/{new string('0', 64)}", "operator"))
            {
                Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            }

            using (var before = await WhoAmIAsync(first, carol))
            {
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            }

            using (var revoked = await SendAsync(first, HttpMethod.Delete, $"/api/keys/{carolHash.ToUpperInvariant()}", "operator"))
            {
                Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
            }

            using (var after = await WhoAmIAsync(first, carol))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
            }

            // A key held in memory only (the test's own) is revoked at once too.
            using (var bob = await SendAsync(first, HttpMethod.Delete, $"/api/keys/{Access.ApiKeyRing.Hash(ServiceHarness.KeyOf("bob"))}", "operator"))
            {
                Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
            }

            using var bobAfter = await first.PostAsync("bob", "request-deposit", """{"vault":"demo-mix","assets":"1"}""", "bob-after");
            Assert.Equal(HttpStatusCode.Unauthorized, bobAfter.StatusCode);
        }
        finally
        {
            await first.StopKeepingJournalAsync();
        }

        await using var second = await ServiceHarness.StartAsync(backend, keeper: false, setUp: false, journal: first.Journal, dir: first.Dir, schema: first.Schema);
        using var afterRestart = await WhoAmIAsync(second, carol);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRestart.StatusCode);
        using var listed = await SendAsync(second, HttpMethod.Get, "/api/keys", "operator");
        Assert.DoesNotContain(carolHash, await listed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendAsync(ServiceHarness h, HttpMethod method, string path, string account, object? body = null)
    {
        using var message = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        message.Headers.Authorization = new("Bearer", ServiceHarness.KeyOf(account));
        return await h.Client.SendAsync(message, TestContext.Current.CancellationToken);
    }

    private static async Task<HttpResponseMessage> WhoAmIAsync(ServiceHarness h, string key)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "/api/whoami");
        message.Headers.Authorization = new("Bearer", key);
        return await h.Client.SendAsync(message, TestContext.Current.CancellationToken);
    }
}
