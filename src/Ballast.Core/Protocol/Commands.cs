using Ballast.Accounting;
using Ballast.Hashing;

namespace Ballast.Protocol;

/// <summary>
/// A request to change the protocol state, by <see cref="Actor"/>. <see cref="Id"/> is its idempotency key: a
/// command whose id was already applied is not applied again. The sequencer validates it against the state and
/// either rejects it (state unchanged), finds nothing to do (state unchanged, with the reason), or journals events.
/// </summary>
/// <param name="Id">The idempotency key: a command with an id already applied is not applied again.</param>
/// <param name="Actor">The account sending the command; each command's rules say who may.</param>
[System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(CreateAsset), "create-asset")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(IssueAsset), "issue-asset")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(TransferAsset), "transfer-asset")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(CreateSimpleVault), "create-simple-vault")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(CreateComposedVault), "create-composed-vault")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(DepositCommand), "deposit")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(MintCommand), "mint")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(RedeemCommand), "redeem")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(WithdrawCommand), "withdraw")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(RequestWithdrawalCommand), "request-withdrawal")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(SettleWithdrawalCommand), "settle-withdrawal")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(CancelWithdrawalCommand), "cancel-withdrawal")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(ReportNavCommand), "report-nav")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(PauseCommand), "pause")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(UnpauseCommand), "unpause")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(SetPolicyCommand), "set-policy")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(RebalanceCommand), "rebalance")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(RequestDepositCommand), "request-deposit")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(RequestRedeemCommand), "request-redeem")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(CancelRequestCommand), "cancel-request")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(FillRequestCommand), "fill-request")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(InitGovernance), "init-governance")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(MintBank), "mint-bank")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(TransferBank), "transfer-bank")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(CreateLock), "create-lock")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(IncreaseLockAmount), "increase-lock-amount")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(IncreaseUnlockTime), "increase-unlock-time")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(WithdrawLock), "withdraw-lock")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(Propose), "propose")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(CastVote), "cast-vote")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(QueueProposal), "queue-proposal")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(ExecuteProposal), "execute-proposal")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(CancelProposal), "cancel-proposal")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(VoteGauge), "vote-gauge")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(DistributeEmission), "distribute-emission")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(ClaimGaugeReward), "claim-gauge-reward")]
public abstract record ProtocolCommand(string Id, AccountId Actor);

/// <summary>Create an asset the protocol can hold and account in; the actor becomes its issuer.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The issuer, the only account allowed to issue it.</param>
/// <param name="Symbol">The asset's unique symbol.</param>
/// <param name="Decimals">Decimal places of one whole unit, 0 to <see cref="Accounting.Asset.MaxDecimals"/>; amounts are integers in base units.</param>
public sealed record CreateAsset(string Id, AccountId Actor, AssetSymbol Symbol, int Decimals) : ProtocolCommand(Id, Actor);

/// <summary>Create new units of an asset; only its issuer may.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The asset's issuer.</param>
/// <param name="Symbol">The asset.</param>
/// <param name="To">The account credited.</param>
/// <param name="Amount">Units to create, in base units.</param>
public sealed record IssueAsset(string Id, AccountId Actor, AssetSymbol Symbol, AccountId To, UInt128 Amount) : ProtocolCommand(Id, Actor);

/// <summary>Move units of an asset from the actor to another account.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The sender; must hold at least <paramref name="Amount"/>.</param>
/// <param name="Symbol">The asset.</param>
/// <param name="To">The recipient.</param>
/// <param name="Amount">Units to move, in base units.</param>
public sealed record TransferAsset(string Id, AccountId Actor, AssetSymbol Symbol, AccountId To, UInt128 Amount) : ProtocolCommand(Id, Actor);

/// <summary>Create a simple (ERC-4626-style) vault over one asset, valued by NAV reports; the actor becomes its operator.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The vault's operator.</param>
/// <param name="Vault">The vault's unique id.</param>
/// <param name="Spec">Asset, reporter, fees and delays.</param>
public sealed record CreateSimpleVault(string Id, AccountId Actor, VaultId Vault, SimpleVaultSpec Spec) : ProtocolCommand(Id, Actor);

/// <summary>Create a composed vault holding shares of simple vaults, rebalanced by a policy; the actor becomes its operator.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The vault's operator.</param>
/// <param name="Vault">The vault's unique id.</param>
/// <param name="Spec">The base asset, child vaults and rebalance rails.</param>
public sealed record CreateComposedVault(string Id, AccountId Actor, VaultId Vault, ComposedVaultSpec Spec) : ProtocolCommand(Id, Actor);

