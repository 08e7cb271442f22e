using System.Globalization;
using Ballast.Hashing;
using Ballast.Io.Storage;
using Ballast.Protocol.Journal;

namespace Ballast.Io.Tests.Storage;

/// <summary>
/// The contract every <see cref="IJournalStore"/> keeps, run against each implementation by a subclass that says how
/// to open a fresh store (and reopen the same one) and how to run SQL on its tables directly (to tamper with rows).
/// </summary>
public abstract class JournalStoreContractTests : IDisposable
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 5, 14, 30, 0, TimeSpan.Zero);

    private readonly List<IJournalStore> _opened = [];

    /// <summary>Skips the test when the backing database is not available (never passes silently).</summary>
    protected virtual void RequireAvailable()
    {
    }

    /// <summary>Opens the store under test: the same store each call (a second call is a second instance on it).</summary>
    protected abstract IJournalStore OpenCore();

    /// <summary>Runs SQL against the store's tables, bypassing the store; table names are unqualified.</summary>
    protected abstract int ExecuteSql(string sql, params (string Name, object Value)[] parameters);

    /// <summary>Runs a query on the store's tables directly and returns its first value.</summary>
    protected abstract object? QueryScalar(string sql);

    /// <summary>Removes what the store left behind (files, schema).</summary>
    protected abstract void Cleanup();

    public void Dispose()
    {
        foreach (var store in _opened)
        {
            store.Dispose();
        }

        Cleanup();
        GC.SuppressFinalize(this);
    }

    protected IJournalStore Open()
    {
        RequireAvailable();
        var store = OpenCore();
        _opened.Add(store);
        return store;
    }

    /// <summary>Events for one command of <paramref name="count"/> events, chained on <paramref name="builder"/>'s head.</summary>
    protected static IReadOnlyList<JournalEvent> Command(JournalBuilder builder, string commandId, int count = 2) =>
        builder.Add(Enumerable.Range(0, count).Select(i => new JournalEventDraft(
            T0.AddTicks(builder.Head.Sequence * 10_000_001 + i), // odd tick counts: the store must keep 100 ns
            i == 0 ? "command.accepted" : "vault.changed",
            commandId,
            string.Create(CultureInfo.InvariantCulture, $$"""{"command":"{{commandId}}","part":{{i}},"note":"ünïcødé €"}"""))));

    /// <summary>Appends <paramref name="commands"/> commands of 1–3 events each; returns the builder at the new head.</summary>
    protected static JournalBuilder Fill(IJournalStore store, int commands, string prefix = "c")
    {
        var builder = new JournalBuilder(store.Head());
        for (var i = 0; i < commands; i++)
        {
            var id = $"{prefix}{i}";
            store.Append(id, Command(builder, id, 1 + (i % 3)));
        }

        return builder;
    }

    [Fact]
    public void Head_EmptyStore_IsEmpty()
    {
        var store = Open();

        Assert.Equal(JournalHead.Empty, store.Head());
        Assert.Empty(store.Read());
        Assert.Null(store.LatestSnapshot());
    }

    [Fact]
    public void Append_NewCommand_ReadsBackExactlyAndMovesHead()
    {
        var store = Open();
        var builder = new JournalBuilder(JournalHead.Empty);
        var first = Command(builder, "deposit-1", 3);
        var second = Command(builder, "deposit-2", 1);

        var result = store.Append("deposit-1", first);
        store.Append("deposit-2", second);

        Assert.Equal(AppendStatus.Appended, result.Status);
        Assert.Equal(first, result.Events);
        Assert.Equal(first.Concat(second), store.Read());
        Assert.Equal(new JournalHead(4, second[0].Hash), store.Head());
        Assert.Equal(second, store.Read(4));
        Assert.Empty(store.Read(5));
        Assert.True(JournalVerifier.VerifyChain(store.Read()).IsValid);
    }

    [Fact]
    public void Append_SameCommandIdAgain_ReturnsOriginalEventsAndWritesNothing()
    {
        var store = Open();
        var builder = new JournalBuilder(JournalHead.Empty);
        var original = Command(builder, "cmd-1", 2);
        store.Append("cmd-1", original);
        var head = store.Head();

        // A retry after a lost acknowledgement: rebuilt on the current head, different times and payload.
        var retry = new JournalBuilder(head).Add("cmd-1", (T0.AddDays(1), "command.accepted", "{\"retry\":true}"));
        var result = store.Append("cmd-1", retry);

        Assert.True(result.AlreadyApplied);
        Assert.Equal(original, result.Events);
        Assert.Equal(head, store.Head());
        Assert.Equal(2, store.Read().Count());
        Assert.Equal(original, store.FindCommand("cmd-1"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Append_SequenceNotAfterHead_ThrowsConcurrencyAndWritesNothing(int offset)
    {
        var store = Open();
        var builder = Fill(store, 2);
        var head = store.Head();
        var wrong = new JournalBuilder(new JournalHead(head.Sequence - 1 + offset, head.Hash)).Add("late", (T0, "x", "{}"));

        var error = Assert.Throws<JournalConcurrencyException>(() => store.Append("late", wrong));

        Assert.Equal(head, error.StoredHead);
        Assert.Equal("late", error.CommandId);
        Assert.True(error.IsTransient);
        Assert.Equal(head, store.Head());
        Assert.Null(store.FindCommand("late"));
        Assert.Equal(builder.Head, store.Head());
    }

    [Fact]
    public void Append_PreviousHashNotHeadHash_ThrowsConcurrencyAndWritesNothing()
    {
        var store = Open();
        Fill(store, 2);
        var head = store.Head();
        var forged = new JournalHead(head.Sequence, Sha256Digest.OfUtf8("not the head"));
        var wrong = new JournalBuilder(forged).Add("forged", (T0, "x", "{}"));

        Assert.Throws<JournalConcurrencyException>(() => store.Append("forged", wrong));

        Assert.Equal(head, store.Head());
        Assert.Null(store.FindCommand("forged"));
    }

    [Fact]
    public void Append_OtherInstanceAppendedFirst_ThrowsConcurrencyForTheStaleOne()
    {
        var a = Open();
        var b = Open();
        var staleHead = a.Head();
        a.Append("from-a", new JournalBuilder(staleHead).Add("from-a", (T0, "x", "{}")));

        var conflict = Assert.Throws<JournalConcurrencyException>(() => b.Append("from-b", new JournalBuilder(staleHead).Add("from-b", (T0, "x", "{}"))));
        Assert.IsAssignableFrom<JournalConflictException>(conflict);
        Assert.True(conflict.IsTransient);

        var fresh = b.Head();
        Assert.Equal(AppendStatus.Appended, b.Append("from-b", new JournalBuilder(fresh).Add("from-b", (T0, "x", "{}"))).Status);
        Assert.Equal(["from-a", "from-b"], a.Read().Select(e => e.CommandId));
    }

    [Fact]
    public void Append_InvalidEvents_ThrowsArgumentAndWritesNothing()
    {
        var store = Open();
        var builder = new JournalBuilder(JournalHead.Empty);
        var events = Command(builder, "ok", 2);
        var badHash = new[] { events[0], events[1] with { Hash = Sha256Digest.OfUtf8("x") } };
        var unchained = new[] { events[0], events[1] with { PreviousHash = Sha256Digest.Zero } };

        Assert.Throws<ArgumentException>(() => store.Append("ok", []));
        Assert.Throws<ArgumentException>(() => store.Append("other-id", events));
        Assert.Throws<ArgumentException>(() => store.Append("ok", badHash));
        Assert.Throws<ArgumentException>(() => store.Append("ok", unchained));
        Assert.Equal(JournalHead.Empty, store.Head());
    }

    [Fact]
    public void AppendBatch_SeveralCommands_AppendsAllInOrder()
    {
        var store = Open();
        var builder = new JournalBuilder(JournalHead.Empty);
        var batch = Enumerable.Range(0, 10).Select(i => ($"b{i}", Command(builder, $"b{i}", 1 + (i % 3)))).ToList();

        var results = store.AppendBatch(batch);

        Assert.All(results, r => Assert.Equal(AppendStatus.Appended, r.Status));
        Assert.Equal(batch.SelectMany(c => c.Item2), store.Read());
        Assert.Equal(builder.Head, store.Head());
    }

    [Fact]
    public void AppendBatch_OneBadMember_WritesNoneOfTheBatch()
    {
        var store = Open();
        Fill(store, 1);
        var head = store.Head();
        var builder = new JournalBuilder(head);
        var good1 = Command(builder, "g1");
        var good2 = Command(builder, "g2");
        var bad = new JournalBuilder(head).Add("bad", (T0, "x", "{}")); // built on the old head: does not continue g2
        var good3 = Command(builder, "g3");

        Assert.Throws<JournalConcurrencyException>(() => store.AppendBatch([("g1", good1), ("g2", good2), ("bad", bad), ("g3", good3)]));

        Assert.Equal(head, store.Head());
        Assert.Null(store.FindCommand("g1"));
        Assert.Null(store.FindCommand("g2"));
        Assert.Single(store.Read());
    }

    [Fact]
    public void AppendBatch_DuplicateCommandId_ThrowsArgument()
    {
        var store = Open();
        var builder = new JournalBuilder(JournalHead.Empty);

        Assert.Throws<ArgumentException>(() => store.AppendBatch([("d", Command(builder, "d")), ("d", Command(builder, "d"))]));
        Assert.Equal(JournalHead.Empty, store.Head());
    }

    [Fact]
    public void AppendBatch_MemberAlreadyApplied_ReturnsItsStoredEventsAndAppendsTheRest()
    {
        var store = Open();
        var builder = new JournalBuilder(JournalHead.Empty);
        var original = Command(builder, "done");
        store.Append("done", original);
        var next = Command(builder, "new");

        var results = store.AppendBatch([("done", new JournalBuilder(JournalHead.Empty).Add("done", (T0, "x", "{}"))), ("new", next)]);

        Assert.True(results[0].AlreadyApplied);
        Assert.Equal(original, results[0].Events);
        Assert.Equal(AppendStatus.Appended, results[1].Status);
        Assert.Equal(original.Concat(next), store.Read());
    }

    [Fact]
    public void FindCommand_KnownAndUnknown_ReturnsEventsOrNull()
    {
        var store = Open();
        Fill(store, 5);

        Assert.Null(store.FindCommand("nope"));
        var found = store.FindCommand("c2");
        Assert.NotNull(found);
        Assert.Equal(3, found.Count);
        Assert.All(found, e => Assert.Equal("c2", e.CommandId));
        Assert.Equal(store.Read().Where(e => e.CommandId == "c2"), found);
    }

    [Fact]
    public void Read_LargeJournalAcrossManyPages_StreamsEveryEventInOrder()
    {
        var store = Open();
        ((DbJournalStore)store).PageSize = 97;
        var builder = new JournalBuilder(JournalHead.Empty);
        for (var batch = 0; batch < 20; batch++)
        {
            store.AppendBatch(Enumerable.Range(0, 100).Select(i => ($"L{batch}-{i}", Command(builder, $"L{batch}-{i}", 1 + (i % 3)))).ToList());
        }

        var verification = JournalVerifier.VerifyChain(store.Read());

        Assert.True(verification.IsValid, verification.ToString());
        Assert.Equal(builder.Head.Sequence, verification.Checked);
        Assert.Equal(builder.Head, verification.Head);
        Assert.Equal(Enumerable.Range(1234, 200).Select(i => (long)i), store.Read(1234).Take(200).Select(e => e.Sequence));
    }

    [Fact]
    public void Read_AppendDuringEnumeration_StopsAtHeadOfFirstMoveNext()
    {
        var store = Open();
        ((DbJournalStore)store).PageSize = 2;
        var builder = Fill(store, 3); // 1 + 2 + 3 = 6 events
        var seen = new List<long>();

        foreach (var e in store.Read())
        {
            if (seen.Count == 0)
            {
                store.Append("during", Command(builder, "during"));
            }

            seen.Add(e.Sequence);
        }

        Assert.Equal([1, 2, 3, 4, 5, 6], seen);
        Assert.Equal(8, store.Head().Sequence);
    }

    [Fact]
    public void Blobs_PutTwiceAndGet_StoresOnceByContentHash()
    {
        var store = Open();
        const string text = "name: sixty-forty\nweights: { SPY: 0.6, AGG: 0.4 } # €";
        var key = Sha256Digest.OfUtf8(text).ToHex();

        Assert.True(store.PutBlob(key, text));
        Assert.False(store.PutBlob(key, text));
        Assert.Equal(text, store.GetBlob(key));
        Assert.Null(store.GetBlob(Sha256Digest.OfUtf8("other").ToHex()));
        Assert.Throws<ArgumentException>(() => store.PutBlob(Sha256Digest.OfUtf8("other").ToHex(), text));
        Assert.Throws<ArgumentException>(() => store.PutBlob(key.ToUpperInvariant(), text));
    }

    [Fact]
    public void Snapshots_SavedAtSeveralSequences_LatestIsHighestWithItsEventHash()
    {
        var store = Open();
        Fill(store, 4); // 1 + 2 + 3 + 1 = 7 events
        var events = store.Read().ToList();

        store.SaveSnapshot(3, "{\"v\":3}");
        store.SaveSnapshot(6, "{\"v\":6}");
        store.SaveSnapshot(6, "{\"v\":\"6b\"}");
        store.SaveSnapshot(1, "{\"v\":1}");

        var latest = store.LatestSnapshot();
        Assert.NotNull(latest);
        Assert.Equal(6, latest.Sequence);
        Assert.Equal("{\"v\":\"6b\"}", latest.StateJson);
        Assert.Equal(events[5].Hash, latest.Hash);
        Assert.True(JournalVerifier.VerifyChain(store.Read(latest.Sequence + 1), latest.Head).IsValid);
        Assert.Throws<ArgumentOutOfRangeException>(() => store.SaveSnapshot(8, "{}"));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.SaveSnapshot(0, "{}"));
    }

    [Fact]
    public void Reopen_AfterDispose_SeesEverythingAcknowledged()
    {
        var store = Open();
        Fill(store, 6);
        store.SaveSnapshot(4, "{\"s\":4}");
        var key = Sha256Digest.OfUtf8("policy").ToHex();
        store.PutBlob(key, "policy");
        var events = store.Read().ToList();
        var head = store.Head();
        store.Dispose();

        var reopened = Open();

        Assert.Equal(head, reopened.Head());
        Assert.Equal(events, reopened.Read());
        Assert.Equal(4, reopened.LatestSnapshot()?.Sequence);
        Assert.Equal("policy", reopened.GetBlob(key));
        Assert.True(reopened.Append("c0", [events[0]]).AlreadyApplied);
        Assert.Equal(AppendStatus.Appended, reopened.Append("after", new JournalBuilder(head).Add("after", (T0, "x", "{}"))).Status);
    }

    [Fact]
    public void Append_FaultAfterFirstInsert_LeavesNoPartialCommand()
    {
        var store = Open();
        Fill(store, 2);
        var head = store.Head();
        var events = Command(new JournalBuilder(head), "crash", 3);
        var inserts = 0;
        ((DbJournalStore)store).AfterEventInsert = _ =>
        {
            if (++inserts == 1)
            {
                throw new IOException("simulated crash after the first insert");
            }
        };

        Assert.Throws<IOException>(() => store.Append("crash", events));
        ((DbJournalStore)store).AfterEventInsert = null;

        Assert.Equal(1, inserts);
        Assert.Equal(head, store.Head());
        Assert.Null(store.FindCommand("crash"));
        Assert.Equal(head.Sequence, Convert.ToInt64(QueryScalar("SELECT count(*) FROM journal_events"), CultureInfo.InvariantCulture));
        Assert.Equal(AppendStatus.Appended, store.Append("crash", events).Status);
        Assert.Equal(3, store.FindCommand("crash")?.Count);
    }

    [Fact]
    public void Append_TwoWritersRacing_EveryCommandOnceAndChainSound()
    {
        var stores = new[] { Open(), Open() };
        const int perWriter = 40;

        Parallel.For(0, stores.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, w =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                var id = $"w{w}-{i}";
                while (true)
                {
                    var events = Command(new JournalBuilder(stores[w].Head()), id, 1 + (i % 3));
                    try
                    {
                        stores[w].Append(id, events);
                        break;
                    }
                    catch (JournalConcurrencyException)
                    {
                        // Another writer got there first: rebuild on the new head.
                    }
                }
            }
        });

        var all = stores[0].Read().ToList();
        Assert.True(JournalVerifier.VerifyChain(all).IsValid);
        Assert.Equal(2 * perWriter, all.Select(e => e.CommandId).Distinct().Count());
        Assert.Equal(2 * Enumerable.Range(0, perWriter).Sum(i => 1 + (i % 3)), all.Count);
    }

    public static TheoryData<string> TamperedColumns => new(["payload", "type", "command_id", "time", "hash", "previous_hash"]);

    /// <summary>
    /// Every character of every hashed column of one event, changed one at a time in the table: the verifier reports
    /// exactly that event, or (when the change leaves a value that is not in the form the store writes, e.g. an
    /// upper-case hex digit or a 'T' replaced in a time) reading reports that event as corrupted.
    /// </summary>
    [Theory]
    [MemberData(nameof(TamperedColumns))]
    public void Tamper_AnyCharacterOfStoredEvent_IsReportedAtThatSequence(string column)
    {
        var store = Open();
        Fill(store, 3); // events 1..6; tamper event 4, the first of command c2
        const long target = 4;
        var original = column switch
        {
            "payload" => store.Read(target).First().Payload,
            "type" => store.Read(target).First().Type,
            "command_id" => store.Read(target).First().CommandId,
            "time" => JournalHash.FormatTime(store.Read(target).First().Time),
            "hash" => store.Read(target).First().Hash.ToHex(),
            _ => store.Read(target).First().PreviousHash.ToHex(),
        };
        var checkedPositions = 0;

        for (var i = 0; i < original.Length; i++)
        {
            foreach (var replacement in Replacements(original[i]))
            {
                var tampered = string.Concat(original.AsSpan(0, i), replacement.ToString(), original.AsSpan(i + 1));
                Assert.Equal(1, ExecuteSql($"UPDATE journal_events SET {column} = @v WHERE sequence = @s", ("v", tampered), ("s", target)));
                try
                {
                    var verification = JournalVerifier.VerifyChain(store.Read());
                    Assert.False(verification.IsValid, $"{column}[{i}] '{original[i]}'→'{replacement}' was not detected");
                    Assert.Equal(target, verification.Discrepancy!.Sequence);
                    Assert.Equal(target - 1, verification.Checked);
                }
                catch (JournalCorruptedException e)
                {
                    Assert.Equal(target, e.Sequence);
                }

                checkedPositions++;
            }
        }

        ExecuteSql($"UPDATE journal_events SET {column} = @v WHERE sequence = @s", ("v", original), ("s", target));
        Assert.True(JournalVerifier.VerifyChain(store.Read()).IsValid);
        Assert.True(checkedPositions >= original.Length);
    }

    [Theory]
    [InlineData("payload")]
    [InlineData("hash")]
    [InlineData("previous_hash")]
    public void Tamper_WholeColumn_ReportsKindWithExpectedAndStoredHex(string column)
    {
        var store = Open();
        Fill(store, 3);
        var genuine = store.Read(2).First();
        var zero = Sha256Digest.Zero.ToHex();

        ExecuteSql($"UPDATE journal_events SET {column} = @v WHERE sequence = 2", ("v", column == "payload" ? "{}" : zero));
        var discrepancy = JournalVerifier.VerifyChain(store.Read()).Discrepancy;

        Assert.NotNull(discrepancy);
        Assert.Equal(2, discrepancy.Sequence);
        var (kind, expected, actual) = column switch
        {
            "payload" => (ChainDiscrepancyKind.HashMismatch, JournalHash.Compute(genuine with { Payload = "{}" }).ToHex(), genuine.Hash.ToHex()),
            "hash" => (ChainDiscrepancyKind.HashMismatch, genuine.Hash.ToHex(), zero),
            _ => (ChainDiscrepancyKind.PreviousHashMismatch, genuine.PreviousHash.ToHex(), zero),
        };
        Assert.Equal(kind, discrepancy.Kind);
        Assert.Equal(expected, discrepancy.Expected);
        Assert.Equal(actual, discrepancy.Actual);
        Assert.Contains("event 2:", discrepancy.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Appends <paramref name="events"/> one-event commands <c>s1</c>, <c>s2</c>, … in batches (fast even for thousands).</summary>
    protected static JournalBuilder FillSingles(IJournalStore store, int events)
    {
        var builder = new JournalBuilder(store.Head());
        for (var from = 1; from <= events; from += 1000)
        {
            store.AppendBatch(Enumerable.Range(from, Math.Min(1000, events - from + 1)).Select(i => ($"s{i}", Command(builder, $"s{i}", 1))).ToList());
        }

        return builder;
    }

    /// <summary>Deletes events <paramref name="from"/>..<paramref name="to"/> (one-event commands) and their index rows, directly.</summary>
    protected void DeleteEvents(long from, long to)
    {
        ExecuteSql("DELETE FROM journal_commands WHERE first_sequence BETWEEN @a AND @b", ("a", from), ("b", to));
        Assert.Equal((int)(to - from + 1), ExecuteSql("DELETE FROM journal_events WHERE sequence BETWEEN @a AND @b", ("a", from), ("b", to)));
    }

    /// <summary>
    /// A hole of any size in the middle (one event, a few, or more than the 4,096 a page reads) is corruption named
    /// by the first missing sequence, also when the reader starts inside or before the hole.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(5000)]
    public void Read_HoleInTheMiddle_FailsNamingTheFirstMissingSequence(int holeSize)
    {
        var store = Open();
        FillSingles(store, 6000);
        DeleteEvents(501, 500 + holeSize);

        var error = Assert.Throws<JournalCorruptedException>(() => JournalVerifier.VerifyChain(store.Read()));
        Assert.Equal(501, error.Sequence);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
        Assert.Equal(501, Assert.Throws<JournalCorruptedException>(() => store.Read(400).Count()).Sequence);
        Assert.Equal(6000, store.Head().Sequence);
        var reopened = Open();
        Assert.Equal(501, Assert.Throws<JournalCorruptedException>(() => reopened.Read().Count()).Sequence);
    }

    /// <summary>The last events deleted and one stray event written far past the head: the gap before it is found.</summary>
    [Fact]
    public void Read_StrayEventPastAGap_FailsNamingTheFirstMissingSequence()
    {
        var store = Open();
        FillSingles(store, 10);
        ExecuteSql("INSERT INTO journal_events (sequence, time, type, command_id, payload, previous_hash, hash) "
            + "SELECT 9000, time, type, 'stray', payload, previous_hash, hash FROM journal_events WHERE sequence = 10");

        Assert.Equal(9000, store.Head().Sequence);
        var error = Assert.Throws<JournalCorruptedException>(() => JournalVerifier.VerifyChain(store.Read()));
        Assert.Equal(11, error.Sequence);
    }

    /// <summary>
    /// The index row of a command deleted (or pointed at another command) outside the store: the command is still
    /// found in the chained events, so its identical retry is not applied twice; the next open rebuilds the index.
    /// </summary>
    [Theory]
    [InlineData("DELETE FROM journal_commands WHERE command_id = 'c2'")]
    [InlineData("UPDATE journal_commands SET command_id = 'elsewhere' WHERE command_id = 'c2'")]
    [InlineData("DELETE FROM journal_commands")]
    public void Append_RetryAfterIndexRowTampered_IsNotAppliedAgain(string tamper)
    {
        var store = Open();
        Fill(store, 5);
        var head = store.Head();
        var original = store.Read().Where(e => e.CommandId == "c2").ToList();
        ExecuteSql(tamper);

        Assert.Equal(original, store.FindCommand("c2"));
        var retry = store.Append("c2", new JournalBuilder(head).Add("c2", (T0.AddDays(1), "command.accepted", "{\"retry\":true}")));
        Assert.True(retry.AlreadyApplied);
        Assert.Equal(original, retry.Events);
        Assert.Equal(head, store.Head());

        var reopened = (DbJournalStore)Open();
        Assert.NotNull(reopened.CommandIndexRebuiltAt);
        Assert.Equal(5L, Convert.ToInt64(QueryScalar("SELECT count(*) FROM journal_commands"), CultureInfo.InvariantCulture));
        Assert.Equal(4L, Convert.ToInt64(QueryScalar("SELECT first_sequence FROM journal_commands WHERE command_id = 'c2'"), CultureInfo.InvariantCulture));
        Assert.Null(((DbJournalStore)Open()).CommandIndexRebuiltAt);
    }

    /// <summary>A stale index row naming a command the chain does not hold does not block that command.</summary>
    [Fact]
    public void Append_StaleIndexRowForANewCommand_AppendsAndFixesTheRow()
    {
        var store = Open();
        var builder = Fill(store, 3);
        ExecuteSql("UPDATE journal_commands SET command_id = 'next' WHERE command_id = 'c0'");

        var result = store.Append("next", Command(builder, "next"));

        Assert.False(result.AlreadyApplied);
        Assert.Equal(7, store.FindCommand("next")![0].Sequence);
        Assert.Equal(7L, Convert.ToInt64(QueryScalar("SELECT first_sequence FROM journal_commands WHERE command_id = 'next'"), CultureInfo.InvariantCulture));
    }

    /// <summary>A command id in two places of the chain is corruption, not a command to return half of.</summary>
    [Fact]
    public void FindCommand_CommandIdTwiceInTheChain_ThrowsCorruptedNamingTheSecond()
    {
        var store = Open();
        Fill(store, 4); // c0: 1, c1: 2-3, c2: 4-6, c3: 7
        ExecuteSql("UPDATE journal_events SET command_id = 'c1' WHERE sequence = 7");

        var error = Assert.Throws<JournalCorruptedException>(() => store.FindCommand("c1"));
        Assert.Equal(4, error.Sequence);
        Assert.Contains("again at 7", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The asynchronous read streams page by page and stops with a cancellation at the next page it fetches.</summary>
    [Fact]
    public async Task ReadAsync_CancelledDuringEnumeration_ThrowsOperationCanceled()
    {
        var store = Open();
        ((DbJournalStore)store).PageSize = 2;
        Fill(store, 3); // 6 events, 3 pages
        var ct = TestContext.Current.CancellationToken;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var seen = new List<long>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in store.ReadAsync(1, cancellation.Token))
            {
                seen.Add(e.Sequence);
                await cancellation.CancelAsync();
            }
        });

        Assert.Equal([1, 2], seen); // the first page, then the cancelled fetch of the second
        Assert.Equal(6, await store.ReadAsync(1, ct).CountAsync(ct));
    }

    /// <summary>A write with a cancelled token writes nothing; every member takes a token.</summary>
    [Fact]
    public async Task AppendAsync_Cancelled_WritesNothing()
    {
        var store = Open();
        var builder = Fill(store, 2);
        var ct = TestContext.Current.CancellationToken;
        var head = await store.HeadAsync(ct);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AppendAsync("late", Command(builder, "late"), cancellation.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.HeadAsync(cancellation.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.FindCommandAsync("c0", cancellation.Token));

        Assert.Equal(head, await store.HeadAsync(ct));
        Assert.Null(await store.FindCommandAsync("late", ct));
        Assert.Equal(head, (await JournalVerifier.VerifyChainAsync(store.ReadAsync(1, ct), ct)).Head);
    }

    // One or two different characters in place of c: another of its class (hex digit, digit, letter) so that values
    // stay well-formed where possible, and for a separator something else entirely.
    private static IEnumerable<char> Replacements(char c) => c switch
    {
        >= '0' and <= '8' => [(char)(c + 1)],
        '9' => ['0'],
        >= 'a' and <= 'e' => [(char)(c + 1), char.ToUpperInvariant(c)],
        'f' => ['0'],
        >= 'A' and <= 'Z' => [c == 'Z' ? 'A' : (char)(c + 1)],
        >= 'g' and <= 'z' => [c == 'z' ? 'g' : (char)(c + 1)],
        _ => [c == '_' ? '-' : '_'],
    };
}
