using System.Collections.Immutable;
using Ballast.Accounting;
using Ballast.Hashing;
using Ballast.Policies;

namespace Ballast.Protocol;

/// <summary>
/// A protocol event: what an accepted command changed, with every number computed, so that applying events in
/// journal order rebuilds the state exactly. Journaled as canonical JSON (<see cref="ProtocolJson"/>) under its
/// <see cref="EventTypes"/> name.
/// </summary>
public abstract record ProtocolEvent;

/// <summary>
/// The command whose events follow (the first event of every command): verification decides it again on the state
/// the journal built so far and requires the same events. Applying it changes nothing.
/// </summary>
/// <param name="Command">The command in its journaled form (a policy text replaced by its hash).</param>
public sealed record CommandAccepted(ProtocolCommand Command) : ProtocolEvent
{
    /// <summary>The journaled form of a command: a policy text is replaced by its SHA-256 (the text is journaled once, in <see cref="PolicyStored"/>).</summary>
    public static CommandAccepted Of(ProtocolCommand command) => new(command is SetPolicyCommand p && p.Text.Length > 0
        ? p with { Text = string.Empty, TextHash = Sha256Digest.OfUtf8(p.Text) }
        : command);
}

/// <summary>An asset (a token with decimals) and the account that may issue it.</summary>
/// <param name="Symbol">The asset's unique symbol.</param>
/// <param name="Decimals">Decimal places of one whole unit.</param>
/// <param name="Issuer">The only account allowed to issue it.</param>
public sealed record AssetCreated(AssetSymbol Symbol, int Decimals, AccountId Issuer) : ProtocolEvent;

/// <summary>New units of an asset credited to a wallet by its issuer.</summary>
/// <param name="Symbol">The asset.</param>
/// <param name="To">The wallet credited.</param>
/// <param name="Amount">Units created, in base units.</param>
public sealed record AssetIssued(AssetSymbol Symbol, AccountId To, UInt128 Amount) : ProtocolEvent;

/// <summary>Units moved between wallets.</summary>
/// <param name="Symbol">The asset.</param>
/// <param name="From">The wallet debited.</param>
/// <param name="To">The wallet credited.</param>
/// <param name="Amount">Units moved, in base units.</param>
public sealed record AssetTransferred(AssetSymbol Symbol, AccountId From, AccountId To, UInt128 Amount) : ProtocolEvent;

/// <summary>A simple vault was created (see <see cref="CreateSimpleVault"/>), empty and unpaused.</summary>
/// <param name="Vault">The vault's unique id.</param>
/// <param name="Spec">Asset, reporter, operator, fees and delays, as validated.</param>
/// <param name="At">When, from the journal clock; fees accrue from this time.</param>
public sealed record SimpleVaultCreated(VaultId Vault, SimpleVaultSpec Spec, DateTimeOffset At) : ProtocolEvent;

/// <summary>A composed vault was created (see <see cref="CreateComposedVault"/>), empty, with no policy attached.</summary>
/// <param name="Vault">The vault's unique id.</param>
/// <param name="Spec">The base asset, child vaults, operator and rebalance rails, as validated.</param>
/// <param name="At">When, from the journal clock.</param>
public sealed record ComposedVaultCreated(VaultId Vault, ComposedVaultSpec Spec, DateTimeOffset At) : ProtocolEvent;

/// <summary>
/// An operation on a simple vault by <paramref name="Account"/> (who pays for a deposit, receives a withdrawal).
/// Wallets move with it: a deposit debits the payer, a withdrawal credits the owner, paid-out flow fees go to the
/// vault's fee recipient.
/// </summary>
/// <param name="Vault">The simple vault.</param>
/// <param name="Account">The payer of a deposit or the receiver of a withdrawal; for other operations, the actor.</param>
/// <param name="Operation">What the vault recorded, with every amount computed.</param>
public sealed record SimpleVaultOperation(VaultId Vault, AccountId Account, VaultOperation Operation) : ProtocolEvent
{
    /// <summary>The forward-priced request this deposit or redemption fills (null for an immediate one).</summary>
    public long? RequestId { get; init; }
}

/// <summary>A policy's text, stored once under its content hash (the SHA-256 of its canonical JSON).</summary>
/// <param name="Hash">The SHA-256 of the policy's canonical JSON, lower-case hex.</param>
/// <param name="Name">The policy's name within the text.</param>
/// <param name="Text">The whole spec text (YAML or JSON) as submitted.</param>
public sealed record PolicyStored(PolicyHash Hash, string Name, string Text) : ProtocolEvent;

/// <summary>A composed vault now follows the policy with this hash.</summary>
/// <param name="Vault">The composed vault.</param>
/// <param name="Hash">The policy's hash (a <see cref="PolicyStored"/> already journaled).</param>
/// <param name="At">When, from the journal clock.</param>
public sealed record PolicyAttached(VaultId Vault, PolicyHash Hash, DateTimeOffset At) : ProtocolEvent;

