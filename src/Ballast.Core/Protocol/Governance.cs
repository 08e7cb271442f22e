using System.Collections.Immutable;
using Ballast.Accounting;
using Ballast.Governance;

namespace Ballast.Protocol;

/// <summary>The governance side of the protocol state: BANK, veBANK, the governor and the gauges.</summary>
public sealed class GovernanceState
{
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

    public BankToken Bank { get; }

    public VotingEscrow Escrow { get; }

    public Governor Governor { get; }

    public GaugeController Gauges { get; }

    /// <summary>The account a gauge's emissions are minted to, and claimed from.</summary>
    public static AccountId GaugeAccount(string gauge) => new("gauge:" + gauge);
}

/// <summary>
/// Re-runs the backtest behind an evidence claim (the spec, the data with that digest, the period) and compares;
/// null when no data with the claim's digest is known here. Lives outside the domain (it reads files).
/// </summary>
public interface IEvidenceVerifier
{
    EvidenceResult? Check(EvidenceClaim claim, string policyText, string policyHash);
}

/// <summary>Knows no data: every claim is "data digest unknown".</summary>
public sealed class NoEvidenceVerifier : IEvidenceVerifier
{
    public static NoEvidenceVerifier Instance { get; } = new();

    public EvidenceResult? Check(EvidenceClaim claim, string policyText, string policyHash) => null;
}

public sealed record InitGovernance(string Id, AccountId Actor, GovernanceParameters Parameters) : ProtocolCommand(Id, Actor);

public sealed record MintBank(string Id, AccountId Actor, AccountId To, UInt128 Amount) : ProtocolCommand(Id, Actor);

public sealed record TransferBank(string Id, AccountId Actor, AccountId To, UInt128 Amount) : ProtocolCommand(Id, Actor);

public sealed record CreateLock(string Id, AccountId Actor, UInt128 Amount, long UnlockTime) : ProtocolCommand(Id, Actor);

public sealed record IncreaseLockAmount(string Id, AccountId Actor, UInt128 Amount) : ProtocolCommand(Id, Actor);

public sealed record IncreaseUnlockTime(string Id, AccountId Actor, long UnlockTime) : ProtocolCommand(Id, Actor);

public sealed record WithdrawLock(string Id, AccountId Actor) : ProtocolCommand(Id, Actor);

public sealed record Propose(string Id, AccountId Actor, ImmutableArray<GovernanceAction> Actions, string Description) : ProtocolCommand(Id, Actor);

public sealed record CastVote(string Id, AccountId Actor, long ProposalId, int Support) : ProtocolCommand(Id, Actor);

public sealed record QueueProposal(string Id, AccountId Actor, long ProposalId) : ProtocolCommand(Id, Actor);

public sealed record ExecuteProposal(string Id, AccountId Actor, long ProposalId) : ProtocolCommand(Id, Actor);

public sealed record CancelProposal(string Id, AccountId Actor, long ProposalId) : ProtocolCommand(Id, Actor);

public sealed record VoteGauge(string Id, AccountId Actor, string Gauge, int Bps) : ProtocolCommand(Id, Actor);

public sealed record DistributeEmission(string Id, AccountId Actor, long Week, UInt128 Amount) : ProtocolCommand(Id, Actor);

public sealed record ClaimGaugeReward(string Id, AccountId Actor, string Gauge) : ProtocolCommand(Id, Actor);

public sealed record GovernanceInitialized(AccountId Minter, GovernanceParameters Parameters, DateTimeOffset At) : ProtocolEvent;

public sealed record BankRecorded(BankOperation Operation) : ProtocolEvent;

public sealed record EscrowRecorded(EscrowOperation Operation) : ProtocolEvent;

public sealed record GovernorRecorded(GovernorOperation Operation) : ProtocolEvent;

public sealed record GaugeRecorded(GaugeOperation Operation) : ProtocolEvent;

/// <summary>
/// The system's re-run of a proposal action's evidence: "verified", "mismatch" (with every differing field), or
/// "data-unknown" (no data with the claimed digest here). Journaled with the proposal, so voters see both.
/// </summary>
public sealed record EvidenceChecked(long ProposalId, int ActionIndex, string Result, ImmutableArray<EvidenceMismatch> Mismatches) : ProtocolEvent;

/// <summary>A composed vault's rails replaced by an executed proposal.</summary>
public sealed record RailsChanged(string Vault, RebalanceRails Rails, DateTimeOffset At) : ProtocolEvent;

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
