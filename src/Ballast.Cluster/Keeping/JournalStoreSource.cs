using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Ballast.Protocol.Journal;

namespace Ballast.Cluster.Keeping;

/// <summary>
/// Reads deployments' journals through <see cref="IJournalStore"/>s opened on demand by <paramref name="open"/> (a
/// store of its own for reading, beside the sequencer's). A store is not for concurrent use, so each deployment's
/// reads take turns.
/// </summary>
public sealed class JournalStoreSource(Func<string, IJournalStore> open) : IKeeperJournalSource, IDisposable
{
    private readonly Func<string, IJournalStore> _open = open ?? throw new ArgumentNullException(nameof(open));
    private readonly ConcurrentDictionary<string, (IJournalStore Store, SemaphoreSlim Turn)> _stores = new(StringComparer.Ordinal);
    private readonly Lock _opening = new();

    /// <inheritdoc/>
    public async Task<JournalHead> HeadAsync(string deployment, CancellationToken cancellationToken = default)
    {
        var (store, turn) = Store(deployment);
        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await store.HeadAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            turn.Release();
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<JournalEvent> ReadAsync(string deployment, long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (store, turn) = Store(deployment);
        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var e in store.ReadAsync(fromSequence, cancellationToken).ConfigureAwait(false))
            {
                yield return e;
            }
        }
        finally
        {
            turn.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var (store, turn) in _stores.Values)
        {
            store.Dispose();
            turn.Dispose();
        }

        _stores.Clear();
    }

    private (IJournalStore Store, SemaphoreSlim Turn) Store(string deployment)
    {
        if (_stores.TryGetValue(deployment, out var found))
        {
            return found;
        }

        lock (_opening)
        {
            return _stores.GetOrAdd(deployment, d => (_open(d), new SemaphoreSlim(1, 1)));
        }
    }
}
