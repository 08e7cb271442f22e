using System.Collections.Concurrent;
using System.Text;
using Ballast.Data;
using Ballast.Io;
using Ballast.Io.Specs;
using Ballast.Policies;

namespace Ballast.Cluster.Sweeps;

/// <summary>
/// One silo's sweep content (spec texts and data files by SHA-256) and the jobs prepared from them (the spec bound, the
/// data read, the window built), so a sweep of any size sends its data once per silo and binds its spec once per silo.
/// Holds the last few of each.
/// </summary>
public sealed class SweepWorkerCache
{
    /// <summary>At most this many contents and this many prepared jobs are kept; older ones are dropped.</summary>
    public const int Capacity = 8;

    /// <summary>The cache of a silo that did not register one (one silo per process, as <c>ballast serve</c> runs).</summary>
    internal static SweepWorkerCache Process { get; } = new();

    private readonly ConcurrentDictionary<string, byte[]> _contents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<PreparedSweep>> _jobs = new(StringComparer.Ordinal);

    /// <summary>How many contents were stored (a test counts the uploads a silo received).</summary>
    public int Stored => Volatile.Read(ref _stored);

    private int _stored;

    /// <summary>Whether the silo holds the content with SHA-256 <paramref name="hash"/>.</summary>
    public bool Has(string hash) => _contents.ContainsKey(hash);

    /// <summary>Keeps <paramref name="content"/> after checking it is what <paramref name="hash"/> names.</summary>
    public void Store(string hash, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!string.Equals(SweepContent.HashOf(content), hash, StringComparison.Ordinal))
        {
            throw new ArgumentException($"the content sent as {hash} has another SHA-256", nameof(content));
        }

        Trim(_contents);
        if (_contents.TryAdd(hash, content))
        {
            Interlocked.Increment(ref _stored);
        }
    }

    /// <summary>The job bound and windowed on this silo (once per job), checked against the client's window.</summary>
    public PreparedSweep Prepare(SweepJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var key = string.Join('\u001e', job.SpecHash, job.SpecSource, string.Join('\u001f', job.Overrides), job.DataHash, job.DataSource, job.ValueKind, job.FromDay, job.ToDay, job.Fill);
        Trim(_jobs);
        var prepared = _jobs.GetOrAdd(key, _ => new Lazy<PreparedSweep>(() => PrepareNow(job))).Value;
        int[] window = [prepared.Table.RowCount, prepared.Table.Dates[0].DayNumber, prepared.Table.Dates[^1].DayNumber];
        if (!window.SequenceEqual(job.Window))
        {
            throw new InvalidOperationException($"this silo's window of {job.DataSource} ({string.Join(", ", window)}) is not the client's ({string.Join(", ", job.Window)}): different Ballast versions?");
        }

        return prepared;
    }

    private PreparedSweep PrepareNow(SweepJob job)
    {
        var spec = Encoding.UTF8.GetString(Content(job.SpecHash));
        var set = SpecLoader.Load(spec, job.SpecSource, [.. job.Overrides.Select(SpecOverride.Parse)]);
        var data = MarketDataFile.Read(Content(job.DataHash), job.DataSource, (ValueKind)job.ValueKind);
        var options = new BacktestOptions
        {
            From = job.FromDay is { } from ? DateOnly.FromDayNumber(from) : null,
            To = job.ToDay is { } to ? DateOnly.FromDayNumber(to) : null,
            Fill = (FillMode)job.Fill,
        };
        var table = BacktestJob.Window(set, data, options).WithHistory(BacktestJob.HistoryRows(set));
        return new PreparedSweep(set, table);
    }

    private byte[] Content(string hash) =>
        _contents.TryGetValue(hash, out var content) ? content : throw new InvalidOperationException($"content {hash} is no longer on this silo");

    private static void Trim<T>(ConcurrentDictionary<string, T> cache)
    {
        // Crude but bounded: a silo serving more than Capacity sweeps at once re-asks for content.
        if (cache.Count >= Capacity)
        {
            cache.Clear();
        }
    }
}

/// <summary>A sweep as one silo prepared it: the bound spec and the window every batch runs on.</summary>
/// <param name="Spec">The spec, bound from its text on this silo.</param>
/// <param name="Table">The window, with the history rows the spec's policies need.</param>
public sealed record PreparedSweep(PolicySet Spec, PriceTable Table);
