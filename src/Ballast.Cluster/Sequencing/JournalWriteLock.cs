using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Ballast.Cluster.Sequencing;

/// <summary>
/// A journal's write lock: a session-level PostgreSQL advisory lock, held on a connection of its own for as long as
/// the sequencer that took it may write. The server releases it when that session ends (the holder disposes it, its
/// process dies and the socket closes, or the server stops seeing the client: TCP keepalive), so a lock that is not
/// given back is not held for ever. Two holders cannot exist: <c>pg_try_advisory_lock</c> grants it to one session.
/// </summary>
public sealed class JournalWriteLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _lost;

    private JournalWriteLock(NpgsqlConnection connection, long key, int backendPid)
    {
        _connection = connection;
        Key = key;
        BackendPid = backendPid;
    }

    /// <summary>The advisory lock's 64-bit key (<see cref="KeyOf"/>).</summary>
    public long Key { get; }

    /// <summary>The server process of the session holding the lock (as <c>pg_locks.pid</c> shows it).</summary>
    public int BackendPid { get; }

    /// <summary>
    /// How long <see cref="IsHeldAsync"/> waits for the server's answer before it counts the lock as lost (5 s): a
    /// silo cut off from the database would otherwise wait for the connection's command timeout (30 s) and its
    /// cancellation, check after check, while the server may have released the lock to another session.
    /// </summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The lock key of the journal in <paramref name="schema"/> of <paramref name="database"/>: the first 8 bytes of the
    /// SHA-256 of <c>ballast.journal/DATABASE/SCHEMA</c>, so distinct journals do not share a lock (a collision is
    /// 1 in 2^64) and every silo computes the same key.
    /// </summary>
    public static long KeyOf(string database, string schema)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"ballast.journal/{database}/{schema}"));
        return BitConverter.ToInt64(digest, 0);
    }

    /// <summary>
    /// Tries to take the write lock of the journal in <paramref name="schema"/> of the database that
    /// <paramref name="connectionString"/> reaches, on a new session, again every <paramref name="retryEvery"/> until
    /// <paramref name="wait"/> has passed (a dead holder's session may take a moment to end); null when another session
    /// holds it all that time. The key is <see cref="KeyOf"/> the database the server says the session is in
    /// (<c>current_database()</c>), not the connection string's spelling of it: a string that leaves the database out
    /// (PostgreSQL then takes the user's name) and one that names it reach one journal and must take one lock.
    /// </summary>
    public static async Task<JournalWriteLock?> TryAcquireAsync(string connectionString, string schema, TimeSpan wait, TimeSpan retryEvery, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // The lock's session must not be pooled (a pooled session outlives Dispose, and the lock with it), and a
            // silent server must be noticed: keepalives both ways.
            Pooling = false,
            KeepAlive = 5,
            TcpKeepAlive = true,
            TcpKeepAliveTime = 5,
            TcpKeepAliveInterval = 1,
            ApplicationName = "ballast-sequencer",
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            long key;
            await using (var database = new NpgsqlCommand("SELECT current_database()", connection))
            {
                key = KeyOf((string)(await database.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!, schema);
            }

            var deadline = clock.GetUtcNow() + wait;
            while (true)
            {
                await using (var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key), pg_backend_pid()", connection))
                {
                    command.Parameters.AddWithValue("key", key);
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    if (reader.GetBoolean(0))
                    {
                        var pid = reader.GetInt32(1);
                        return new JournalWriteLock(connection, key, pid);
                    }
                }

                if (clock.GetUtcNow() >= deadline)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    return null;
                }

                await Task.Delay(retryEvery, clock, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Whether this session still holds the lock, asked of the server on the lock's own connection; false when the
    /// connection is gone (the server has released the lock, or will when it notices) or the server does not answer
    /// within <see cref="CheckTimeout"/>. Once false, false for good: a lock found lost is never trusted again, and
    /// the checks queued behind the one that found it answer at once.
    /// </summary>
    public async Task<bool> IsHeldAsync(CancellationToken cancellationToken)
    {
        if (_lost)
        {
            return false;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_lost)
            {
                return false;
            }

            await using var command = new NpgsqlCommand(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid() AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = @key)",
                _connection);
            command.Parameters.AddWithValue("key", Key);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CheckTimeout);
            // WaitAsync as well: cancelling a command sends a cancel request to the server, which a cut network holds too.
            var held = await command.ExecuteScalarAsync(timeout.Token).WaitAsync(CheckTimeout, cancellationToken).ConfigureAwait(false) is true;
            _lost = !held;
            return held;
        }
#pragma warning disable CA1031 // any failure of the lock's session means the lock can no longer be trusted
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
#pragma warning restore CA1031
        {
            _lost = true;
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Releases the lock by ending its session.</summary>
    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
