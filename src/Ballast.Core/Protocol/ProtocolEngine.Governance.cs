using System.Collections.Immutable;
using Ballast.Accounting;
using Ballast.Governance;

namespace Ballast.Protocol;

/// <summary>Governance commands: the governance domain decides, the protocol journals its records as events.</summary>
public sealed partial class ProtocolEngine
{
    private CommandOutcome DecideGovernance(ProtocolState state, ProtocolCommand command, DateTimeOffset now)
    {
        var t = now.ToUnixTimeSeconds();
        if (command is InitGovernance init)
        {
            if (state.Governance is not null)
            {
                return CommandOutcome.Reject("governance-exists", "governance is already initialised");
            }

            return init.Parameters.Problem() is { } problem
                ? CommandOutcome.Reject("invalid-parameters", problem)
                : CommandOutcome.Of(new GovernanceInitialized(init.Actor, init.Parameters, now));
        }

        if (state.Governance is not { } g)
        {
            return CommandOutcome.Reject("no-governance", "governance is not initialised (InitGovernance first)");
        }

        return command switch
        {
            MintBank c => One(g.Bank.DecideMint(c.Actor, c.To, c.Amount, t), r => new BankRecorded(r)),
            TransferBank c => One(g.Bank.DecideTransfer(c.Actor, c.To, c.Amount, t), r => new BankRecorded(r)),
            CreateLock c => One(g.Escrow.DecideCreateLock(c.Actor, c.Amount, c.UnlockTime, t), r => new EscrowRecorded(r)),
            IncreaseLockAmount c => One(g.Escrow.DecideIncreaseAmount(c.Actor, c.Amount, t), r => new EscrowRecorded(r)),
            IncreaseUnlockTime c => One(g.Escrow.DecideIncreaseUnlockTime(c.Actor, c.UnlockTime, t), r => new EscrowRecorded(r)),
            WithdrawLock c => One(g.Escrow.DecideWithdraw(c.Actor, t), r => new EscrowRecorded(r)),
            Propose c => DecidePropose(state, g, c, t),
            CastVote c => One(g.Governor.DecideVote(c.ProposalId, c.Actor, c.Support, t), r => new GovernorRecorded(r)),
            QueueProposal c => One(g.Governor.DecideQueue(c.ProposalId, t), r => new GovernorRecorded(r)),
            CancelProposal c => One(g.Governor.DecideCancel(c.ProposalId, c.Actor, t), r => new GovernorRecorded(r)),
            ExecuteProposal c => DecideExecute(state, g, c, now),
            VoteGauge c => One(g.Gauges.DecideVote(c.Actor, c.Gauge, c.Bps, t), r => new GaugeRecorded(r)),
            DistributeEmission c => DecideDistribute(g, c, t),
            ClaimGaugeReward c => DecideClaim(g, c, t),
            _ => throw new ArgumentException($"no rule decides {command.GetType().Name}", nameof(command)),
        };
    }

    private static CommandOutcome One<T>(GovernanceDecision<T> decision, Func<T, ProtocolEvent> wrap)
        where T : class => decision.Rejection is { } r ? CommandOutcome.Reject(r) : CommandOutcome.Of(wrap(decision.Record!));

    /// <summary>
    /// A proposal: its actions are checked now (the vault exists, the policy text holds a policy with the hash), and
    /// every piece of evidence is re-run by the system; both the proposal and the evidence results are journaled.
    /// </summary>
    private CommandOutcome DecidePropose(ProtocolState state, GovernanceState g, Propose c, long t)
    {
        // The same sequential check execution will make, so a proposal that passes here can execute.
        if (new Target(this, state, DateTimeOffset.FromUnixTimeSeconds(t)).Check(c.Actions, t) is { } refused)
        {
            return CommandOutcome.Reject("invalid-action", $"action {refused.Index + 1}: {refused.Rejection.Message}");
        }

        var decision = g.Governor.DecidePropose(c.Actor, c.Actions, c.Description, t);
        if (decision.Rejection is { } rejection)
        {
            return CommandOutcome.Reject(rejection);
        }

        var created = decision.Record!;
        var events = new List<ProtocolEvent> { new GovernorRecorded(created) };
        for (var i = 0; i < c.Actions.Length; i++)
        {
            var (claim, text, hash) = c.Actions[i] switch
            {
                AdoptPolicy { Evidence: { } e } adopt => (e, adopt.PolicyText, adopt.PolicyHash),
                LaunchComposedVault { Evidence: { } e } launch => (e, launch.SpecText, _compiler.CompileAll(launch.SpecText)[0].Hash),
                _ => (null, null, null),
            };
            if (claim is not null)
            {
                var result = _evidence.Check(claim, text!, hash!);
                events.Add(new EvidenceChecked(created.ProposalId, i, result is null ? "data-unknown" : result.Verified ? "verified" : "mismatch", result is null ? [] : [.. result.Mismatches]));
            }
        }

        return CommandOutcome.Of([.. events]);
    }

