using System.Collections.Immutable;
using Ballast.Accounting;
using Ballast.Governance;
using Ballast.Policies;

namespace Ballast.Protocol;

/// <summary>The governance side of the protocol state: BANK, veBANK, the governor and the gauges.</summary>
public sealed class GovernanceState
{
    /// <summary>A fresh governance state: no BANK supply, no locks, no proposals, no gauges.</summary>
    /// <param name="minter">The only account allowed to mint BANK.</param>
    /// <param name="parameters">The governor's initial voting delay, period, quorum, threshold and timelock.</param>
    /// <exception cref="ArgumentException">The parameters are invalid.</exception>
    public GovernanceState(AccountId minter, GovernanceParameters parameters)
    {
        Bank = new BankToken(minter);
        Escrow = new VotingEscrow(Bank, EscrowAccount);
        Governor = new Governor(Escrow, parameters);
        Gauges = new GaugeController(Escrow);
    }

    /// <summary>The system's evidence checks, by proposal and action index.</summary>
    public Dictionary<(long ProposalId, int ActionIndex), EvidenceChecked> Evidence { get; } = [];

    /// <summary>The account that holds locked BANK.</summary>
    public static AccountId EscrowAccount { get; } = new("escrow:vebank");

    /// <summary>The BANK token ledger (balances in base units, minted only by the minter).</summary>
    public BankToken Bank { get; }

    /// <summary>veBANK: BANK locked until a week boundary, with voting power decaying linearly to the unlock time.</summary>
    public VotingEscrow Escrow { get; }

    /// <summary>Proposals, votes, the timelock and execution, with voting power read from <see cref="Escrow"/>.</summary>
    public Governor Governor { get; }

    /// <summary>Gauge weights voted with veBANK and the weekly BANK emissions split by them.</summary>
    public GaugeController Gauges { get; }
}

/// <summary>
/// Re-runs the backtest behind an evidence claim (the spec, the data with that digest, the period) and compares;
/// null when no data with the claim's digest is known here. Lives outside the domain (it reads files).
/// </summary>
public interface IEvidenceVerifier
{
    /// <summary>Re-runs the backtest named by <paramref name="claim"/> for the policy and compares its figures with the claimed ones.</summary>
    /// <param name="claim">The proposal's claimed backtest: data digest, period and figures.</param>
    /// <param name="policyText">The proposed policy spec, as text.</param>
    /// <param name="policyHash">The canonical hash of that policy.</param>
    /// <returns>The comparison, or null when no data with the claim's digest is known here.</returns>
    EvidenceResult? Check(EvidenceClaim claim, string policyText, PolicyHash policyHash);
}

/// <summary>Knows no data: every claim is "data digest unknown".</summary>
public sealed class NoEvidenceVerifier : IEvidenceVerifier
{
    /// <summary>The single instance (the verifier holds no state).</summary>
    public static NoEvidenceVerifier Instance { get; } = new();

    /// <summary>Always null: no data is known here, so every claim is "data-unknown".</summary>
    /// <param name="claim">Ignored.</param>
    /// <param name="policyText">Ignored.</param>
    /// <param name="policyHash">Ignored.</param>
    /// <returns>Null.</returns>
    public EvidenceResult? Check(EvidenceClaim claim, string policyText, PolicyHash policyHash) => null;
}

/// <summary>Start governance once: creates BANK, veBANK, the governor and the gauges; rejected if already started.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The account starting governance; it becomes the BANK minter.</param>
/// <param name="Parameters">The governor's initial parameters (delays in seconds, quorum and threshold).</param>
public sealed record InitGovernance(string Id, AccountId Actor, GovernanceParameters Parameters) : ProtocolCommand(Id, Actor);

/// <summary>Mint new BANK to an account; only the minter may.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The minter.</param>
/// <param name="To">The account credited.</param>
/// <param name="Amount">BANK to create, in base units (greater than zero).</param>
public sealed record MintBank(string Id, AccountId Actor, AccountId To, UInt128 Amount) : ProtocolCommand(Id, Actor);

