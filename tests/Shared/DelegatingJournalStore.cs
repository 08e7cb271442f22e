using Ballast.Protocol.Journal;

namespace Ballast.Tests;

/// <summary>
/// A journal store that passes every call to <paramref name="inner"/>: test stores that alter a few calls (lose a
/// race, wait at a gate) derive from it and override those. Compiled into the test projects that use it
/// (tests/Shared).
/// </summary>
/// <param name="inner">The real store; disposed with this one.</param>
internal abstract class DelegatingJournalStore(IJournalStore inner) : IJournalStore
{
    /// <summary>The real store.</summary>
    protected IJournalStore Inner { get; } = inner;

    public virtual Task<JournalHead> HeadAsync(CancellationToken cancellationToken = default) => Inner.HeadAsync(cancellationToken);

    public virtual Task<AppendResult> AppendAsync(string commandId, IReadOnlyList<JournalEvent> events, CancellationToken cancellationToken = default) => Inner.AppendAsync(commandId, events, cancellationToken);

    public virtual Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<(string CommandId, IReadOnlyList<JournalEvent> Events)> commands, CancellationToken cancellationToken = default) => Inner.AppendBatchAsync(commands, cancellationToken);

    public virtual IAsyncEnumerable<JournalEvent> ReadAsync(long fromSequence = 1, CancellationToken cancellationToken = default) => Inner.ReadAsync(fromSequence, cancellationToken);

    public virtual Task<IReadOnlyList<JournalEvent>?> FindCommandAsync(string commandId, CancellationToken cancellationToken = default) => Inner.FindCommandAsync(commandId, cancellationToken);

    public virtual Task SaveSnapshotAsync(long sequence, string stateJson, CancellationToken cancellationToken = default) => Inner.SaveSnapshotAsync(sequence, stateJson, cancellationToken);

    public virtual Task<JournalSnapshot?> LatestSnapshotAsync(CancellationToken cancellationToken = default) => Inner.LatestSnapshotAsync(cancellationToken);

    public virtual Task<bool> PutBlobAsync(string sha256Hex, string text, CancellationToken cancellationToken = default) => Inner.PutBlobAsync(sha256Hex, text, cancellationToken);

    public virtual Task<string?> GetBlobAsync(string sha256Hex, CancellationToken cancellationToken = default) => Inner.GetBlobAsync(sha256Hex, cancellationToken);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the real store.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
        }
    }
}
