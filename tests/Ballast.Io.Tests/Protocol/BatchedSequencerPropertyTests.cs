using Ballast.Accounting;
using Ballast.Hashing;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using CsCheck;
using Microsoft.Data.Sqlite;

namespace Ballast.Io.Tests.Protocol;

/// <summary>
/// A journal the system wrote always verifies, whatever the batches: random command streams (those of
/// <see cref="DecideTotalityPropertyTests"/>, with refused commands mixed in: transfers from an empty wallet and
/// earlier commands sent again under new ids) go through a SQLite sequencer in random group-commit batches, each
/// batch decided at the time of its first command. Refused members must leave nothing behind for the members after
/// them: the journal replays and re-derives every command, and the sequencer's in-memory state is the replayed one.
/// </summary>
public sealed class BatchedSequencerPropertyTests
{
    private static readonly AccountId Nobody = new("nobody");

    [Fact]
    public void RandomBatches_WithRefusals_TheJournalVerifies_AndMemoryIsTheReplayedState()
    {
        var gen = Gen.Select(DecideTotalityPropertyTests.Stream, Gen.Int[1, 8].Array[1, 40], Gen.Int[0, 99].Array[120]);
        long refused = 0, applied = 0;
        gen.Sample((steps, sizes, noise) =>
        {
            var commands = Commands(steps, noise);
            var path = Path.Combine(Path.GetTempPath(), $"ballast-batched-{Guid.NewGuid():N}.db");
            try
            {
                var engine = new ProtocolEngine(SpecPolicyCompiler.Instance);
                var clock = new ManualClock(commands.Count > 0 ? commands[0].At : DateTimeOffset.UnixEpoch);
                using var store = JournalStores.Open(path);
                var sequencer = BlockingJournal.Sequencer(store, engine, clock);
                for (int start = 0, b = 0; start < commands.Count; b++)
                {
                    var size = Math.Min(sizes[b % sizes.Length], commands.Count - start);
                    clock.Now = commands[start].At;
                    var outcomes = sequencer.SubmitBatchAsync([.. commands.Skip(start).Take(size).Select(c => c.Command)]).GetAwaiter().GetResult();
                    refused += outcomes.Count(o => o.Status == CommandStatus.Rejected);
                    applied += outcomes.Count(o => o.Status == CommandStatus.Applied);
                    start += size;
                }

                if (store.Head() == JournalHead.Empty)
                {
                    return;
                }

                var report = JournalReplay.Verify(store.Read(), new ProtocolEngine(SpecPolicyCompiler.Instance));
                Assert.True(report.IsValid, $"journal fails verify at {report.Discrepancy?.Sequence}: {report.Discrepancy?.What}");
                Assert.Equal(report.Head, sequencer.Head);
                Assert.Equal(report.State.EventCount, sequencer.State.EventCount);
                Assert.Equal(report.State.Requests.Pending.Select(r => r.Id), sequencer.State.Requests.Pending.Select(r => r.Id));
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
                {
                    File.Delete(f);
                }
            }
        }, iter: 60);
        TestContext.Current.TestOutputHelper?.WriteLine($"{applied} applied, {refused} refused");
        Assert.True(refused > 0 && applied > refused / 10, $"{applied} applied, {refused} refused: the batches should mix both");
    }

    /// <summary>
    /// The commands a random stream journals (run in memory), each at its journaled time, with refusals mixed in as
    /// <paramref name="noise"/> says: a transfer from an account that holds nothing, or an earlier command again under a new id.
    /// </summary>
    private static List<(DateTimeOffset At, ProtocolCommand Command)> Commands(DecideTotalityPropertyTests.Step[] steps, int[] noise)
    {
        var run = new DecideTotalityPropertyTests.Run(new ProtocolEngine(SpecPolicyCompiler.Instance));
        foreach (var step in steps)
        {
            run.Do(step);
        }

        var texts = new Dictionary<Sha256Digest, string>();
        var commands = new List<(DateTimeOffset At, ProtocolCommand Command)>();
        foreach (var e in run.Journal)
        {
            var parsed = EventTypes.Parse(e.Type, e.Payload);
            if (parsed is PolicyStored stored)
            {
                texts[Sha256Digest.OfUtf8(stored.Text)] = stored.Text;
            }

            if (parsed is not CommandAccepted { Command: var command })
            {
                continue;
            }

            commands.Add((e.Time, command));
        }

        // A journaled policy command names its text by hash; the text is in the PolicyStored event after it.
        var result = new List<(DateTimeOffset At, ProtocolCommand Command)>();
        for (var i = 0; i < commands.Count; i++)
        {
            var (at, command) = commands[i];
            if (command is SetPolicyCommand { TextHash: { } hash } policy && texts.TryGetValue(hash, out var text))
            {
                command = policy with { Text = text, TextHash = null };
            }

            result.Add((at, command));
            var n = noise[i % noise.Length];
            if (n < 15)
            {
                result.Add((at, new TransferAsset($"noise-{i}-transfer", Nobody, new AssetSymbol("USD"), new AccountId("alice"), 1)));
            }
            else if (n < 30 && i > 0)
            {
                result.Add((at, result[n % result.Count].Command with { Id = $"noise-{i}-again" }));
            }
        }

        return result;
    }
}