/// <summary>Move BANK from the actor's balance to another account.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The sender; must hold at least <paramref name="Amount"/>.</param>
/// <param name="To">The recipient.</param>
/// <param name="Amount">BANK to move, in base units (greater than zero).</param>
public sealed record TransferBank(string Id, AccountId Actor, AccountId To, UInt128 Amount) : ProtocolCommand(Id, Actor);

/// <summary>Curve's <c>create_lock</c>: lock BANK into veBANK; the account must have no lock yet.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The account locking its own BANK.</param>
/// <param name="Amount">BANK to lock, in base units (greater than zero).</param>
/// <param name="UnlockTime">Unix seconds (UTC); rounded down to a week boundary, must lie in the future and at most four years ahead.</param>
public sealed record CreateLock(string Id, AccountId Actor, UInt128 Amount, long UnlockTime) : ProtocolCommand(Id, Actor);

/// <summary>Add BANK to the actor's existing, unexpired lock (same unlock time).</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The lock's owner.</param>
/// <param name="Amount">BANK to add, in base units (greater than zero).</param>
public sealed record IncreaseLockAmount(string Id, AccountId Actor, UInt128 Amount) : ProtocolCommand(Id, Actor);

/// <summary>Extend the actor's unexpired lock to a later unlock time.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The lock's owner.</param>
/// <param name="UnlockTime">Unix seconds (UTC); rounded down to a week boundary, must be after the current end and at most four years ahead.</param>
public sealed record IncreaseUnlockTime(string Id, AccountId Actor, long UnlockTime) : ProtocolCommand(Id, Actor);

/// <summary>Return the whole BANK of the actor's expired lock to its balance.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The lock's owner.</param>
public sealed record WithdrawLock(string Id, AccountId Actor) : ProtocolCommand(Id, Actor);

/// <summary>Create a governance proposal; the actor needs veBANK voting power at least the proposal threshold.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The proposer.</param>
/// <param name="Actions">What the proposal does when executed, in order (at least one).</param>
/// <param name="Description">Free text shown to voters; part of the proposal's identity.</param>
public sealed record Propose(string Id, AccountId Actor, ImmutableArray<GovernanceAction> Actions, string Description) : ProtocolCommand(Id, Actor);

/// <summary>Vote on an Active proposal with the actor's veBANK power at the proposal's snapshot, once per account.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The voter.</param>
/// <param name="ProposalId">The proposal (ids start at 1).</param>
/// <param name="Support">0 Against, 1 For, 2 Abstain; any other value is rejected.</param>
public sealed record CastVote(string Id, AccountId Actor, long ProposalId, int Support) : ProtocolCommand(Id, Actor);

/// <summary>Queue a Succeeded proposal in the timelock; it becomes executable after the timelock delay.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">Any account.</param>
/// <param name="ProposalId">The proposal (ids start at 1).</param>
public sealed record QueueProposal(string Id, AccountId Actor, long ProposalId) : ProtocolCommand(Id, Actor);

/// <summary>Execute a Queued proposal whose timelock delay has passed, applying its actions in order.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">Any account.</param>
/// <param name="ProposalId">The proposal (ids start at 1).</param>
public sealed record ExecuteProposal(string Id, AccountId Actor, long ProposalId) : ProtocolCommand(Id, Actor);

/// <summary>Cancel a proposal: by its proposer while Pending, or by the guardian (a veto) while Queued.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The account cancelling.</param>
/// <param name="ProposalId">The proposal (ids start at 1).</param>
public sealed record CancelProposal(string Id, AccountId Actor, long ProposalId) : ProtocolCommand(Id, Actor);

/// <summary>Direct a share of the actor's veBANK slope to a gauge, effective from the next week boundary.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The voter; needs a lock outlasting the next week.</param>
/// <param name="Gauge">The gauge's id.</param>
/// <param name="Bps">Share of the actor's power, 0 to 10,000 basis points; the actor's total over all gauges may not exceed 10,000.</param>
public sealed record VoteGauge(string Id, AccountId Actor, GaugeId Gauge, int Bps) : ProtocolCommand(Id, Actor);

