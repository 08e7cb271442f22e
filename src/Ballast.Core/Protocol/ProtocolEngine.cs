using System.Globalization;
using Ballast.Accounting;
using Ballast.Data;

namespace Ballast.Protocol;

/// <summary>
/// The protocol's rules: <see cref="Decide"/> validates a command against the state and returns its events (or a
/// rejection, or "nothing to do") without changing anything; <see cref="Apply"/> applies one event. Replaying the
/// journal through <see cref="Apply"/> rebuilds the state; re-running <see cref="Decide"/> on a rebalance re-derives
/// it (see <see cref="JournalReplay.Verify"/>).
/// </summary>
/// <remarks>
/// The engine is a dispatcher: each aggregate has its own decision module, which decides its commands and applies
/// its events: <see cref="AssetDecisions"/> (assets and wallets), <see cref="SimpleVaultDecisions"/>,
/// <see cref="ComposedVaultDecisions"/> (deposit and redeem routing; forward-priced requests in
/// <see cref="ForwardPricing"/>), <see cref="RebalancePlanner"/> (policies, NAV table, rails, child operations) and
/// <see cref="GovernanceBridge"/> (the governance domain's decisions journaled as protocol events).
/// </remarks>
public sealed class ProtocolEngine
{
    /// <summary>The longest cooldown accepted: ten years.</summary>
    public const long MaxCooldownSeconds = ComposedVaultDecisions.MaxCooldownSeconds;

    private readonly RebalancePlanner _planner;
    private readonly GovernanceBridge _governance;

    /// <summary>An engine compiling policies with <paramref name="compiler"/> and re-running evidence with <paramref name="evidence"/> (none when null).</summary>
    public ProtocolEngine(IPolicyCompiler compiler, IEvidenceVerifier? evidence = null)
    {
        ArgumentNullException.ThrowIfNull(compiler);
        _planner = new RebalancePlanner(compiler, new PolicyCache(compiler));
        _governance = new GovernanceBridge(compiler, evidence ?? NoEvidenceVerifier.Instance);
    }

    /// <summary>The events <paramref name="command"/> produces at <paramref name="now"/>, or why not. Never changes <paramref name="state"/>.</summary>
    public CommandOutcome Decide(ProtocolState state, ProtocolCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        if (now.Offset != TimeSpan.Zero)
        {
            throw new ArgumentException("protocol time must be UTC", nameof(now));
        }

        // Whatever goes out of range inside a decision refuses the command: an exception here must never become an
        // internal error, and a command is accepted only when every event it produces applies (ApplyBounds).
        CommandOutcome outcome;
        try
        {
            outcome = DecideCommand(state, command, now);
            if (outcome.Status == CommandStatus.Applied && ApplyBounds.Check(state, outcome.Events) is { } bound)
            {
                return CommandOutcome.Reject(bound);
            }
        }
        catch (ArithmeticException e)
        {
            return CommandOutcome.Reject(ProtocolRejections.Arithmetic(command, e));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return CommandOutcome.Reject(ProtocolRejections.Failed(command, e));
        }

        return outcome;
    }

    private CommandOutcome DecideCommand(ProtocolState state, ProtocolCommand command, DateTimeOffset now)
    {
        if (state.LastEventAt is { } last && now < last)
        {
            return CommandOutcome.Reject(JournalClock.TimeWentBack(command, now, last));
        }

        if (AssetDecisions.ReservedAccount(command) is { } reserved)
        {
            return reserved;
        }

        if (ForwardPricing.Precheck(state, command) is { } refused)
        {
            return refused;
        }

        return command switch
        {
            RequestDepositCommand c => ForwardPricing.DecideRequestDeposit(state, c, now),
            RequestRedeemCommand c => ForwardPricing.DecideRequestRedeem(state, c, now),
            CancelRequestCommand c => ForwardPricing.DecideCancel(state, c, now),
            FillRequestCommand c => ForwardPricing.DecideFill(state, c, now),
            CreateAsset or IssueAsset or TransferAsset => AssetDecisions.Decide(state, command),
            CreateSimpleVault c => SimpleVaultDecisions.DecideCreate(state, c, now),
            CreateComposedVault c => ComposedVaultDecisions.DecideCreate(state, c, now),
            DepositCommand or RedeemCommand or PauseCommand or UnpauseCommand when ComposedVaultDecisions.Owns(state, command)
                => ComposedVaultDecisions.Decide(state, command, now),
            SetPolicyCommand c => _planner.DecideSetPolicy(state, c, now),
            RebalanceCommand c => _planner.DecideRebalance(state, c.Vault, now),
            _ when GovernanceBridge.Decides(command) => _governance.Decide(state, command, now),
            _ => SimpleVaultDecisions.Decide(state, command, now),
        };
    }

