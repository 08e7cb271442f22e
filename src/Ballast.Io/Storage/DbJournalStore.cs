using System.Data;
using System.Data.Common;
using Ballast.Protocol.Journal;

namespace Ballast.Io.Storage;

/// <summary>
/// The part of a journal store that is plain SQL over ADO.NET, shared by <see cref="SqliteJournalStore"/> and
/// <see cref="PostgresJournalStore"/>: the same tables, statements and checks; each subclass supplies its
/// connections, its DDL and how a write transaction takes the journal's write lock.
/// </summary>
/// <remarks>
/// Tables (names prefixed by a PostgreSQL schema where there is one): <c>journal_schema(key, value)</c> with the row
/// <c>schema_version = 1</c>; <c>journal_events(sequence primary key, time, type, command_id, payload,
/// previous_hash, hash)</c>, all text but the sequence, hashes as lowercase hex; <c>journal_commands(command_id
/// primary key, first_sequence, last_sequence)</c>: one row per applied command, whose primary key is the unique
/// index that makes a command id apply once; <c>journal_snapshots(sequence primary key, state)</c>;
/// <c>journal_blobs(hash primary key, text)</c>.
/// </remarks>
public abstract class DbJournalStore : IJournalStore
{
    /// <summary>The schema version this build writes and reads.</summary>
    public const int SchemaVersion = 1;

    private const string Columns = "sequence, time, type, command_id, payload, previous_hash, hash";

    private readonly Lock _gate = new();
    private bool _disposed;

    private protected DbJournalStore(string tablePrefix) => Prefix = tablePrefix;

    /// <summary>Events fetched per query by <see cref="Read"/>.</summary>
    internal int PageSize { get; set; } = 4096;

    /// <summary>Test hook: called inside the append transaction after each event row is inserted (a throw aborts it).</summary>
    internal Action<JournalEvent>? AfterEventInsert { get; set; }

    /// <summary>Prepended to every table name (a quoted schema and a dot, or empty).</summary>
    private protected string Prefix { get; }

    private string Events => Prefix + "journal_events";

    private string Commands => Prefix + "journal_commands";

    private string Snapshots => Prefix + "journal_snapshots";

    private string Blobs => Prefix + "journal_blobs";

    private protected string SchemaTable => Prefix + "journal_schema";

    /// <summary>A connection for one operation.</summary>
    private protected abstract DbConnection Acquire();

    /// <summary>Gives back what <see cref="Acquire"/> gave.</summary>
    private protected abstract void Release(DbConnection connection);

    /// <summary>Starts a transaction that holds the journal's write lock until it ends, so writers run one at a time.</summary>
    private protected abstract DbTransaction BeginWrite(DbConnection connection);

    /// <summary>Frees what the store holds for its lifetime.</summary>
    private protected abstract void DisposeCore();

    /// <summary>The database's error as the journal's own exception (the store boundary: no provider exception leaves it).</summary>
    private protected abstract JournalStoreException Translate(DbException exception);

    public JournalHead Head() => Run(connection => ReadHead(connection, null));

    public AppendResult Append(string commandId, IReadOnlyList<JournalEvent> events)
    {
        CheckCommand(commandId, events, nameof(events));
        return AppendAll([(commandId, events)])[0];
    }

    public IReadOnlyList<AppendResult> AppendBatch(IReadOnlyList<(string CommandId, IReadOnlyList<JournalEvent> Events)> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        if (commands.Count == 0)
        {
            return [];
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (commandId, events) in commands)
        {
            CheckCommand(commandId, events, nameof(commands));
            if (!ids.Add(commandId))
            {
                throw new ArgumentException($"command '{commandId}' appears twice in one batch", nameof(commands));
            }
        }

        return AppendAll(commands);
    }

