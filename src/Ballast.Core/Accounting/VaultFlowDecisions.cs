using System.Globalization;

namespace Ballast.Accounting;

/// <summary>
/// Decisions for money moving in and out of a <see cref="Vault"/>: deposit, mint, withdraw, redeem, donations and
/// losses. Pure functions of the vault's state (extension methods, so <c>vault.DecideDeposit(…)</c> reads as
/// before); only <see cref="Vault.Apply(VaultOperation)"/> changes the vault.
/// </summary>
public static class VaultFlowDecisions
{
    /// <summary>
    /// Deposit <paramref name="assets"/> for <paramref name="receiver"/>: shares = <see cref="Vault.PreviewDeposit"/>.
    /// Rejected while paused, for zero, beyond capacity, or when it would mint no shares.
    /// </summary>
    public static Decision<Deposited> DecideDeposit(this Vault vault, AccountId receiver, UInt128 assets, DateTimeOffset now)
    {
        if (vault.CheckEntry(now, assets, "deposit") is { } rejection)
        {
            return rejection;
        }

        var shares = vault.SharesForDeposit(assets);
        if (assets > ShareLedger.MaxTotal - vault.TotalAssets || shares > ShareLedger.MaxTotal - vault.TotalSupply)
        {
            return Rejections.Capacity();
        }

        if (shares.IsZero)
        {
            return Rejections.NoShares(assets);
        }

        var fee = assets - BasisPoints.NetOfTotal(assets, vault.Config.EntryFeeBps);
        return new Deposited(receiver, assets, (UInt128)shares, fee, now);
    }

    /// <summary>
    /// Mint exactly <paramref name="shares"/> for <paramref name="receiver"/>: costs <see cref="Vault.PreviewMint"/>.
    /// Rejected while paused, for zero, or beyond capacity.
    /// </summary>
    public static Decision<Deposited> DecideMint(this Vault vault, AccountId receiver, UInt128 shares, DateTimeOffset now)
    {
        if (vault.CheckEntry(now, shares, "mint") is { } rejection)
        {
            return rejection;
        }

        var assets = vault.AssetsForMint(shares);
        if (shares > ShareLedger.MaxTotal - vault.TotalSupply || assets > ShareLedger.MaxTotal - vault.TotalAssets)
        {
            return Rejections.Capacity();
        }

        var net = vault.Ledger.ConvertToAssets(shares, Rounding.Ceiling);
        return new Deposited(receiver, (UInt128)assets, shares, (UInt128)assets - net, now);
    }

    /// <summary>
    /// Withdraw exactly <paramref name="assets"/> to <paramref name="owner"/>: burns <see cref="Vault.PreviewWithdraw"/>.
    /// Rejected while paused, without instant withdrawals, for zero, or beyond the owner's free shares.
    /// </summary>
    public static Decision<Withdrawn> DecideWithdraw(this Vault vault, AccountId owner, UInt128 assets, DateTimeOffset now)
    {
        if (vault.CheckExit(now, assets, "withdrawal") is { } rejection)
        {
            return rejection;
        }

        var gross = Vault.GrossForNet(assets, vault.Config.ExitFeeBps);
        var shares = vault.Ledger.SharesFor(gross, Rounding.Ceiling);
        var free = vault.BalanceOf(owner);
        if (shares > free)
        {
            return Rejections.NotEnoughShares(owner, shares.ToString(CultureInfo.InvariantCulture), free);
        }

        return new Withdrawn(owner, (UInt128)shares, assets, (UInt128)(gross - assets), now);
    }

    /// <summary>
    /// Redeem exactly <paramref name="shares"/> of <paramref name="owner"/>: pays <see cref="Vault.PreviewRedeem"/>.
    /// Rejected while paused, without instant withdrawals, for zero, beyond the free balance, or when it would pay nothing.
    /// </summary>
    public static Decision<Withdrawn> DecideRedeem(this Vault vault, AccountId owner, UInt128 shares, DateTimeOffset now)
    {
        if (vault.CheckExit(now, shares, "redemption") is { } rejection)
        {
            return rejection;
        }

        var free = vault.BalanceOf(owner);
        if (shares > free)
        {
            return Rejections.NotEnoughShares(owner, shares.ToString(CultureInfo.InvariantCulture), free);
        }

        var gross = vault.Ledger.ConvertToAssets(shares, Rounding.Floor);
        var fee = BasisPoints.FeeOnGross(gross, vault.Config.ExitFeeBps);
        if (gross - fee == 0)
        {
            return Rejections.NoAssets(shares);
        }

        return new Withdrawn(owner, shares, gross - fee, fee, now);
    }

    /// <summary>
    /// Add <paramref name="assets"/> without minting (a donation or a strategy gain). Allowed while paused.
    /// </summary>
    public static Decision<AssetsDonated> DecideDonate(this Vault vault, AccountId donor, UInt128 assets, DateTimeOffset now)
    {
        if (vault.CheckTime(now) is { } late)
        {
            return late;
        }

        if (assets == 0)
        {
            return Rejections.Zero("donation");
        }

        return assets > ShareLedger.MaxTotal - vault.TotalAssets ? Rejections.Capacity() : new AssetsDonated(donor, assets, now);
    }

    /// <summary>Remove <paramref name="assets"/> without burning (a strategy loss). Allowed while paused.</summary>
    public static Decision<LossRecorded> DecideLoss(this Vault vault, UInt128 assets, DateTimeOffset now)
    {
        if (vault.CheckTime(now) is { } late)
        {
            return late;
        }

        if (assets == 0)
        {
            return Rejections.Zero("loss");
        }

        return assets > vault.TotalAssets ? Rejections.LossTooLarge(assets, vault.TotalAssets) : new LossRecorded(assets, now);
    }

    internal static Rejection? CheckEntry(this Vault vault, DateTimeOffset now, UInt128 amount, string what)
    {
        if (vault.CheckTime(now) is { } late)
        {
            return late;
        }

        if (vault.IsPaused)
        {
            return Rejections.Paused();
        }

        return amount == 0 ? Rejections.Zero(what) : null;
    }

    private static Rejection? CheckExit(this Vault vault, DateTimeOffset now, UInt128 amount, string what)
    {
        if (vault.CheckEntry(now, amount, what) is { } rejection)
        {
            return rejection;
        }

        return vault.Config.InstantWithdrawals ? null : Rejections.InstantDisabled();
    }
}