/// <summary>Deposit assets (simple or composed vault); shares go to the actor.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The payer, who receives the shares.</param>
/// <param name="Vault">The simple or composed vault.</param>
/// <param name="Assets">Assets to pay from the actor's wallet, in base units (greater than zero).</param>
public sealed record DepositCommand(string Id, AccountId Actor, VaultId Vault, UInt128 Assets) : ProtocolCommand(Id, Actor);

/// <summary>Mint exactly this many shares of a simple vault.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The payer, who receives the shares.</param>
/// <param name="Vault">The simple vault.</param>
/// <param name="Shares">Shares to mint, in share base units; the price is rounded up against the payer.</param>
public sealed record MintCommand(string Id, AccountId Actor, VaultId Vault, UInt128 Shares) : ProtocolCommand(Id, Actor);

/// <summary>Redeem shares (simple or composed vault); assets go to the actor, who must own them.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The shares' owner, paid the assets.</param>
/// <param name="Vault">The simple or composed vault.</param>
/// <param name="Shares">Free shares to burn, in share base units (greater than zero).</param>
public sealed record RedeemCommand(string Id, AccountId Actor, VaultId Vault, UInt128 Shares) : ProtocolCommand(Id, Actor);

/// <summary>Withdraw exactly this many assets from a simple vault.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The shares' owner, paid the assets.</param>
/// <param name="Vault">The simple vault.</param>
/// <param name="Assets">Assets to receive, in base units; the shares burnt are rounded up against the owner.</param>
public sealed record WithdrawCommand(string Id, AccountId Actor, VaultId Vault, UInt128 Assets) : ProtocolCommand(Id, Actor);

/// <summary>Queue a delayed withdrawal from a simple vault: the shares are escrowed now and valued at settlement.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The shares' owner, paid at settlement.</param>
/// <param name="Vault">The simple vault.</param>
/// <param name="Shares">Shares to escrow, in base units.</param>
/// <param name="MaxLossBps">Settlement is refused if the value then is more than this many basis points (0 to 10,000) below the value at request time.</param>
public sealed record RequestWithdrawalCommand(string Id, AccountId Actor, VaultId Vault, UInt128 Shares, int MaxLossBps) : ProtocolCommand(Id, Actor);

/// <summary>Settle a withdrawal request that is due; anyone may call it, the owner is paid.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">Any account.</param>
/// <param name="Vault">The simple vault.</param>
/// <param name="RequestId">The request, as numbered by the vault.</param>
public sealed record SettleWithdrawalCommand(string Id, AccountId Actor, VaultId Vault, long RequestId) : ProtocolCommand(Id, Actor);

/// <summary>Cancel a pending withdrawal request; its escrowed shares return to the owner.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The request's owner.</param>
/// <param name="Vault">The simple vault.</param>
/// <param name="RequestId">The request, as numbered by the vault.</param>
public sealed record CancelWithdrawalCommand(string Id, AccountId Actor, VaultId Vault, long RequestId) : ProtocolCommand(Id, Actor);

/// <summary>A NAV (total assets) report for a simple vault; only its reporter may send it.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The vault's reporter.</param>
/// <param name="Vault">The simple vault.</param>
/// <param name="TotalAssets">The vault's total assets now, in base units; held (and the vault paused) when outside the report bounds.</param>
public sealed record ReportNavCommand(string Id, AccountId Actor, VaultId Vault, UInt128 TotalAssets) : ProtocolCommand(Id, Actor);

/// <summary>Pause a vault (its operator): deposits and withdrawals are refused until it is unpaused.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The vault's operator.</param>
/// <param name="Vault">The simple or composed vault.</param>
public sealed record PauseCommand(string Id, AccountId Actor, VaultId Vault) : ProtocolCommand(Id, Actor);

/// <summary>Unpause a vault (its operator).</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The vault's operator.</param>
/// <param name="Vault">The simple or composed vault.</param>
/// <param name="AcceptPendingReport">For a simple vault: apply the NAV report held while paused, as of its own time (fees accrue to then); false drops it.</param>
public sealed record UnpauseCommand(string Id, AccountId Actor, VaultId Vault, bool AcceptPendingReport) : ProtocolCommand(Id, Actor);

