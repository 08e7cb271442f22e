using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using CsCheck;

namespace Ballast.Io.Tests.Protocol;

/// <summary>
/// Any single alteration of a journal the system wrote (random command streams of
/// <see cref="DecideTotalityPropertyTests"/> through the SQLite sequencer, read back) fails
/// <see cref="JournalReplay.Verify"/> at the first altered event: one character of one payload changed, two events
/// swapped, one event deleted (before the head), one event duplicated; and, with the hash chain recomputed after the
/// change (an attacker who rewrites the chain), one character of a payload the command produced.
/// </summary>
public class JournalTamperPropertyTests
{
    private static readonly string CommandType = EventTypes.NameOf(CommandAccepted.Of(new PauseCommand("x", new("x"), new VaultId("x"))));

    /// <summary>What is done to the journal.</summary>
    public enum Alteration
    {
        /// <summary>One character of one event's payload replaced (hashes as stored).</summary>
        PayloadCharacter,

        /// <summary>Two events swapped.</summary>
        Swap,

        /// <summary>One event deleted (not the last: a journal cut at its end is a shorter journal; the store's head guards that).</summary>
        Delete,

        /// <summary>One event stored twice in a row.</summary>
        Duplicate,

        /// <summary>One character of a produced event's payload replaced, and the chain recomputed from there.</summary>
        PayloadCharacterRechained,
    }

