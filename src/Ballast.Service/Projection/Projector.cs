using Ballast.Protocol.Journal;
using Ballast.Service.Writing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ballast.Service.Projection;

/// <summary>
/// Keeps the <see cref="ReadModel"/> current: at start it replays the whole journal (the read model is rebuilt, never
/// trusted from elsewhere), then after each batch the writer commits it reads the new events from its own store
/// connection, applies them, and swaps in the new read model, then raises <see cref="Published"/> for streams.
/// Reads take <see cref="Current"/> and never wait for the writer.
/// </summary>
public sealed class Projector : BackgroundService
{
    private readonly IJournalStore _reader;
    private readonly JournalSignal _committed;
    private readonly ProjectionBuilder _builder;
    private readonly ILogger _log;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ReadModel _current = ReadModel.Empty;

    /// <summary>A projector reading from <paramref name="reader"/> (not the writer's store instance) whenever <paramref name="committed"/> moves.</summary>
    public Projector(IJournalStore reader, JournalSignal committed, ProjectionBuilder builder, ILogger<Projector> log)
    {
        _log = log;
        _reader = reader;
        _committed = committed;
        _builder = builder;
    }

    /// <summary>The read model as of the last batch applied.</summary>
    public ReadModel Current => Volatile.Read(ref _current);

    /// <summary>Raised after each read model is published, with its head.</summary>
    public JournalSignal Published { get; } = new();

    /// <summary>True once the read model has caught up with the journal as it was at start (readiness).</summary>
    public bool Ready => _ready.Task.IsCompleted;

    /// <summary>Completes when <see cref="Ready"/>.</summary>
    public Task WhenReady => _ready.Task;

    /// <summary>Reads and applies every event after the current head, then publishes.</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var before = _builder.Head.Sequence;
        await foreach (var e in _reader.ReadAsync(before + 1, cancellationToken).ConfigureAwait(false))
        {
            _builder.Apply(e);
        }

        if (_builder.Head.Sequence != before || before == 0)
        {
            Volatile.Write(ref _current, _builder.Publish());
            Published.Raise(_builder.Head.Sequence);
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await CatchUpAsync(stoppingToken).ConfigureAwait(false);
        _ready.TrySetResult();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _committed.WaitBeyondAsync(_builder.Head.Sequence, stoppingToken).ConfigureAwait(false);
                await CatchUpAsync(stoppingToken).ConfigureAwait(false);
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

    private static readonly Action<ILogger, Exception?> LogRetryMessage = LoggerMessage.Define(LogLevel.Warning, new EventId(3, "ProjectionRetry"), "the read model could not read the journal; retrying");

    private static void LogRetry(ILogger logger, Exception error) => LogRetryMessage(logger, error);
}
