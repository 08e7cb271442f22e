using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Ballast.Hashing;
using Ballast.Protocol.Journal;

namespace Ballast.Io.Storage;

/// <summary>
/// The part of a journal store that is plain SQL over ADO.NET, shared by <see cref="SqliteJournalStore"/> and
/// <see cref="PostgresJournalStore"/>: the same tables, statements and checks; each subclass supplies its
/// connections, its DDL, how a write transaction takes the journal's write lock, and how its provider's errors
/// translate into the journal's exceptions.
/// </summary>
/// <remarks>
/// Tables (names prefixed by a PostgreSQL schema where there is one): <c>journal_schema(key, value)</c> with the row
/// <c>schema_version = 1</c>; <c>journal_events(sequence primary key, time, type, command_id, payload,
/// previous_hash, hash)</c>, all text but the sequence, hashes as lowercase hex, indexed by command id;
/// <c>journal_commands(command_id primary key, first_sequence, last_sequence)</c>: one row per applied command, a
/// cache derived from the events (checked and rebuilt on open; lookups read the events);
/// <c>journal_snapshots(sequence primary key, state)</c>; <c>journal_blobs(hash primary key, text)</c>;
/// <c>journal_api_keys(sha256 primary key, account, roles, reporter_of, created, created_by)</c>: the service's
/// API keys by hash (<see cref="IApiKeyStore"/>; outside the hash chain, added in place to older files);
/// <c>journal_api_key_revocations(sha256 primary key, revoked, revoked_by)</c>: revoked API keys;
/// <c>journal_refusals(command_id primary key, command, code, message, at_sequence)</c>: refused commands kept for
/// idempotent retries (<see cref="IRefusalStore"/>; outside the hash chain, added in place to older files).
/// Every operation is asynchronous and cancellable; one instance runs one operation at a time.
/// </remarks>
public abstract class DbJournalStore : IJournalStore, IApiKeyStore, IRefusalStore
{
    /// <summary>The schema version this build writes and reads.</summary>
    public const int SchemaVersion = 1;

    private const string Columns = "sequence, time, type, command_id, payload, previous_hash, hash";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    private protected DbJournalStore(string tablePrefix) => Prefix = tablePrefix;

    /// <summary>Events fetched per query by <see cref="ReadAsync"/>.</summary>
    internal int PageSize { get; set; } = 4096;

    /// <summary>Test hook: called inside the append transaction after each event row is inserted (a throw aborts it).</summary>
    internal Action<JournalEvent>? AfterEventInsert { get; set; }

    /// <summary>
    /// The first command id whose <c>journal_commands</c> row disagreed with the events when this store was opened
    /// (missing, altered or stray), after which the table was rebuilt from the events; null when it agreed.
    /// </summary>
    public string? CommandIndexRebuiltAt { get; private set; }

    /// <summary>Prepended to every table name (a quoted schema and a dot, or empty).</summary>
    private protected string Prefix { get; }

    private string Events => Prefix + "journal_events";

    private string Commands => Prefix + "journal_commands";

    private string Snapshots => Prefix + "journal_snapshots";

    private string Blobs => Prefix + "journal_blobs";

    private string ApiKeys => Prefix + "journal_api_keys";

    private string Refusals => Prefix + "journal_refusals";

    private string Revocations => Prefix + "journal_api_key_revocations";

    private protected string SchemaTable => Prefix + "journal_schema";

    /// <summary>Prepended to every table name, for tables kept beside the journal's (<see cref="ProjectionTables"/>).</summary>
    internal string TablePrefix => Prefix;

