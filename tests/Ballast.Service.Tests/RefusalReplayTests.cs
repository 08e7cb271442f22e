using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ballast.Service.Tests;

/// <summary>
/// A refused (422) command is stored for idempotent retries: the same key with the same command gets the same
/// refusal (status, code, detail, command id; marked <c>Idempotent-Replayed</c>) without being decided again, also
/// after a restart; the same key with another command is 409. On SQLite, and on PostgreSQL when
/// BALLAST_TEST_POSTGRES is set.
/// </summary>
public sealed class RefusalReplayTests
{
    private const string Deposit = """{"vault":"demo-mix","assets":"5000000"}""";

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Refused_RetriedWithTheSameKey_IsTheStoredRefusal_AcrossARestart(Backend backend)
    {
        var first = await ServiceHarness.StartAsync(backend, keeper: false);
        string refusal;
        long head;
        try
        {
            // Eve holds no USD: refused.
            using var refused = await first.PostAsync("eve", "request-deposit", Deposit, "eve-early");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            refusal = await WithoutTraceAsync(refused);

            // Now she could: alice sends her 10 USD. The retry is still the refusal it got (not decided again).
            using (var funded = await first.PostAsync("alice", "transfer-asset", """{"symbol":"USD","to":"eve","amount":"10000000"}""", "fund-eve"))
            {
                Assert.Equal(HttpStatusCode.OK, funded.StatusCode);
            }

            head = first.Service.Writer.Head.Sequence;
            using var retried = await first.PostAsync("eve", "request-deposit", Deposit, "eve-early");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, retried.StatusCode);
            Assert.Equal(refusal, await WithoutTraceAsync(retried));
            Assert.Equal("true", retried.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.False(refused.Headers.Contains("Idempotent-Replayed"));

            // The same key for another command: 409, nothing written.
            using var other = await first.PostAsync("eve", "request-deposit", """{"vault":"demo-mix","assets":"1000000"}""", "eve-early");
            Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
            using var otherAccount = await first.PostAsync("bob", "request-deposit", Deposit, "eve-early");
            Assert.Equal(HttpStatusCode.Conflict, otherAccount.StatusCode);
            Assert.Equal(head, first.Service.Writer.Head.Sequence);
        }
        finally
        {
            await first.StopKeepingJournalAsync();
        }

        await using var second = await ServiceHarness.StartAsync(backend, keeper: false, setUp: false, journal: first.Journal, dir: first.Dir, schema: first.Schema);
        using var afterRestart = await second.PostAsync("eve", "request-deposit", Deposit, "eve-early");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, afterRestart.StatusCode);
        Assert.Equal(refusal, await WithoutTraceAsync(afterRestart));
        using var conflict = await second.PostAsync("eve", "request-deposit", """{"vault":"demo-mix","assets":"1000000"}""", "eve-early");
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);

        // A new key is decided on the state as it is: eve's deposit now applies.
        using var fresh = await second.PostAsync("eve", "request-deposit", Deposit, "eve-later");
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(head + 2, second.Service.Writer.Head.Sequence);
    }

    /// <summary>The problem body without <c>trace_id</c> (which names the request, not the outcome).</summary>
    private static async Task<string> WithoutTraceAsync(HttpResponseMessage response)
    {
        var node = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
        Assert.True(node.Remove("trace_id"));
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
