using Ballast.Io.Storage;
using Ballast.Protocol.Journal;

namespace Ballast.Cluster.Sequencing;

/// <summary>
/// Refused because this sequencer may no longer write: it lost the journal's write lock, or found the journal's head
/// moved by another writer. Transient for the caller (send the command again, with the same key: another activation
/// will take it), final for this sequencer.
/// </summary>
public sealed class SequencerFencedException(string message, Exception? innerException = null)
    : JournalStoreException(message, isTransient: true, innerException);

/// <summary>
/// The journal as a cluster sequencer writes it: every append first asks the server whether the sequencer's
/// <see cref="JournalWriteLock"/> is still held, and the store's own head check (the append's first event must follow
/// the stored head) stays the second guard. Once either fails the store is fenced: that append and every later one
/// throw <see cref="SequencerFencedException"/>, and the sequencer is to stop. Reads pass through.
/// </summary>
internal sealed class FencedJournalStore(DbJournalStore inner, JournalWriteLock writeLock) : IJournalStore, IRefusalStore
{
    private readonly TaskCompletionSource<string> _fencing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _fenced;

    /// <summary>Why the store is fenced, or null while it may write.</summary>
    public string? FencedBecause => _fenced;

    /// <summary>Completes, with the reason, when the store is fenced.</summary>
    public Task<string> Fencing => _fencing.Task;

    /// <summary>Fences the store: no append from now on.</summary>
    public void Fence(string reason)
    {
        _fenced ??= reason;
        _fencing.TrySetResult(_fenced);
    }

    public Task<JournalHead> HeadAsync(CancellationToken cancellationToken = default) => inner.HeadAsync(cancellationToken);

    public Task<AppendResult> AppendAsync(string commandId, IReadOnlyList<JournalEvent> events, CancellationToken cancellationToken = default) =>
        GuardedAsync(() => inner.AppendAsync(commandId, events, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<(string CommandId, IReadOnlyList<JournalEvent> Events)> commands, CancellationToken cancellationToken = default) =>
        GuardedAsync(() => inner.AppendBatchAsync(commands, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<(string CommandId, IReadOnlyList<JournalEvent> Events)> commands, IReadOnlyList<StoredRefusal> refusals, CancellationToken cancellationToken = default) =>
        GuardedAsync(() => inner.AppendBatchAsync(commands, refusals, cancellationToken), cancellationToken);

    public IAsyncEnumerable<JournalEvent> ReadAsync(long fromSequence = 1, CancellationToken cancellationToken = default) => inner.ReadAsync(fromSequence, cancellationToken);

    public Task<IReadOnlyList<JournalEvent>?> FindCommandAsync(string commandId, CancellationToken cancellationToken = default) => inner.FindCommandAsync(commandId, cancellationToken);

    public Task SaveSnapshotAsync(long sequence, string stateJson, CancellationToken cancellationToken = default) =>
        GuardedAsync(async () =>
        {
            await inner.SaveSnapshotAsync(sequence, stateJson, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<JournalSnapshot?> LatestSnapshotAsync(CancellationToken cancellationToken = default) => inner.LatestSnapshotAsync(cancellationToken);

    public Task<bool> PutBlobAsync(string sha256Hex, string text, CancellationToken cancellationToken = default) => inner.PutBlobAsync(sha256Hex, text, cancellationToken);

    public Task<string?> GetBlobAsync(string sha256Hex, CancellationToken cancellationToken = default) => inner.GetBlobAsync(sha256Hex, cancellationToken);

    public Task PutRefusalsAsync(IReadOnlyList<StoredRefusal> refusals, CancellationToken cancellationToken = default) =>
        GuardedAsync(async () =>
        {
            await inner.PutRefusalsAsync(refusals, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<StoredRefusal?> FindRefusalAsync(string commandId, CancellationToken cancellationToken = default) => inner.FindRefusalAsync(commandId, cancellationToken);

    public Task<IReadOnlyList<string>> RefusedIdsAsync(CancellationToken cancellationToken = default) => inner.RefusedIdsAsync(cancellationToken);

    public void Dispose() => inner.Dispose();

    /// <summary>Runs a write if the store is not fenced and the lock is still held; fences the store when the write finds the head moved.</summary>
    private async Task<T> GuardedAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken)
    {
        if (_fenced is null && !await writeLock.IsHeldAsync(cancellationToken).ConfigureAwait(false))
        {
            Fence("the journal's write lock is no longer held (its PostgreSQL session ended)");
        }

        if (_fenced is { } reason)
        {
            throw new SequencerFencedException($"this sequencer may no longer write: {reason}; nothing was written, send the command again with the same key");
        }

        try
        {
            return await write().ConfigureAwait(false);
        }
        catch (JournalConflictException e)
        {
            Fence($"another writer moved the journal's head ({e.Message})");
            throw new SequencerFencedException($"this sequencer may no longer write: another writer moved the journal's head; nothing was written, send the command again with the same key", e);
        }
    }
}