    /// <summary>Why an adopt action cannot apply (the vault, the policy text and its hash, the universe), or null.</summary>
    private string? AdoptProblem(ProtocolState state, AdoptPolicy adopt)
    {
        if (!state.ComposedVaults.TryGetValue(adopt.VaultId, out var cv))
        {
            return $"'{adopt.VaultId}' is not a composed vault";
        }

        Policies.PolicySpec? spec;
        try
        {
            spec = _compiler.CompileAll(adopt.PolicyText).FirstOrDefault(p => p.Hash == adopt.PolicyHash);
        }
        catch (BallastInputException e)
        {
            return $"the policy text is not a valid spec: {e.Message}";
        }

        if (spec is null)
        {
            return $"the policy text holds no policy with hash {adopt.PolicyHash}";
        }

        return spec.Universe.Order(StringComparer.Ordinal).SequenceEqual(cv.Spec.Children.Order(StringComparer.Ordinal), StringComparer.Ordinal)
            ? null
            : $"policy '{spec.Name}' holds [{string.Join(", ", spec.Universe)}], the vault's children are [{string.Join(", ", cv.Spec.Children)}]";
    }

    /// <summary>
    /// A launch: the spec holds exactly one policy whose universe is simple vaults of one asset; the new composed
    /// vault is operated by governance itself (account <c>governance</c>), with no rails, and follows that policy.
    /// </summary>
    private (ComposedVaultSpec? Spec, Policies.PolicySpec? Policy, string? Problem) LaunchProblem(ProtocolState state, LaunchComposedVault launch)
    {
        if (!AccountId.IsValid("vault:" + launch.VaultId) || state.ComposedVaults.ContainsKey(launch.VaultId) || state.SimpleVaults.ContainsKey(launch.VaultId))
        {
            return (null, null, $"'{launch.VaultId}' is not a free composed vault id");
        }

        IReadOnlyList<Policies.PolicySpec> policies;
        try
        {
            policies = _compiler.CompileAll(launch.SpecText);
        }
        catch (BallastInputException e)
        {
            return (null, null, $"the spec is not valid: {e.Message}");
        }

        if (policies.Count != 1)
        {
            return (null, null, $"a launch spec holds exactly one policy; this one has {policies.Count}");
        }

        var policy = policies[0];
        var missing = policy.Universe.FirstOrDefault(c => !state.SimpleVaults.ContainsKey(c));
        if (missing is not null)
        {
            return (null, null, $"the policy holds '{missing}', which is not a simple vault");
        }

        var assets = policy.Universe.Select(c => state.SimpleVaults[c].Spec.Asset).Distinct(StringComparer.Ordinal).ToList();
        if (assets.Count != 1)
        {
            return (null, null, $"the children hold different assets ({string.Join(", ", assets)})");
        }

        var governance = new AccountId("governance");
        return (new ComposedVaultSpec { Asset = assets[0], DecimalsOffset = 6, Operator = governance, CostRecipient = governance, Children = policy.Universe }, policy, null);
    }

    /// <summary>Executes a queued proposal atomically: the governor checks its state, this protocol decides every action (all or none).</summary>
    private CommandOutcome DecideExecute(ProtocolState state, GovernanceState g, ExecuteProposal c, DateTimeOffset now)
    {
        var decision = g.Governor.DecideExecute(c.ProposalId, new Target(this, state, now), now.ToUnixTimeSeconds());
        if (decision.Rejection is { } rejection)
        {
            return CommandOutcome.Reject(rejection);
        }

        if (EvidenceGate.Check(g, c.ProposalId) is { } unverified)
        {
            return CommandOutcome.Reject(unverified);
        }

        var execution = decision.Record!;
        return CommandOutcome.Of([new GovernorRecorded(execution.Executed), .. execution.TargetRecords]);
    }

    private static CommandOutcome DecideDistribute(GovernanceState g, DistributeEmission c, long t)
    {
        if (c.Actor != g.Bank.Minter)
        {
            return CommandOutcome.Reject(GovernanceRejections.NotMinter, $"{c.Actor} is not BANK's minter");
        }

        var distribution = g.Gauges.DecideDistribute(c.Week, c.Amount, t);
        if (distribution.Rejection is { } rejection)
        {
            return CommandOutcome.Reject(rejection);
        }

        var record = distribution.Record!;
        var cap = g.Bank.DecideMint(c.Actor, c.Actor, record.Shares.Aggregate(UInt128.Zero, (sum, s) => sum + s.Amount), t);
        if (cap.Rejection is { } capped && record.Shares.Any(s => s.Amount > 0))
        {
            return CommandOutcome.Reject(capped);
        }

        var events = new List<ProtocolEvent> { new GaugeRecorded(record) };
        events.AddRange(record.Shares.Where(s => s.Amount > 0).Select(s => new BankRecorded(new BankMinted(c.Actor, GovernanceState.GaugeAccount(s.Gauge), s.Amount, t))));
        return CommandOutcome.Of([.. events]);
    }

