using System.Collections.Immutable;
using System.Globalization;
using Ballast.Accounting;
using Ballast.Policies;

namespace Ballast.Protocol;

/// <summary>
/// The protocol's rules: <see cref="Decide"/> validates a command against the state and returns its events (or a
/// rejection, or "nothing to do") without changing anything; <see cref="Apply"/> applies one event. Replaying the
/// journal through <see cref="Apply"/> rebuilds the state; re-running <see cref="Decide"/> on a rebalance re-derives
/// it (see <see cref="JournalReplay.Verify"/>).
/// </summary>
public sealed partial class ProtocolEngine(IPolicyCompiler compiler, IEvidenceVerifier? evidence = null)
{
    private readonly IPolicyCompiler _compiler = compiler ?? throw new ArgumentNullException(nameof(compiler));
    private readonly IEvidenceVerifier _evidence = evidence ?? NoEvidenceVerifier.Instance;

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

        // System accounts (a composed vault's idle cash, the veBANK escrow, gauge reward pools) move only by the
        // protocol's own events: nobody acts as them or sends them anything.
        var recipient = command switch
        {
            IssueAsset c => c.To,
            TransferAsset c => c.To,
            MintBank c => c.To,
            TransferBank c => c.To,
            _ => (AccountId?)null,
        };
        if (IsSystemAccount(command.Actor) || (recipient is { } to && IsSystemAccount(to)))
        {
            return CommandOutcome.Reject("reserved-account", $"{(IsSystemAccount(command.Actor) ? command.Actor : recipient)} is a system account (vault:, escrow:, gauge:); it cannot act or be sent to directly");
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
            CreateAsset c => DecideCreateAsset(state, c),
            IssueAsset c => DecideIssue(state, c),
            TransferAsset c => DecideTransfer(state, c),
            CreateSimpleVault c => DecideCreateSimple(state, c, now),
            CreateComposedVault c => DecideCreateComposed(state, c, now),
            DepositCommand c when state.ComposedVaults.TryGetValue(c.Vault, out var cv) => DecideComposedDeposit(state, cv, c, now),
            RedeemCommand c when state.ComposedVaults.TryGetValue(c.Vault, out var cv) => DecideComposedRedeem(state, cv, c, now),
            PauseCommand c when state.ComposedVaults.TryGetValue(c.Vault, out var cv) => DecideComposedPause(cv, c, now, pause: true),
            UnpauseCommand c when state.ComposedVaults.TryGetValue(c.Vault, out var cv) => DecideComposedPause(cv, c, now, pause: false),
            SetPolicyCommand c => DecideSetPolicy(state, c, now),
            RebalanceCommand c => DecideRebalance(state, c.Vault, now),
            InitGovernance or MintBank or TransferBank or CreateLock or IncreaseLockAmount or IncreaseUnlockTime or WithdrawLock
                or Propose or CastVote or QueueProposal or ExecuteProposal or CancelProposal or VoteGauge or DistributeEmission or ClaimGaugeReward
                => DecideGovernance(state, command, now),
            _ => DecideSimple(state, command, now),
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
            case AssetCreated a:
                state.Assets.Add(a.Symbol, (new Asset(a.Symbol, a.Decimals), a.Issuer));
                break;
            case AssetIssued i:
                state.Issued[i.Symbol] = checked(state.Issued.GetValueOrDefault(i.Symbol) + i.Amount);
                state.Credit(i.Symbol, i.To, i.Amount);
                break;
            case AssetTransferred t:
                state.Debit(t.Symbol, t.From, t.Amount);
                state.Credit(t.Symbol, t.To, t.Amount);
                break;
            case SimpleVaultCreated s:
                var config = s.Spec.ToConfig(state.Assets[s.Spec.Asset].Asset);
                config.Validate();
                state.SimpleVaults.Add(s.Vault, new SimpleVaultState(s.Vault, s.Spec, new Vault(config, s.At)));
                break;
            case ComposedVaultCreated c:
                state.ComposedVaults.Add(c.Vault, new ComposedVaultState(c.Vault, c.Spec) { CostBudget = c.Spec.Rails.CostBudget ?? UInt128.Zero, CostBudgetAt = c.At });
                break;
            case SimpleVaultOperation { RequestId: { } requestId } op:
                {
                    // A fill: the deposit is paid from escrow, the redemption burns the shares the request locked.
                    var sv = state.SimpleVaults[op.Vault];
                    var amount = op.Operation switch
                    {
                        Deposited d => d.Assets,
                        Withdrawn w => w.Shares,
                        _ => throw new AccountingInvariantException($"a fill of request {requestId} must be a deposit or a redemption"),
                    };
                    ForwardPricing.TakeFilled(state, requestId, op.Vault, op.Account, amount);
                    if (op.Operation is Deposited paid)
                    {
                        sv.Vault.Apply(paid);
                        if (sv.Spec.FlowFeesPaidOut)
                        {
                            state.Credit(sv.Spec.Asset, sv.Spec.FeeRecipient, paid.EntryFee);
                        }
                    }
                    else
                    {
                        sv.Vault.Apply(new SharesReleased(op.Account, amount, op.Operation.At));
                        ApplySimple(state, sv, op.Account, op.Operation);
                    }

                    break;
                }

            case SimpleVaultOperation op:
                ApplySimple(state, state.SimpleVaults[op.Vault], op.Account, op.Operation);
                break;
            case FlowRequested r:
                ForwardPricing.ApplyRequested(state, r);
                break;
            case FlowRequestReturned r:
                ForwardPricing.ApplyReturned(state, r);
                break;
            case PolicyStored p:
                state.Policies[p.Hash] = p;
                break;
            case PolicyAttached p:
                {
                    var cv = state.ComposedVaults[p.Vault];
                    var policy = Policy(state, p.Hash);
                    cv.PolicyHash = p.Hash;
                    cv.TargetsPpm = InitialTargets(cv, policy);
                    break;
                }

            case ComposedDeposited d:
                {
                    var cv = state.ComposedVaults[d.Vault];
                    var symbol = cv.Spec.Asset;
                    if (d.RequestId is { } requestId)
                    {
                        ForwardPricing.TakeFilled(state, requestId, d.Vault, d.Investor, d.Assets); // paid from escrow
                    }
                    else
                    {
                        state.Debit(symbol, d.Investor, d.Assets);
                    }

                    state.Credit(symbol, cv.Account, d.Assets);
                    foreach (var flow in d.Children)
                    {
                        ApplySimple(state, state.SimpleVaults[flow.Child], cv.Account, flow.Operation);
                    }

                    cv.Ledger.Mint(d.Investor, d.Shares);
                    SyncNav(state, cv);
                    break;
                }

            case ComposedRedeemed r:
                {
                    var cv = state.ComposedVaults[r.Vault];
                    foreach (var flow in r.Children)
                    {
                        ApplySimple(state, state.SimpleVaults[flow.Child], cv.Account, flow.Operation);
                    }

                    if (r.RequestId is { } requestId)
                    {
                        ForwardPricing.TakeFilled(state, requestId, r.Vault, r.Investor, r.Shares);
                        cv.Ledger.Unlock(r.Investor, r.Shares);
                    }

                    cv.Ledger.Burn(r.Investor, r.Shares);
                    state.Debit(cv.Spec.Asset, cv.Account, r.Assets);
                    state.Credit(cv.Spec.Asset, r.Investor, r.Assets);
                    SyncNav(state, cv);
                    break;
                }

            case Rebalanced r:
                {
                    var cv = state.ComposedVaults[r.Vault];
                    foreach (var flow in r.Trades)
                    {
                        ApplySimple(state, state.SimpleVaults[flow.Child], cv.Account, flow.Operation);
                    }

                    state.Debit(cv.Spec.Asset, cv.Account, r.FixedCosts);
                    state.Credit(cv.Spec.Asset, cv.Spec.CostRecipient, r.FixedCosts);
                    cv.TargetsPpm = [.. r.TargetsPpm];
                    if (r.Trigger != ChildCaps.TrimTrigger)
                    {
                        cv.LastRebalanceAt = r.At; // a trim to the caps is not the policy's rebalance
                    }
                    if (r.CostBudgetAfter is { } budget)
                    {
                        cv.CostBudget = budget;
                        cv.CostBudgetAt = r.At;
                    }

                    SyncNav(state, cv);
                    break;
                }

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
            case RailsChanged r:
                {
                    var cv = state.ComposedVaults[r.Vault];
                    cv.Spec = cv.Spec with { Rails = r.Rails };
                    break;
                }

            case ComposedPaused p:
                state.ComposedVaults[p.Vault].Paused = true;
                break;
            case ComposedUnpaused u:
                state.ComposedVaults[u.Vault].Paused = false;
                break;
            default:
                throw new ArgumentException($"no rule applies {e.GetType().Name}", nameof(e));
        }

