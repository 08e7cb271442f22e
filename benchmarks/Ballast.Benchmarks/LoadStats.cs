using System.Globalization;
using System.Text;

namespace Ballast.Benchmarks;

/// <summary>The requests of one kind that one client sent: latencies (ms) and a count per HTTP status.</summary>
public sealed class LoadStats
{
    private readonly List<double> _latencies = [];
    private readonly Dictionary<int, long> _statuses = [];

    /// <summary>Records one request.</summary>
    public void Add(int status, double milliseconds)
    {
        _latencies.Add(milliseconds);
        _statuses[status] = _statuses.GetValueOrDefault(status) + 1;
    }

    /// <summary>The body of the first answer that was not 2xx (to say why), or null.</summary>
    public string? FirstFailure { get; set; }

    /// <summary>Requests whose status was 2xx.</summary>
    public long Succeeded => _statuses.Where(s => s.Key is >= 200 and < 300).Sum(s => s.Value);

    /// <summary>All requests.</summary>
    public long Count => _latencies.Count;

    /// <summary>One kind's statistics over every client.</summary>
    public static LoadStats Merge(IEnumerable<LoadStats> parts)
    {
        var all = new LoadStats();
        foreach (var part in parts)
        {
            all._latencies.AddRange(part._latencies);
            all.FirstFailure ??= part.FirstFailure;
            foreach (var (status, count) in part._statuses)
            {
                all._statuses[status] = all._statuses.GetValueOrDefault(status) + count;
            }
        }

        all._latencies.Sort();
        return all;
    }

    /// <summary>The latency at quantile <paramref name="q"/> (nearest rank) of a merged, sorted set; NaN when empty.</summary>
    public double Quantile(double q) => _latencies.Count == 0 ? double.NaN : _latencies[Math.Clamp((int)Math.Ceiling(q * _latencies.Count) - 1, 0, _latencies.Count - 1)];

    /// <summary>The recorded requests as plain data (to pass them between processes).</summary>
    public LoadStatsData ToData() => new([.. _latencies], new Dictionary<int, long>(_statuses), FirstFailure);

    /// <summary>Statistics holding the requests of <paramref name="data"/>.</summary>
    public static LoadStats FromData(LoadStatsData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var stats = new LoadStats { FirstFailure = data.FirstFailure };
        stats._latencies.AddRange(data.Latencies);
        foreach (var (status, count) in data.Statuses)
        {
            stats._statuses[status] = count;
        }

        return stats;
    }

    /// <summary>The statuses seen, e.g. <c>200×5120 422×3</c>.</summary>
    public string Statuses()
    {
        var text = new StringBuilder();
        foreach (var (status, count) in _statuses.OrderBy(s => s.Key))
        {
            text.Append(CultureInfo.InvariantCulture, $"{(text.Length > 0 ? " " : "")}{status}×{count}");
        }

        return text.ToString();
    }
}

/// <summary>A <see cref="LoadStats"/> as plain data: each request's latency (ms), the count per status, the first failure.</summary>
public sealed record LoadStatsData(IReadOnlyList<double> Latencies, IReadOnlyDictionary<int, long> Statuses, string? FirstFailure);
