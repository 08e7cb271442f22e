using Ballast.Protocol;

namespace Ballast.Cluster.Keeping;

/// <summary>The vault grain: the engine's rebalance decision on the silo's replica (<see cref="DeploymentReplica.DecideRebalance"/>).</summary>
public sealed class KeeperVaultGrain(KeeperReplicas replicas) : Grain, IKeeperVaultGrain
{
    /// <inheritdoc/>
    public async Task<VaultDecision> DecideAsync(long head, DateTimeOffset now)
    {
        var (deployment, vault) = KeeperGrainKeys.ParseVault(this.GetPrimaryKeyString());
        var replica = replicas.For(deployment);
        await replica.CatchUpAsync(head).ConfigureAwait(true);
        var (outcome, at) = replica.DecideRebalance(vault, now);
        return new VaultDecision
        {
            WouldChange = outcome.Status == CommandStatus.Applied,
            DecidedAt = at.Sequence,
            Outcome = outcome.Status.ToString(),
            Silo = RuntimeIdentity,
        };
    }
}
