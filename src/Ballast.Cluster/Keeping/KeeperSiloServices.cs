using Ballast.Io.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace Ballast.Cluster.Keeping;

/// <summary>Registers the sharded keeper's silo services.</summary>
public static class KeeperSiloServices
{
    /// <summary>
    /// Adds the silo's keeper replicas (policies compiled by <see cref="SpecPolicyCompiler"/>, as the sequencer
    /// compiles them), with <paramref name="journals"/> to read deployments' journals from and
    /// <paramref name="submitter"/> to reach their sequencers. The silo's <see cref="TimeProvider"/> paces the ticks; decisions are made at the sequencer's time (<see cref="IKeeperSubmitter.NowAsync"/>).
    /// </summary>
    public static IServiceCollection AddShardedKeeper(this IServiceCollection services, IKeeperJournalSource journals, IKeeperSubmitter submitter)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(journals);
        ArgumentNullException.ThrowIfNull(submitter);
        services.AddSingleton(journals);
        services.AddSingleton(submitter);
        services.AddSingleton(sp => new KeeperReplicas(sp.GetRequiredService<IKeeperJournalSource>(), SpecPolicyCompiler.Instance));
        return services;
    }
}
