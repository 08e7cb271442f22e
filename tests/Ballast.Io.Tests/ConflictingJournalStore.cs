using Ballast.Protocol.Journal;
using Ballast.Tests;

namespace Ballast.Io.Tests;

/// <summary>
/// A journal store that loses the race for its next <see cref="Conflicts"/> writes: before each, another writer
/// (<paramref name="rival"/>, e.g. a second sequencer on the inner store) appends first, then the write fails with
/// the conflict the real store reports when its events no longer continue the head; without a rival it fails as if
/// another writer held the lock. Everything else goes to the inner store.
/// </summary>
/// <param name="inner">The real store.</param>
/// <param name="rival">What the other writer does before the n-th lost race (0-based), or null.</param>
internal sealed class ConflictingJournalStore(IJournalStore inner, Func<int, CancellationToken, Task>? rival = null) : DelegatingJournalStore(inner)
{
    /// <summary>How many of the next writes lose the race.</summary>
    public int Conflicts { get; set; }

    /// <summary>How many writes lost so far.</summary>
    public int Lost { get; private set; }

    /// <summary>Writes that lose only from this many successful writes on (e.g. in the middle of a simulation).</summary>
    public int AfterWrites { get; set; }

    private int _written;

    public override async Task<AppendResult> AppendAsync(string commandId, IReadOnlyList<JournalEvent> events, CancellationToken cancellationToken = default)
    {
        await LoseAsync(cancellationToken).ConfigureAwait(false);
        var result = await Inner.AppendAsync(commandId, events, cancellationToken).ConfigureAwait(false);
        _written++;
        return result;
    }

    public override async Task<IReadOnlyList<AppendResult>> AppendBatchAsync(IReadOnlyList<(string CommandId, IReadOnlyList<JournalEvent> Events)> commands, CancellationToken cancellationToken = default)
    {
        await LoseAsync(cancellationToken).ConfigureAwait(false);
        var result = await Inner.AppendBatchAsync(commands, cancellationToken).ConfigureAwait(false);
        _written++;
        return result;
    }

    private async Task LoseAsync(CancellationToken cancellationToken)
    {
        if (_written < AfterWrites || Lost >= Conflicts)
        {
            return;
        }

        var lost = Lost++;
        if (rival is not null)
        {
            var before = await Inner.HeadAsync(cancellationToken).ConfigureAwait(false);
            await rival(lost, cancellationToken).ConfigureAwait(false);
            throw new JournalConcurrencyException("(the losing writer's command)", await Inner.HeadAsync(cancellationToken).ConfigureAwait(false), before.Sequence + 1, before.Hash);
        }

        throw new JournalConflictException("the journal is locked by another writer (injected); nothing was written");
    }
}