    /// <summary>Applies one event (from <see cref="Decide"/> or from the journal).</summary>
    public void Apply(ProtocolState state, ProtocolEvent e, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(e);
        switch (e)
        {
            case CommandAccepted:
                break;
            case AssetCreated or AssetIssued or AssetTransferred:
                AssetDecisions.Apply(state, e);
                break;
            case SimpleVaultCreated or SimpleVaultOperation:
                SimpleVaultDecisions.Apply(state, e);
                break;
            case FlowRequested r:
                ForwardPricing.ApplyRequested(state, r);
                break;
            case FlowRequestReturned r:
                ForwardPricing.ApplyReturned(state, r);
                break;
            case ComposedVaultCreated or ComposedDeposited or ComposedRedeemed or ComposedPaused or ComposedUnpaused or RailsChanged:
                ComposedVaultDecisions.Apply(state, e);
                break;
            case PolicyStored or PolicyAttached or Rebalanced or PolicyObserved:
                _planner.Apply(state, e);
                break;
            case GovernanceInitialized or BankRecorded or EscrowRecorded or GovernorRecorded or GaugeRecorded or EvidenceChecked:
                GovernanceBridge.Apply(state, e);
                break;
            default:
                throw new ArgumentException($"no rule applies {e.GetType().Name}", nameof(e));
        }

        state.LastEventAt = at;
        state.EventCount++;
    }

    /// <summary>Accounts the protocol itself holds: <c>vault:*</c>, <c>escrow:*</c>, <c>gauge:*</c>.</summary>
    public static bool IsSystemAccount(AccountId account) => AssetDecisions.IsSystemAccount(account);

    /// <summary>
    /// Exact NAV of a composed vault: idle cash, plus what each child's free shares are worth (floor), plus the cash
    /// in flight (<see cref="InFlight"/>).
    /// </summary>
    public static UInt128 Nav(ProtocolState state, ComposedVaultState cv) => ComposedVaultDecisions.Nav(state, cv);

    /// <summary>
    /// Cash in flight: the composed vault's withdrawal requests with children that settle later, each valued at the
    /// lower of its value at request and its shares' value now less the exit fee (what settling now would pay at
    /// most), so NAV never counts more than will arrive.
    /// </summary>
    public static UInt128 InFlight(ProtocolState state, ComposedVaultState cv) => ComposedVaultDecisions.InFlight(state, cv);

    /// <summary>The most one child may hold after a flow: <c>max_child_assets</c> and <c>max_child_ppm</c> of <paramref name="nav"/> (floor), whichever is lower; null without caps.</summary>
    public static UInt128? CapOf(RebalanceRails rails, UInt128 nav) => ComposedVaultDecisions.CapOf(rails, nav);

    /// <summary>The children's NAV history as a price table (one row per day with a report, forward filled from the day every child has one), or null before two such days.</summary>
    public static PriceTable? NavTable(ProtocolState state, ComposedVaultState cv, IReadOnlyList<string> names, DateTimeOffset now) =>
        RebalancePlanner.NavTable(state, cv, names, now);

    internal static string Text(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);
}
