namespace Ballast.Cluster.Sweeps;

/// <summary>How a cluster sweep cuts and sends its work.</summary>
public sealed record ClusterSweepOptions
{
    /// <summary>Runs per batch (one grain call).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Batches in flight at once; 0 means two per active silo.</summary>
    public int Lanes { get; init; }

    /// <summary>Batches in flight or waiting to be delivered in order, at most (bounds the client's memory); 0 means four per lane.</summary>
    public int Window { get; init; }

    /// <summary>
    /// A batch call that takes longer is abandoned and the batch retried elsewhere. Long, because a dead silo's calls
    /// fail as soon as the membership notices, while a slow one's batch retried elsewhere only adds load.
    /// </summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Tries per batch before the sweep fails.</summary>
    public int MaxAttempts { get; init; } = 8;
}

/// <summary>What a cluster sweep did (for tests and the <c>--cluster</c> summary on stderr).</summary>
public sealed class ClusterSweepStatistics
{
    private readonly Dictionary<string, int> _bySilo = new(StringComparer.Ordinal);
    private int _retries;
    private int _uploads;

    /// <summary>Batches that failed or timed out and were sent again.</summary>
    public int Retries => Volatile.Read(ref _retries);

    /// <summary>Contents (spec, data) sent to a silo that lacked them.</summary>
    public int Uploads => Volatile.Read(ref _uploads);

    /// <summary>Batches run, by the silo that ran them.</summary>
    public IReadOnlyDictionary<string, int> BatchesBySilo
    {
        get
        {
            lock (_bySilo)
            {
                return new Dictionary<string, int>(_bySilo, StringComparer.Ordinal);
            }
        }
    }

    internal void Retried() => Interlocked.Increment(ref _retries);

    internal void Uploaded() => Interlocked.Increment(ref _uploads);

    internal void Ran(string silo)
    {
        lock (_bySilo)
        {
            _bySilo[silo] = _bySilo.GetValueOrDefault(silo) + 1;
        }
    }
}
