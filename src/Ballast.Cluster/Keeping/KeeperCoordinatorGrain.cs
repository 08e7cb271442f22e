using Ballast.Protocol;
using Ballast.Service.Writing;
using Microsoft.Extensions.Logging;

namespace Ballast.Cluster.Keeping;

/// <summary>
/// The deployment's keeper tick (<see cref="IKeeperCoordinatorGrain"/>). Once started, a grain timer drives the ticks
/// inside the activation, and the reminder <see cref="ReminderName"/> (kept in the cluster's reminder table) fires every
/// <see cref="KeeperTickOptions.ReminderPeriod"/>: on a live activation it finds the timer running and does nothing;
/// when the activation died with its silo, the reminder, fired by the silo that took over its part of the ring,
/// activates the coordinator there, which starts the timer again.
/// </summary>
public sealed class KeeperCoordinatorGrain(
    KeeperReplicas replicas,
    IKeeperJournalSource journals,
    IKeeperSubmitter submitter,
    KeeperTickOptions ticking,
    TimeProvider clock,
    ILocalSiloDetails silo,
    ILogger<KeeperCoordinatorGrain> log) : Grain, IKeeperCoordinatorGrain
{
    /// <summary>The reminder's name (one per coordinator, so one per deployment).</summary>
    public const string ReminderName = "keeper-tick";

    private readonly DateTimeOffset _activatedAt = clock.GetUtcNow();
    private IDisposable? _timer;
    private bool _reminded;
    private KeeperTick? _last;
    private DateTimeOffset? _lastTickAt;
    private string? _lastError;
    private long _ticks;
    private long _failed;

    /// <inheritdoc/>
    public async Task<KeeperTick> TickAsync()
    {
        var deployment = this.GetPrimaryKeyString();
        KeeperGrainKeys.CheckDeployment(deployment);
        var replica = replicas.For(deployment);
        var journalHead = await journals.HeadAsync(deployment).ConfigureAwait(true);
        await replica.CatchUpAsync(journalHead.Sequence).ConfigureAwait(true);
        var now = await submitter.NowAsync(deployment).ConfigureAwait(true);
        var plan = replica.Read((state, head) => KeeperRoundPlan.Of(state, head, now));

        var answers = await Task.WhenAll(plan.Ask.Select(v => GrainFactory.GetGrain<IKeeperVaultGrain>(KeeperGrainKeys.Vault(deployment, v)).DecideAsync(plan.Head.Sequence, now))).ConfigureAwait(true);
        var wouldChange = new HashSet<VaultId>();
        var bySilo = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < answers.Length; i++)
        {
            if (answers[i].WouldChange)
            {
                wouldChange.Add(plan.Ask[i]);
            }

            bySilo[answers[i].Silo] = bySilo.GetValueOrDefault(answers[i].Silo) + 1;
        }

        var commands = plan.Submit(wouldChange);
        var results = await submitter.SubmitAsync(deployment, commands).ConfigureAwait(true);
        foreach (var failed in results.Where(r => r.Status is WriteStatus.Rejected or WriteStatus.Failed))
        {
            KeeperRefused(log, failed.CommandId, failed.Rejection?.ToString() ?? failed.Error?.Message ?? "failed", null);
        }

        _ticks++;
        _lastTickAt = clock.GetUtcNow();
        return _last = new KeeperTick
        {
            Head = plan.Head.Sequence,
            Asked = plan.Ask.Count,
            WouldChange = wouldChange.Count,
            Submitted = commands.Count,
            Applied = results.Count(r => r.Status == WriteStatus.Applied),
            DecidedBySilo = bySilo,
        };
    }

    /// <inheritdoc/>
    public async Task StartAsync()
    {
        StartTimer();
        if (!_reminded)
        {
            await this.RegisterOrUpdateReminder(ReminderName, ticking.ReminderPeriod, ticking.ReminderPeriod).ConfigureAwait(true);
            _reminded = true;
        }
    }

    /// <inheritdoc/>
    public async Task StopAsync()
    {
        _timer?.Dispose();
        _timer = null;
        if (await this.GetReminder(ReminderName).ConfigureAwait(true) is { } reminder)
        {
            await this.UnregisterReminder(reminder).ConfigureAwait(true);
        }

        _reminded = false;
    }

    /// <inheritdoc/>
    public Task<KeeperCoordinatorStatus> StatusAsync() => Task.FromResult(new KeeperCoordinatorStatus
    {
        Silo = silo.SiloAddress.ToString(),
        Ticking = _timer is not null,
        Ticks = _ticks + _failed,
        Failed = _failed,
        Last = _last,
        LastTickAt = _lastTickAt,
        LastError = _lastError,
        ActivatedAt = _activatedAt,
    });

    /// <summary>The reminder: starts the timer if this activation has none (it is new: the one that ticked is gone).</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReminderName)
        {
            _reminded = true;
            if (_timer is null)
            {
                Resumed(log, this.GetPrimaryKeyString(), silo.SiloAddress.ToString(), null);
                StartTimer();
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A grain timer ends with its activation; a timer of the keeper's own clock (tests) must be stopped.
        _timer?.Dispose();
        _timer = null;
        return Task.CompletedTask;
    }

    private void StartTimer()
    {
        if (_timer is not null)
        {
            return;
        }

        if (ticking.Clock is { } own)
        {
            // The callback runs on the clock's thread, outside the activation: it calls in through the grain reference.
            var self = this.AsReference<IKeeperCoordinatorGrain>();
            _timer = own.CreateTimer(_ => _ = self.TickOnClockAsync(), null, TimeSpan.Zero, ticking.Interval);
            return;
        }

        _timer = this.RegisterGrainTimer(TickOnTimerAsync, new GrainTimerCreationOptions(TimeSpan.Zero, ticking.Interval) { KeepAlive = true });
    }

    /// <inheritdoc/>
    public Task ReportedAsync(long head) =>
        _timer is null || (_last?.Head ?? -1) >= head ? Task.CompletedTask : TickOnTimerAsync(CancellationToken.None);

    /// <inheritdoc/>
    public Task TickOnClockAsync() => _timer is null ? Task.CompletedTask : TickOnTimerAsync(CancellationToken.None);

    private async Task TickOnTimerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await TickAsync().ConfigureAwait(true);
        }
#pragma warning disable CA1031 // a failed tick is logged; the timer runs the next
        catch (Exception e)
#pragma warning restore CA1031
        {
            _failed++;
            _lastError = e.Message;
            _lastTickAt = clock.GetUtcNow();
            TickFailed(log, this.GetPrimaryKeyString(), e);
        }
    }

    private static readonly Action<ILogger, string, string, Exception?> Resumed = LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(3, "KeeperResumed"), "the keeper of deployment {Deployment} resumes its ticks on silo {Silo} (its reminder fired on an activation without a timer)");

    private static readonly Action<ILogger, string, Exception?> TickFailed = LoggerMessage.Define<string>(LogLevel.Error, new EventId(1, "KeeperTickFailed"), "a keeper tick of deployment {Deployment} failed; the next tick runs another");

    private static readonly Action<ILogger, string, string, Exception?> KeeperRefused = LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(2, "ShardedKeeperRefused"), "keeper command {CommandId} not applied: {Reason}");
}
