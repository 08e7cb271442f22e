using Ballast.Io.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ballast.Cluster.Keeping;

/// <summary>Registers the sharded keeper's silo services.</summary>
public static class KeeperSiloServices
{
    /// <summary>
    /// Adds the silo's keeper replicas (policies compiled by <see cref="SpecPolicyCompiler"/>, as the sequencer
    /// compiles them), with <paramref name="journals"/> to read deployments' journals from and
    /// <paramref name="submitter"/> to reach their sequencers, and the coordinators' <paramref name="ticking"/>
    /// (defaults when null). The silo's <see cref="TimeProvider"/> paces the ticks; decisions are made at the
    /// sequencer's time (<see cref="IKeeperSubmitter.NowAsync"/>). A coordinator that is started registers an Orleans
    /// reminder: the silo needs a reminder service (<c>UseBallastReminders</c> on a cluster).
    /// </summary>
    public static IServiceCollection AddShardedKeeper(this IServiceCollection services, IKeeperJournalSource journals, IKeeperSubmitter submitter, KeeperTickOptions? ticking = null)
    {
        ArgumentNullException.ThrowIfNull(journals);
        ArgumentNullException.ThrowIfNull(submitter);
        return services.AddShardedKeeper(_ => journals, _ => submitter, ticking);
    }

    /// <summary>As <see cref="AddShardedKeeper(IServiceCollection, IKeeperJournalSource, IKeeperSubmitter, KeeperTickOptions?)"/>, the journals and the submitter made from the silo's services (a submitter through the silo's grain factory).</summary>
    public static IServiceCollection AddShardedKeeper(this IServiceCollection services, Func<IServiceProvider, IKeeperJournalSource> journals, Func<IServiceProvider, IKeeperSubmitter> submitter, KeeperTickOptions? ticking = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(journals);
        ArgumentNullException.ThrowIfNull(submitter);
        services.AddSingleton(journals);
        services.AddSingleton(submitter);
        services.AddSingleton(ticking ?? new KeeperTickOptions());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new KeeperReplicas(sp.GetRequiredService<IKeeperJournalSource>(), SpecPolicyCompiler.Instance));
        return services;
    }
}
