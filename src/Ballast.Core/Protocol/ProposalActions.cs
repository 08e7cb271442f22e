using Ballast.Accounting;
using Ballast.Governance;
using Ballast.Policies;

namespace Ballast.Protocol;

/// <summary>
/// Decides a proposal's actions for this protocol, in order: each against the state as the earlier actions of the
/// same proposal leave it (launched vaults, gauges added or removed, rails changed, policies stored), so every
/// record it returns applies.
/// </summary>
internal sealed class ProposalActions(GovernanceBridge bridge, ProtocolState state, DateTimeOffset now) : IGovernanceTarget<ProtocolEvent>
{
    /// <inheritdoc/>
    public Decision<IReadOnlyList<ProtocolEvent>> DecideActions(IReadOnlyList<GovernanceAction> actions, long at)
    {
        var records = new List<ProtocolEvent>();
        return Run(actions, at, records) is { } r ? r.Rejection with { ActionIndex = r.Index } : records;
    }

    /// <summary>The first refused action, or null when all of them would apply.</summary>
    public (int Index, Rejection Rejection)? Check(IReadOnlyList<GovernanceAction> actions, long at) => Run(actions, at, []);

    private (int Index, Rejection Rejection)? Run(IReadOnlyList<GovernanceAction> actions, long at, List<ProtocolEvent> records)
    {
        var stored = new HashSet<PolicyHash>(state.Policies.Keys);
        var launched = new HashSet<VaultId>();
        var gauges = new Dictionary<GaugeId, bool>();
        var rails = new Dictionary<VaultId, RebalanceRails>();
        (int, Rejection) Refuse(int i, string message) => (i, new Rejection(GovernanceBridgeRejections.InvalidAction, message));

        for (var i = 0; i < actions.Count; i++)
        {
            switch (actions[i])
            {
                case AdoptPolicy adopt:
                    if (bridge.AdoptProblem(state, adopt) is { } adoptProblem)
                    {
                        return Refuse(i, adoptProblem);
                    }

                    var spec = bridge.Compiler.CompileAll(adopt.PolicyText).First(p => p.Hash == adopt.PolicyHash);
                    if (stored.Add(adopt.PolicyHash))
                    {
                        records.Add(new PolicyStored(adopt.PolicyHash, spec.Name, adopt.PolicyText));
                    }

                    records.Add(new PolicyAttached(adopt.VaultId, adopt.PolicyHash, now));
                    break;
                case ChangeVaultSettings change when state.SimpleVaults.TryGetValue(change.VaultId, out var simple):
                    var (fees, feeProblem) = FeeSettings.Apply(simple.Vault.Config, change.Settings, now);
                    if (fees is null)
                    {
                        return Refuse(i, feeProblem!);
                    }

                    records.Add(new SimpleVaultOperation(change.VaultId, new AccountId("governance"), fees));
                    break;
                case ChangeVaultSettings change when state.ComposedVaults.TryGetValue(change.VaultId, out var vault):
                    var (changed, problem) = RailsSettings.Apply(rails.GetValueOrDefault(change.VaultId, vault.Spec.Rails), change.Settings);
                    if (changed is null)
                    {
                        return Refuse(i, problem!);
                    }

                    rails[change.VaultId] = changed;
                    records.Add(new RailsChanged(change.VaultId, changed, now));
                    break;
                case LaunchComposedVault launch:
                    if (launched.Contains(launch.VaultId))
                    {
                        return Refuse(i, $"'{launch.VaultId}' is launched twice in this proposal");
                    }

                    var (launchSpec, launchPolicy, launchProblem) = bridge.LaunchProblem(state, launch);
                    if (launchProblem is not null)
                    {
                        return Refuse(i, launchProblem);
                    }

                    records.Add(new ComposedVaultCreated(launch.VaultId, launchSpec!, now));
                    if (stored.Add(launchPolicy!.Hash))
                    {
                        records.Add(new PolicyStored(launchPolicy.Hash, launchPolicy.Name, launch.SpecText));
                    }

                    records.Add(new PolicyAttached(launch.VaultId, launchPolicy.Hash, now));
                    launched.Add(launch.VaultId);
                    break;
                case AddGauge add:
                    if (!state.ComposedVaults.ContainsKey(add.GaugeId.Vault) && !launched.Contains(add.GaugeId.Vault))
                    {
                        return Refuse(i, $"gauge '{add.GaugeId}' is not a composed vault (a vault launched by this proposal must be launched before its gauge is added)");
                    }

                    // The gauge controller decides (a gauge added earlier in this proposal exists already, as it will then).
                    var added = gauges.ContainsKey(add.GaugeId) ? Decision<GaugeAdded>.Reject(GovernanceRejections.HasGauge(add.GaugeId)) : state.Governance!.Gauges.DecideAdd(add.GaugeId, at);
                    if (added.Rejection is { } addRefused)
                    {
                        return (i, addRefused);
                    }

                    gauges[add.GaugeId] = true;
                    records.Add(new GaugeRecorded(added.Operation!));

                    // Holders the vault already has join the gauge with their current shares (in account order).
                    if (state.ComposedVaults.TryGetValue(add.GaugeId.Vault, out var gaugeVault))
                    {
                        foreach (var (holder, shares) in gaugeVault.Ledger.Balances.Where(b => b.Value > 0).OrderBy(b => b.Key))
                        {
                            records.Add(new GaugeRecorded(new GaugeSharesSet(add.GaugeId, holder, shares, at)));
                        }
                    }

                    break;
                case RemoveGauge remove:
                    // The gauge controller decides (a gauge added or removed earlier in this proposal is as it will then be).
                    var removed = gauges.TryGetValue(remove.GaugeId, out var active)
                        ? (active ? Decision<GaugeRemoved>.Accept(new GaugeRemoved(remove.GaugeId, at)) : GovernanceRejections.NoGauge(remove.GaugeId))
                        : state.Governance!.Gauges.DecideRemove(remove.GaugeId, at);
                    if (removed.Rejection is { } removeRefused)
                    {
                        return (i, removeRefused);
                    }

                    gauges[remove.GaugeId] = false;
                    records.Add(new GaugeRecorded(removed.Operation!));
                    break;
                case ChangeGovernanceParameters:
                    break;
                default:
                    return Refuse(i, actions[i] is ChangeVaultSettings missing ? $"'{missing.VaultId}' is not a vault" : $"{actions[i].GetType().Name} is not supported by this protocol yet");
            }
        }

        return null;
    }
}
