using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using Ballast.Service.Demo;
using Ballast.Service.Keeping;
using Ballast.Service.Telemetry;
using Ballast.Service.Writing;
using Microsoft.Extensions.Logging;

namespace Ballast.Cluster.Sequencing;

/// <summary>
/// One deployment's single writer in the cluster, independent of Orleans (the grain hosts it): it takes the journal's
/// <see cref="JournalWriteLock"/>, rebuilds the state from the journal (checking the chain), and decides commands
/// through the service's own <see cref="CommandWriter"/> over a <see cref="FencedJournalStore"/>, so idempotent
/// retries, stored refusals and group commit work as in one process. Once the store is fenced (lock lost, or the head
/// moved under it) it writes nothing more: <see cref="Fenced"/> turns true and its owner is to dispose it. The
/// service's keeper (unless switched off: a cluster runs the sharded keeper instead) and, on the demo deployment, the
/// demo reporter run on its writer.
/// </summary>
public sealed class JournalSequencer : IAsyncDisposable
{
    private readonly JournalWriteLock _lock;
    private readonly FencedJournalStore _store;
    private readonly CommandWriter _writer;
    private readonly DemoReporter? _reporter;
    private readonly KeeperService? _keeper;
    private readonly TimeProvider _clock;

    private JournalSequencer(string deployment, JournalWriteLock writeLock, FencedJournalStore store, CommandWriter writer, TimeProvider clock, DemoReporter? reporter, KeeperService? keeper)
    {
        _keeper = keeper;
        _clock = clock;
        Deployment = deployment;
        _lock = writeLock;
        _store = store;
        _writer = writer;
        _reporter = reporter;
    }

    /// <summary>The deployment (its journal's schema).</summary>
    public string Deployment { get; }

    /// <summary>The head after the last committed batch.</summary>
    public JournalHead Head => _writer.Head;

    /// <summary>The time on this sequencer's clock: the protocol time its commands are decided at (the demo's fast clock on the demo deployment).</summary>
    public DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>Why this sequencer stopped writing, or null while it writes.</summary>
    public string? Fenced => _store.FencedBecause;

    /// <summary>Completes, with the reason, when this sequencer stops writing (<see cref="Fenced"/>).</summary>
    public Task<string> Fencing => _store.Fencing;

    /// <summary>
    /// Opens <paramref name="deployment"/>'s sequencer, or returns null when another session holds its write lock for
    /// all of <see cref="SequencingOptions.LockWait"/>.
    /// </summary>
    public static async Task<JournalSequencer?> OpenAsync(string deployment, SequencingOptions options, TimeProvider clock, ILoggerFactory logs, ServiceMetrics metrics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logs);
        SequencingOptions.ValidateDeployment(deployment);
        var writeLock = await JournalWriteLock.TryAcquireAsync(options.ConnectionString, deployment, options.LockWait, options.LockRetry, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        if (writeLock is null)
        {
            return null;
        }

        writeLock.CheckTimeout = options.LockCheckTimeout;

        FencedJournalStore? store = null;
        try
        {
            store = new FencedJournalStore(new PostgresJournalStore(options.ConnectionStringOf(deployment), deployment), writeLock);
            var evidence = new DataEvidenceVerifier();
            foreach (var file in options.EvidenceData)
            {
                evidence.Register(file);
            }

            var demo = deployment == options.DemoDeployment ? DemoSetup.LoadScenario() : null;
            var sequencerClock = demo is null ? clock : await DemoClockAsync(store, demo, clock, cancellationToken).ConfigureAwait(false);
            var engine = new ProtocolEngine(SpecPolicyCompiler.Instance, evidence);
            // No retry on a lost race: a race means another writer, and this one must stop.
            var sequencer = await ProtocolSequencer.OpenAsync(store, engine, sequencerClock, ConflictRetryPolicy.None, cancellationToken).ConfigureAwait(false);
            var writer = new CommandWriter(sequencer, new JournalSignal(), logs.CreateLogger<CommandWriter>(), metrics, options.MaxBatch, store);
            await writer.StartAsync(cancellationToken).ConfigureAwait(false);
            var reporter = demo is null ? null : new DemoReporter(writer, demo, TimeProvider.System, options.DemoReportPeriod);
            if (reporter is not null)
            {
                await reporter.StartAsync(CancellationToken.None).ConfigureAwait(false);
            }

            var keeper = options.Keeper ? new KeeperService(writer, sequencerClock, logs.CreateLogger<KeeperService>(), options.KeeperInterval, metrics) : null;
            if (keeper is not null)
            {
                await keeper.StartAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return new JournalSequencer(deployment, writeLock, store, writer, sequencerClock, reporter, keeper);
        }
        catch
        {
            store?.Dispose();
            await writeLock.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Decides <paramref name="command"/>; a command refused because this sequencer is fenced comes back failed (transient), nothing written.</summary>
    public Task<WriteResult> SubmitAsync(ProtocolCommand command, CancellationToken cancellationToken) => _writer.SubmitAsync(command, cancellationToken);

    /// <summary>Raised on the writer's thread after a batch in which a NAV report was applied (the demo reporter's included): a keeper's cue.</summary>
    public event Action? NavReportApplied
    {
        add => _writer.NavReportApplied += value;
        remove => _writer.NavReportApplied -= value;
    }

    /// <summary>Checks the lock between commands: fences the store when the lock's session is gone; returns whether it may still write.</summary>
    public async Task<bool> CheckLockAsync(CancellationToken cancellationToken)
    {
        if (_store.FencedBecause is null && !await _lock.IsHeldAsync(cancellationToken).ConfigureAwait(false))
        {
            _store.Fence("the journal's write lock is no longer held (its PostgreSQL session ended)");
        }

        return _store.FencedBecause is null;
    }

    /// <summary>Stops the keeper, the reporter and the writer (finishing the batch in flight), then releases the lock.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_keeper is not null)
        {
            await _keeper.StopAsync(CancellationToken.None).ConfigureAwait(false);
            _keeper.Dispose();
        }

        if (_reporter is not null)
        {
            await _reporter.StopAsync(CancellationToken.None).ConfigureAwait(false);
            _reporter.Dispose();
        }

        await _writer.StopAsync(CancellationToken.None).ConfigureAwait(false);
        _writer.Dispose();
        _store.Dispose();
        await _lock.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The demo's fast clock, resumed: a day per second from the later of the scenario's first date and the journal's
    /// last event, so a sequencer that moves to another silo never goes back in protocol time.
    /// </summary>
    private static async Task<TimeProvider> DemoClockAsync(IJournalStore store, Scenario demo, TimeProvider real, CancellationToken cancellationToken)
    {
        var start = new DateTimeOffset(demo.Prices.Dates[0].ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var head = await store.HeadAsync(cancellationToken).ConfigureAwait(false);
        if (head.Sequence > 0)
        {
            await foreach (var last in store.ReadAsync(head.Sequence, cancellationToken).ConfigureAwait(false))
            {
                start = last.Time > start ? last.Time : start;
                break;
            }
        }

        return new AcceleratedClock(start, 86_400, real);
    }
}
