using System.Globalization;
using System.Text;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// veBANK, Curve's voting escrow with exact integer arithmetic and unix-second time. One lock per account; power
/// <c>slope · (end − t)</c> with <c>slope = ⌊amount / MAXTIME⌋</c>; non-transferable. Locked BANK sits in
/// <see cref="EscrowAccount"/> of the <see cref="Token"/> the escrow was built with: applying a lock record moves
/// it there, a withdrawal moves it back. Decisions are pure; <see cref="Apply(EscrowOperation)"/> checkpoints (the
/// point history and the supply walk are <see cref="EscrowCheckpoints"/>).
/// </summary>
public sealed class VotingEscrow : IVotingPower
{
    private readonly SortedDictionary<AccountId, EscrowLock> _locks = [];
    private readonly EscrowCheckpoints _checkpoints = new();

    /// <summary>An empty escrow over <paramref name="token"/>, holding locked BANK in <paramref name="escrowAccount"/>.</summary>
    public VotingEscrow(BankToken token, AccountId escrowAccount)
    {
        ArgumentNullException.ThrowIfNull(token);
        Token = token;
        EscrowAccount = escrowAccount;
    }

    /// <summary>The BANK ledger the escrow moves locked tokens in.</summary>
    public BankToken Token { get; }

    /// <summary>The token account holding every locked BANK.</summary>
    public AccountId EscrowAccount { get; }

    /// <summary>BANK locked in total (base units).</summary>
    public UInt128 Supply { get; private set; }

    /// <summary>Unix time of the last applied record (0 before any).</summary>
    public long LastAt { get; private set; }

    /// <summary>The locks (expired ones included until withdrawn), in ordinal order of accounts.</summary>
    public IEnumerable<KeyValuePair<AccountId, EscrowLock>> Locks => _locks;

    /// <summary>The lock of <paramref name="account"/>, or null.</summary>
    public EscrowLock? LockOf(AccountId account) => _locks.TryGetValue(account, out var l) ? l : null;

    /// <summary>Curve's <c>create_lock</c>: lock <paramref name="amount"/> until <paramref name="unlockTime"/> rounded down to a week.</summary>
    public Decision<LockCreated> DecideCreateLock(AccountId account, UInt128 amount, long unlockTime, long now)
    {
        if (TimeCheck(now) is { } late)
        {
            return late;
        }

        if (amount == 0)
        {
            return GovernanceRejections.Zero("lock amount");
        }

        if (_locks.ContainsKey(account))
        {
            return GovernanceRejections.HasLock(account);
        }

        var end = unlockTime < 0 ? 0 : Weeks.Floor(unlockTime);
        if (end <= now)
        {
            return GovernanceRejections.NotFuture(end, now);
        }

        if (end > checked(now + Weeks.MaxTime))
        {
            return GovernanceRejections.TooFar(end, now);
        }

        if (Token.BalanceOf(account) is var held && held < amount)
        {
            return GovernanceRejections.Balance(account, amount, held);
        }

        var l = new EscrowLock(amount, end);
        return new LockCreated(account, amount, end, l.Slope, (Int128)l.PowerAt(now), now);
    }

    /// <summary>Curve's <c>increase_amount</c>: add to an unexpired lock; its end is unchanged.</summary>
    public Decision<LockAmountIncreased> DecideIncreaseAmount(AccountId account, UInt128 amount, long now)
    {
        if (TimeCheck(now) is { } late)
        {
            return late;
        }

        if (amount == 0)
        {
            return GovernanceRejections.Zero("amount added");
        }

        if (LockOf(account) is not { } old)
        {
            return GovernanceRejections.WithoutLock(account);
        }

        if (old.End <= now)
        {
            return GovernanceRejections.Expired(account, old.End);
        }

        if (Token.BalanceOf(account) is var held && held < amount)
        {
            return GovernanceRejections.Balance(account, amount, held);
        }

        var l = old with { Amount = checked(old.Amount + amount) };
        return new LockAmountIncreased(account, amount, l.Amount, l.End, l.Slope, (Int128)l.PowerAt(now), now);
    }

    /// <summary>Curve's <c>increase_unlock_time</c>: move an unexpired lock's rounded end later, at most 4 years ahead.</summary>
    public Decision<LockExtended> DecideIncreaseUnlockTime(AccountId account, long unlockTime, long now)
    {
        if (TimeCheck(now) is { } late)
        {
            return late;
        }

        if (LockOf(account) is not { } old)
        {
            return GovernanceRejections.WithoutLock(account);
        }

        if (old.End <= now)
        {
            return GovernanceRejections.Expired(account, old.End);
        }

        var end = unlockTime < 0 ? 0 : Weeks.Floor(unlockTime);
        if (end <= old.End)
        {
            return GovernanceRejections.NotLater(end, old.End);
        }

        if (end > checked(now + Weeks.MaxTime))
        {
            return GovernanceRejections.TooFar(end, now);
        }

        var l = old with { End = end };
        return new LockExtended(account, l.Amount, old.End, end, l.Slope, (Int128)l.PowerAt(now), now);
    }

