using System.Diagnostics;
using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using Ballast.Service.Telemetry;
using Ballast.Service.Writing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ballast.Service.Keeping;

/// <summary>
/// The keeper: after every batch in which a NAV report was applied, and every <see cref="Interval"/> on the
/// service's clock, it runs one round on the writer: for each composed vault, fill the forward-priced requests that
/// are due, settle the vault's own withdrawal requests that are due, and, when the vault follows a policy and is not
/// paused, ask it to rebalance (<see cref="KeeperDuties"/>, as the simulation's keeper does). Its calls are ordinary
/// commands sent as <see cref="Account"/>, journaled and verifiable like anyone's. Command ids are
/// <c>keeper-HEAD-VAULT-KIND[-N]</c>, HEAD being the journal head at the round's start, so a round's ids are new.
/// </summary>
public sealed class KeeperService : BackgroundService
{
    /// <summary>The account the keeper sends its commands as.</summary>
    public static readonly AccountId Account = new("keeper");

    private readonly CommandWriter _writer;
    private readonly TimeProvider _clock;
    private readonly ILogger<KeeperService> _log;
    private readonly SemaphoreSlim _cue = new(0, 1);
    private readonly ServiceMetrics? _metrics;
    private long _reportedAt;
    private long _lastRoundEnded = Stopwatch.GetTimestamp();

    /// <summary>A keeper sending through <paramref name="writer"/>, its timer on <paramref name="clock"/>, its lag recorded in <paramref name="metrics"/>.</summary>
    public KeeperService(CommandWriter writer, TimeProvider clock, ILogger<KeeperService> log, TimeSpan interval, ServiceMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _clock = clock;
        _log = log;
        _metrics = metrics;
        Interval = interval;
        _writer.NavReportApplied += Cue;
        _metrics?.ObserveKeeper(() => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastRoundEnded)).TotalSeconds);
    }

    /// <summary>The time between rounds when no NAV report comes.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Rounds run since start.</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Rebalances the keeper's calls applied since start.</summary>
    public long Rebalances => Interlocked.Read(ref _rebalances);

    /// <summary>When the last round finished (service clock); null before the first.</summary>
    public DateTimeOffset? LastRoundAt { get; private set; }

    private long _rounds;
    private long _rebalances;

    /// <summary>The commands of one keeper round on <paramref name="state"/> at <paramref name="now"/>, ids built on <paramref name="head"/>.</summary>
    public static IReadOnlyList<ProtocolCommand> Round(ProtocolState state, JournalHead head, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var commands = new List<ProtocolCommand>();
        foreach (var id in state.ComposedVaults.Keys.Order())
        {
            var prefix = $"keeper-{head.Sequence}-{id}";
            var fills = ForwardPricing.DueCount(state, id);
            for (var k = 0; k < fills; k++)
            {
                commands.Add(new FillRequestCommand($"{prefix}-fill-{k}", Account, id));
            }

            foreach (var (child, requestId) in KeeperDuties.DueSettlements(state, id, now))
            {
                commands.Add(new SettleWithdrawalCommand($"{prefix}-settle-{child}-{requestId}", Account, child, requestId));
            }

            if (MayRebalance(state.ComposedVaults[id]))
            {
                commands.Add(new RebalanceCommand($"{prefix}-rebalance", Account, id));
            }
        }

        return commands;
    }

    /// <summary>Whether a rebalance call could fire: the vault follows a policy and is not paused (the policy and rails then decide).</summary>
    private static bool MayRebalance(ComposedVaultState cv) => cv.PolicyHash is not null && !cv.Paused;

    /// <summary>Runs one round now and returns its outcomes.</summary>
    public async Task<IReadOnlyList<WriteResult>> RunRoundAsync(CancellationToken cancellationToken = default)
    {
        // The first NAV report applied since the previous round's start: this round covers it (later ones cue the next).
        var reportedAt = Interlocked.Exchange(ref _reportedAt, 0);
        var results = await _writer.RunPlanAsync((state, head) => Round(state, head, _clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _rounds);
        Interlocked.Add(ref _rebalances, results.Count(r => r.Status == WriteStatus.Applied && r.Events.Any(e => e.Type == "rebalanced")));
        LastRoundAt = _clock.GetUtcNow();
        Interlocked.Exchange(ref _lastRoundEnded, Stopwatch.GetTimestamp());
        if (reportedAt != 0)
        {
            _metrics?.KeeperCaughtUp(reportedAt);
        }

        foreach (var failed in results.Where(r => r.Status is WriteStatus.Rejected or WriteStatus.Failed))
        {
            KeeperRefused(_log, failed.CommandId, failed.Rejection?.ToString() ?? failed.Error?.Message ?? "failed", null);
        }

        return results;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _writer.NavReportApplied -= Cue;
        _cue.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Whichever comes first: a cue from an applied NAV report, or the interval on the service clock.
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(Interval, _clock, tick.Token);
                var cued = _cue.WaitAsync(tick.Token);
                await Task.WhenAny(delay, cued).ConfigureAwait(false);
                await tick.CancelAsync().ConfigureAwait(false);
                stoppingToken.ThrowIfCancellationRequested();
                await RunRoundAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a failed round is logged; the keeper goes on with the next cue or tick
            catch (Exception e)
#pragma warning restore CA1031
            {
                KeeperFailed(_log, e);
            }
        }
    }

    private static readonly Action<ILogger, Exception?> KeeperFailed = LoggerMessage.Define(LogLevel.Error, new EventId(4, "KeeperRoundFailed"), "a keeper round failed; the next cue or tick runs another");

    private void Cue()
    {
        Interlocked.CompareExchange(ref _reportedAt, Stopwatch.GetTimestamp(), 0);
        try
        {
            _cue.Release();
        }
        catch (SemaphoreFullException)
        {
            // A round is already cued: one round covers every report applied before it.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static readonly Action<ILogger, string, string, Exception?> KeeperRefused = LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(2, "KeeperRefused"), "keeper command {CommandId} not applied: {Reason}");
}