    /// <summary>Runs <paramref name="operation"/> on this store's connection, one operation at a time with this store's others (<see cref="ProjectionTables"/>).</summary>
    internal Task<T> RunOnConnectionAsync<T>(Func<DbConnection, CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        RunAsync(operation, cancellationToken);

    /// <summary>A connection for one operation.</summary>
    private protected abstract ValueTask<DbConnection> AcquireAsync(CancellationToken cancellationToken);

    /// <summary>Gives back what <see cref="AcquireAsync"/> gave.</summary>
    private protected abstract ValueTask ReleaseAsync(DbConnection connection);

    /// <summary>Starts a transaction that holds the journal's write lock until it ends, so writers run one at a time (opening only).</summary>
    private protected abstract DbTransaction BeginWrite(DbConnection connection);

    /// <summary>Starts a transaction that holds the journal's write lock until it ends, so writers run one at a time.</summary>
    private protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Frees what the store holds for its lifetime.</summary>
    private protected abstract void DisposeCore();

    /// <summary>The database's error as the journal's own exception (the store boundary: no provider exception leaves it).</summary>
    private protected abstract JournalStoreException Translate(DbException exception);

    public Task<JournalHead> HeadAsync(CancellationToken cancellationToken = default) =>
        RunAsync((connection, ct) => ReadHeadAsync(connection, null, ct), cancellationToken);

    public async Task<AppendResult> AppendAsync(string commandId, IReadOnlyList<JournalEvent> events, CancellationToken cancellationToken = default)
    {
        CheckCommand(commandId, events, nameof(events));
        var results = await AppendAllAsync([(commandId, events)], [], cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    public Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<(string CommandId, IReadOnlyList<JournalEvent> Events)> commands, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        if (commands.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<AppendResult>>([]);
        }

        CheckBatch(commands);
        return AppendAllAsync(commands, [], cancellationToken);
    }

    public Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<(string CommandId, IReadOnlyList<JournalEvent> Events)> commands, IReadOnlyList<StoredRefusal> refusals, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(refusals);
        if (commands.Count == 0 && refusals.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<AppendResult>>([]);
        }

        CheckBatch(commands);
        return AppendAllAsync(commands, refusals, cancellationToken);
    }

    public IAsyncEnumerable<JournalEvent> ReadAsync(long fromSequence = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSequence, 1);
        return ReadIterator(fromSequence, cancellationToken);
    }

