using System.Collections.Immutable;
using Ballast.Accounting;
using Ballast.Governance;
using Ballast.Policies;

namespace Ballast.Protocol;

/// <summary>
/// The bridge to the governance domain: BANK (<see cref="BankToken"/>), veBANK (<see cref="VotingEscrow"/>), the
/// <see cref="Governor"/> and the <see cref="GaugeController"/> decide; the bridge journals their records as protocol
/// events, re-runs proposal evidence, and decides a proposal's actions on the protocol (<see cref="ProposalActions"/>).
/// </summary>
internal sealed class GovernanceBridge(IPolicyCompiler compiler, IEvidenceVerifier evidence)
{
    private readonly IPolicyCompiler _compiler = compiler;
    private readonly IEvidenceVerifier _evidence = evidence;

    /// <summary>The compiler that reads the policy texts of proposals.</summary>
    internal IPolicyCompiler Compiler => _compiler;

    /// <summary>Whether <paramref name="command"/> is a governance command.</summary>
    internal static bool Decides(ProtocolCommand command) => command is InitGovernance or MintBank or TransferBank or CreateLock or IncreaseLockAmount
        or IncreaseUnlockTime or WithdrawLock or Propose or CastVote or QueueProposal or ExecuteProposal or CancelProposal or VoteGauge
        or DistributeEmission or ClaimGaugeReward;

    /// <summary>Applies the governance events: initialised, and the records of BANK, veBANK, the governor, the gauges and evidence.</summary>
    internal static void Apply(ProtocolState state, ProtocolEvent e)
    {
        switch (e)
        {
            case GovernanceInitialized g:
                state.Governance = new GovernanceState(g.Minter, g.Parameters);
                break;
            case BankRecorded b:
                state.Governance!.Bank.Apply(b.Operation);
                break;
            case EscrowRecorded x:
                state.Governance!.Escrow.Apply(x.Operation);
                break;
            case GovernorRecorded g:
                state.Governance!.Governor.Apply(g.Operation);
                break;
            case GaugeRecorded g:
                state.Governance!.Gauges.Apply(g.Operation);
                break;
            case EvidenceChecked ev:
                state.Governance!.Evidence[(ev.ProposalId, ev.ActionIndex)] = ev;
                break;
            default:
                throw new ArgumentException($"no governance rule applies {e.GetType().Name}", nameof(e));
        }
    }