/// <summary>One child operation of a composed vault (deposit into or withdrawal from a child).</summary>
/// <param name="Child">The child simple vault.</param>
/// <param name="Operation">The deposit into it or the withdrawal from it, as that vault recorded it.</param>
public sealed record ChildFlow(VaultId Child, VaultOperation Operation);

/// <summary>An investor deposit into a composed vault, split across its children by the targets in force.</summary>
/// <param name="Vault">The composed vault.</param>
/// <param name="Investor">The payer, who receives the shares.</param>
/// <param name="Assets">Assets paid, in base units.</param>
/// <param name="Shares">Composed-vault shares minted, in share base units (floor of what NAV gained).</param>
/// <param name="NavBefore">The vault's NAV just before, in base units.</param>
/// <param name="Children">The deposits into the children, in child order.</param>
/// <param name="At">When, from the journal clock.</param>
public sealed record ComposedDeposited(VaultId Vault, AccountId Investor, UInt128 Assets, UInt128 Shares, UInt128 NavBefore, ImmutableArray<ChildFlow> Children, DateTimeOffset At) : ProtocolEvent
{
    /// <summary>The forward-priced request this deposit fills (its assets come from escrow); null for an immediate one.</summary>
    public long? RequestId { get; init; }
}

/// <summary>An investor redemption from a composed vault: idle cash first, then children pro rata.</summary>
/// <param name="Vault">The composed vault.</param>
/// <param name="Investor">The shares' owner, paid the assets.</param>
/// <param name="Shares">Composed-vault shares burnt, in share base units.</param>
/// <param name="Assets">Assets paid, in base units.</param>
/// <param name="NavBefore">The vault's NAV just before, in base units.</param>
/// <param name="Children">The withdrawals from the children, in child order.</param>
/// <param name="At">When, from the journal clock.</param>
public sealed record ComposedRedeemed(VaultId Vault, AccountId Investor, UInt128 Shares, UInt128 Assets, UInt128 NavBefore, ImmutableArray<ChildFlow> Children, DateTimeOffset At) : ProtocolEvent
{
    /// <summary>The forward-priced request this redemption fills (its shares were locked); null for an immediate one.</summary>
    public long? RequestId { get; init; }
}

/// <summary>
/// A rebalance: why it fired, the digest of the inputs the policy saw, the targets in parts per million, the child
/// operations, the costs (flow fees plus fixed costs) and NAV before and after.
/// </summary>
/// <param name="Vault">The composed vault.</param>
/// <param name="Policy">The hash of the policy that decided.</param>
/// <param name="Trigger">The kind of trigger that fired (e.g. calendar, drift).</param>
/// <param name="Reason">The one-line explanation of why it fired.</param>
/// <param name="InputsDigest">SHA-256 (hex) of the inputs the policy saw, so the decision can be checked.</param>
/// <param name="Row">The NAV history row the decision was made on.</param>
/// <param name="TargetsPpm">The targets now in force, parts per million in child order, summing to 1,000,000.</param>
/// <param name="Trades">The child operations, in execution order.</param>
/// <param name="FlowFees">Entry and exit fees the children charged, in base units.</param>
/// <param name="FixedCosts">Fixed costs per operation paid to the cost recipient, in base units.</param>
/// <param name="NavBefore">NAV before the rebalance, in base units.</param>
/// <param name="NavAfter">NAV after it, in base units.</param>
/// <param name="CostBudgetAfter">The cost budget left, in base units; null when the rails set no budget.</param>
/// <param name="At">When, from the journal clock.</param>
public sealed record Rebalanced(
    VaultId Vault,
    PolicyHash Policy,
    string Trigger,
    string Reason,
    string InputsDigest,
    int Row,
    ImmutableArray<int> TargetsPpm,
    ImmutableArray<ChildFlow> Trades,
    UInt128 FlowFees,
    UInt128 FixedCosts,
    UInt128 NavBefore,
    UInt128 NavAfter,
    UInt128? CostBudgetAfter,
    DateTimeOffset At) : ProtocolEvent;

/// <summary>
/// The keeper advanced a composed vault's policy state (<see cref="Policies.PolicyState"/>: the volatility regime)
/// over the rows of its children's NAV history it had not observed yet, up to <paramref name="Through"/>, each with
/// the weights the vault held on that row, as a backtest does row by row. Journaled before any
/// <see cref="Rebalanced"/> of the same call; applying it sets the state, so replay rebuilds it exactly.
/// </summary>
/// <param name="Vault">The composed vault.</param>
/// <param name="Policy">The hash of the policy whose state this is (attaching another policy starts afresh).</param>
/// <param name="Through">The date of the last NAV row observed.</param>
/// <param name="HighVolatility">True while the policy is in its high-volatility regime.</param>
/// <param name="Volatility">The annualised realised volatility of the last row with a full window (null before one).</param>
/// <param name="At">When the keeper observed.</param>
public sealed record PolicyObserved(VaultId Vault, PolicyHash Policy, DateOnly Through, bool HighVolatility, double? Volatility, DateTimeOffset At) : ProtocolEvent;

