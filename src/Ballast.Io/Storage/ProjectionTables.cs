using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ballast.Protocol.Journal;

namespace Ballast.Io.Storage;

/// <summary>One stored projection row: a point of a vault's series (<paramref name="Series"/> names which), as JSON.</summary>
public sealed record ProjectionRow(string Series, string Vault, long Sequence, string Json)
{
    /// <summary>SHA-256 of the row's fields (NUL-separated), the unit of <see cref="ProjectionTables.Digest"/>.</summary>
    public byte[] Hash() => SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join('\0', Series, Vault, Sequence.ToString(CultureInfo.InvariantCulture), Json)));
}

/// <summary>
/// How far the stored projection goes: through the journal event <paramref name="Through"/> (sequence and hash), and
/// the digest and number of all its rows then (a row deleted, altered or added since shows as a mismatch).
/// </summary>
public sealed record ProjectionCheckpoint(JournalHead Through, string RowsDigest, long Rows);

/// <summary>
/// The read model's tables beside the journal's, in the same database (SQLite file or PostgreSQL schema), written and
/// read on the store's own connection (the projector's store instance, not the writer's):
/// <c>projection_checkpoints(name primary key, through_sequence, through_hash, rows_digest, row_count)</c> and
/// <c>projection_series(series, vault, sequence, json)</c> keyed by (series, vault, sequence), append-only. A save
/// writes the new rows and the checkpoint in one transaction, so the checkpoint always describes the rows. The tables
/// are created on first use and are outside the hash chain: they are derived from the journal and can be dropped and
/// rebuilt (<see cref="ClearAsync"/>). On SQLite a save takes the database's write lock for its short transaction;
/// readers (WAL) never wait. On PostgreSQL it does not take the journal's lock.
/// </summary>
public sealed class ProjectionTables
{
    private const string Name = "read-model";

    private readonly DbJournalStore _store;
    private readonly string _checkpoints;
    private readonly string _series;
    private bool _created;

    private ProjectionTables(DbJournalStore store)
    {
        _store = store;
        _checkpoints = store.TablePrefix + "projection_checkpoints";
        _series = store.TablePrefix + "projection_series";
    }

    /// <summary>The projection tables of <paramref name="store"/>'s database, or null for a store that is not a database (e.g. a file journal).</summary>
    public static ProjectionTables? Of(IJournalStore store) => store is DbJournalStore db ? new ProjectionTables(db) : null;

    /// <summary>The order-independent digest of <paramref name="rows"/>: the XOR of each row's SHA-256, lowercase hex.</summary>
    public static string Digest(IEnumerable<ProjectionRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var digest = new byte[32];
        foreach (var row in rows)
        {
            Fold(digest, row);
        }

        return Convert.ToHexStringLower(digest);
    }

    /// <summary>XORs <paramref name="row"/>'s hash into <paramref name="digest"/> (32 bytes).</summary>
    public static void Fold(byte[] digest, ProjectionRow row)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(row);
        var hash = row.Hash();
        for (var i = 0; i < digest.Length; i++)
        {
            digest[i] ^= hash[i];
        }
    }

    /// <summary>The stored checkpoint, or null when nothing was saved (or the tables were cleared).</summary>
    public Task<ProjectionCheckpoint?> CheckpointAsync(CancellationToken cancellationToken = default) => RunAsync(async (connection, ct) =>
    {
        await using var command = Command(connection, null, $"SELECT through_sequence, through_hash, rows_digest, row_count FROM {_checkpoints} WHERE name = @name", ("name", Name));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            return null;
        }

        var hash = Ballast.Hashing.Sha256Digest.TryParse(reader.GetString(1), out var parsed) ? parsed : default;
        return new ProjectionCheckpoint(new JournalHead(reader.GetInt64(0), hash), reader.GetString(2), reader.GetInt64(3));
    }, cancellationToken);

    /// <summary>Every stored row, ordered by series, vault and sequence.</summary>
    public Task<IReadOnlyList<ProjectionRow>> RowsAsync(CancellationToken cancellationToken = default) => RunAsync(async (connection, ct) =>
    {
        await using var command = Command(connection, null, $"SELECT series, vault, sequence, json FROM {_series} ORDER BY series, vault, sequence");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<ProjectionRow>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(new ProjectionRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)));
        }

        return (IReadOnlyList<ProjectionRow>)rows;
    }, cancellationToken);

    /// <summary>Adds <paramref name="rows"/> and sets the checkpoint to <paramref name="checkpoint"/>, in one transaction.</summary>
    public Task SaveAsync(ProjectionCheckpoint checkpoint, IReadOnlyList<ProjectionRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(rows);
        return RunAsync(async (connection, ct) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var upsert = Command(connection, transaction,
                $"INSERT INTO {_checkpoints} (name, through_sequence, through_hash, rows_digest, row_count) VALUES (@name, @sequence, @hash, @digest, @rows) " +
                "ON CONFLICT (name) DO UPDATE SET through_sequence = excluded.through_sequence, through_hash = excluded.through_hash, rows_digest = excluded.rows_digest, row_count = excluded.row_count",
                ("name", Name), ("sequence", checkpoint.Through.Sequence), ("hash", checkpoint.Through.Hash.ToHex()), ("digest", checkpoint.RowsDigest), ("rows", checkpoint.Rows)))
            {
                await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            foreach (var row in rows)
            {
                await using var insert = Command(connection, transaction, $"INSERT INTO {_series} (series, vault, sequence, json) VALUES (@series, @vault, @sequence, @json)",
                    ("series", row.Series), ("vault", row.Vault), ("sequence", row.Sequence), ("json", row.Json));
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>Deletes every row and the checkpoint (a rebuild starts from nothing).</summary>
    public Task ClearAsync(CancellationToken cancellationToken = default) => RunAsync(async (connection, ct) =>
    {
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        foreach (var table in new[] { _series, _checkpoints })
        {
            await using var delete = Command(connection, transaction, $"DELETE FROM {table}");
            await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }, cancellationToken);

    private Task<T> RunAsync<T>(Func<DbConnection, CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        _store.RunOnConnectionAsync(async (connection, ct) =>
        {
            if (!_created)
            {
                await using var create = Command(connection, null,
                    $"CREATE TABLE IF NOT EXISTS {_checkpoints} (name TEXT PRIMARY KEY, through_sequence BIGINT NOT NULL, through_hash TEXT NOT NULL, rows_digest TEXT NOT NULL, row_count BIGINT NOT NULL); " +
                    $"CREATE TABLE IF NOT EXISTS {_series} (series TEXT NOT NULL, vault TEXT NOT NULL, sequence BIGINT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (series, vault, sequence))");
                await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                _created = true;
            }

            return await operation(connection, ct).ConfigureAwait(false);
        }, cancellationToken);

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters) =>
        DbJournalStore.Command(connection, transaction, sql, parameters);
}
