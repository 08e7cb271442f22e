using System.Collections.Immutable;
using System.Text.Json;
using Ballast.Io.Storage;
using Ballast.Protocol.Journal;

namespace Ballast.Service.Projection;

/// <summary>What a start found in the projection tables: what it resumes from, or why it rebuilds.</summary>
/// <param name="Through">The journal event the stored series go through (empty when rebuilding).</param>
/// <param name="Rebuilt">Why the stored projection was discarded (null when resumed, or when there was none).</param>
public sealed record ProjectionStart(JournalHead Through, string? Rebuilt);

/// <summary>
/// Keeps the read model's series in the journal's database (<see cref="ProjectionTables"/>): vault points (series
/// <c>nav</c>), buy-and-hold twin points (<c>twin</c>) and twin bases (<c>twin-basis</c>), appended as the
/// <see cref="Projector"/> publishes, with a checkpoint (the last event they include, its hash, and the digest and
/// count of all rows). At start <see cref="LoadAsync"/> restores them into a <see cref="ProjectionBuilder"/> when the
/// checkpoint's event is in the journal with that hash and the rows match their digest; otherwise it clears the tables
/// and the projection is rebuilt from the journal (and saved again). The views of now (vaults, accounts, governance)
/// are derived from the protocol state, which is replayed from the journal in either case.
/// </summary>
public sealed class ReadModelStore
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly ProjectionTables _tables;
    private readonly IJournalStore _journal;
    private byte[] _digest = new byte[32];
    private long _rows;
    private long _savedThrough;

    /// <summary>The read model's tables of <paramref name="journal"/>'s database (the projector's own store instance).</summary>
    public ReadModelStore(ProjectionTables tables, IJournalStore journal)
    {
        _tables = tables ?? throw new ArgumentNullException(nameof(tables));
        _journal = journal ?? throw new ArgumentNullException(nameof(journal));
    }

    /// <summary>The last event the stored series include (0 before the first save).</summary>
    public long SavedThrough => _savedThrough;

    /// <summary>
    /// Restores the stored series into <paramref name="builder"/> (not yet fed any event) when they are the journal's;
    /// otherwise clears the tables. Says which.
    /// </summary>
    public async Task<ProjectionStart> LoadAsync(ProjectionBuilder builder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var checkpoint = await _tables.CheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (checkpoint is null)
        {
            return await DiscardAsync(null, cancellationToken).ConfigureAwait(false);
        }

        JournalEvent? at = null;
        await foreach (var e in _journal.ReadAsync(Math.Max(1, checkpoint.Through.Sequence), cancellationToken).ConfigureAwait(false))
        {
            at = e;
            break;
        }

        if (at is null || at.Sequence != checkpoint.Through.Sequence || at.Hash != checkpoint.Through.Hash)
        {
            return await DiscardAsync($"the checkpoint's event {checkpoint.Through} is not the journal's ({(at is null ? "absent" : JournalHead.After(at).ToString())})", cancellationToken).ConfigureAwait(false);
        }

        var rows = await _tables.RowsAsync(cancellationToken).ConfigureAwait(false);
        var digest = new byte[32];
        foreach (var row in rows)
        {
            ProjectionTables.Fold(digest, row);
        }

        if (rows.Count != checkpoint.Rows || Convert.ToHexStringLower(digest) != checkpoint.RowsDigest)
        {
            return await DiscardAsync($"the stored rows ({rows.Count}, digest {Convert.ToHexStringLower(digest)}) are not the checkpoint's ({checkpoint.Rows}, {checkpoint.RowsDigest})", cancellationToken).ConfigureAwait(false);
        }

        var series = new Dictionary<string, ImmutableList<VaultPoint>.Builder>(StringComparer.Ordinal);
        var twins = new Dictionary<string, ImmutableList<TwinPoint>.Builder>(StringComparer.Ordinal);
        var bases = new Dictionary<string, TwinBasis>(StringComparer.Ordinal);
        try
        {
            foreach (var row in rows)
            {
                Add(row, series, twins, bases);
            }
        }
        catch (JsonException e)
        {
            return await DiscardAsync($"a stored row does not read: {e.Message}", cancellationToken).ConfigureAwait(false);
        }

        builder.Restore(
            checkpoint.Through.Sequence,
            series.ToImmutableDictionary(p => p.Key, p => p.Value.ToImmutable(), StringComparer.Ordinal),
            twins.ToImmutableDictionary(p => p.Key, p => p.Value.ToImmutable(), StringComparer.Ordinal),
            bases);
        (_digest, _rows, _savedThrough) = (digest, rows.Count, checkpoint.Through.Sequence);
        return new ProjectionStart(checkpoint.Through, null);
    }

    /// <summary>Appends what <paramref name="model"/> (built by <paramref name="builder"/>) holds beyond the last save, and moves the checkpoint to its head.</summary>
    public async Task SaveAsync(ProjectionBuilder builder, ReadModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(model);
        if (model.Head.Sequence <= _savedThrough)
        {
            return;
        }

        var rows = RowsAfter(builder, model, _savedThrough);
        var digest = (byte[])_digest.Clone();
        foreach (var row in rows)
        {
            ProjectionTables.Fold(digest, row);
        }

        var checkpoint = new ProjectionCheckpoint(model.Head, Convert.ToHexStringLower(digest), _rows + rows.Count);
        await _tables.SaveAsync(checkpoint, rows, cancellationToken).ConfigureAwait(false);
        (_digest, _rows, _savedThrough) = (digest, checkpoint.Rows, model.Head.Sequence);
    }

    /// <summary>
    /// Clears the tables and projects the whole journal into <paramref name="builder"/> (fed no event yet), then saves
    /// it: what <c>ballast projections rebuild</c> runs. Returns the rebuilt read model.
    /// </summary>
    public async Task<ReadModel> RebuildAsync(ProjectionBuilder builder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(builder);
        await DiscardAsync(why: null, cancellationToken).ConfigureAwait(false);
        await foreach (var e in _journal.ReadAsync(1, cancellationToken).ConfigureAwait(false))
        {
            builder.Apply(e);
        }

        var model = builder.Publish();
        await SaveAsync(builder, model, cancellationToken).ConfigureAwait(false);
        return model;
    }

    /// <summary>The number of rows stored (as of the last load or save).</summary>
    public long Rows => _rows;

    /// <summary>Every row the projection holds (as stored), for comparing stored and rebuilt projections.</summary>
    public static IReadOnlyList<ProjectionRow> RowsOf(ProjectionBuilder builder, ReadModel model) => RowsAfter(builder, model, 0);

    private static void Add(ProjectionRow row, Dictionary<string, ImmutableList<VaultPoint>.Builder> series, Dictionary<string, ImmutableList<TwinPoint>.Builder> twins, Dictionary<string, TwinBasis> bases)
    {
        switch (row.Series)
        {
            case Nav:
                (series.TryGetValue(row.Vault, out var points) ? points : series[row.Vault] = ImmutableList.CreateBuilder<VaultPoint>()).Add(Read<VaultPoint>(row));
                break;
            case Twin:
                (twins.TryGetValue(row.Vault, out var twin) ? twin : twins[row.Vault] = ImmutableList.CreateBuilder<TwinPoint>()).Add(Read<TwinPoint>(row));
                break;
            case Basis:
                bases[row.Vault] = Read<TwinBasis>(row);
                break;
            default:
                throw new JsonException($"a stored row of unknown series '{row.Series}'");
        }
    }

    private const string Nav = "nav";
    private const string Twin = "twin";
    private const string Basis = "twin-basis";

    private static List<ProjectionRow> RowsAfter(ProjectionBuilder builder, ReadModel model, long after)
    {
        var rows = new List<ProjectionRow>();
        foreach (var (vault, points) in model.Series.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            rows.AddRange(Tail(points, p => p.Sequence, after).Select(p => Row(Nav, vault, p.Sequence, p)));
        }

        foreach (var (vault, points) in model.Twins.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            rows.AddRange(Tail(points, p => p.Sequence, after).Select(p => Row(Twin, vault, p.Sequence, p)));
        }

        foreach (var (vault, basis) in builder.TwinBases.Where(b => b.Value.Sequence > after && b.Value.Sequence <= model.Head.Sequence).OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            rows.Add(Row(Basis, vault, basis.Sequence, basis));
        }

        return rows;
    }

    /// <summary>The points after sequence <paramref name="after"/> (oldest first), found from the end.</summary>
    private static ImmutableList<T> Tail<T>(ImmutableList<T> points, Func<T, long> sequence, long after)
    {
        var start = points.Count;
        while (start > 0 && sequence(points[start - 1]) > after)
        {
            start--;
        }

        return points.GetRange(start, points.Count - start);
    }

    private static ProjectionRow Row<T>(string series, string vault, long sequence, T value) => new(series, vault, sequence, JsonSerializer.Serialize(value, Json));

    private static T Read<T>(ProjectionRow row) => JsonSerializer.Deserialize<T>(row.Json, Json) ?? throw new JsonException($"projection row {row.Series}/{row.Vault}/{row.Sequence} is null");

    private async Task<ProjectionStart> DiscardAsync(string? why, CancellationToken cancellationToken)
    {
        await _tables.ClearAsync(cancellationToken).ConfigureAwait(false);
        (_digest, _rows, _savedThrough) = (new byte[32], 0, 0);
        return new ProjectionStart(JournalHead.Empty, why);
    }
}