/// <summary>Split one week's BANK emission across the active gauges by weight (largest remainder, summing exactly).</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The minter.</param>
/// <param name="Week">Unix seconds (UTC) of the week's start: a week boundary not after now, distributed once.</param>
/// <param name="Amount">BANK to emit for that week, in base units.</param>
public sealed record DistributeEmission(string Id, AccountId Actor, long Week, UInt128 Amount) : ProtocolCommand(Id, Actor);

/// <summary>Pay the actor every whole base unit of BANK it has earned in a gauge up to now.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The claiming account.</param>
/// <param name="Gauge">The gauge's id.</param>
public sealed record ClaimGaugeReward(string Id, AccountId Actor, GaugeId Gauge) : ProtocolCommand(Id, Actor);

/// <summary>Governance was started (see <see cref="InitGovernance"/>).</summary>
/// <param name="Minter">The account allowed to mint BANK.</param>
/// <param name="Parameters">The governor's initial parameters.</param>
/// <param name="At">When, from the journal clock.</param>
public sealed record GovernanceInitialized(AccountId Minter, GovernanceParameters Parameters, DateTimeOffset At) : ProtocolEvent;

/// <summary>A change to the BANK ledger (mint or transfer), replayed onto <see cref="GovernanceState.Bank"/>.</summary>
/// <param name="Operation">The recorded mint or transfer.</param>
public sealed record BankRecorded(BankOperation Operation) : ProtocolEvent;

/// <summary>A change to veBANK (lock created, increased, extended or withdrawn), replayed onto <see cref="GovernanceState.Escrow"/>.</summary>
/// <param name="Operation">The recorded lock operation.</param>
public sealed record EscrowRecorded(EscrowOperation Operation) : ProtocolEvent;

/// <summary>A change to the governor (proposal, vote, queue, execution, cancellation or parameters), replayed onto <see cref="GovernanceState.Governor"/>.</summary>
/// <param name="Operation">The recorded governor operation.</param>
public sealed record GovernorRecorded(GovernorOperation Operation) : ProtocolEvent;

/// <summary>A change to the gauges (vote, emission, claim), replayed onto <see cref="GovernanceState.Gauges"/>.</summary>
/// <param name="Operation">The recorded gauge operation.</param>
public sealed record GaugeRecorded(GaugeOperation Operation) : ProtocolEvent;

/// <summary>
/// The system's re-run of a proposal action's evidence: "verified", "mismatch" (with every differing field), or
/// "data-unknown" (no data with the claimed digest here). Journaled with the proposal, so voters see both.
/// </summary>
/// <param name="ProposalId">The proposal.</param>
/// <param name="ActionIndex">The action's 0-based index within the proposal.</param>
/// <param name="Result">"verified", "mismatch" or "data-unknown".</param>
/// <param name="Mismatches">Every field whose recomputed value differs from the claim; empty unless "mismatch".</param>
public sealed record EvidenceChecked(long ProposalId, int ActionIndex, string Result, ImmutableArray<EvidenceMismatch> Mismatches) : ProtocolEvent;

/// <summary>A composed vault's rails replaced by an executed proposal.</summary>
/// <param name="Vault">The composed vault.</param>
/// <param name="Rails">The rails now in force.</param>
/// <param name="At">When, from the journal clock.</param>
public sealed record RailsChanged(VaultId Vault, RebalanceRails Rails, DateTimeOffset At) : ProtocolEvent;