        state.LastEventAt = at;
        state.EventCount++;
    }

    /// <summary>Accounts the protocol itself holds: <c>vault:*</c>, <c>escrow:*</c>, <c>gauge:*</c>.</summary>
    public static bool IsSystemAccount(AccountId account) =>
        account.Value is { } v && (v.StartsWith("vault:", StringComparison.Ordinal) || v.StartsWith("escrow:", StringComparison.Ordinal) || v.StartsWith("gauge:", StringComparison.Ordinal));

    /// <summary>The compiled policy with this hash (compiled once from its stored text, which must hash to it).</summary>
    internal RebalancePolicy Policy(ProtocolState state, string hash)
    {
        if (state.Compiled.TryGetValue(hash, out var compiled))
        {
            return compiled;
        }

        var stored = state.Policies.TryGetValue(hash, out var s) ? s : throw new AccountingInvariantException($"policy {hash} was never stored");
        compiled = new RebalancePolicy(_compiler.Compile(stored.Name, stored.Text));
        if (compiled.Hash != hash)
        {
            throw new AccountingInvariantException($"stored policy '{stored.Name}' hashes to {compiled.Hash}, not {hash}");
        }

        state.Compiled[hash] = compiled;
        return compiled;
    }

    /// <summary>Targets when a policy is attached: its fixed targets, or equal weights for a risk-based one until its first rebalance.</summary>
    private static int[] InitialTargets(ComposedVaultState cv, RebalancePolicy policy)
    {
        var children = cv.Spec.Children;
        if (policy.IsRiskBased)
        {
            var equal = new double[children.Length];
            Array.Fill(equal, 1.0 / children.Length);
            var ppm = new int[children.Length];
            PartsPerMillion.Round(equal.AsSpan(), ppm.AsSpan(), default);
            return ppm;
        }

        var result = new int[children.Length];
        for (var i = 0; i < children.Length; i++)
        {
            result[i] = policy.TargetPpm[IndexOf(policy.Names, children[i])];
        }

        return result;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        throw new AccountingInvariantException($"'{name}' is not in the policy's universe");
    }

    private static void ApplySimple(ProtocolState state, SimpleVaultState sv, AccountId account, VaultOperation op)
    {
        var symbol = sv.Spec.Asset;
        var paidOut = sv.Spec.FlowFeesPaidOut;
        switch (op)
        {
            case Deposited d:
                state.Debit(symbol, account, d.Assets);
                sv.Vault.Apply(d);
                if (paidOut)
                {
                    state.Credit(symbol, sv.Spec.FeeRecipient, d.EntryFee);
                }

                break;
            case Withdrawn w:
                sv.Vault.Apply(w);
                state.Credit(symbol, account, w.Assets);
                if (paidOut)
                {
                    state.Credit(symbol, sv.Spec.FeeRecipient, w.ExitFee);
                }

                break;
            case WithdrawalSettled s:
                sv.Vault.Apply(s);
                state.Credit(symbol, s.Owner, s.AssetsPaid);
                if (paidOut)
                {
                    state.Credit(symbol, sv.Spec.FeeRecipient, s.ExitFee);
                }

                break;
            case AssetsDonated g:
                state.Debit(symbol, account, g.Assets);
                sv.Vault.Apply(g);
                break;
            case NavReportApplied r:
                sv.Vault.Apply(r);
                sv.History.Add((r.At, sv.Vault.Ledger.Price));
                break;
            case VaultUnpaused { AcceptedReport: { } accepted } u:
                sv.Vault.Apply(u);
                sv.History.Add((accepted.At, sv.Vault.Ledger.Price));
                break;
            default:
                sv.Vault.Apply(op);
                break;
        }
    }

    /// <summary>
    /// Exact NAV of a composed vault: idle cash, plus what each child's free shares are worth (floor), plus the cash
    /// in flight (<see cref="InFlight"/>).
    /// </summary>
    public static UInt128 Nav(ProtocolState state, ComposedVaultState cv)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(cv);
        var nav = checked(state.Balance(cv.Spec.Asset, cv.Account) + InFlight(state, cv));
        foreach (var child in cv.Spec.Children)
        {
            var vault = state.SimpleVaults[child].Vault;
            nav = checked(nav + vault.ConvertToAssets(vault.BalanceOf(cv.Account)));
        }

        return nav;
    }

    /// <summary>
    /// Cash in flight: the composed vault's withdrawal requests with children that settle later, each valued at the
    /// lower of its value at request and its shares' value now less the exit fee (what settling now would pay at
    /// most), so NAV never counts more than will arrive.
    /// </summary>
    public static UInt128 InFlight(ProtocolState state, ComposedVaultState cv)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(cv);
        var total = UInt128.Zero;
        foreach (var child in cv.Spec.Children)
        {
            var vault = state.SimpleVaults[child].Vault;
            foreach (var request in vault.PendingWithdrawals(cv.Account))
            {
                total = checked(total + UInt128.Min(request.AssetsAtRequest, vault.PreviewRedeem(request.Shares)));
            }
        }

        return total;
    }

    private static void SyncNav(ProtocolState state, ComposedVaultState cv) => cv.Ledger.SetTotalAssets(Nav(state, cv));

    internal static string Text(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);

    private static CommandOutcome UnknownVault(string vault) => CommandOutcome.Reject("unknown-vault", $"no vault '{vault}'");
}