/// <summary>Attach a policy to a composed vault (its operator): <paramref name="Text"/> is a policy spec (YAML or JSON) holding a policy named <paramref name="Policy"/>.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">The composed vault's operator.</param>
/// <param name="Vault">The composed vault.</param>
/// <param name="Policy">The name of the policy to attach.</param>
/// <param name="Text">The whole spec text; empty in the journaled form (see <see cref="TextHash"/>).</param>
public sealed record SetPolicyCommand(string Id, AccountId Actor, VaultId Vault, string Policy, string Text) : ProtocolCommand(Id, Actor)
{
    /// <summary>
    /// In the journaled form only: the SHA-256 of <see cref="Text"/>'s UTF-8 bytes (hex in JSON), which is then
    /// left empty, because the text itself is journaled once, in <see cref="PolicyStored"/>.
    /// </summary>
    public Sha256Digest? TextHash { get; init; }
}

/// <summary>Ask a composed vault to rebalance; anyone may call it, the policy and rails decide whether anything happens.</summary>
/// <param name="Id">The command's idempotency key.</param>
/// <param name="Actor">Any account (the keeper).</param>
/// <param name="Vault">The composed vault.</param>
public sealed record RebalanceCommand(string Id, AccountId Actor, VaultId Vault) : ProtocolCommand(Id, Actor);

/// <summary>What a command did.</summary>
public enum CommandStatus
{
    /// <summary>Events were journaled.</summary>
    Applied,

    /// <summary>The command was refused; nothing changed.</summary>
    Rejected,

    /// <summary>The command was valid but there was nothing to do (e.g. no trigger fired); nothing changed.</summary>
    Unchanged,

    /// <summary>A command with this id was applied before; its events are returned and nothing new is written.</summary>
    AlreadyApplied,
}

/// <summary>The result of one command.</summary>
/// <param name="Status">Whether events were journaled, and if not, why.</param>
/// <param name="Events">The events journaled (or, for <see cref="CommandStatus.AlreadyApplied"/>, journaled before), in order; empty otherwise.</param>
/// <param name="Rejection">The code and reason when <see cref="CommandStatus.Rejected"/>; null otherwise.</param>
/// <param name="Note">Why nothing happened when <see cref="CommandStatus.Unchanged"/>; null otherwise.</param>
public sealed record CommandOutcome(CommandStatus Status, IReadOnlyList<ProtocolEvent> Events, Rejection? Rejection = null, string? Note = null)
{
    /// <summary>A rejection with a new <see cref="Rejection"/>; nothing changed.</summary>
    /// <param name="code">The stable rejection code (kebab-case).</param>
    /// <param name="message">The human-readable reason.</param>
    /// <returns>A <see cref="CommandStatus.Rejected"/> outcome with no events.</returns>
    public static CommandOutcome Reject(string code, string message) => new(CommandStatus.Rejected, [], new Rejection(code, message));

    /// <summary>A rejection carrying <paramref name="rejection"/>; nothing changed.</summary>
    /// <param name="rejection">The code and reason.</param>
    /// <returns>A <see cref="CommandStatus.Rejected"/> outcome with no events.</returns>
    public static CommandOutcome Reject(Rejection rejection) => new(CommandStatus.Rejected, [], rejection);

    /// <summary>A valid command with nothing to do (e.g. no trigger fired); nothing changed.</summary>
    /// <param name="note">Why nothing happened, for the caller.</param>
    /// <returns>An <see cref="CommandStatus.Unchanged"/> outcome with no events.</returns>
    public static CommandOutcome Nothing(string note) => new(CommandStatus.Unchanged, [], null, note);

    /// <summary>An applied command and the events to journal, in order.</summary>
    /// <param name="events">The events the command produced.</param>
    /// <returns>An <see cref="CommandStatus.Applied"/> outcome.</returns>
    public static CommandOutcome Of(params ProtocolEvent[] events) => new(CommandStatus.Applied, events);
}

/// <summary>Turns a stored policy text into the policy it names (the spec loader lives outside the domain).</summary>
public interface IPolicyCompiler
{
    /// <summary>The policy named <paramref name="name"/> in <paramref name="text"/>; throws <see cref="BallastInputException"/> when the text is not a valid spec or has no such policy.</summary>
    Policies.PolicySpec Compile(string name, string text);

    /// <summary>Every policy in <paramref name="text"/>; throws <see cref="BallastInputException"/> when the text is not a valid spec.</summary>
    IReadOnlyList<Policies.PolicySpec> CompileAll(string text);
}