/// <summary>A composed vault's operator paused it: deposits, redemptions and rebalances are refused until unpaused.</summary>
/// <param name="Vault">The composed vault.</param>
/// <param name="Operator">The operator who paused it.</param>
/// <param name="At">When, from the journal clock.</param>
public sealed record ComposedPaused(VaultId Vault, AccountId Operator, DateTimeOffset At) : ProtocolEvent;

/// <summary>A composed vault's operator unpaused it; flows and rebalances are accepted again.</summary>
/// <param name="Vault">The composed vault.</param>
/// <param name="Operator">The operator who unpaused it.</param>
/// <param name="At">When, from the journal clock.</param>
public sealed record ComposedUnpaused(VaultId Vault, AccountId Operator, DateTimeOffset At) : ProtocolEvent;

/// <summary>Journal type names of the events, and their payload (de)serialisation.</summary>
public static class EventTypes
{
    private static readonly (string Name, Type Type)[] All =
    [
        ("command", typeof(CommandAccepted)),
        ("asset-created", typeof(AssetCreated)),
        ("asset-issued", typeof(AssetIssued)),
        ("asset-transferred", typeof(AssetTransferred)),
        ("simple-vault-created", typeof(SimpleVaultCreated)),
        ("composed-vault-created", typeof(ComposedVaultCreated)),
        ("simple-vault-operation", typeof(SimpleVaultOperation)),
        ("policy-stored", typeof(PolicyStored)),
        ("policy-attached", typeof(PolicyAttached)),
        ("composed-deposited", typeof(ComposedDeposited)),
        ("composed-redeemed", typeof(ComposedRedeemed)),
        ("rebalanced", typeof(Rebalanced)),
        ("policy-observed", typeof(PolicyObserved)),
        ("composed-paused", typeof(ComposedPaused)),
        ("composed-unpaused", typeof(ComposedUnpaused)),
        ("governance-initialized", typeof(GovernanceInitialized)),
        ("bank", typeof(BankRecorded)),
        ("escrow", typeof(EscrowRecorded)),
        ("governor", typeof(GovernorRecorded)),
        ("gauge", typeof(GaugeRecorded)),
        ("evidence-checked", typeof(EvidenceChecked)),
        ("rails-changed", typeof(RailsChanged)),
        ("flow-requested", typeof(FlowRequested)),
        ("flow-request-returned", typeof(FlowRequestReturned)),
    ];

    /// <summary>Every journal type name, in declaration order (e.g. "command", "rebalanced", "policy-observed").</summary>
    public static IEnumerable<string> Names => All.Select(a => a.Name);

    /// <summary>The journal type name an event is stored under.</summary>
    /// <param name="e">The event.</param>
    /// <returns>Its name, e.g. "rebalanced" for a <see cref="Rebalanced"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="e"/> is null.</exception>
    /// <exception cref="ArgumentException">The event's type has no journal name.</exception>
    public static string NameOf(ProtocolEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        foreach (var (name, type) in All)
        {
            if (type == e.GetType())
            {
                return name;
            }
        }

        throw new ArgumentException($"no journal name for {e.GetType().Name}", nameof(e));
    }

    /// <summary>The event's journal payload: its JSON in canonical form (<see cref="ProtocolJson.Canonical(System.Text.Json.Nodes.JsonNode)"/>), the same bytes for the same event.</summary>
    /// <param name="e">The event.</param>
    /// <returns>The canonical JSON text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="e"/> is null.</exception>
    public static string Payload(ProtocolEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return ProtocolJson.Canonical(System.Text.Json.JsonSerializer.SerializeToNode(e, e.GetType(), ProtocolJson.Options));
    }

    /// <summary>
    /// The event of a journal entry; a <see cref="System.Text.Json.JsonException"/> or <see cref="ArgumentException"/>
    /// when it does not parse. A member refused by its own converter (an id that is not valid, say) is named in the
    /// message by its JSON path, e.g. <c>(at $.operation.gauge)</c>.
    /// </summary>
    public static ProtocolEvent Parse(string type, string payload)
    {
        foreach (var (name, t) in All)
        {
            if (name == type)
            {
                try
                {
                    return (ProtocolEvent)(System.Text.Json.JsonSerializer.Deserialize(payload, t, ProtocolJson.Options) ?? throw new System.Text.Json.JsonException("null payload"));
                }
                catch (System.Text.Json.JsonException e) when (e.Path is { } path && !e.Message.Contains(path, StringComparison.Ordinal))
                {
                    throw new System.Text.Json.JsonException($"{e.Message} (at {path})", path, e.LineNumber, e.BytePositionInLine, e);
                }
            }
        }

        throw new ArgumentException($"unknown event type '{type}'; known: {string.Join(", ", Names)}");
    }
}
