using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ballast.Accounting;
using Ballast.Service.Writing;

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
    private const string Funding = """{"symbol":"USD","to":"eve","amount":"10000000"}""";

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

    /// <summary>
    /// A crash right after a batch was written: eve's deposit was refused and, later in the same batch, alice funded
    /// her. The refusal is written in the batch's own transaction, so after the restart the retry is the stored 422,
    /// not decided again on the funded state (where it would apply: a retry with the same key turning a refusal into
    /// a deposit). The crash is injected on the writer's thread after the batch's commit and before anything else
    /// (the old writer stored refusals there, in a second transaction).
    /// </summary>
    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Refusal_SurvivesACrashAfterItsBatch_TheRetryIsTheStoredRefusal(Backend backend)
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await ServiceHarness.StartAsync(backend, keeper: false);
        long head;
        try
        {
            var writer = first.Service.Writer;
            head = writer.Head.Sequence;
            using var entered = new SemaphoreSlim(0);
            using var release = new SemaphoreSlim(0);
            var held = writer.RunPlanAsync((_, _) =>
            {
                entered.Release();
                release.Wait(TimeSpan.FromSeconds(30));
                return [];
            }, ct);
            Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(30), ct), "the writer did not run the holding plan");

            // Queued while the writer is held, so they are decided in one batch: the refusal first, then the funding.
            var deposit = CommandRequest.Parse("request-deposit", Encoding.UTF8.GetBytes(Deposit), "eve-crash", new AccountId("eve"));
            var funding = CommandRequest.Parse("transfer-asset", Encoding.UTF8.GetBytes(Funding), "fund-eve-crash", new AccountId("alice"));
            var answers = new[] { writer.SubmitAsync(deposit, ct), writer.SubmitAsync(funding, ct) };
            var crashed = 0;
            writer.AfterBatchWritten = () =>
            {
                Interlocked.Increment(ref crashed);
                throw new InvalidOperationException("simulated crash after the batch was written");
            };
            release.Release();
            await held.WaitAsync(TimeSpan.FromSeconds(30), ct);
            await Assert.ThrowsAsync<InvalidOperationException>(() => writer.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30), ct));
            Assert.Equal(1, crashed);
            Assert.All(answers, a => Assert.False(a.IsCompleted, "a command of the crashed batch was answered"));
        }
        finally
        {
            await first.StopKeepingJournalAsync();
        }

        await using var second = await ServiceHarness.StartAsync(backend, keeper: false, setUp: false, journal: first.Journal, dir: first.Dir, schema: first.Schema);
        Assert.True(second.Service.Writer.Head.Sequence > head, "the crashed batch's funding was not journaled");
        using var retried = await second.PostAsync("eve", "request-deposit", Deposit, "eve-crash");
        var body = await retried.Content.ReadAsStringAsync(ct);
        Assert.True(retried.StatusCode == HttpStatusCode.UnprocessableEntity, $"the retry after the crash: {(int)retried.StatusCode} {body}");
        Assert.Equal("true", retried.Headers.GetValues("Idempotent-Replayed").Single());
        using var funded = await second.PostAsync("alice", "transfer-asset", Funding, "fund-eve-crash");
        Assert.Equal(HttpStatusCode.OK, funded.StatusCode);
        Assert.Equal("true", funded.Headers.GetValues("Idempotent-Replayed").Single());
    }

    /// <summary>The problem body without <c>trace_id</c> (which names the request, not the outcome).</summary>
    private static async Task<string> WithoutTraceAsync(HttpResponseMessage response)
    {
        var node = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
        Assert.True(node.Remove("trace_id"));
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
