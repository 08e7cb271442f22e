namespace Ballast.Cluster.Sweeps;

/// <summary>How a cluster sweep cuts and sends its work.</summary>
public sealed record ClusterSweepOptions
{
    /// <summary>Runs per batch (one grain call).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>
    /// When the runs are recorded (per-row equity, weights and drift for <c>--out</c>), a batch holds at most as many
    /// runs as keep its recorded series under this many bytes (and at least one), so no message is tens of megabytes and
    /// the client's window of batches stays small.
    /// </summary>
    public int RecordedBatchBytes { get; init; } = 4 << 20;

    /// <summary>Batches in flight at once; 0 means two per active silo.</summary>
    public int Lanes { get; init; }

    /// <summary>Batches in flight or waiting to be delivered in order, at most (bounds the client's memory); 0 means four per lane.</summary>
    public int Window { get; init; }

    /// <summary>
    /// The longest a batch call may take before it is abandoned and the batch retried elsewhere, whatever the stall
    /// rule below says.
    /// </summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A batch call is taken for stalled, abandoned and its batch retried elsewhere, once it has taken
    /// <see cref="StallFactor"/> times the slowest call that succeeded so far, and at least this long; each further
    /// attempt of the same batch waits twice as long (up to <see cref="CallTimeout"/>), so a batch that is merely slow
    /// still finishes. A call to a killed silo is answered by no one (the client hears of a dead silo only when it was
    /// its gateway): without this rule the batch would wait out <see cref="CallTimeout"/>.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How many times the slowest successful call a call may take before it counts as stalled.</summary>
    public int StallFactor { get; init; } = 8;

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
