namespace Ballast.Cluster.Sweeps;

/// <summary>
/// Batches finish in any order; their runs must reach the consumer in policy order. Finished batches wait here until
/// every batch before them has been delivered; one thread at a time delivers, in index order. The dispatcher bounds how
/// many batches are in flight or waiting, so what waits here is bounded too.
/// </summary>
/// <typeparam name="T">A finished batch.</typeparam>
public sealed class BatchReorderBuffer<T>(Action<int, T> deliver)
{
    private readonly Dictionary<int, T> _waiting = [];
    private readonly object _gate = new();
    private int _next;
    private bool _delivering;

    /// <summary>The most batches that ever waited at once.</summary>
    public int MaxWaiting { get; private set; }

    /// <summary>Batches delivered so far (0 .. that count − 1).</summary>
    public int Delivered
    {
        get
        {
            lock (_gate)
            {
                return _next;
            }
        }
    }

    /// <summary>
    /// Batch <paramref name="index"/> is done. If it is the next one, this thread delivers it and every waiting batch
    /// after it (unless another thread is delivering: that one will). Returns how many batches this call delivered.
    /// </summary>
    public int Complete(int index, T batch)
    {
        lock (_gate)
        {
            if (index < _next || !_waiting.TryAdd(index, batch))
            {
                throw new InvalidOperationException($"batch {index} completed twice");
            }

            MaxWaiting = Math.Max(MaxWaiting, _waiting.Count);
            if (_delivering)
            {
                return 0;
            }

            _delivering = true;
        }

        var delivered = 0;
        while (true)
        {
            T next;
            int at;
            lock (_gate)
            {
                if (!_waiting.Remove(_next, out next!))
                {
                    _delivering = false;
                    return delivered;
                }

                at = _next;
            }

            try
            {
                deliver(at, next);
            }
            catch
            {
                lock (_gate)
                {
                    _delivering = false;
                }

                throw;
            }

            lock (_gate)
            {
                _next++;
            }

            delivered++;
        }
    }
}
