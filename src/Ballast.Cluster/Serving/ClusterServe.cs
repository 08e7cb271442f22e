using Ballast.Cluster.Hosting;
using Ballast.Cluster.Keeping;
using Ballast.Cluster.Sequencing;
using Ballast.Cluster.Sweeps;
using Ballast.Io.Storage;
using Ballast.Service;
using Ballast.Service.Access;
using Ballast.Service.Demo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ballast.Cluster.Serving;

/// <summary>
/// <c>ballast serve --cluster</c>: the single-process service (<see cref="BallastService"/>) as a silo of an Orleans
/// cluster. The silo runs in the service's own host; commands go to the deployment's sequencer grain (wherever it
/// is); reads are this silo's own projection of the shared journal, which it follows by polling; stored API keys are
/// reloaded so keys created on one silo work on all. The keeper is the sharded one: every silo hosts the keeper's
/// coordinator and vault grains (wherever Orleans places them), which submit through the sequencer grain; the
/// single-process keeper inside the sequencer's activation is off. See docs/scale-out.md.
/// </summary>
public static class ClusterServe
{
    /// <summary>
    /// Builds the service for <paramref name="service"/> (its journal, urls, keys, limits) as a silo of
    /// <paramref name="cluster"/>. With <see cref="ServiceSettings.Demo"/>, every silo's sequencers run the demo on
    /// the demo deployment; <see cref="SeedDemoAsync"/> seeds it once the service has started.
    /// </summary>
    public static Task<BallastService> CreateAsync(ServiceSettings service, ClusterServeSettings cluster, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(cluster);
        var sequencing = new SequencingOptions
        {
            ConnectionString = cluster.Cluster.ConnectionString,
            MaxBatch = service.MaxBatch,
            // The sharded keeper replaces the one inside the sequencer's activation; the sequencer cues it on NAV reports.
            Keeper = false,
            CueShardedKeeper = service.Keeper,
            EvidenceData = service.EvidenceData,
            DemoDeployment = service.Demo ? cluster.Deployment : null,
            DemoReportPeriod = service.DemoReportPeriod,
        };
        var settings = service with
        {
            Keeper = false,
            Submitter = sp => new GrainCommandSubmitter(sp.GetRequiredService<IGrainFactory>(), cluster.Deployment),
            JournalFollower = (sp, signal) => SiloDuties.FollowJournal(JournalStores.Open(sequencing.JournalLocation(cluster.Deployment)), signal, cluster.FollowInterval),
        };
        return BallastService.CreateAsync(settings, clock, builder =>
        {
            builder.UseOrleans(silo =>
            {
                silo.UseBallastCluster(cluster.Cluster).UseBallastReminders(cluster.Cluster.ConnectionString).AddBallastSequencing(sequencing).AddSweepWorkers();
                silo.Services.AddShardedKeeper(
                    _ => SequencerGrainKeeper.Journals(sequencing),
                    sp => SequencerGrainKeeper.Submitter(sp.GetRequiredService<IGrainFactory>()),
                    KeeperTicking(service, cluster));
            });
            builder.Services.AddSingleton(cluster);
            builder.Services.AddSingleton(sp => new MembershipCache(() => ClusterEndpoints.ReadHostsAsync(sp.GetRequiredService<IGrainFactory>()), clock, cluster.MembershipFreshFor));
            // With --no-keeper the silo stops the deployment's keeper (its reminder would otherwise outlive the silos
            // that started it): the silos of one deployment are to agree.
            builder.Services.AddSingleton(sp => service.Keeper
                ? SiloDuties.StartKeeper(sp.GetRequiredService<IGrainFactory>(), cluster.Deployment, TimeSpan.FromSeconds(2))
                : SiloDuties.StopKeeper(sp.GetRequiredService<IGrainFactory>(), cluster.Deployment, TimeSpan.FromSeconds(2)));

            builder.Services.AddSingleton(sp => SiloDuties.FollowStoredKeys(JournalStores.Open(sequencing.JournalLocation(cluster.Deployment)), sp.GetRequiredService<ApiKeyRing>(), cluster.KeysInterval));
            if (service.Demo)
            {
                builder.Services.AddSingleton(sp => SiloDuties.KeepSequencerActive(sp.GetRequiredService<IGrainFactory>(), cluster.Deployment, TimeSpan.FromSeconds(2)));
            }
        }, cancellationToken);
    }

    /// <summary>
    /// How the deployment's keeper coordinator ticks: every <see cref="ServiceSettings.KeeperInterval"/> of real time
    /// (with <c>--demo</c>, at least once per demo report, a day of the demo, as the single-process keeper runs after
    /// each report); its reminder every <see cref="ClusterServeSettings.KeeperReminderPeriod"/>.
    /// </summary>
    public static KeeperTickOptions KeeperTicking(ServiceSettings service, ClusterServeSettings cluster)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(cluster);
        var interval = service.Demo && service.DemoReportPeriod < service.KeeperInterval ? service.DemoReportPeriod : service.KeeperInterval;
        return new KeeperTickOptions { Interval = interval, ReminderPeriod = cluster.KeeperReminderPeriod };
    }

    /// <summary>
    /// Seeds the demo deployment once for the whole cluster: under an advisory lock, the silo that finds the demo's
    /// first set-up command missing from the journal sends the set-up (idempotent commands: a silo that dies half-way
    /// leaves the rest to the next) and stores the demo accounts' keys, so they work on every silo; it returns them.
    /// Every other silo returns none.
    /// </summary>
    public static async Task<IReadOnlyList<DemoAccount>> SeedDemoAsync(BallastService service, ClusterServeSettings cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(cluster);
        var options = new SequencingOptions { ConnectionString = cluster.Cluster.ConnectionString };
        return await DemoSeeding.SeedOnceAsync(options, cluster.Deployment, service.App.Services, cancellationToken).ConfigureAwait(false);
    }
}
