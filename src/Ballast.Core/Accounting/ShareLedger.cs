using System.Numerics;

namespace Ballast.Accounting;

/// <summary>
/// The ERC-4626 share ledger: total assets, total supply, free balances per account and shares locked in
/// withdrawal requests, with the conversions between assets and shares. Conversions use OpenZeppelin's virtual
/// asset and shares: <c>shares = assets · (S + 10^offset) / (A + 1)</c> and
/// <c>assets = shares · (A + 1) / (S + 10^offset)</c>, rounded as the caller asks.
/// </summary>
/// <remarks>
/// Mutators are internal and called only by <see cref="Vault.Apply(VaultOperation)"/>; they throw
/// <see cref="AccountingInvariantException"/> when an operation does not fit (never a rejection: decisions check
/// first). Invariant: <c>TotalSupply = Σ balances + LockedShares</c>, both totals at most <see cref="MaxTotal"/>.
/// </remarks>
public sealed class ShareLedger
{
    /// <summary>The largest offset accepted (shares then carry 18 more decimals than the asset).</summary>
    public const int MaxDecimalsOffset = 18;

    /// <summary>
    /// The most total assets or total supply the ledger holds: <c>UInt128.MaxValue - 10^18</c>, so the virtual
    /// asset and shares can always be added without overflow.
    /// </summary>
    public static readonly UInt128 MaxTotal = UInt128.MaxValue - ExactMath.Pow10(MaxDecimalsOffset);

    private readonly SortedDictionary<AccountId, UInt128> _balances = [];

    /// <summary>An empty ledger with the given decimals offset (0 to 18).</summary>
    public ShareLedger(int decimalsOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimalsOffset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decimalsOffset, MaxDecimalsOffset);
        DecimalsOffset = decimalsOffset;
        VirtualShares = ExactMath.Pow10(decimalsOffset);
    }

    /// <summary>How many more decimals a share has than the asset.</summary>
    public int DecimalsOffset { get; }

    /// <summary><c>10^offset</c>: the virtual shares added to the supply in every conversion (with one virtual asset).</summary>
    public UInt128 VirtualShares { get; }

    /// <summary>Total assets (base units) the shares are a claim on.</summary>
    public UInt128 TotalAssets { get; private set; }

    /// <summary>All shares outstanding: free balances plus locked shares.</summary>
    public UInt128 TotalSupply { get; private set; }

    /// <summary>Shares locked in withdrawal requests (still outstanding, not in anyone's free balance).</summary>
    public UInt128 LockedShares { get; private set; }

    /// <summary>Accounts with a non-zero free balance, in ordinal order of their ids.</summary>
    public IEnumerable<KeyValuePair<AccountId, UInt128>> Balances => _balances;

    /// <summary>The current price, virtual asset and shares included.</summary>
    public SharePrice Price => PriceAt(TotalAssets);

    /// <summary>The price of one share if the vault's total assets were <paramref name="totalAssets"/> (a composed vault priced at its NAV now), with the virtual share and asset.</summary>
    public SharePrice PriceAt(UInt128 totalAssets) => new(totalAssets + 1, TotalSupply + VirtualShares);

    /// <summary>The free (unlocked) shares of <paramref name="account"/>.</summary>
    public UInt128 BalanceOf(AccountId account) => _balances.GetValueOrDefault(account);

    /// <summary><c>assets · (S + 10^offset) / (A + 1)</c>, rounded as asked.</summary>
    /// <exception cref="OverflowException">The result does not fit in 128 bits.</exception>
    public UInt128 ConvertToShares(UInt128 assets, Rounding rounding) => ExactMath.ToUInt128(SharesFor(assets, rounding));

    /// <summary><c>shares · (A + 1) / (S + 10^offset)</c>, rounded as asked.</summary>
    /// <exception cref="OverflowException">The result does not fit in 128 bits.</exception>
    public UInt128 ConvertToAssets(UInt128 shares, Rounding rounding) => ExactMath.ToUInt128(AssetsFor(shares, rounding));

    internal BigInteger SharesFor(BigInteger assets, Rounding rounding) =>
        ExactMath.MulDiv(assets, (BigInteger)TotalSupply + VirtualShares, (BigInteger)TotalAssets + 1, rounding);

    internal BigInteger AssetsFor(BigInteger shares, Rounding rounding) =>
        ExactMath.MulDiv(shares, (BigInteger)TotalAssets + 1, (BigInteger)TotalSupply + VirtualShares, rounding);

    internal void AddAssets(UInt128 assets) => TotalAssets = CheckedTotal(TotalAssets, assets, "total assets");

    internal void RemoveAssets(UInt128 assets)
    {
        if (assets > TotalAssets)
        {
            throw new AccountingInvariantException($"cannot remove {assets} assets from a total of {TotalAssets}");
        }

        TotalAssets -= assets;
    }

    internal void SetTotalAssets(UInt128 assets)
    {
        if (assets > MaxTotal)
        {
            throw new AccountingInvariantException($"total assets {assets} exceed the ledger capacity");
        }

        TotalAssets = assets;
    }

    internal void Mint(AccountId account, UInt128 shares)
    {
        TotalSupply = CheckedTotal(TotalSupply, shares, "total supply");
        Credit(account, shares);
    }

    internal void Burn(AccountId account, UInt128 shares)
    {
        Debit(account, shares);
        TotalSupply -= shares;
    }

    internal void Lock(AccountId account, UInt128 shares)
    {
        Debit(account, shares);
        LockedShares += shares;
    }

    internal void Unlock(AccountId account, UInt128 shares)
    {
        TakeLocked(shares);
        Credit(account, shares);
    }

    internal void BurnLocked(UInt128 shares)
    {
        TakeLocked(shares);
        TotalSupply -= shares;
    }

    private void TakeLocked(UInt128 shares)
    {
        if (shares > LockedShares)
        {
            throw new AccountingInvariantException($"cannot release {shares} locked shares of {LockedShares}");
        }

        LockedShares -= shares;
    }

    private void Credit(AccountId account, UInt128 shares)
    {
        if (shares != 0)
        {
            _balances[account] = BalanceOf(account) + shares;
        }
    }

    private void Debit(AccountId account, UInt128 shares)
    {
        var balance = BalanceOf(account);
        if (shares > balance)
        {
            throw new AccountingInvariantException($"{account} holds {balance} free shares, cannot take {shares}");
        }

        if (shares == balance)
        {
            _balances.Remove(account);
        }
        else
        {
            _balances[account] = balance - shares;
        }
    }

    private static UInt128 CheckedTotal(UInt128 total, UInt128 add, string what)
    {
        if (add > MaxTotal - total)
        {
            throw new AccountingInvariantException($"{what} {total} + {add} would exceed the ledger capacity");
        }

        return total + add;
    }
}
