using Ballast.Cluster.Sequencing;
using Ballast.Protocol.Journal;
using Ballast.Service.Endpoints;
using Ballast.Service.Writing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ballast.Cluster.Tests.Sequencing;

/// <summary>
/// What the API answers when the call to the sequencer grain fails: a timeout, or the sequencer's silo dying under
/// the call, may have left the command applied, and the ProblemDetails says so (outcome unknown, retry with the same
/// key); a call refused before the sequencer took it says nothing was written.
/// </summary>
public sealed class SequencerCallFailureTests
{
    [Fact]
    public void Timeout_IsAnUnknownOutcome_TheProblemSaysTheSequencerDidNotAnswerAndToRetryWithTheSameKey()
    {
        var result = SequencerReplies.CallFailed("cmd-1", new TimeoutException("Response did not arrive on time in 00:00:30 for message: Request ..."));

        Assert.Equal(WriteStatus.Failed, result.Status);
        Assert.IsType<CommandOutcomeUnknownException>(result.Error);
        var (status, problem, retryAfter) = Respond(result);
        Assert.Equal(503, status);
        Assert.Equal("outcome-unknown", problem.Extensions["code"]);
        Assert.Equal("cmd-1", problem.Extensions["command_id"]);
        Assert.Equal("1", retryAfter);
        Assert.Contains("sequencer did not answer in time", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("may or may not have been applied", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("same Idempotency-Key", problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing of this command was written", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACallThatTimesOut_WasAppliedAfterAll_AndTheRetryWithTheSameKeyGetsItsStoredOutcome()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync();
        await using var cluster = await SequencerCluster.StartAsync(database, responseTimeout: TimeSpan.FromSeconds(2));
        var submitter = cluster.Submitter("slow");
        SequencerCluster.Applied(await submitter.SubmitAsync(SequencerCluster.Usd("usd"), ct));

        // Another session holds the journal's events table: the sequencer's next append waits, past the client's timeout.
        await using var source = database.OpenDataSource();
        await using var blocker = await source.OpenConnectionAsync(ct);
        var transaction = await blocker.BeginTransactionAsync(ct);
        await using (var lockTable = new Npgsql.NpgsqlCommand("LOCK TABLE slow.journal_events IN ACCESS EXCLUSIVE MODE", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync(ct);
        }

        var issue = SequencerCluster.Issue("issue-slow", "alice", 1_000);
        var timedOut = await submitter.SubmitAsync(issue, ct);
        var (status, problem, _) = Respond(timedOut);
        Assert.Equal(503, status);
        Assert.Equal("outcome-unknown", problem.Extensions["code"]);
        Assert.Contains("sequencer did not answer in time", problem.Detail, StringComparison.Ordinal);

        // The sequencer had the command: once the table is free it commits it, and the retry gets that outcome.
        await transaction.RollbackAsync(ct);
        await transaction.DisposeAsync();
        WriteResult retried;
        var attempts = 0;
        do
        {
            await Task.Delay(200, ct);
            retried = await submitter.SubmitAsync(issue, ct);
        }
        while (retried.Status == WriteStatus.Failed && ++attempts < 50);

        Assert.Equal(WriteStatus.Replayed, retried.Status);
        Assert.Equal(["usd", "issue-slow"], await cluster.VerifiedCommandsAsync("slow"));
    }

    [Fact]
    public void SiloGoneDuringTheCall_IsAnUnknownOutcome()
    {
        var result = SequencerReplies.CallFailed("cmd-2", new SiloUnavailableException("silo S127.0.0.1:11111:1 is dead"));

        var (status, problem, _) = Respond(result);
        Assert.Equal(503, status);
        Assert.Equal("outcome-unknown", problem.Extensions["code"]);
        Assert.Contains("went away during the call", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("may or may not have been applied", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ActivationRefused_IsTransient_NothingWritten()
    {
        var result = SequencerReplies.CallFailed("cmd-3", new SequencerFencedException("another sequencer holds the write lock"));

        Assert.IsType<JournalStoreException>(result.Error);
        var (status, problem, _) = Respond(result);
        Assert.Equal(503, status);
        Assert.Equal("journal-busy", problem.Extensions["code"]);
        Assert.Contains("another sequencer holds the write lock", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("nothing of this command was written", problem.Detail, StringComparison.Ordinal);
    }

    private static (int Status, Microsoft.AspNetCore.Mvc.ProblemDetails Problem, string? RetryAfter) Respond(WriteResult result)
    {
        var context = new DefaultHttpContext();
        var answer = Assert.IsType<ProblemHttpResult>(CommandEndpoints.Respond(context, result).Result);
        return (answer.StatusCode, answer.ProblemDetails, context.Response.Headers.RetryAfter.ToString());
    }
}
