using Ballast.Hashing;

namespace Ballast.Protocol.Journal;

/// <summary>Whether an append wrote its events.</summary>
public enum AppendStatus
{
    /// <summary>The events were written and committed.</summary>
    Appended,

    /// <summary>The command id was already in the journal: nothing was written; the stored events are returned.</summary>
    AlreadyApplied,
}

/// <summary>The outcome of appending one command.</summary>
/// <param name="Status">Whether the events were written now or had been before.</param>
/// <param name="Events">The events as stored: the ones given when appended, the original ones when already applied.</param>
public sealed record AppendResult(AppendStatus Status, IReadOnlyList<JournalEvent> Events)
{
    /// <summary>Whether this command had already been applied (an idempotent retry).</summary>
    public bool AlreadyApplied => Status == AppendStatus.AlreadyApplied;
}

/// <summary>A saved state: the result of replaying the journal up to and including <see cref="Sequence"/>.</summary>
/// <param name="Sequence">The last event the state includes.</param>
/// <param name="Hash">That event's hash, so replay from the snapshot can verify the chain onwards.</param>
/// <param name="StateJson">The state, as the caller wrote it.</param>
public sealed record JournalSnapshot(long Sequence, Sha256Digest Hash, string StateJson)
{
    /// <summary>The head the events after the snapshot continue.</summary>
    public JournalHead Head => new(Sequence, Hash);
}

/// <summary>
/// Durable storage of one hash-chained journal, plus snapshots and content-addressed blobs. Implementations:
/// <c>Ballast.Io.Storage.SqliteJournalStore</c> and <c>PostgresJournalStore</c>, both held to one contract test
/// suite. Every write is one transaction: after a crash a command's events are all there or none are. Every member
/// is asynchronous and takes a <see cref="CancellationToken"/>; a cancelled write writes nothing. Failures of the
/// database are translated at this boundary into <see cref="JournalStoreException"/> and its subclasses, which say
/// whether retrying can help (<see cref="JournalStoreException.IsTransient"/>).
/// Not meant for concurrent use of one instance from several threads without the caller's own ordering; two
/// instances (or processes) on one store are serialised by the store.
/// </summary>
public interface IJournalStore : IDisposable
{
    /// <summary>The last committed event's sequence and hash, or <see cref="JournalHead.Empty"/>.</summary>
    Task<JournalHead> HeadAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends one command's events in one transaction. If <paramref name="commandId"/> is already in the journal,
    /// writes nothing and returns <see cref="AppendStatus.AlreadyApplied"/> with the stored events. Otherwise the
    /// events must all carry <paramref name="commandId"/>, be chained among themselves (sequence, previous hash,
    /// hash), and the first must continue the head as found inside the transaction.
    /// </summary>
    /// <exception cref="ArgumentException">No events, another command id on an event, or events not chained among themselves.</exception>
    /// <exception cref="JournalConcurrencyException">The first event does not continue the head; nothing was written.</exception>
    Task<AppendResult> AppendAsync(string commandId, IReadOnlyList<JournalEvent> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends several commands in one transaction (group commit): each member as <see cref="AppendAsync"/>, the
    /// events of each appended member continuing the one before. If any member fails, nothing of the batch is
    /// written. Command ids within a batch must differ.
    /// </summary>
    Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<(string CommandId, IReadOnlyList<JournalEvent> Events)> commands, CancellationToken cancellationToken = default);

    /// <summary>
    /// The committed events from <paramref name="fromSequence"/> up to the head as of the first
    /// <c>MoveNextAsync</c>, in order, fetched page by page (memory does not grow with the journal). Every sequence in
    /// that range must be present.
    /// </summary>
    /// <exception cref="JournalCorruptedException">A row is not in the form the store writes, or an event in the range is missing (the first missing sequence is named).</exception>
    IAsyncEnumerable<JournalEvent> ReadAsync(long fromSequence = 1, CancellationToken cancellationToken = default);

    /// <summary>
    /// The events <paramref name="commandId"/> produced, in order, or null if it was never applied; looked up in the
    /// chained events, not in an index outside the chain.
    /// </summary>
    /// <exception cref="JournalCorruptedException">The command's events are not consecutive (its id appears twice, or one is missing).</exception>
    Task<IReadOnlyList<JournalEvent>?> FindCommandAsync(string commandId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves the state after replaying up to <paramref name="sequence"/> (1..head). A later save at the same
    /// sequence replaces it: a snapshot is a cache, rebuilt by replay.
    /// </summary>
    Task SaveSnapshotAsync(long sequence, string stateJson, CancellationToken cancellationToken = default);

    /// <summary>The snapshot with the highest sequence, or null.</summary>
    Task<JournalSnapshot?> LatestSnapshotAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="text"/> under its SHA-256 (of its UTF-8 bytes, lowercase hex), once: putting the same
    /// text again changes nothing. Returns whether it was new.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="sha256Hex"/> is not the SHA-256 of <paramref name="text"/>.</exception>
    Task<bool> PutBlobAsync(string sha256Hex, string text, CancellationToken cancellationToken = default);

    /// <summary>The text stored under <paramref name="sha256Hex"/>, or null.</summary>
    Task<string?> GetBlobAsync(string sha256Hex, CancellationToken cancellationToken = default);
}
