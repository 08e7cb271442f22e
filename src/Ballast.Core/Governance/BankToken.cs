using System.Globalization;
using System.Text;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// BANK: a capped token with 18 decimals, exact <see cref="UInt128"/> balances in base units, transfers and one
/// minter. Decisions are pure; <see cref="Apply(BankOperation)"/> moves the numbers. The voting escrow moves BANK
/// through its own records (see <see cref="VotingEscrow"/>), not through <see cref="BankTransferred"/>.
/// </summary>
public sealed class BankToken
{
    /// <summary>Decimals of BANK.</summary>
    public const int Decimals = 18;

    /// <summary>The cap on total supply: 2,100,000,000 × 10¹⁸ base units.</summary>
    public static readonly UInt128 MaxSupply = 2_100_000_000 * ExactMath.Pow10(Decimals);

    private readonly SortedDictionary<AccountId, UInt128> _balances = [];

    /// <summary>An empty token whose only minter is <paramref name="minter"/>.</summary>
    public BankToken(AccountId minter)
    {
        Minter = minter;
    }

    /// <summary>The account allowed to mint (emissions).</summary>
    public AccountId Minter { get; }

    /// <summary>All BANK in existence, in base units (at most <see cref="MaxSupply"/>).</summary>
    public UInt128 TotalSupply { get; private set; }

    /// <summary>Unix time of the last applied record (0 before any).</summary>
    public long LastAt { get; private set; }

    /// <summary>Accounts with a non-zero balance, in ordinal order.</summary>
    public IEnumerable<KeyValuePair<AccountId, UInt128>> Balances => _balances;

    /// <summary>The balance of <paramref name="account"/> in base units.</summary>
    public UInt128 BalanceOf(AccountId account) => _balances.GetValueOrDefault(account);

    /// <summary>Mints <paramref name="amount"/> to <paramref name="to"/>; only the minter, never beyond the cap.</summary>
    public Decision<BankMinted> DecideMint(AccountId minter, AccountId to, UInt128 amount, long now)
    {
        if (now < LastAt)
        {
            return GovernanceRejections.TimeWentBack(now, LastAt);
        }

        if (minter != Minter)
        {
            return GovernanceRejections.WrongMinter(minter);
        }

        if (amount == 0)
        {
            return GovernanceRejections.Zero("mint amount");
        }

        if (amount > MaxSupply - TotalSupply)
        {
            return GovernanceRejections.Cap(TotalSupply, amount, MaxSupply);
        }

        return new BankMinted(minter, to, amount, now);
    }

    /// <summary>Moves <paramref name="amount"/> from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public Decision<BankTransferred> DecideTransfer(AccountId from, AccountId to, UInt128 amount, long now)
    {
        if (now < LastAt)
        {
            return GovernanceRejections.TimeWentBack(now, LastAt);
        }

        if (amount == 0)
        {
            return GovernanceRejections.Zero("transfer amount");
        }

        var balance = BalanceOf(from);
        return amount > balance ? GovernanceRejections.Balance(from, amount, balance) : new BankTransferred(from, to, amount, now);
    }

    /// <summary>Applies an accepted record; throws <see cref="GovernanceInvariantException"/> when it does not fit.</summary>
    public void Apply(BankOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        Advance(operation.At);
        switch (operation)
        {
            case BankMinted m:
                if (m.Minter != Minter || m.Amount > MaxSupply - TotalSupply)
                {
                    throw new GovernanceInvariantException($"mint of {m.Amount} by {m.Minter} does not fit the token");
                }

                TotalSupply += m.Amount;
                Credit(m.To, m.Amount);
                break;
            case BankTransferred t:
                Move(t.From, t.To, t.Amount);
                break;
            default:
                throw new GovernanceInvariantException($"unknown BANK operation {operation.GetType().Name}");
        }
    }

    /// <summary>A deterministic text of the whole state: equal texts mean equal states.</summary>
    public string Snapshot()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.Append(c, $"minter={Minter} supply={TotalSupply} last={LastAt}");
        foreach (var (account, balance) in _balances)
        {
            text.Append(c, $"\n{account}={balance}");
        }

        return text.ToString();
    }

    internal void Advance(long at)
    {
        if (at < LastAt)
        {
            throw new GovernanceInvariantException($"BANK record at {at} is before the last one at {LastAt}");
        }

        LastAt = at;
    }

    internal void Move(AccountId from, AccountId to, UInt128 amount)
    {
        var balance = BalanceOf(from);
        if (amount > balance)
        {
            throw new GovernanceInvariantException($"{from} holds {balance} BANK, cannot move {amount}");
        }

        if (amount == balance)
        {
            _balances.Remove(from);
        }
        else
        {
            _balances[from] = balance - amount;
        }

        Credit(to, amount);
    }

    private void Credit(AccountId account, UInt128 amount)
    {
        if (amount != 0)
        {
            _balances[account] = checked(BalanceOf(account) + amount);
        }
    }
}