    public async Task<IReadOnlyList<JournalEvent>?> FindCommandAsync(string commandId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commandId);
        return await RunAsync((connection, ct) => FindCommandAsync(connection, null, commandId, ct), cancellationToken).ConfigureAwait(false);
    }

    public Task SaveSnapshotAsync(long sequence, string stateJson, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentNullException.ThrowIfNull(stateJson);
        return RunAsync(async (connection, ct) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            var head = await ReadHeadAsync(connection, transaction, ct).ConfigureAwait(false);
            if (sequence > head.Sequence)
            {
                throw new ArgumentOutOfRangeException(nameof(sequence), sequence, $"a snapshot must be at an existing event: the head is {head.Sequence}");
            }

            await ExecuteAsync(connection, transaction,
                $"INSERT INTO {Snapshots} (sequence, state) VALUES (@sequence, @state) ON CONFLICT (sequence) DO UPDATE SET state = excluded.state", ct,
                ("sequence", sequence), ("state", stateJson)).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    public Task<JournalSnapshot?> LatestSnapshotAsync(CancellationToken cancellationToken = default) => RunAsync(async (connection, ct) =>
    {
        await using var command = Command(connection, null,
            $"SELECT s.sequence, s.state, e.hash FROM {Snapshots} s JOIN {Events} e ON e.sequence = s.sequence ORDER BY s.sequence DESC LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            return null;
        }

        var sequence = reader.GetInt64(0);
        return new JournalSnapshot(sequence, ParseHash(sequence, reader.GetString(2), "hash"), reader.GetString(1));
    }, cancellationToken);

    public Task<bool> PutBlobAsync(string sha256Hex, string text, CancellationToken cancellationToken = default)
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

        return RunAsync(async (connection, ct) => await ExecuteAsync(connection, null,
            $"INSERT INTO {Blobs} (hash, text) VALUES (@hash, @text) ON CONFLICT (hash) DO NOTHING", ct, ("hash", sha256Hex), ("text", text)).ConfigureAwait(false) == 1,
            cancellationToken);
    }

    public Task<string?> GetBlobAsync(string sha256Hex, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sha256Hex);
        return RunAsync(async (connection, ct) =>
        {
            await using var command = Command(connection, null, $"SELECT text FROM {Blobs} WHERE hash = @hash", ("hash", sha256Hex));
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
        }, cancellationToken);
    }

    public Task<bool> PutApiKeyAsync(StoredApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RunAsync(async (connection, ct) => await ExecuteAsync(connection, null,
            $"INSERT INTO {ApiKeys} (sha256, account, roles, reporter_of, created, created_by) VALUES (@sha256, @account, @roles, @reporter_of, @created, @created_by) ON CONFLICT (sha256) DO NOTHING", ct,
            ("sha256", key.Sha256), ("account", key.Account), ("roles", StoredApiKey.JoinList(key.Roles)), ("reporter_of", StoredApiKey.JoinList(key.ReporterOf)),
            ("created", JournalHash.FormatTime(key.Created)), ("created_by", key.CreatedBy)).ConfigureAwait(false) == 1,
            cancellationToken);
    }

    public Task<IReadOnlyList<StoredApiKey>> ApiKeysAsync(CancellationToken cancellationToken = default) => RunAsync(async (connection, ct) =>
    {
        await using var command = Command(connection, null, $"SELECT sha256, account, roles, reporter_of, created, created_by FROM {ApiKeys} ORDER BY created, sha256");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var keys = new List<StoredApiKey>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var sha256 = reader.GetString(0);
            var created = reader.GetString(4);
            if (!JournalHash.TryParseTime(created, out var time))
            {
                throw new JournalCorruptedException($"{ApiKeys}: the key {sha256} has created '{created}', not in the form {JournalHash.TimeFormat}", null);
            }

            keys.Add(new StoredApiKey(sha256, reader.GetString(1), StoredApiKey.SplitList(reader.GetString(2)), StoredApiKey.SplitList(reader.GetString(3)), time, reader.GetString(5)));
        }

        return (IReadOnlyList<StoredApiKey>)keys;
    }, cancellationToken);

    public Task<bool> RevokeApiKeyAsync(string sha256, DateTimeOffset revoked, string revokedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        ArgumentNullException.ThrowIfNull(revokedBy);
        return RunAsync(async (connection, ct) => await ExecuteAsync(connection, null,
            $"INSERT INTO {Revocations} (sha256, revoked, revoked_by) VALUES (@sha256, @revoked, @revoked_by) ON CONFLICT (sha256) DO NOTHING", ct,
            ("sha256", sha256), ("revoked", JournalHash.FormatTime(revoked)), ("revoked_by", revokedBy)).ConfigureAwait(false) == 1,
            cancellationToken);
    }

    public Task<IReadOnlyList<string>> RevokedApiKeysAsync(CancellationToken cancellationToken = default) => RunAsync(async (connection, ct) =>
    {
        await using var command = Command(connection, null, $"SELECT sha256 FROM {Revocations}");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var hashes = new List<string>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            hashes.Add(reader.GetString(0));
        }

        return (IReadOnlyList<string>)hashes;
    }, cancellationToken);

    public Task PutRefusalsAsync(IReadOnlyList<StoredRefusal> refusals, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(refusals);
        return refusals.Count == 0 ? Task.CompletedTask : RunAsync(async (connection, ct) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await InsertRefusalsAsync(connection, transaction, refusals, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    public Task<StoredRefusal?> FindRefusalAsync(string commandId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commandId);
        return RunAsync(async (connection, ct) =>
        {
            await using var command = Command(connection, null, $"SELECT command_id, command, code, message, at_sequence FROM {Refusals} WHERE command_id = @command_id", ("command_id", commandId));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false)
                ? new StoredRefusal(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4))
                : null;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<string>> RefusedIdsAsync(CancellationToken cancellationToken = default) => RunAsync(async (connection, ct) =>
    {
        await using var command = Command(connection, null, $"SELECT command_id FROM {Refusals}");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var ids = new List<string>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return (IReadOnlyList<string>)ids;
    }, cancellationToken);

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            DisposeCore();
        }
        finally
        {
            _gate.Release();
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

    private protected static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
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

    /// <summary>Checks each member of a batch (<see cref="CheckCommand"/>) and that no command id appears twice.</summary>
    private static void CheckBatch(IReadOnlyList<(string CommandId, IReadOnlyList<JournalEvent> Events)> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (commandId, events) in commands)
        {
            CheckCommand(commandId, events, nameof(commands));
            if (!ids.Add(commandId))
            {
                throw new ArgumentException($"command '{commandId}' appears twice in one batch", nameof(commands));
            }
        }
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

    /// <summary>Inserts <paramref name="refusals"/> in <paramref name="transaction"/> with one prepared statement; a command id already stored is left as it is.</summary>
    private async Task InsertRefusalsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<StoredRefusal> refusals, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, transaction,
            $"INSERT INTO {Refusals} (command_id, command, code, message, at_sequence) VALUES (@command_id, @command, @code, @message, @at_sequence) ON CONFLICT (command_id) DO NOTHING",
            ("command_id", ""), ("command", ""), ("code", ""), ("message", ""), ("at_sequence", 0L));
        foreach (var r in refusals)
        {
            insert.Parameters[0].Value = r.CommandId;
            insert.Parameters[1].Value = r.Command;
            insert.Parameters[2].Value = r.Code;
            insert.Parameters[3].Value = r.Message;
            insert.Parameters[4].Value = r.AtSequence;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<IReadOnlyList<AppendResult>> AppendAllAsync(IReadOnlyList<(string CommandId, IReadOnlyList<JournalEvent> Events)> commands, IReadOnlyList<StoredRefusal> refusals, CancellationToken cancellationToken) => RunAsync(async (connection, ct) =>
    {
        await using var transaction = await BeginWriteAsync(connection, ct).ConfigureAwait(false);
        var head = await ReadHeadAsync(connection, transaction, ct).ConfigureAwait(false);
        var results = new AppendResult[commands.Count];

        // The lookup is prepared once per transaction and run once per command; the rows are written at the end, a
        // statement per RowsPerStatement rows (group commit: a batch of commands is a few statements, not a few per command).
        await using var find = FindCommandStatement(connection, transaction, "");
        var rows = new List<JournalEvent>();
        var appended = new List<(string CommandId, long First, long Last)>();
        for (var c = 0; c < commands.Count; c++)
        {
            var (commandId, events) = commands[c];
            find.Parameters[0].Value = commandId;
            var stored = await FindCommandAsync(find, commandId, ct).ConfigureAwait(false);
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

            rows.AddRange(events);
            appended.Add((commandId, first.Sequence, events[^1].Sequence));
            head = JournalHead.After(events[^1]);
            results[c] = new AppendResult(AppendStatus.Appended, events);
        }

        await InsertEventsAsync(connection, transaction, rows, ct).ConfigureAwait(false);
        await IndexCommandsAsync(connection, transaction, appended, ct).ConfigureAwait(false);
        if (refusals.Count > 0)
        {
            await InsertRefusalsAsync(connection, transaction, refusals, ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return (IReadOnlyList<AppendResult>)results;
    }, cancellationToken);

    /// <summary>
    /// Rows per multi-row statement of an append (7 parameters per event row: well under every provider's limit).
    /// SQLite finds each named parameter by a linear scan of the statement's names, so binding a statement of n
    /// parameters costs n²/2 string comparisons: at 128 rows (896 parameters) that was a sixth of the service's CPU
    /// under command load (docs/service.md, "Throughput"); 32 rows keep the statements few and the scans short.
    /// </summary>
    private const int RowsPerStatement = 32;

    /// <summary>Inserts <paramref name="events"/> with one multi-row <c>INSERT</c> per <see cref="RowsPerStatement"/> rows, calling <see cref="AfterEventInsert"/> for each.</summary>
    private async Task InsertEventsAsync(DbConnection connection, DbTransaction transaction, List<JournalEvent> events, CancellationToken cancellationToken)
    {
        for (var start = 0; start < events.Count; start += RowsPerStatement)
        {
            var chunk = events.GetRange(start, Math.Min(RowsPerStatement, events.Count - start));
            await using var insert = PositionalCommand(connection, transaction,
                $"INSERT INTO {Events} ({Columns}) VALUES {Rows(chunk.Count, 7)}",
                [.. chunk.SelectMany(e => (IEnumerable<object>)[e.Sequence, JournalHash.FormatTime(e.Time), e.Type, e.CommandId, e.Payload, e.PreviousHash.ToHex(), e.Hash.ToHex()])]);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            foreach (var e in chunk)
            {
                AfterEventInsert?.Invoke(e);
            }
        }
    }

    /// <summary>
    /// Indexes the commands just appended in <c>journal_commands</c>. The events say they are new, so a row naming one
    /// of them, or one of their sequences (together one range), is stale and goes first: the index follows the chain.
    /// </summary>
    private async Task IndexCommandsAsync(DbConnection connection, DbTransaction transaction, List<(string CommandId, long First, long Last)> appended, CancellationToken cancellationToken)
    {
        for (var start = 0; start < appended.Count; start += RowsPerStatement)
        {
            var chunk = appended.GetRange(start, Math.Min(RowsPerStatement, appended.Count - start));
            await using (var unindex = PositionalCommand(connection, transaction,
                $"DELETE FROM {Commands} WHERE first_sequence BETWEEN @p0 AND @p1 OR command_id IN ({string.Join(", ", chunk.Select((_, i) => $"@p{i + 2}"))})",
                [appended[0].First, appended[^1].Last, .. chunk.Select(a => (object)a.CommandId)]))
            {
                await unindex.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var index = PositionalCommand(connection, transaction,
                $"INSERT INTO {Commands} (command_id, first_sequence, last_sequence) VALUES {Rows(chunk.Count, 3)}",
                [.. chunk.SelectMany(a => (IEnumerable<object>)[a.CommandId, a.First, a.Last])]);
            await index.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><paramref name="count"/> rows of <paramref name="width"/> parameters, <c>(@p0, @p1), (@p2, @p3)</c>, for <see cref="PositionalCommand"/>.</summary>
    private static string Rows(int count, int width) =>
        string.Join(", ", Enumerable.Range(0, count).Select(r => "(" + string.Join(", ", Enumerable.Range(r * width, width).Select(i => $"@p{i}")) + ")"));

    /// <summary>A statement whose parameters are <c>@p0</c>, <c>@p1</c>, ... with <paramref name="values"/> in order.</summary>
    /// <remarks>
    /// The names carry their <c>@</c>: Microsoft.Data.Sqlite looks a name without a prefix up as it is, then with
    /// each of <c>@</c>, <c>$</c> and <c>:</c> (to refuse an ambiguous name), three failed scans of all the
    /// statement's parameter names for each one bound; with the prefix the first lookup finds it (Npgsql takes either).
    /// </remarks>
    private static DbCommand PositionalCommand(DbConnection connection, DbTransaction? transaction, string sql, object[] values) =>
        Command(connection, transaction, sql, [.. values.Select((v, i) => ($"@p{i}", v))]);

    private async IAsyncEnumerable<JournalEvent> ReadIterator(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var to = (await HeadAsync(cancellationToken).ConfigureAwait(false)).Sequence;
        var next = fromSequence;
        while (next <= to)
        {
            var end = Math.Min(to, next + PageSize - 1);
            var from = next;
            var page = await RunAsync((connection, ct) => ReadRangeAsync(connection, null, from, end, ct), cancellationToken).ConfigureAwait(false);
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

    private async Task<JournalHead> ReadHeadAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT sequence, hash FROM {Events} ORDER BY sequence DESC LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
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
    private async Task<IReadOnlyList<JournalEvent>?> FindCommandAsync(DbConnection connection, DbTransaction? transaction, string commandId, CancellationToken cancellationToken)
    {
        await using var command = FindCommandStatement(connection, transaction, commandId);
        return await FindCommandAsync(command, commandId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The query of <see cref="FindCommandAsync(DbConnection, DbTransaction?, string, CancellationToken)"/>, its one parameter the command id.</summary>
    private DbCommand FindCommandStatement(DbConnection connection, DbTransaction? transaction, string commandId) =>
        Command(connection, transaction, $"SELECT {Columns} FROM {Events} WHERE command_id = @command_id ORDER BY sequence", ("command_id", commandId));

    /// <summary>Runs a <see cref="FindCommandStatement"/> for <paramref name="commandId"/> and checks that the events it finds are consecutive.</summary>
    private static async Task<IReadOnlyList<JournalEvent>?> FindCommandAsync(DbCommand command, string commandId, CancellationToken cancellationToken)
    {
        var events = await ReadEventsAsync(command, 4, cancellationToken).ConfigureAwait(false);
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

    private async Task<List<JournalEvent>> ReadRangeAsync(DbConnection connection, DbTransaction? transaction, long from, long to, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction,
            $"SELECT {Columns} FROM {Events} WHERE sequence >= @from AND sequence <= @to ORDER BY sequence", ("from", from), ("to", to));
        return await ReadEventsAsync(command, (int)Math.Min(to - from + 1, PageSize), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<JournalEvent>> ReadEventsAsync(DbCommand command, int capacity, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        var events = new List<JournalEvent>(capacity);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var sequence = reader.GetInt64(0);
            var timeText = await reader.GetFieldValueAsync<string>(1, cancellationToken).ConfigureAwait(false);
            var type = await reader.GetFieldValueAsync<string>(2, cancellationToken).ConfigureAwait(false);
            var commandId = await reader.GetFieldValueAsync<string>(3, cancellationToken).ConfigureAwait(false);
            var payload = await reader.GetFieldValueAsync<string>(4, cancellationToken).ConfigureAwait(false);
            var previous = ParseHash(sequence, await reader.GetFieldValueAsync<string>(5, cancellationToken).ConfigureAwait(false), "previous_hash");
            var hash = ParseHash(sequence, await reader.GetFieldValueAsync<string>(6, cancellationToken).ConfigureAwait(false), "hash");
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

    /// <summary>Runs one operation on a connection, one at a time per instance, translating the provider's errors.</summary>
    private async Task<T> RunAsync<T>(Func<DbConnection, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var connection = await AcquireAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await operation(connection, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await ReleaseAsync(connection).ConfigureAwait(false);
            }
        }
        catch (DbException e)
        {
            throw Translate(e);
        }
        finally
        {
            _gate.Release();
        }
    }
}