    private static CommandOutcome DecideClaim(GovernanceState g, ClaimGaugeReward c, long t)
    {
        var claim = g.Gauges.DecideClaim(c.Gauge, c.Actor, t);
        if (claim.Rejection is { } rejection)
        {
            return CommandOutcome.Reject(rejection);
        }

        var record = claim.Record!;
        return CommandOutcome.Of(new GaugeRecorded(record), new BankRecorded(new BankTransferred(GovernanceState.GaugeAccount(c.Gauge), c.Actor, record.Amount, t)));
    }

    /// <summary>The gauge share records that keep a composed vault's gauge in step with its share balances (when it is a gauge).</summary>
    private static IEnumerable<ProtocolEvent> GaugeShares(ProtocolState state, string vault, AccountId investor, UInt128 balanceAfter, DateTimeOffset now)
    {
        if (state.Governance is { } g && g.Gauges.IsActive(vault))
        {
            var set = g.Gauges.DecideSetShares(vault, investor, balanceAfter, now.ToUnixTimeSeconds());
            if (set.Record is { } record)
            {
                yield return new GaugeRecorded(record);
            }
        }
    }

    /// <summary>
    /// Decides a proposal's actions for this protocol, in order: each against the state as the earlier actions of the
    /// same proposal leave it (launched vaults, gauges added or removed, rails changed, policies stored), so every
    /// record it returns applies.
    /// </summary>
    private sealed class Target(ProtocolEngine engine, ProtocolState state, DateTimeOffset now) : IGovernanceTarget<ProtocolEvent>
    {
        public ActionsDecision<ProtocolEvent> DecideActions(IReadOnlyList<GovernanceAction> actions, long at)
        {
            var records = new List<ProtocolEvent>();
            var refused = Run(actions, at, records);
            return refused is { } r ? ActionsDecision<ProtocolEvent>.Refuse(r.Index, r.Rejection) : ActionsDecision<ProtocolEvent>.Accept(records);
        }

        /// <summary>The first refused action, or null when all of them would apply.</summary>
        public (int Index, Rejection Rejection)? Check(IReadOnlyList<GovernanceAction> actions, long at) => Run(actions, at, []);

        private (int Index, Rejection Rejection)? Run(IReadOnlyList<GovernanceAction> actions, long at, List<ProtocolEvent> records)
        {
            var stored = new HashSet<string>(state.Policies.Keys, StringComparer.Ordinal);
            var launched = new HashSet<string>(StringComparer.Ordinal);
            var gauges = new Dictionary<string, bool>(StringComparer.Ordinal);
            var rails = new Dictionary<string, RebalanceRails>(StringComparer.Ordinal);
            bool GaugeActive(string id) => gauges.TryGetValue(id, out var active) ? active : state.Governance!.Gauges.IsActive(id);
            bool GaugeKnown(string id) => gauges.ContainsKey(id) || state.Governance!.Gauges.Gauges.Contains(id);
            (int, Rejection) Refuse(int i, string message) => (i, new Rejection("invalid-action", message));

            for (var i = 0; i < actions.Count; i++)
            {
                switch (actions[i])
                {
                    case AdoptPolicy adopt:
                        if (engine.AdoptProblem(state, adopt) is { } adoptProblem)
                        {
                            return Refuse(i, adoptProblem);
                        }

                        var spec = engine._compiler.CompileAll(adopt.PolicyText).First(p => p.Hash == adopt.PolicyHash);
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

                        var (launchSpec, launchPolicy, launchProblem) = engine.LaunchProblem(state, launch);
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
                        if (!state.ComposedVaults.ContainsKey(add.GaugeId) && !launched.Contains(add.GaugeId))
                        {
                            return Refuse(i, $"gauge '{add.GaugeId}' is not a composed vault (a vault launched by this proposal must be launched before its gauge is added)");
                        }

                        if (GaugeKnown(add.GaugeId))
                        {
                            return Refuse(i, $"gauge '{add.GaugeId}' already exists");
                        }

                        gauges[add.GaugeId] = true;
                        records.Add(new GaugeRecorded(new GaugeAdded(add.GaugeId, at)));

                        // Holders the vault already has join the gauge with their current shares (in account order).
                        if (state.ComposedVaults.TryGetValue(add.GaugeId, out var gaugeVault))
                        {
                            foreach (var (holder, shares) in gaugeVault.Ledger.Balances.Where(b => b.Value > 0).OrderBy(b => b.Key))
                            {
                                records.Add(new GaugeRecorded(new GaugeSharesSet(add.GaugeId, holder, shares, at)));
                            }
                        }

                        break;
                    case RemoveGauge remove:
                        if (!GaugeActive(remove.GaugeId))
                        {
                            return Refuse(i, $"gauge '{remove.GaugeId}' is not an active gauge");
                        }

                        gauges[remove.GaugeId] = false;
                        records.Add(new GaugeRecorded(new GaugeRemoved(remove.GaugeId, at)));
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
}
