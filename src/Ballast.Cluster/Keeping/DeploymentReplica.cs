using Ballast.Protocol;
using Ballast.Protocol.Journal;
using Ballast.Service.Keeping;

namespace Ballast.Cluster.Keeping;

/// <summary>
/// One silo's read-only copy of a deployment's protocol state, for the keeper: the journal's events applied in order
/// (<see cref="ProtocolEngine.Apply"/>, as the sequencer rebuilds its state), brought forward on demand to the head a
/// keeper tick names. Every vault grain on the silo decides on it, concurrently (deciding never changes a state),
/// while catching up takes the write side alone. It holds what the journal holds and nothing else, so a vault grain
/// moved or restarted decides the same on any silo.
/// </summary>
public sealed class DeploymentReplica : IDisposable
{
    private readonly string _deployment;
    private readonly IKeeperJournalSource _source;
    private readonly ProtocolEngine _engine;
    private readonly ProtocolState _state = new();
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly SemaphoreSlim _catchingUp = new(1, 1);
    private JournalHead _head;

    /// <summary>A replica of <paramref name="deployment"/>'s journal read from <paramref name="source"/>, deciding with <paramref name="compiler"/>'s policies.</summary>
    public DeploymentReplica(string deployment, IKeeperJournalSource source, IPolicyCompiler compiler)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(compiler);
        _deployment = deployment;
        _source = source;
        _engine = new ProtocolEngine(compiler);
    }

    /// <summary>The last journal event applied.</summary>
    public JournalHead Head => Read((_, head) => head);

    /// <summary>
    /// Applies the journal's events up to <paramref name="through"/> at least (every committed event when it is
    /// beyond the journal's head), checking that each continues the chain; returns the head reached. Nothing is read
    /// when the replica is there already.
    /// </summary>
    /// <exception cref="JournalCorruptedException">An event does not continue the replica's head.</exception>
    public async Task<JournalHead> CatchUpAsync(long through, CancellationToken cancellationToken = default)
    {
        var head = Head;
        if (head.Sequence >= through)
        {
            return head;
        }

        await _catchingUp.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            head = Head;
            if (head.Sequence >= through)
            {
                return head;
            }

            var events = new List<JournalEvent>();
            await foreach (var e in _source.ReadAsync(_deployment, head.Sequence + 1, cancellationToken).ConfigureAwait(false))
            {
                events.Add(e);
                if (e.Sequence >= through)
                {
                    break;
                }
            }

            _lock.EnterWriteLock();
            try
            {
                foreach (var e in events)
                {
                    if (e.Sequence != _head.Sequence + 1 || (!_head.IsEmpty && e.PreviousHash != _head.Hash))
                    {
                        throw new JournalCorruptedException(e.Sequence, $"event {e.Sequence} does not continue the keeper replica's head {_head} of deployment '{_deployment}'");
                    }

                    _engine.Apply(_state, EventTypes.Parse(e.Type, e.Payload), e.Time);
                    _head = JournalHead.After(e);
                }

                return _head;
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
        finally
        {
            _catchingUp.Release();
        }
    }

    /// <summary>Runs <paramref name="read"/> on the state and its head while nothing is applied (any number of readers at once).</summary>
    public T Read<T>(Func<ProtocolState, JournalHead, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        _lock.EnterReadLock();
        try
        {
            return read(_state, _head);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// What a keeper's rebalance call on <paramref name="vault"/> would do at <paramref name="now"/> on the state as it
    /// is: the engine's own decision (<see cref="ProtocolEngine.Decide"/>, the policy step on the vault's NAV rows and
    /// the holdings the journal gives it), and the head it was decided at.
    /// </summary>
    public (CommandOutcome Outcome, JournalHead At) DecideRebalance(VaultId vault, DateTimeOffset now) =>
        Read((state, head) => (_engine.Decide(state, new RebalanceCommand($"keeper-probe-{head.Sequence}-{vault}", KeeperService.Account, vault), now), head));

    /// <inheritdoc/>
    public void Dispose()
    {
        _lock.Dispose();
        _catchingUp.Dispose();
    }
}