/// <summary>Settings of a <see cref="ChangeVaultSettings"/> action, read as rails of a composed vault.</summary>
public static class RailsSettings
{
    /// <summary>The keys a proposal may set, with what they hold.</summary>
    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["max_step_ppm"] = "largest weight change per child per rebalance, ppm (or 'none')",
        ["max_child_ppm"] = "cap on a child's weight, ppm (or 'none')",
        ["max_child_assets"] = "cap on a child's value, base units (or 'none')",
        ["min_trade_assets"] = "smallest child trade, base units",
        ["cooldown_seconds"] = "seconds between rebalances",
        ["fixed_cost"] = "fixed cost per child operation, base units",
        ["cost_budget"] = "cost budget capacity, base units (or 'none')",
        ["cost_budget_per_day"] = "cost budget refill per day, base units",
        ["request_max_loss_bps"] = "max loss of the rebalancer's withdrawal requests, bps",
    };

    /// <summary>The rails with the settings applied, or the first problem (key and what was expected).</summary>
    public static (RebalanceRails? Rails, string? Problem) Apply(RebalanceRails rails, IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(rails);
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var (key, value) in settings.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!Keys.TryGetValue(key, out var expected))
            {
                return (null, $"unknown setting '{key}'; known: {string.Join(", ", Keys.Keys)}");
            }

            var none = value == "none";
            var isInt = int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i);
            var isLong = long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var l);
            var isAmount = UInt128.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var u);
            string Bad() => $"setting '{key}' = '{value}': expected {expected}";
            switch (key)
            {
                case "max_step_ppm" when none || (isInt && i is >= 1 and <= 1_000_000):
                    rails = rails with { MaxStepPpm = none ? null : i };
                    break;
                case "max_child_ppm" when none || (isInt && i is >= 1 and <= 1_000_000):
                    rails = rails with { MaxChildPpm = none ? null : i };
                    break;
                case "max_child_assets" when none || isAmount:
                    rails = rails with { MaxChildAssets = none ? null : u };
                    break;
                case "min_trade_assets" when isAmount:
                    rails = rails with { MinTradeAssets = u };
                    break;
                case "cooldown_seconds" when isLong && l <= ProtocolEngine.MaxCooldownSeconds:
                    rails = rails with { CooldownSeconds = l };
                    break;
                case "fixed_cost" when isAmount:
                    rails = rails with { FixedCostPerOperation = u };
                    break;
                case "cost_budget" when none || isAmount:
                    rails = rails with { CostBudget = none ? null : u };
                    break;
                case "cost_budget_per_day" when isAmount:
                    rails = rails with { CostBudgetPerDay = u };
                    break;
                case "request_max_loss_bps" when isInt && i <= 10_000:
                    rails = rails with { RequestMaxLossBps = i };
                    break;
                default:
                    return (null, Bad());
            }
        }

        return (rails, null);
    }
}

/// <summary>Settings of a <see cref="ChangeVaultSettings"/> action, read as a simple vault's fees (bps).</summary>
public static class FeeSettings
{
    /// <summary>The keys a proposal may set on a simple vault: its entry, exit, management and performance fees, in whole basis points.</summary>
    public static readonly IReadOnlyList<string> Keys = ["entry_fee_bps", "exit_fee_bps", "management_fee_bps", "performance_fee_bps"];

    /// <summary>The fee change, or the first problem (key and what was expected).</summary>
    public static (FeesChanged? Change, string? Problem) Apply(VaultConfig config, IReadOnlyDictionary<string, string> settings, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(settings);
        var fees = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["entry_fee_bps"] = config.EntryFeeBps,
            ["exit_fee_bps"] = config.ExitFeeBps,
            ["management_fee_bps"] = config.ManagementFeeBps,
            ["performance_fee_bps"] = config.PerformanceFeeBps,
        };
        foreach (var (key, value) in settings.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!fees.ContainsKey(key))
            {
                return (null, $"unknown setting '{key}' for a simple vault; known: {string.Join(", ", Keys)}");
            }

            var max = key is "entry_fee_bps" or "exit_fee_bps" ? VaultConfig.MaxFlowFeeBps : BasisPoints.One;
            if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bps) || bps > max)
            {
                return (null, $"setting '{key}' = '{value}': expected whole basis points from 0 to {max}");
            }

            fees[key] = bps;
        }

        return (new FeesChanged(fees["entry_fee_bps"], fees["exit_fee_bps"], fees["management_fee_bps"], fees["performance_fee_bps"], at), null);
    }
}