    public IEnumerable<JournalEvent> Read(long fromSequence = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSequence, 1);
        return ReadIterator(fromSequence);
    }

    public IReadOnlyList<JournalEvent>? FindCommand(string commandId)
    {
        ArgumentNullException.ThrowIfNull(commandId);
        return Run(connection => FindCommand(connection, null, commandId));
    }

    public void SaveSnapshot(long sequence, string stateJson)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentNullException.ThrowIfNull(stateJson);
        Run(connection =>
        {
            using var transaction = connection.BeginTransaction();
            var head = ReadHead(connection, transaction);
            if (sequence > head.Sequence)
            {
                throw new ArgumentOutOfRangeException(nameof(sequence), sequence, $"a snapshot must be at an existing event: the head is {head.Sequence}");
            }

            Execute(connection, transaction,
                $"INSERT INTO {Snapshots} (sequence, state) VALUES (@sequence, @state) ON CONFLICT (sequence) DO UPDATE SET state = excluded.state",
                ("sequence", sequence), ("state", stateJson));
            transaction.Commit();
            return 0;
        });
    }

    public JournalSnapshot? LatestSnapshot() => Run(connection =>
    {
        using var command = Command(connection, null,
            $"SELECT s.sequence, s.state, e.hash FROM {Snapshots} s JOIN {Events} e ON e.sequence = s.sequence ORDER BY s.sequence DESC LIMIT 1");
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var sequence = reader.GetInt64(0);
        return new JournalSnapshot(sequence, ParseHash(sequence, reader.GetString(2), "hash"), reader.GetString(1));
    });

    public bool PutBlob(string sha256Hex, string text)
    {
        ArgumentNullException.ThrowIfNull(sha256Hex);
        ArgumentNullException.ThrowIfNull(text);
        if (!Sha256Digest.TryParse(sha256Hex, out var claimed))
        {
            throw new ArgumentException($"a blob key is a SHA-256 as {Sha256Digest.HexLength} lowercase hexadecimal digits, got '{sha256Hex}'", nameof(sha256Hex));
        }

        var actual = Sha256Digest.OfUtf8(text);
        if (actual != claimed)
        {
            throw new ArgumentException($"blob key {sha256Hex} is not the SHA-256 of the text's UTF-8 bytes, which is {actual.ToHex()}", nameof(sha256Hex));
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("a blob's text must not contain U+0000", nameof(text));
        }

        return Run(connection => Execute(connection, null,
            $"INSERT INTO {Blobs} (hash, text) VALUES (@hash, @text) ON CONFLICT (hash) DO NOTHING", ("hash", sha256Hex), ("text", text)) == 1);
    }

    public string? GetBlob(string sha256Hex)
    {
        ArgumentNullException.ThrowIfNull(sha256Hex);
        return Run(connection =>
        {
            using var command = Command(connection, null, $"SELECT text FROM {Blobs} WHERE hash = @hash", ("hash", sha256Hex));
            return command.ExecuteScalar() as string;
        });
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            DisposeCore();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Creates the tables if absent (in <paramref name="transaction"/>) and checks the schema version.</summary>
    private protected void EnsureSchema(DbConnection connection, DbTransaction transaction, string createTablesSql)
    {
        Execute(connection, transaction, createTablesSql);
        Execute(connection, transaction,
            $"INSERT INTO {SchemaTable} (key, value) VALUES ('schema_version', @version) ON CONFLICT (key) DO NOTHING",
            ("version", SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var command = Command(connection, transaction, $"SELECT value FROM {SchemaTable} WHERE key = 'schema_version'");
        var version = command.ExecuteScalar() as string;
        if (version != SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new JournalSchemaException($"the journal store has schema version '{version}'; this build reads version {SchemaVersion} only");
        }
    }

    /// <summary>
    /// The first command id whose <c>journal_commands</c> row disagreed with the events when this store was opened
    /// (missing, altered or stray), after which the table was rebuilt from the events; null when it agreed.
    /// </summary>
    public string? CommandIndexRebuiltAt { get; private set; }

    /// <summary>
    /// Compares <c>journal_commands</c> with the index derived from the chained events (per command id: first and last
    /// sequence) and, if they differ anywhere, rebuilds the table from the events under the write lock. The table is a
    /// cache; lookups read the events.
    /// </summary>
    private protected void ReconcileCommandIndex(DbConnection connection)
    {
        if (FirstIndexDiscrepancy(connection, null) is null)
        {
            return;
        }

        using var transaction = BeginWrite(connection);
        var differs = FirstIndexDiscrepancy(connection, transaction);
        if (differs is null)
        {
            return;
        }

        Execute(connection, transaction, $"DELETE FROM {Commands}");
        Execute(connection, transaction,
            $"INSERT INTO {Commands} (command_id, first_sequence, last_sequence) SELECT command_id, min(sequence), max(sequence) FROM {Events} GROUP BY command_id");
        transaction.Commit();
        CommandIndexRebuiltAt = differs;
    }

    private string? FirstIndexDiscrepancy(DbConnection connection, DbTransaction? transaction)
    {
        var derived = $"SELECT command_id, min(sequence) AS first_sequence, max(sequence) AS last_sequence FROM {Events} GROUP BY command_id";
        var stored = $"SELECT command_id, first_sequence, last_sequence FROM {Commands}";
        using var command = Command(connection, transaction,
            $"SELECT command_id FROM ({derived} EXCEPT {stored}) AS missing UNION ALL SELECT command_id FROM ({stored} EXCEPT {derived}) AS stray LIMIT 1");
        return command.ExecuteScalar() as string;
    }

    private protected static int Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // table names come from the store (a validated, quoted schema); values are parameters
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static void CheckCommand(string commandId, IReadOnlyList<JournalEvent> events, string parameter)
    {
        ArgumentNullException.ThrowIfNull(commandId, parameter);
        ArgumentNullException.ThrowIfNull(events, parameter);
        if (events.Count == 0)
        {
            throw new ArgumentException($"command '{commandId}' has no events; a command is recorded by the events it produces (record a rejection as an event)", parameter);
        }

        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i] ?? throw new ArgumentException($"command '{commandId}': event {i} is null", parameter);
            if (!string.Equals(e.CommandId, commandId, StringComparison.Ordinal))
            {
                throw new ArgumentException($"command '{commandId}': event {e.Sequence} carries command id '{e.CommandId}'", parameter);
            }

            var discrepancy = i == 0
                ? (JournalHash.Compute(e) is var hash && hash != e.Hash
                    ? new ChainDiscrepancy(e.Sequence, ChainDiscrepancyKind.HashMismatch, hash.ToHex(), e.Hash.ToHex())
                    : null)
                : JournalVerifier.Check(JournalHead.After(events[i - 1]), e);
            if (discrepancy is not null)
            {
                throw new ArgumentException($"command '{commandId}': its events are not a chain: {discrepancy}", parameter);
            }
        }
    }

    private IReadOnlyList<AppendResult> AppendAll(IReadOnlyList<(string CommandId, IReadOnlyList<JournalEvent> Events)> commands) => Run(connection =>
    {
        using var transaction = BeginWrite(connection);
        var head = ReadHead(connection, transaction);
        var results = new AppendResult[commands.Count];
        using var insert = Command(connection, transaction,
            $"INSERT INTO {Events} ({Columns}) VALUES (@sequence, @time, @type, @command_id, @payload, @previous_hash, @hash)",
            ("sequence", 0L), ("time", ""), ("type", ""), ("command_id", ""), ("payload", ""), ("previous_hash", ""), ("hash", ""));
        for (var c = 0; c < commands.Count; c++)
        {
            var (commandId, events) = commands[c];
            var stored = FindCommand(connection, transaction, commandId);
            if (stored is not null)
            {
                results[c] = new AppendResult(AppendStatus.AlreadyApplied, stored);
                continue;
            }

            var first = events[0];
            if (first.Sequence != head.Sequence + 1 || first.PreviousHash != head.Hash)
            {
                throw new JournalConcurrencyException(commandId, head, first.Sequence, first.PreviousHash);
            }

            foreach (var e in events)
            {
                insert.Parameters[0].Value = e.Sequence;
                insert.Parameters[1].Value = JournalHash.FormatTime(e.Time);
                insert.Parameters[2].Value = e.Type;
                insert.Parameters[3].Value = e.CommandId;
                insert.Parameters[4].Value = e.Payload;
                insert.Parameters[5].Value = e.PreviousHash.ToHex();
                insert.Parameters[6].Value = e.Hash.ToHex();
                insert.ExecuteNonQuery();
                AfterEventInsert?.Invoke(e);
            }

            var last = events[^1];
            // The events say the command is new, so a row naming it (or these sequences) is stale: the index follows the chain.
            Execute(connection, transaction,
                $"DELETE FROM {Commands} WHERE command_id = @command_id OR first_sequence BETWEEN @first AND @last",
                ("command_id", commandId), ("first", first.Sequence), ("last", last.Sequence));
            Execute(connection, transaction,
                $"INSERT INTO {Commands} (command_id, first_sequence, last_sequence) VALUES (@command_id, @first, @last)",
                ("command_id", commandId), ("first", first.Sequence), ("last", last.Sequence));
            head = JournalHead.After(last);
            results[c] = new AppendResult(AppendStatus.Appended, events);
        }

        transaction.Commit();
        return (IReadOnlyList<AppendResult>)results;
    });

    private IEnumerable<JournalEvent> ReadIterator(long fromSequence)
    {
        var to = Head().Sequence;
        var next = fromSequence;
        while (next <= to)
        {
            var end = Math.Min(to, next + PageSize - 1);
            var page = Run(connection => ReadRange(connection, null, next, end));
            RequireContiguous(page, next, end, to);
            foreach (var e in page)
            {
                yield return e;
            }

            next = end + 1;
        }
    }

    /// <summary>
    /// Requires <paramref name="page"/> to hold exactly the events <paramref name="from"/>..<paramref name="to"/>:
    /// the journal is 1..head without a hole, so a missing row (deleted, or a stray row written past a gap) is
    /// corruption, named by the first sequence that is absent.
    /// </summary>
    private static void RequireContiguous(List<JournalEvent> page, long from, long to, long head)
    {
        for (var i = 0; i < page.Count; i++)
        {
            if (page[i].Sequence != from + i)
            {
                throw Missing(from + i, head);
            }
        }

        if (page.Count != to - from + 1)
        {
            throw Missing(from + page.Count, head);
        }
    }

    private static JournalCorruptedException Missing(long sequence, long head) =>
        new(sequence, $"the event is missing: the journal's last event is {head}, so every event 1..{head} must be present (rows deleted, or a row written past a gap)");

    private JournalHead ReadHead(DbConnection connection, DbTransaction? transaction)
    {
        using var command = Command(connection, transaction, $"SELECT sequence, hash FROM {Events} ORDER BY sequence DESC LIMIT 1");
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return JournalHead.Empty;
        }

        var sequence = reader.GetInt64(0);
        return new JournalHead(sequence, ParseHash(sequence, reader.GetString(1), "hash"));
    }

    /// <summary>
    /// A command's events, looked up in the chained events themselves (by the <c>command_id</c> column, indexed), not
    /// in <c>journal_commands</c>: the index table is outside the hash chain, so a deleted or altered index row must
    /// not make a retried command look new. The events of one command are consecutive; if they are not (the command
    /// id appears twice in the chain, or one of its events is missing), the journal is corrupted.
    /// </summary>
    private List<JournalEvent>? FindCommand(DbConnection connection, DbTransaction? transaction, string commandId)
    {
        using var command = Command(connection, transaction,
            $"SELECT {Columns} FROM {Events} WHERE command_id = @command_id ORDER BY sequence", ("command_id", commandId));
        var events = ReadEvents(command, 4);
        if (events.Count == 0)
        {
            return null;
        }

        for (var i = 1; i < events.Count; i++)
        {
            if (events[i].Sequence != events[0].Sequence + i)
            {
                throw new JournalCorruptedException(events[0].Sequence + i,
                    $"command '{commandId}' has events at {events[0].Sequence}..{events[i - 1].Sequence} and again at {events[i].Sequence}: a command's events are consecutive and a command id appears once");
            }
        }

        return events;
    }

    private List<JournalEvent> ReadRange(DbConnection connection, DbTransaction? transaction, long from, long to)
    {
        using var command = Command(connection, transaction,
            $"SELECT {Columns} FROM {Events} WHERE sequence >= @from AND sequence <= @to ORDER BY sequence", ("from", from), ("to", to));
        return ReadEvents(command, (int)Math.Min(to - from + 1, PageSize));
    }

    private static List<JournalEvent> ReadEvents(DbCommand command, int capacity)
    {
        using var reader = command.ExecuteReader(CommandBehavior.SequentialAccess);
        var events = new List<JournalEvent>(capacity);
        while (reader.Read())
        {
            var sequence = reader.GetInt64(0);
            var timeText = reader.GetString(1);
            var type = reader.GetString(2);
            var commandId = reader.GetString(3);
            var payload = reader.GetString(4);
            var previous = ParseHash(sequence, reader.GetString(5), "previous_hash");
            var hash = ParseHash(sequence, reader.GetString(6), "hash");
            if (!JournalHash.TryParseTime(timeText, out var time))
            {
                throw new JournalCorruptedException(sequence, $"time '{timeText}' is not in the form {JournalHash.TimeFormat}");
            }

            try
            {
                events.Add(new JournalEvent(sequence, time, type, commandId, payload, previous, hash));
            }
            catch (ArgumentException e)
            {
                throw new JournalCorruptedException(sequence, e.Message);
            }
        }

        return events;
    }

    private static Sha256Digest ParseHash(long sequence, string text, string column) =>
        Sha256Digest.TryParse(text, out var digest)
            ? digest
            : throw new JournalCorruptedException(sequence, $"{column} '{text}' is not {Sha256Digest.HexLength} lowercase hexadecimal digits");

    private T Run<T>(Func<DbConnection, T> operation)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                var connection = Acquire();
                try
                {
                    return operation(connection);
                }
                finally
                {
                    Release(connection);
                }
            }
            catch (DbException e)
            {
                throw Translate(e);
            }
        }
    }
}
