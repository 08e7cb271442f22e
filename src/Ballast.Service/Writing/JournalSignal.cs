namespace Ballast.Service.Writing;

/// <summary>
/// A head that only moves forward, and a way to wait until it passes a sequence: the writer raises it after each
/// committed batch (the projection follows), the projection after each published read model (streams follow).
/// </summary>
public sealed class JournalSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _moved = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sequence;

    /// <summary>The last sequence raised.</summary>
    public long Sequence => Volatile.Read(ref _sequence);

    /// <summary>Moves the head to <paramref name="sequence"/> (ignored when not beyond it) and wakes every waiter.</summary>
    public void Raise(long sequence)
    {
        TaskCompletionSource moved;
        lock (_gate)
        {
            if (sequence <= _sequence)
            {
                return;
            }

            Volatile.Write(ref _sequence, sequence);
            moved = _moved;
            _moved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        moved.SetResult();
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
