namespace Ballast.Cluster.Keeping;

/// <summary>
/// The keeper of one composed vault (key <see cref="KeeperGrainKeys.Vault"/>), placed on whichever silo Orleans
/// chooses: it decides, on its silo's replica of the deployment (<see cref="DeploymentReplica"/>), whether a rebalance
/// call would change the journal. It keeps nothing of its own, so a crash or a move loses nothing.
/// </summary>
public interface IKeeperVaultGrain : IGrainWithStringKey
{
    /// <summary>Whether the vault's rebalance call would change the journal at <paramref name="now"/>, decided on the replica brought to <paramref name="head"/> at least.</summary>
    Task<VaultDecision> DecideAsync(long head, DateTimeOffset now);
}

/// <summary>A vault grain's answer.</summary>
[GenerateSerializer]
[Immutable]
public sealed class VaultDecision
{
    /// <summary>Whether the call would change the journal: the policy fires, observes a new row, sets initial targets, or the caps trim a child.</summary>
    [Id(0)]
    public bool WouldChange { get; init; }

    /// <summary>The journal sequence the decision was made at.</summary>
    [Id(1)]
    public long DecidedAt { get; init; }

    /// <summary>The engine's outcome: <c>Applied</c>, <c>Unchanged</c> or <c>Rejected</c>.</summary>
    [Id(2)]
    public string Outcome { get; init; } = "";

    /// <summary>The silo that decided (Orleans' runtime identity of the activation's silo).</summary>
    [Id(3)]
    public string Silo { get; init; } = "";
}