    /// <summary>Curve's <c>withdraw</c>: the whole amount, at or after the end.</summary>
    public Decision<LockWithdrawn> DecideWithdraw(AccountId account, long now)
    {
        if (TimeCheck(now) is { } late)
        {
            return late;
        }

        if (LockOf(account) is not { } old)
        {
            return GovernanceRejections.WithoutLock(account);
        }

        return now < old.End ? GovernanceRejections.NotExpired(account, old.End) : new LockWithdrawn(account, old.Amount, now);
    }

    /// <summary>
    /// Applies an accepted record: moves the BANK, replaces the lock and checkpoints the account and the global
    /// point. Throws <see cref="GovernanceInvariantException"/> when the record does not fit the state.
    /// </summary>
    public void Apply(EscrowOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (operation.At < LastAt)
        {
            throw new GovernanceInvariantException($"escrow record at {operation.At} is before the last one at {LastAt}");
        }

        var old = LockOf(operation.Account) ?? default;
        EscrowLock next;
        switch (operation)
        {
            case LockCreated c when old.Amount == 0 && c.End > c.At:
                next = new EscrowLock(c.Amount, c.End);
                Token.Advance(c.At);
                Token.Move(c.Account, EscrowAccount, c.Amount);
                Supply = checked(Supply + c.Amount);
                break;
            case LockAmountIncreased i when old.Amount != 0 && old.End > i.At && old.End == i.End && old.Amount + i.Added == i.Amount:
                next = new EscrowLock(i.Amount, old.End);
                Token.Advance(i.At);
                Token.Move(i.Account, EscrowAccount, i.Added);
                Supply = checked(Supply + i.Added);
                break;
            case LockExtended e when old.Amount != 0 && old.End > e.At && old.End == e.OldEnd && e.End > old.End:
                next = old with { End = e.End };
                break;
            case LockWithdrawn w when old.Amount == w.Amount && old.Amount != 0 && old.End <= w.At:
                next = default;
                Token.Advance(w.At);
                Token.Move(EscrowAccount, w.Account, w.Amount);
                Supply -= w.Amount;
                break;
            default:
                throw new GovernanceInvariantException($"escrow record {operation} does not fit the lock {old} of {operation.Account}");
        }

        _checkpoints.Checkpoint(operation.Account, old, next, operation.At);
        if (next.Amount == 0)
        {
            _locks.Remove(operation.Account);
        }
        else
        {
            _locks[operation.Account] = next;
        }

        LastAt = operation.At;
    }

    /// <summary>The global point history (one point per change and per week boundary crossed).</summary>
    public IReadOnlyList<VePoint> GlobalHistory => _checkpoints.GlobalHistory;

    /// <summary>The checkpoints of <paramref name="account"/> (empty before its first lock).</summary>
    public IReadOnlyList<VePoint> HistoryOf(AccountId account) => _checkpoints.HistoryOf(account);

    /// <inheritdoc cref="EscrowCheckpoints.BalanceOfAt"/>
    public UInt128 BalanceOfAt(AccountId account, long t) => _checkpoints.BalanceOfAt(account, t);

    /// <inheritdoc cref="EscrowCheckpoints.TotalSupplyAt"/>
    public UInt128 TotalSupplyAt(long t) => _checkpoints.TotalSupplyAt(t);

    /// <summary>A deterministic text of the whole state (locks, checkpoints, schedule, token): equal texts mean equal states.</summary>
    public string Snapshot()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.Append(c, $"supply={Supply} last={LastAt} escrow={EscrowAccount}\nglobal={string.Join(' ', _checkpoints.GlobalHistory)}\nchanges=");
        text.AppendJoin(' ', _checkpoints.SlopeChanges.Select(p => string.Create(c, $"{p.Key}:{p.Value}")));
        foreach (var (account, l) in _locks)
        {
            text.Append(c, $"\nlock {account}={l.Amount}@{l.End}");
        }

        foreach (var (account, h) in _checkpoints.UserPoints)
        {
            text.Append(c, $"\npoints {account}={string.Join(' ', h)}");
        }

        text.Append("\ntoken ").Append(Token.Snapshot());
        return text.ToString();
    }

    private Rejection? TimeCheck(long now)
    {
        var last = Math.Max(LastAt, Token.LastAt);
        return now < last ? GovernanceRejections.TimeWentBack(now, last) : null;
    }
}
