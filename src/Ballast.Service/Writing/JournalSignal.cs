using Ballast.Protocol;
using Ballast.Protocol.Journal;

namespace Ballast.Service.Writing;

/// <summary>One journal event the writer committed, handed to the projector with the protocol event it encodes (so it is not read back and parsed again).</summary>
/// <param name="Event">The journal event, as committed.</param>
/// <param name="Decoded">The protocol event its payload encodes (the one the sequencer decided and serialised).</param>
public sealed record CommittedEvent(JournalEvent Event, ProtocolEvent Decoded);

/// <summary>
/// A head that only moves forward, and a way to wait until it passes a sequence: the writer raises it after each
/// committed batch (the projection follows), the projection after each published read model (streams follow).
/// The writer may hand the batch's committed events along (<see cref="Raise(long, IReadOnlyList{CommittedEvent})"/>),
/// so the projection need not read them back from the database; the hand-off is bounded (<see cref="MaxHandOff"/>
/// events: beyond it the oldest are dropped, and the taker finds a gap and reads the journal instead).
/// </summary>
public sealed class JournalSignal
{
    /// <summary>The most committed events kept for the taker; more and the buffer is cleared.</summary>
    public const int MaxHandOff = 65_536;

    private readonly Lock _gate = new();
    private TaskCompletionSource _moved = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<CommittedEvent> _handOff = [];
    private long _sequence;

    /// <summary>The last sequence raised.</summary>
    public long Sequence => Volatile.Read(ref _sequence);

    /// <summary>Moves the head to <paramref name="sequence"/> (ignored when not beyond it) and wakes every waiter.</summary>
    public void Raise(long sequence) => Raise(sequence, []);

    /// <summary>
    /// Moves the head to <paramref name="sequence"/> (ignored when not beyond it), keeps <paramref name="committed"/>
    /// (the events committed up to it, in journal order) for <see cref="TakeCommitted"/>, and wakes every waiter.
    /// </summary>
    public void Raise(long sequence, IReadOnlyList<CommittedEvent> committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        TaskCompletionSource moved;
        lock (_gate)
        {
            if (sequence <= _sequence)
            {
                return;
            }

            if (_handOff.Count + committed.Count > MaxHandOff)
            {
                _handOff.Clear(); // nobody takes them fast enough: the taker reads the journal instead
            }

            if (committed.Count <= MaxHandOff)
            {
                _handOff.AddRange(committed);
            }

            Volatile.Write(ref _sequence, sequence);
            moved = _moved;
            _moved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        moved.SetResult();
    }

    /// <summary>
    /// The committed events handed over since the last call (in journal order; possibly with gaps, or none) and the
    /// head raised with them, taken together.
    /// </summary>
    public (IReadOnlyList<CommittedEvent> Events, long Sequence) TakeCommitted()
    {
        lock (_gate)
        {
            var events = _handOff;
            _handOff = [];
            return (events, _sequence);
        }
    }

    /// <summary>Completes when the head is beyond <paramref name="sequence"/>.</summary>
    public async Task WaitBeyondAsync(long sequence, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task moved;
            lock (_gate)
            {
                if (_sequence > sequence)
                {
                    return;
                }

                moved = _moved.Task;
            }

            await moved.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