    [Fact]
    public void AnySingleAlteration_OfAJournalTheSystemWrote_FailsVerifyAtTheFirstAlteredEvent()
    {
        var caught = new System.Collections.Concurrent.ConcurrentDictionary<Alteration, long>();
        var tampers = Gen.Select(Gen.Enum<Alteration>(), Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Int[0, 93]).Array[8];
        Gen.Select(DecideTotalityPropertyTests.Stream, tampers).Sample((steps, alterations) =>
        {
            var journal = Write(steps);
            if (journal.Count < 3)
            {
                return;
            }

            foreach (var (kind, p, q, r) in alterations)
            {
                if (Alter(journal, kind, p, q, r) is not var (altered, expected))
                {
                    continue;
                }

                var report = JournalReplay.Verify(altered, new ProtocolEngine(SpecPolicyCompiler.Instance));
                Assert.False(report.IsValid, $"{kind} at event {expected} of {journal.Count} went unnoticed");
                var at = report.Discrepancy!.Sequence;

                // With the chain recomputed, a change that breaks its command's own consistency (a policy text that no
                // longer hashes to the hash its command names) may be named at the command's first event.
                var atItsCommand = kind == Alteration.PayloadCharacterRechained && at < expected && at >= 1
                    && altered[(int)at - 1].Type == CommandType && altered[(int)at - 1].CommandId == altered[(int)expected - 1].CommandId
                    && altered.Skip((int)at).Take((int)(expected - at)).All(e => e.CommandId == altered[(int)expected - 1].CommandId);
                Assert.True(expected == at || atItsCommand, $"{kind} at event {expected} of {journal.Count} was reported at {at}: {report.Discrepancy.What}");
                caught.AddOrUpdate(kind, 1, (_, n) => n + 1);
                if (atItsCommand)
                {
                    caught.AddOrUpdate(Alteration.PayloadCharacterRechained + 100, 1, (_, n) => n + 1);
                }
            }
        }, iter: 200);
        TestContext.Current.TestOutputHelper?.WriteLine("caught: " + string.Join(", ", caught.OrderBy(c => c.Key).Select(c => $"{(c.Key > Alteration.PayloadCharacterRechained ? "of which named at the command's first event" : c.Key)} {c.Value}")));
        Assert.All(Enum.GetValues<Alteration>(), kind => Assert.True(caught.GetValueOrDefault(kind) >= 50, $"{kind}: only {caught.GetValueOrDefault(kind)} tried"));
    }

    /// <summary>
    /// Found by the property: with the chain recomputed, a payload whose array field is renamed parses (the array left
    /// default) but cannot be written back, and Verify threw instead of naming the event.
    /// </summary>
    [Fact]
    public void Verify_RechainedPayloadWithAnArrayFieldMissing_FailsAtThatEvent()
    {
        var engine = new ProtocolEngine(SpecPolicyCompiler.Instance);
        var state = new ProtocolState();
        var now = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var (issuer, alice) = (new Ballast.Accounting.AccountId("issuer"), new Ballast.Accounting.AccountId("alice"));
        var journal = new JournalBuilder(JournalHead.Empty);
        var events = new List<JournalEvent>();
        foreach (var command in new ProtocolCommand[]
        {
            new CreateAsset("c0", issuer, new AssetSymbol("USD"), 6),
            new IssueAsset("c1", issuer, new AssetSymbol("USD"), alice, 1_000_000),
            new CreateSimpleVault("c2", issuer, new VaultId("A"), new SimpleVaultSpec { Asset = new AssetSymbol("USD"), Operator = issuer, Reporter = issuer, FeeRecipient = issuer }),
            new RequestDepositCommand("c3", alice, new VaultId("A"), 1_000),
        })
        {
            var outcome = engine.Decide(state, command, now);
            ProtocolEvent[] all = [CommandAccepted.Of(command), .. outcome.Events];
            foreach (var e in all)
            {
                engine.Apply(state, e, now);
            }

            events.AddRange(journal.Add(all.Select(e => new JournalEventDraft(now, EventTypes.NameOf(e), command.Id, EventTypes.Payload(e)))));
        }

        var target = events.FindIndex(e => e.Type == EventTypes.NameOf(new FlowRequested(1, new VaultId("A"), FlowKind.Deposit, alice, 1, [0], now)));
        var payload = events[target].Payload;
        var field = System.Text.Json.JsonDocument.Parse(payload).RootElement.EnumerateObject().First(p => p.Value.ValueKind == System.Text.Json.JsonValueKind.Array).Name;
        var drafts = events.Skip(target).Select((e, i) => new JournalEventDraft(e.Time, e.Type, e.CommandId, i == 0 ? payload.Replace($"\"{field}\"", $"\"{field}x\"", StringComparison.Ordinal) : e.Payload));
        List<JournalEvent> altered = [.. events.Take(target), .. JournalBuilder.Build(JournalHead.After(events[target - 1]), drafts)];

        var report = JournalReplay.Verify(altered, new ProtocolEngine(SpecPolicyCompiler.Instance));

        Assert.False(report.IsValid);
        Assert.Equal(target + 1, report.Discrepancy!.Sequence);
    }

    /// <summary>The altered journal and the sequence verification must name, or null when this alteration does not fit the journal.</summary>
    private static (List<JournalEvent> Altered, long Expected)? Alter(IReadOnlyList<JournalEvent> journal, Alteration kind, int p, int q, int r)
    {
        var events = journal.ToList();
        var k = p % events.Count;
        switch (kind)
        {
            case Alteration.PayloadCharacter:
                events[k] = events[k] with { Payload = Replace(events[k].Payload, q, r) };
                return (events, k + 1);
            case Alteration.Swap:
                {
                    if (k == events.Count - 1)
                    {
                        return null;
                    }

                    var j = k + 1 + (q % (events.Count - k - 1));
                    (events[k], events[j]) = (events[j], events[k]);
                    return (events, k + 1);
                }

            case Alteration.Delete:
                k = p % (events.Count - 1);
                events.RemoveAt(k);
                return (events, k + 1);
            case Alteration.Duplicate:
                events.Insert(k + 1, events[k]);
                return (events, k + 2);
            default:
                {
                    // A produced event (not the command itself, whose actor may not matter to what it produces).
                    var produced = Enumerable.Range(0, events.Count).Where(i => events[i].Type != CommandType).ToList();
                    if (produced.Count == 0)
                    {
                        return null;
                    }

                    k = produced[p % produced.Count];
                    var head = k == 0 ? JournalHead.Empty : JournalHead.After(events[k - 1]);
                    var drafts = events.Skip(k).Select((e, i) => new JournalEventDraft(e.Time, e.Type, e.CommandId, i == 0 ? Replace(e.Payload, q, r) : e.Payload));
                    return ([.. events.Take(k), .. JournalBuilder.Build(head, drafts)], k + 1);
                }
        }
    }

    /// <summary>The payload with one character replaced by a different printable one.</summary>
    private static string Replace(string payload, int q, int r)
    {
        var i = q % payload.Length;
        var c = (char)(' ' + r);
        if (c == payload[i])
        {
            c = c == '~' ? '!' : (char)(c + 1);
        }

        return string.Concat(payload.AsSpan(0, i), c.ToString(), payload.AsSpan(i + 1));
    }

    /// <summary>Runs the steps through a sequencer on a fresh SQLite journal and reads the journal back.</summary>
    private static List<JournalEvent> Write(DecideTotalityPropertyTests.Step[] steps)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ballast-tamper-{Guid.NewGuid():N}.db");
        try
        {
            var clock = new ManualClock(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
            using (var store = JournalStores.Open(path))
            {
                var sequencer = BlockingJournal.Sequencer(store, new ProtocolEngine(SpecPolicyCompiler.Instance), clock);
                var run = new DecideTotalityPropertyTests.Run(new ProtocolEngine(SpecPolicyCompiler.Instance), sequencer, clock);
                foreach (var step in steps)
                {
                    run.Do(step);
                }
            }

            using var reopened = JournalStores.Open(path);
            return reopened.Head() == JournalHead.Empty ? [] : [.. reopened.Read()];
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
            {
                File.Delete(f);
            }
        }
    }
}
