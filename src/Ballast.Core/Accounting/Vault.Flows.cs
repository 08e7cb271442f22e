using System.Globalization;

namespace Ballast.Accounting;

/// <summary>Decisions for money moving in and out: deposit, mint, withdraw, redeem, donations and losses.</summary>
public sealed partial class Vault
{
    /// <summary>
    /// Deposit <paramref name="assets"/> for <paramref name="receiver"/>: shares = <see cref="PreviewDeposit"/>.
    /// Rejected while paused, for zero, beyond capacity, or when it would mint no shares.
    /// </summary>
    public Decision<Deposited> DecideDeposit(AccountId receiver, UInt128 assets, DateTimeOffset now)
    {
        if (CheckEntry(now, assets, "deposit") is { } rejection)
        {
            return rejection;
        }

        var shares = SharesForDeposit(assets);
        if (assets > ShareLedger.MaxTotal - TotalAssets || shares > ShareLedger.MaxTotal - TotalSupply)
        {
            return Rejections.Capacity();
        }

        if (shares.IsZero)
        {
            return Rejections.NoShares(assets);
        }

        var fee = assets - BasisPoints.NetOfTotal(assets, Config.EntryFeeBps);
        return new Deposited(receiver, assets, (UInt128)shares, fee, now);
    }

    /// <summary>
    /// Mint exactly <paramref name="shares"/> for <paramref name="receiver"/>: costs <see cref="PreviewMint"/>.
    /// Rejected while paused, for zero, or beyond capacity.
    /// </summary>
    public Decision<Deposited> DecideMint(AccountId receiver, UInt128 shares, DateTimeOffset now)
    {
        if (CheckEntry(now, shares, "mint") is { } rejection)
        {
            return rejection;
        }

        var assets = AssetsForMint(shares);
        if (shares > ShareLedger.MaxTotal - TotalSupply || assets > ShareLedger.MaxTotal - TotalAssets)
        {
            return Rejections.Capacity();
        }

        var net = Ledger.ConvertToAssets(shares, Rounding.Ceiling);
        return new Deposited(receiver, (UInt128)assets, shares, (UInt128)assets - net, now);
    }

    /// <summary>
    /// Withdraw exactly <paramref name="assets"/> to <paramref name="owner"/>: burns <see cref="PreviewWithdraw"/>.
    /// Rejected while paused, without instant withdrawals, for zero, or beyond the owner's free shares.
    /// </summary>
    public Decision<Withdrawn> DecideWithdraw(AccountId owner, UInt128 assets, DateTimeOffset now)
    {
        if (CheckExit(now, assets, "withdrawal") is { } rejection)
        {
            return rejection;
        }

        var gross = GrossForNet(assets, Config.ExitFeeBps);
        var shares = Ledger.SharesFor(gross, Rounding.Ceiling);
        var free = BalanceOf(owner);
        if (shares > free)
        {
            return Rejections.NotEnoughShares(owner, shares.ToString(CultureInfo.InvariantCulture), free);
        }

        return new Withdrawn(owner, (UInt128)shares, assets, (UInt128)(gross - assets), now);
    }

    /// <summary>
    /// Redeem exactly <paramref name="shares"/> of <paramref name="owner"/>: pays <see cref="PreviewRedeem"/>.
    /// Rejected while paused, without instant withdrawals, for zero, beyond the free balance, or when it would pay nothing.
    /// </summary>
    public Decision<Withdrawn> DecideRedeem(AccountId owner, UInt128 shares, DateTimeOffset now)
    {
        if (CheckExit(now, shares, "redemption") is { } rejection)
        {
            return rejection;
        }

        var free = BalanceOf(owner);
        if (shares > free)
        {
            return Rejections.NotEnoughShares(owner, shares.ToString(CultureInfo.InvariantCulture), free);
        }

        var gross = Ledger.ConvertToAssets(shares, Rounding.Floor);
        var fee = BasisPoints.FeeOnGross(gross, Config.ExitFeeBps);
        if (gross - fee == 0)
        {
            return Rejections.NoAssets(shares);
        }

        return new Withdrawn(owner, shares, gross - fee, fee, now);
    }

    /// <summary>
    /// Add <paramref name="assets"/> without minting (a donation or a strategy gain). Allowed while paused.
    /// </summary>
    public Decision<AssetsDonated> DecideDonate(AccountId donor, UInt128 assets, DateTimeOffset now)
    {
        if (CheckTime(now) is { } late)
        {
            return late;
        }

        if (assets == 0)
        {
            return Rejections.Zero("donation");
        }

        return assets > ShareLedger.MaxTotal - TotalAssets ? Rejections.Capacity() : new AssetsDonated(donor, assets, now);
    }

    /// <summary>Remove <paramref name="assets"/> without burning (a strategy loss). Allowed while paused.</summary>
    public Decision<LossRecorded> DecideLoss(UInt128 assets, DateTimeOffset now)
    {
        if (CheckTime(now) is { } late)
        {
            return late;
        }

        if (assets == 0)
        {
            return Rejections.Zero("loss");
        }

        return assets > TotalAssets ? Rejections.LossTooLarge(assets, TotalAssets) : new LossRecorded(assets, now);
    }

    private Rejection? CheckEntry(DateTimeOffset now, UInt128 amount, string what)
    {
        if (CheckTime(now) is { } late)
        {
            return late;
        }

        if (IsPaused)
        {
            return Rejections.Paused();
        }

        return amount == 0 ? Rejections.Zero(what) : null;
    }

    private Rejection? CheckExit(DateTimeOffset now, UInt128 amount, string what)
    {
        if (CheckEntry(now, amount, what) is { } rejection)
        {
            return rejection;
        }

        return Config.InstantWithdrawals ? null : Rejections.InstantDisabled();
    }
}
