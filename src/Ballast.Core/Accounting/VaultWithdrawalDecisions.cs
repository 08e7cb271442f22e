namespace Ballast.Accounting;

/// <summary>
/// Decisions for a <see cref="Vault"/>'s delayed withdrawals (request, settle, cancel): pure functions of its
/// state.
/// </summary>
public static class VaultWithdrawalDecisions
{
    /// <summary>
    /// <paramref name="owner"/> asks to withdraw <paramref name="shares"/>: they leave the free balance (still in
    /// the supply) and are valued now at <c>convertToAssets</c> (floor). Settles no earlier than
    /// <see cref="VaultConfig.WithdrawalDelay"/> from now; refused at settlement if the value then is more than
    /// <paramref name="maxLossBps"/> below the value now.
    /// </summary>
    public static Decision<WithdrawalRequested> DecideRequestWithdrawal(this Vault vault, AccountId owner, UInt128 shares, int maxLossBps, DateTimeOffset now)
    {
        if (vault.CheckEntry(now, shares, "withdrawal request") is { } rejection)
        {
            return rejection;
        }

        if (maxLossBps is < 0 or > BasisPoints.One)
        {
            return Rejections.BadMaxLoss(maxLossBps);
        }

        var free = vault.BalanceOf(owner);
        if (shares > free)
        {
            return Rejections.NotEnoughShares(owner, shares.ToString(), free);
        }

        var value = vault.Ledger.ConvertToAssets(shares, Rounding.Floor);
        if (value == 0)
        {
            return Rejections.NoAssets(shares);
        }

        if (now > DateTimeOffset.MaxValue - vault.Config.WithdrawalDelay)
        {
            return Rejections.TimeRange(now, vault.Config.WithdrawalDelay);
        }

        return new WithdrawalRequested(vault.NextRequestId, owner, shares, value, maxLossBps, now + vault.Config.WithdrawalDelay, now);
    }

    /// <summary>
    /// Settles request <paramref name="requestId"/>: pays the lower of its value at request and its value now
    /// (both <c>convertToAssets</c>, floor), less the exit fee (ceil), and burns its shares; or, when the value now
    /// is more than the request's max loss below the value at request, refuses it (<see cref="WithdrawalRefused"/>,
    /// code <c>exceeds-max-loss</c>) and returns the shares. Rejected before it is due and while paused.
    /// </summary>
    public static Decision<VaultOperation> DecideSettleWithdrawal(this Vault vault, long requestId, DateTimeOffset now)
    {
        if (vault.CheckTime(now) is { } late)
        {
            return late;
        }

        if (vault.FindRequest(requestId) is not { } request)
        {
            return Rejections.NoSuchRequest(requestId);
        }

        if (now < request.NotBefore)
        {
            return Rejections.NotDue(requestId, request.NotBefore);
        }

        if (vault.IsPaused)
        {
            return Rejections.Paused();
        }

        var valueNow = vault.Ledger.ConvertToAssets(request.Shares, Rounding.Floor);
        var atRequest = request.AssetsAtRequest;
        if (valueNow < atRequest && BasisPoints.Exceeds(atRequest - valueNow, atRequest, request.MaxLossBps))
        {
            var reason = Rejections.MaxLoss(requestId, atRequest, valueNow, request.MaxLossBps);
            return new WithdrawalRefused(requestId, request.Owner, request.Shares, reason, now);
        }

        var gross = UInt128.Min(valueNow, atRequest);
        var fee = BasisPoints.FeeOnGross(gross, vault.Config.ExitFeeBps);
        return new WithdrawalSettled(requestId, request.Owner, request.Shares, gross, fee, gross - fee, now);
    }

    /// <summary><paramref name="owner"/> cancels request <paramref name="requestId"/>; its shares return. Allowed while paused.</summary>
    public static Decision<WithdrawalCancelled> DecideCancelWithdrawal(this Vault vault, AccountId owner, long requestId, DateTimeOffset now)
    {
        if (vault.CheckTime(now) is { } late)
        {
            return late;
        }

        if (vault.FindRequest(requestId) is not { } request)
        {
            return Rejections.NoSuchRequest(requestId);
        }

        return request.Owner != owner
            ? Rejections.NotOwner(requestId, owner)
            : new WithdrawalCancelled(requestId, owner, request.Shares, now);
    }
}
