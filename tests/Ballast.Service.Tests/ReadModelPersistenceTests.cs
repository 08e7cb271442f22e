using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Ballast.Io.Storage;
using Ballast.Protocol.Journal;
using Ballast.Service.Keeping;
using Ballast.Service.Projection;
using CsCheck;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Ballast.Service.Tests;

/// <summary>
/// The read model's series kept in the journal's database (projection tables with a checkpoint), on each backend: a
/// restart resumes from the checkpoint (counted: only the events after it get points computed); a deleted or altered
/// row, or a checkpoint that is not the journal's, is detected and the projection rebuilt; whatever the command stream
/// and wherever the restart falls, the projection equals a full rebuild from the journal; and reads answer while the
/// writer is held.
/// </summary>
public abstract class ReadModelPersistenceTests
{
    protected abstract Backend Backend { get; }

    private static ServiceSettings SaveEveryBatch(ServiceSettings s) => s with { ReadModelSaveInterval = TimeSpan.Zero };

    [Fact]
    public async Task Restart_ResumesFromTheCheckpoint_ProjectingOnlyTheEventsAfterIt()
    {
        var h = await ServiceHarness.StartAsync(Backend, keeper: false, adjust: SaveEveryBatch);
        long saved, head;
        try
        {
            await ActivityAsync(h, "a");
            saved = h.Service.Projector.Current.Head.Sequence;
            Assert.Equal(saved, h.Service.Projector.Builder.ProjectedEvents); // a fresh journal: everything projected
            await h.StopKeepingJournalAsync();
            head = await AppendWhileStoppedAsync(h, 3); // the journal moves on while the service is down (e.g. ballast gov)
        }
        catch
        {
            await h.DisposeAsync();
            throw;
        }

        await using var again = await ServiceHarness.StartAsync(Backend, keeper: false, setUp: false, journal: h.Journal, dir: h.Dir, schema: h.Schema, adjust: SaveEveryBatch);
        var projector = again.Service.Projector;
        Assert.Null(projector.Start!.Rebuilt);
        Assert.Equal(saved, projector.Start.Through.Sequence);
        Assert.Equal(head - saved, projector.Builder.ProjectedEvents); // only the events after the checkpoint
        Assert.Equal(saved, projector.Builder.RestoredEvents);
        await AssertEqualsFullRebuildAsync(again);

        again.Clock.SetUtcNow(projector.Current.HeadTime!.Value); // the new harness's clock starts at the harness's start
        await ActivityAsync(again, "b");
        var after = projector.Current.Head.Sequence;
        Assert.True(after > head);
        Assert.Equal(after - saved, projector.Builder.ProjectedEvents);
        await AssertEqualsFullRebuildAsync(again);
    }

