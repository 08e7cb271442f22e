using Ballast.Protocol.Journal;
using Ballast.Service.Writing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ballast.Service.Projection;

/// <summary>
/// Keeps the <see cref="ReadModel"/> current: at start it replays the journal, taking the series from the projection
/// tables through their checkpoint when a <see cref="ReadModelStore"/> is given and they are the journal's (else it
/// rebuilds them); then after each batch the writer commits it applies the batch's events, handed over in memory by
/// the writer (<see cref="JournalSignal.TakeCommitted"/>; read from its own store connection when they are not
/// there or leave a gap), swaps in the new read model, raises <see cref="Published"/> for streams, and appends the new series
/// points to the tables (at most once per save interval, and at stop). Reads take <see cref="Current"/> and never
/// wait for the writer.
/// </summary>
public sealed class Projector : BackgroundService
{
    private readonly IJournalStore _reader;
    private readonly JournalSignal _committed;
    private readonly ProjectionBuilder _builder;
    private readonly ILogger _log;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ReadModelStore? _store;
    private readonly TimeSpan _saveInterval;
    private long _lastSave;
    private ReadModel _current = ReadModel.Empty;

    /// <summary>
    /// A projector reading from <paramref name="reader"/> (not the writer's store instance) whenever
    /// <paramref name="committed"/> moves; with <paramref name="store"/>, its series are kept in the projection tables,
    /// saved at most every <paramref name="saveInterval"/> (real time; zero: after every batch).
    /// </summary>
    public Projector(IJournalStore reader, JournalSignal committed, ProjectionBuilder builder, ILogger<Projector> log, ReadModelStore? store = null, TimeSpan saveInterval = default)
    {
        _log = log;
        _reader = reader;
        _committed = committed;
        _builder = builder;
        _store = store;
        _saveInterval = saveInterval;
    }

    /// <summary>What the start found in the projection tables (null without them, or before the start).</summary>
    public ProjectionStart? Start { get; private set; }

    /// <summary>The builder (its counters say how many events were projected and how many restored).</summary>
    public ProjectionBuilder Builder => _builder;

    /// <summary>The read model as of the last batch applied.</summary>
    public ReadModel Current => Volatile.Read(ref _current);

    /// <summary>Raised after each read model is published, with its head.</summary>
    public JournalSignal Published { get; } = new();

    /// <summary>True once the read model has caught up with the journal as it was at start (readiness).</summary>
    public bool Ready => _ready.Task.IsCompleted;

    /// <summary>Completes when <see cref="Ready"/>.</summary>
    public Task WhenReady => _ready.Task;

    /// <summary>Reads and applies every event after the current head from the journal, then publishes.</summary>
    public Task CatchUpAsync(CancellationToken cancellationToken) => CatchUpAsync(fromJournal: true, cancellationToken);

    /// <summary>
    /// Applies the events committed after the current head, then publishes: those the writer handed over in memory
    /// (<see cref="JournalSignal.TakeCommitted"/>) while they follow the head without a gap (next sequence, previous
    /// hash the head's), then, when they do not reach the head raised with them or <paramref name="fromJournal"/>, the
    /// rest read from the journal (the source: at start, after a gap, after the writer reloaded).
    /// </summary>
    private async Task CatchUpAsync(bool fromJournal, CancellationToken cancellationToken)
    {
        var before = _builder.Head.Sequence;
        var (handed, raised) = _committed.TakeCommitted();
        foreach (var c in handed)
        {
            if (c.Event.Sequence == _builder.Head.Sequence + 1 && c.Event.PreviousHash == _builder.Head.Hash)
            {
                _builder.Apply(c.Event, c.Decoded);
            }
            else if (c.Event.Sequence > _builder.Head.Sequence)
            {
                break; // a gap: the journal has the rest
            }
        }

        if (fromJournal || _builder.Head.Sequence < raised)
        {
            HandOffMissed += fromJournal ? 0 : 1;
            await foreach (var e in _reader.ReadAsync(_builder.Head.Sequence + 1, cancellationToken).ConfigureAwait(false))
            {
                _builder.Apply(e);
            }
        }

        if (_builder.Head.Sequence != before || before == 0)
        {
            Volatile.Write(ref _current, _builder.Publish());
            Published.Raise(_builder.Head.Sequence);
        }
    }

    /// <summary>How often, after the start, the events handed over by the writer did not reach its head and the journal was read instead.</summary>
    public long HandOffMissed { get; private set; }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_store is not null)
        {
            Start = await _store.LoadAsync(_builder, stoppingToken).ConfigureAwait(false);
            if (Start.Rebuilt is { } why)
            {
                LogRebuild(_log, why, null);
            }
        }

        await CatchUpAsync(stoppingToken).ConfigureAwait(false);
        await SaveAsync(due: true, stoppingToken).ConfigureAwait(false);
        _ready.TrySetResult();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _committed.WaitBeyondAsync(_builder.Head.Sequence, stoppingToken).ConfigureAwait(false);
                await CatchUpAsync(fromJournal: false, stoppingToken).ConfigureAwait(false);
                await SaveAsync(due: Environment.TickCount64 - _lastSave >= (long)_saveInterval.TotalMilliseconds, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (JournalStoreException e) when (e.IsTransient)
            {
                // The database could not be read just now: the read model stays as it was (reads go on), try again shortly.
                LogRetry(_log, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (Ready)
        {
            try
            {
                await SaveAsync(due: true, cancellationToken).ConfigureAwait(false); // the loop has ended: the builder is ours
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutdown ran out of time: the next start resumes from the last save and projects the rest.
            }
        }
    }

    /// <summary>Appends the series points published since the last save (when due); a store that fails leaves the read model as it is and is tried again later.</summary>
    private async Task SaveAsync(bool due, CancellationToken cancellationToken)
    {
        if (_store is null || !due)
        {
            return;
        }

        try
        {
            await _store.SaveAsync(_builder, Current, cancellationToken).ConfigureAwait(false);
            _lastSave = Environment.TickCount64;
        }
        catch (JournalStoreException e)
        {
            LogSaveFailed(_log, e);
        }
    }

    private static readonly Action<ILogger, string, Exception?> LogRebuild = LoggerMessage.Define<string>(LogLevel.Warning, new EventId(4, "ProjectionRebuilt"), "the stored read model was discarded and is rebuilt from the journal: {Reason}");

    private static readonly Action<ILogger, Exception?> LogSaveFailed = LoggerMessage.Define(LogLevel.Warning, new EventId(5, "ProjectionSaveFailed"), "the read model's series could not be saved to the projection tables; trying again after the next batch");

    private static readonly Action<ILogger, Exception?> LogRetryMessage = LoggerMessage.Define(LogLevel.Warning, new EventId(3, "ProjectionRetry"), "the read model could not read the journal; retrying");

    private static void LogRetry(ILogger logger, Exception error) => LogRetryMessage(logger, error);
}