    /// <summary>Decides a governance command (<see cref="Decides"/>): the governance domain decides, its records are journaled as events.</summary>
    internal CommandOutcome Decide(ProtocolState state, ProtocolCommand command, DateTimeOffset now)
    {
        var t = now.ToUnixTimeSeconds();
        if (command is InitGovernance init)
        {
            if (state.Governance is not null)
            {
                return CommandOutcome.Reject(GovernanceBridgeRejections.GovernanceExists, "governance is already initialised");
            }

            return init.Parameters.Problem() is { } problem
                ? CommandOutcome.Reject(GovernanceBridgeRejections.InvalidParameters, problem)
                : CommandOutcome.Of(new GovernanceInitialized(init.Actor, init.Parameters, now));
        }

        if (state.Governance is not { } g)
        {
            return CommandOutcome.Reject(GovernanceBridgeRejections.NoGovernance, "governance is not initialised (InitGovernance first)");
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

    private static CommandOutcome One<T>(Decision<T> decision, Func<T, ProtocolEvent> wrap)
        where T : class => decision.Rejection is { } r ? CommandOutcome.Reject(r) : CommandOutcome.Of(wrap(decision.Operation!));

    /// <summary>
    /// A proposal: its actions are checked now (the vault exists, the policy text holds a policy with the hash), and
    /// every piece of evidence is re-run by the system; both the proposal and the evidence results are journaled.
    /// </summary>
    private CommandOutcome DecidePropose(ProtocolState state, GovernanceState g, Propose c, long t)
    {
        // The same sequential check execution will make, so a proposal that passes here can execute.
        if (new ProposalActions(this, state, DateTimeOffset.FromUnixTimeSeconds(t)).Check(c.Actions, t) is { } refused)
        {
            return CommandOutcome.Reject(GovernanceBridgeRejections.InvalidAction, $"action {refused.Index + 1}: {refused.Rejection.Message}");
        }

        var decision = g.Governor.DecidePropose(c.Actor, c.Actions, c.Description, t);
        if (decision.Rejection is { } rejection)
        {
            return CommandOutcome.Reject(rejection);
        }

        var created = decision.Operation!;
        var events = new List<ProtocolEvent> { new GovernorRecorded(created) };
        for (var i = 0; i < c.Actions.Length; i++)
        {
            var (claim, text, hash) = c.Actions[i] switch
            {
                AdoptPolicy { Evidence: { } e } adopt => (e, adopt.PolicyText, adopt.PolicyHash),
                LaunchComposedVault { Evidence: { } e } launch => (e, launch.SpecText, _compiler.CompileAll(launch.SpecText)[0].Hash),
                _ => ((EvidenceClaim?)null, (string?)null, default(PolicyHash)),
            };
            if (claim is not null)
            {
                var result = _evidence.Check(claim, text!, hash);
                events.Add(new EvidenceChecked(created.ProposalId, i, result is null ? EvidenceResults.DataUnknown : result.Verified ? EvidenceResults.Verified : EvidenceResults.Mismatch, result is null ? [] : [.. result.Mismatches]));
            }
        }

        return CommandOutcome.Of([.. events]);
    }

    /// <summary>Why an adopt action cannot apply (the vault, the policy text and its hash, the universe), or null.</summary>
    internal string? AdoptProblem(ProtocolState state, AdoptPolicy adopt)
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

        return spec.Universe.Order(StringComparer.Ordinal).SequenceEqual(cv.Spec.Children.Select(c => c.Value).Order(StringComparer.Ordinal), StringComparer.Ordinal)
            ? null
            : $"policy '{spec.Name}' holds [{string.Join(", ", spec.Universe)}], the vault's children are [{string.Join(", ", cv.Spec.Children)}]";
    }

    /// <summary>
    /// A launch: the spec holds exactly one policy whose universe is simple vaults of one asset; the new composed
    /// vault is operated by governance itself (account <c>governance</c>), with no rails, and follows that policy.
    /// </summary>
    internal (ComposedVaultSpec? Spec, Policies.PolicySpec? Policy, string? Problem) LaunchProblem(ProtocolState state, LaunchComposedVault launch)
    {
        if (!launch.VaultId.CanNameAccount || state.ComposedVaults.ContainsKey(launch.VaultId) || state.SimpleVaults.ContainsKey(launch.VaultId))
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
        var missing = policy.Universe.FirstOrDefault(c => !VaultId.TryParse(c, out var child) || !state.SimpleVaults.ContainsKey(child));
        if (missing is not null)
        {
            return (null, null, $"the policy holds '{missing}', which is not a simple vault");
        }

        ImmutableArray<VaultId> children = [.. policy.Universe.Select(c => new VaultId(c))];
        var assets = children.Select(c => state.SimpleVaults[c].Spec.Asset).Distinct().ToList();
        if (assets.Count != 1)
        {
            return (null, null, $"the children hold different assets ({string.Join(", ", assets)})");
        }

        var governance = new AccountId("governance");
        return (new ComposedVaultSpec { Asset = assets[0], DecimalsOffset = 6, Operator = governance, CostRecipient = governance, Children = children }, policy, null);
    }

    /// <summary>Executes a queued proposal atomically: the governor checks its state, this protocol decides every action (all or none).</summary>
    private CommandOutcome DecideExecute(ProtocolState state, GovernanceState g, ExecuteProposal c, DateTimeOffset now)
    {
        var decision = g.Governor.DecideExecute(c.ProposalId, new ProposalActions(this, state, now), now.ToUnixTimeSeconds());
        if (decision.Rejection is { } rejection)
        {
            return CommandOutcome.Reject(rejection);
        }

        if (EvidenceGate.Check(g, c.ProposalId) is { } unverified)
        {
            return CommandOutcome.Reject(unverified);
        }

        var execution = decision.Operation!;
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

        var record = distribution.Operation!;
        var cap = g.Bank.DecideMint(c.Actor, c.Actor, record.Shares.Aggregate(UInt128.Zero, (sum, s) => sum + s.Amount), t);
        if (cap.Rejection is { } capped && record.Shares.Any(s => s.Amount > 0))
        {
            return CommandOutcome.Reject(capped);
        }

        var events = new List<ProtocolEvent> { new GaugeRecorded(record) };
        events.AddRange(record.Shares.Where(s => s.Amount > 0).Select(s => new BankRecorded(new BankMinted(c.Actor, s.Gauge.Account, s.Amount, t))));
        return CommandOutcome.Of([.. events]);
    }

    private static CommandOutcome DecideClaim(GovernanceState g, ClaimGaugeReward c, long t)
    {
        var claim = g.Gauges.DecideClaim(c.Gauge, c.Actor, t);
        if (claim.Rejection is { } rejection)
        {
            return CommandOutcome.Reject(rejection);
        }

        var record = claim.Operation!;
        return CommandOutcome.Of(new GaugeRecorded(record), new BankRecorded(new BankTransferred(c.Gauge.Account, c.Actor, record.Amount, t)));
    }

    /// <summary>The gauge share records that keep a composed vault's gauge in step with its share balances (when it is a gauge).</summary>
    internal static IEnumerable<ProtocolEvent> GaugeShares(ProtocolState state, VaultId vault, AccountId investor, UInt128 balanceAfter, DateTimeOffset now)
    {
        if (state.Governance is { } g && GaugeId.TryParse(vault.Value, out var gauge) && g.Gauges.IsActive(gauge))
        {
            var set = g.Gauges.DecideSetShares(gauge, investor, balanceAfter, now.ToUnixTimeSeconds());
            if (set.Operation is { } record)
            {
                yield return new GaugeRecorded(record);
            }
        }
    }

}

/// <summary>Rejection codes of the governance bridge (the codes are journaled and tested: never change them).</summary>
public static class GovernanceBridgeRejections
{
    /// <summary>Governance is initialised already.</summary>
    public const string GovernanceExists = "governance-exists";

    /// <summary>The governance parameters are out of range.</summary>
    public const string InvalidParameters = "invalid-parameters";

    /// <summary>A governance command before <see cref="InitGovernance"/>.</summary>
    public const string NoGovernance = "no-governance";

    /// <summary>A proposal's action cannot apply to the protocol.</summary>
    public const string InvalidAction = "invalid-action";
}

/// <summary>What re-running a proposal's evidence found (<see cref="EvidenceChecked.Result"/>).</summary>
public static class EvidenceResults
{
    /// <summary>The data the claim names was not available: the claim is not checked.</summary>
    public const string DataUnknown = "data-unknown";

    /// <summary>The claim holds on the data.</summary>
    public const string Verified = "verified";

    /// <summary>The claim does not hold: the differing fields are listed.</summary>
    public const string Mismatch = "mismatch";
}
