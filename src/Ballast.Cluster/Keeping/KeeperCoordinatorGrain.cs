using Ballast.Protocol;
using Ballast.Service.Writing;
using Microsoft.Extensions.Logging;

namespace Ballast.Cluster.Keeping;

/// <summary>The deployment's keeper tick (<see cref="IKeeperCoordinatorGrain"/>).</summary>
public sealed class KeeperCoordinatorGrain(KeeperReplicas replicas, IKeeperJournalSource journals, IKeeperSubmitter submitter, ILogger<KeeperCoordinatorGrain> log) : Grain, IKeeperCoordinatorGrain
{
    private IGrainTimer? _timer;
    private KeeperTick? _last;
    private long _ticks;

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
    public Task StartAsync(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _timer?.Dispose();
        _timer = this.RegisterGrainTimer(TickOnTimerAsync, new GrainTimerCreationOptions(interval, interval) { KeepAlive = true });
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync()
    {
        _timer?.Dispose();
        _timer = null;
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<(KeeperTick? Last, long Ticks)> LastTickAsync() => Task.FromResult((_last, _ticks));

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
            TickFailed(log, this.GetPrimaryKeyString(), e);
        }
    }

    private static readonly Action<ILogger, string, Exception?> TickFailed = LoggerMessage.Define<string>(LogLevel.Error, new EventId(1, "KeeperTickFailed"), "a keeper tick of deployment {Deployment} failed; the next tick runs another");

    private static readonly Action<ILogger, string, string, Exception?> KeeperRefused = LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(2, "ShardedKeeperRefused"), "keeper command {CommandId} not applied: {Reason}");
}