    [Theory]
    [InlineData("a deleted row", "DELETE FROM projection_series WHERE series = 'nav' AND vault = 'demo-mix' AND sequence = (SELECT max(sequence) FROM projection_series WHERE series = 'nav' AND vault = 'demo-mix')")]
    [InlineData("an altered row", "UPDATE projection_series SET json = replace(json, '\"nav\":\"', '\"nav\":\"9') WHERE series = 'nav' AND vault = 'demo-mix' AND sequence = (SELECT max(sequence) FROM projection_series WHERE series = 'nav' AND vault = 'demo-mix')")]
    [InlineData("an added row", "INSERT INTO projection_series (series, vault, sequence, json) VALUES ('nav', 'demo-mix', 999999999, '{}')")]
    [InlineData("a foreign checkpoint", "UPDATE projection_checkpoints SET through_hash = '0000000000000000000000000000000000000000000000000000000000000000'")]
    [InlineData("a checkpoint beyond the journal", "UPDATE projection_checkpoints SET through_sequence = through_sequence + 1000")]
    public async Task TamperedProjection_IsDetected_AndRebuiltFromTheJournal(string what, string sql)
    {
        var h = await ServiceHarness.StartAsync(Backend, keeper: false, adjust: SaveEveryBatch);
        long head;
        try
        {
            await ActivityAsync(h, "a");
            head = h.Service.Projector.Current.Head.Sequence;
            await h.StopKeepingJournalAsync();
            Assert.Equal(1, await ExecuteAsync(h, sql));
        }
        catch
        {
            await h.DisposeAsync();
            throw;
        }

        await using var again = await ServiceHarness.StartAsync(Backend, keeper: false, setUp: false, journal: h.Journal, dir: h.Dir, schema: h.Schema, adjust: SaveEveryBatch);
        var projector = again.Service.Projector;
        Assert.True(projector.Start!.Rebuilt is not null, $"{what} was not detected");
        Assert.Equal(head, projector.Builder.ProjectedEvents);
        await AssertEqualsFullRebuildAsync(again);

        // The rebuilt projection was saved again: the next start resumes from it.
        var tables = ProjectionTables.Of(OpenJournal(again))!;
        var checkpoint = await tables.CheckpointAsync(TestContext.Current.CancellationToken);
        Assert.Equal(head, checkpoint!.Through.Sequence);
        Assert.Equal(checkpoint.RowsDigest, ProjectionTables.Digest(await tables.RowsAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public void RandomCommandStreams_WithARestartAnywhere_EqualAFullRebuild()
    {
        ServiceHarness.SkipUnlessAvailable(Backend);
        var step = Gen.Select(Gen.Int[0, 5], Gen.Int[1, 400], Gen.Int[-8, 8]);
        Gen.Select(step.Array[2, 14], Gen.Int[0, 14], Gen.Int[0, 3]).Sample((steps, cut, spacing) =>
            RunStreamAsync(steps, Math.Min(cut, steps.Length), spacing).GetAwaiter().GetResult(), iter: 6);
    }

    [Fact]
    public async Task Reads_AnswerWhileTheWriterIsHeld_AndDuringHeavyWrites()
    {
        await using var h = await ServiceHarness.StartAsync(Backend, keeper: false);
        using var release = new ManualResetEventSlim();
        using var holding = new ManualResetEventSlim();
        var held = h.Service.Writer.RunPlanAsync((_, _) =>
        {
            holding.Set();
            release.Wait(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            return [];
        }, TestContext.Current.CancellationToken);
        Assert.True(holding.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), "the writer did not run the plan");
        var queued = h.PostAsync("alice", "transfer-asset", """{"symbol":"USD","to":"bob","amount":"1"}""", "held-1");
        foreach (var path in new[] { "/api/head", "/api/vaults", "/api/vaults/demo-mix", "/api/vaults/demo-mix/series", "/api/accounts/alice" })
        {
            using var response = await h.Client.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.False(queued.IsCompleted); // the writer really was held while the reads answered
        release.Set();
        await held;
        using (var answered = await queued)
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        // Heavy writes: 400 transfers from 8 clients while 4 readers read; every read answers, heads never go back.
        var writers = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                using var r = await h.PostAsync(c % 2 == 0 ? "alice" : "bob", "transfer-asset", $$"""{"symbol":"USD","to":"{{(c % 2 == 0 ? "bob" : "alice")}}","amount":"1"}""", $"heavy-{c}-{i}");
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }
        })).ToList();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            long last = 0;
            var reads = 0;
            while (!writers.All(w => w.IsCompleted) || reads == 0)
            {
                var head = (await h.GetJsonAsync("/api/head")).GetProperty("sequence").GetInt64();
                Assert.True(head >= last, $"head went back from {last} to {head}");
                last = head;
                (await h.GetJsonAsync("/api/vaults")).EnumerateArray().ToList();
                reads++;
            }

            return reads;
        })).ToList();
        await Task.WhenAll(writers);
        Assert.All(await Task.WhenAll(readers), reads => Assert.True(reads > 0));
    }

    /// <summary>Journals <paramref name="transfers"/> transfers from alice to bob with a sequencer of its own (no service running); the new head.</summary>
    private static async Task<long> AppendWhileStoppedAsync(ServiceHarness h, int transfers)
    {
        using var journal = OpenJournal(h);
        var sequencer = await Ballast.Protocol.ProtocolSequencer.OpenAsync(journal, new Ballast.Protocol.ProtocolEngine(Ballast.Io.Protocol.SpecPolicyCompiler.Instance), h.Clock, TestContext.Current.CancellationToken);
        for (var i = 0; i < transfers; i++)
        {
            var outcome = await sequencer.SubmitAsync(new Ballast.Protocol.TransferAsset($"offline-{i}", new Ballast.Accounting.AccountId("alice"), new Ballast.Accounting.AssetSymbol("USD"), new Ballast.Accounting.AccountId("bob"), 1), TestContext.Current.CancellationToken);
            Assert.Equal(Ballast.Protocol.CommandStatus.Applied, outcome.Status);
        }

        return sequencer.Head.Sequence;
    }

    /// <summary>Reports, a fill, a rebalance, a transfer: points for every vault, a twin, history.</summary>
    private static async Task ActivityAsync(ServiceHarness h, string prefix)
    {
        await h.ReportAllAsync(1.0, prefix + "-d1");
        using (var fill = await h.PostAsync("vic", "fill-request", """{"vault":"demo-mix"}""", prefix + "-fill"))
        {
            Assert.True(fill.IsSuccessStatusCode, await fill.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        await h.ReportAllAsync(i => 1.0 + (0.02 * (i - 2)), prefix + "-d2");
        using (var rebalance = await h.PostAsync("vic", "rebalance", """{"vault":"demo-mix"}""", prefix + "-rebalance"))
        {
            Assert.True(rebalance.IsSuccessStatusCode, await rebalance.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        using (var transfer = await h.PostAsync("alice", "transfer-asset", """{"symbol":"USD","to":"bob","amount":"5"}""", prefix + "-transfer"))
        {
            Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);
        }

        await h.SettledAsync();
    }

    /// <summary>One random stream: the steps before <paramref name="cut"/>, a restart, the rest; then the projection must be the full rebuild's.</summary>
    private async Task RunStreamAsync((int Kind, int Amount, int Move)[] steps, int cut, int saveSpacing)
    {
        ServiceSettings Adjust(ServiceSettings s) => s with { ReadModelSaveInterval = TimeSpan.FromMilliseconds(saveSpacing * 5) };
        var h = await ServiceHarness.StartAsync(Backend, keeper: false, adjust: Adjust);
        try
        {
            for (var i = 0; i < cut; i++)
            {
                await StepAsync(h, steps[i], $"s{i}");
            }

            await h.SettledAsync();
            await h.StopKeepingJournalAsync();
        }
        catch
        {
            await h.DisposeAsync();
            throw;
        }

        await using var again = await ServiceHarness.StartAsync(Backend, keeper: false, setUp: false, journal: h.Journal, dir: h.Dir, schema: h.Schema, adjust: Adjust);
        Assert.Null(again.Service.Projector.Start!.Rebuilt);
        again.Clock.SetUtcNow(again.Service.Projector.Current.HeadTime!.Value);
        for (var i = cut; i < steps.Length; i++)
        {
            await StepAsync(again, steps[i], $"s{i}");
        }

        await again.SettledAsync();
        await AssertEqualsFullRebuildAsync(again);
    }

    /// <summary>One command of a random stream (refusals allowed: they change nothing).</summary>
    private static async Task StepAsync(ServiceHarness h, (int Kind, int Amount, int Move) step, string id)
    {
        var amount = (step.Amount * 1_000_000L).ToString(CultureInfo.InvariantCulture);
        switch (step.Kind)
        {
            case 0:
                await ReportTolerantAsync(h, step.Move, id);
                return;
            case 1:
                using (var r = await h.PostAsync("alice", "request-deposit", $$"""{"vault":"demo-mix","assets":"{{amount}}"}""", id))
                {
                    Assert.True((int)r.StatusCode is 200 or 422, $"{id}: {(int)r.StatusCode}");
                }

                return;
            case 2:
                using (var r = await h.PostAsync("vic", "fill-request", """{"vault":"demo-mix"}""", id))
                {
                    Assert.True((int)r.StatusCode is 200 or 422, $"{id}: {(int)r.StatusCode}");
                }

                return;
            case 3:
                using (var r = await h.PostAsync("vic", "rebalance", """{"vault":"demo-mix"}""", id))
                {
                    Assert.True((int)r.StatusCode is 200 or 422, $"{id}: {(int)r.StatusCode}");
                }

                return;
            case 4:
                var shares = h.Service.Projector.Current.Accounts.TryGetValue("alice", out var alice) ? alice.Positions.FirstOrDefault(p => p.Vault == ServiceHarness.Composed)?.Shares : null;
                using (var r = await h.PostAsync("alice", "request-redeem", $$"""{"vault":"demo-mix","shares":"{{(shares is null ? "1" : (UInt128.Parse(shares, CultureInfo.InvariantCulture) / (UInt128)(step.Amount + 1)).ToString(CultureInfo.InvariantCulture))}}"}""", id))
                {
                    Assert.True((int)r.StatusCode is 200 or 422, $"{id}: {(int)r.StatusCode}");
                }

                return;
            default:
                using (var r = await h.PostAsync("bob", "transfer-asset", $$"""{"symbol":"USD","to":"alice","amount":"{{amount}}"}""", id))
                {
                    Assert.True((int)r.StatusCode is 200 or 422, $"{id}: {(int)r.StatusCode}");
                }

                return;
        }
    }

    /// <summary>A protocol day later each child reports a NAV moved by a small step, a fill-request first (keeper off: a due request must be filled before the next report; either may be refused).</summary>
    private static async Task ReportTolerantAsync(ServiceHarness h, int move, string id)
    {
        h.Clock.Advance(TimeSpan.FromDays(1));
        for (var i = 0; i < h.Children.Count; i++)
        {
            var child = h.Children[i];
            using (var fill = await h.PostAsync("vic", "fill-request", """{"vault":"demo-mix"}""", $"{id}-fill-{child}"))
            {
                Assert.True((int)fill.StatusCode is 200 or 422, $"{id}: {(int)fill.StatusCode}");
            }

            UInt128 nav = 0;
            await h.Service.Writer.RunPlanAsync((state, _) =>
            {
                nav = state.SimpleVaults[new Ballast.Protocol.VaultId(child)].Vault.TotalAssets;
                return [];
            }, TestContext.Current.CancellationToken);
            var reported = Ballast.Io.Protocol.SimRunner.ScaledNav(nav, 1.0 + (move * (i + 1) / 1000.0))!.Value;
            using var report = await h.PostAsync("reporter", "report-nav", $$"""{"vault":"{{child}}","total_assets":"{{reported}}"}""", $"{id}-{child}");
            Assert.True((int)report.StatusCode is 200 or 422, $"{id}: {(int)report.StatusCode}");
        }
    }

    /// <summary>The served read model (and its stored rows) are those a builder fed the whole journal from scratch makes.</summary>
    private static async Task AssertEqualsFullRebuildAsync(ServiceHarness h)
    {
        var served = h.Service.Projector.Current;
        using var journal = OpenJournal(h);
        var rebuilt = new ProjectionBuilder(KeeperService.Account);
        await foreach (var e in journal.ReadAsync(1, TestContext.Current.CancellationToken))
        {
            rebuilt.Apply(e);
        }

        var model = rebuilt.Publish();
        Assert.Equal(model.Head, served.Head);
        Assert.Equal(Json(model), Json(served));
        Assert.Equal(model.Recent.Select(e => e.Hash), served.Recent.Select(e => e.Hash));
        Assert.Equal(model.Vaults.Values.Select(v => v.Price), served.Vaults.Values.Select(v => v.Price));
        Assert.Equal(ReadModelStore.RowsOf(rebuilt, model).Count, ReadModelStore.RowsOf(h.Service.Projector.Builder, served).Count);
    }

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Everything the read endpoints serve from the model, as JSON (the recent events' window is compared apart).</summary>
    private static string Json(ReadModel model) => JsonSerializer.Serialize(new
    {
        model.Head.Sequence,
        model.HeadTime,
        model.Vaults,
        Series = Sorted(model.Series),
        Twins = Sorted(model.Twins),
        Rebalances = Sorted(model.Rebalances),
        Policies = Sorted(model.Policies),
        Accounts = Sorted(model.Accounts),
        model.Governance,
    }, Options);

    private static SortedDictionary<string, T> Sorted<T>(IEnumerable<KeyValuePair<string, T>> pairs) => new(pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), StringComparer.Ordinal);

    private static IJournalStore OpenJournal(ServiceHarness h) => JournalStores.Open(h.Journal);

    /// <summary>Runs <paramref name="sql"/> on the stopped service's database (its schema on PostgreSQL); the rows it changed.</summary>
    private static async Task<int> ExecuteAsync(ServiceHarness h, string sql)
    {
        await using DbConnection connection = h.Schema is null
            ? new SqliteConnection("Data Source=" + Path.Combine(h.Dir, "journal.db") + ";Pooling=False")
            : new NpgsqlConnection($"{ServiceHarness.PostgresConnection};Search Path={h.Schema}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // the test's own statements
        command.CommandText = sql;
#pragma warning restore CA2100
        return await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}

public sealed class SqliteReadModelPersistenceTests : ReadModelPersistenceTests
{
    protected override Backend Backend => Backend.Sqlite;
}

public sealed class PostgresReadModelPersistenceTests : ReadModelPersistenceTests
{
    protected override Backend Backend => Backend.Postgres;
}
