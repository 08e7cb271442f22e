namespace Ballast.Accounting;

/// <summary>
/// Decisions for NAV reports, fees charged at reports, and pausing a <see cref="Vault"/>: pure functions of its
/// state.
/// </summary>
public static class VaultReportDecisions
{
    /// <summary>
    /// A NAV report from <paramref name="reporter"/> setting total assets to <paramref name="totalAssets"/>.
    /// Within bounds it is applied (<see cref="NavReportApplied"/>, fees minted); out of bounds or too soon it is
    /// recorded and pauses the vault (<see cref="NavReportHeld"/>). Rejected from anyone but the reporter and while paused.
    /// </summary>
    /// <remarks>
    /// The change is measured against the total assets before the report (the last applied report plus flows
    /// since): a rise <c>r</c> is out of bounds when <c>r · 10⁴ &gt; maxUpBps · A</c>, a fall likewise with
    /// <c>maxDownBps</c>; from <c>A = 0</c> any rise is out of bounds unless the rise is unlimited
    /// (<see cref="NavReportBounds.NoLimit"/>).
    /// </remarks>
    public static Decision<VaultOperation> DecideReport(this Vault vault, AccountId reporter, UInt128 totalAssets, DateTimeOffset now)
    {
        if (vault.CheckTime(now) is { } late)
        {
            return late;
        }

        if (reporter != vault.Config.Reporter)
        {
            return Rejections.WrongReporter(reporter);
        }

        if (vault.IsPaused)
        {
            return Rejections.Paused();
        }

        if (totalAssets > ShareLedger.MaxTotal)
        {
            return Rejections.Capacity();
        }

        var bounds = vault.Config.ReportBounds;
        if (vault.LastReportAt is { } last && now - last < bounds.MinInterval)
        {
            return new NavReportHeld(totalAssets, Rejections.NavReportTooSoon, now);
        }

        var current = vault.TotalAssets;
        var outOfBounds = totalAssets >= current
            ? bounds.MaxUpBps != NavReportBounds.NoLimit && BasisPoints.Exceeds(totalAssets - current, current, bounds.MaxUpBps)
            : BasisPoints.Exceeds(current - totalAssets, current, bounds.MaxDownBps);
        if (outOfBounds)
        {
            return new NavReportHeld(totalAssets, Rejections.NavChangeExceedsBounds, now);
        }

        if (vault.WindowExceeded(bounds, current, totalAssets, now))
        {
            return new NavReportHeld(totalAssets, Rejections.NavWindowExceedsBounds, now);
        }

        return vault.ComputeReport(totalAssets, now) is { } applied ? applied : Rejections.Capacity();
    }

    /// <summary>
    /// Whether this report, compounded with the reports applied within the window before <paramref name="now"/>,
    /// moves NAV beyond the window's bounds: with <c>Bᵢ → Rᵢ</c> each report's total assets before and reported,
    /// the change is <c>Π Rᵢ / Π Bᵢ</c> (flows between reports do not count; reports from zero assets are left to
    /// the per-report bound), out of bounds when <c>Π Rᵢ · 10⁴ &gt; (10⁴ + up) · Π Bᵢ</c> or
    /// <c>Π Rᵢ · 10⁴ &lt; (10⁴ − down) · Π Bᵢ</c>. Exact (<see cref="System.Numerics.BigInteger"/>).
    /// </summary>
    private static bool WindowExceeded(this Vault vault, NavReportBounds bounds, UInt128 before, UInt128 reported, DateTimeOffset now)
    {
        if (!bounds.HasWindowBound || before == 0)
        {
            return false;
        }

        System.Numerics.BigInteger product = reported, basis = before;
        var from = now.UtcTicks - bounds.Window.Ticks;
        foreach (var r in vault.RecentReports)
        {
            if (r.At.UtcTicks > from && r.Before != 0)
            {
                product *= r.Reported;
                basis *= r.Before;
            }
        }

        product *= BasisPoints.One;
        return (bounds.MaxWindowUpBps != NavReportBounds.NoLimit && product > basis * (BasisPoints.One + (long)bounds.MaxWindowUpBps))
            || product < basis * (BasisPoints.One - bounds.MaxWindowDownBps);
    }

    /// <summary>The operator pauses the vault.</summary>
    public static Decision<VaultPaused> DecidePause(this Vault vault, AccountId @operator, DateTimeOffset now)
    {
        if (vault.CheckTime(now) is { } late)
        {
            return late;
        }

        if (@operator != vault.Config.Operator)
        {
            return Rejections.WrongOperator(@operator);
        }

        return vault.IsPaused ? Rejections.IsPaused() : new VaultPaused(@operator, now);
    }

    /// <summary>
    /// The operator unpauses the vault. With <paramref name="acceptPendingReport"/> the pending report is applied
    /// as of its own time (fees accrue to then); without it a pending report is dropped.
    /// </summary>
    public static Decision<VaultUnpaused> DecideUnpause(this Vault vault, AccountId @operator, bool acceptPendingReport, DateTimeOffset now)
    {
        if (vault.CheckTime(now) is { } late)
        {
            return late;
        }

        if (@operator != vault.Config.Operator)
        {
            return Rejections.WrongOperator(@operator);
        }

        if (!vault.IsPaused)
        {
            return Rejections.IsNotPaused();
        }

        if (!acceptPendingReport)
        {
            return new VaultUnpaused(@operator, null, now);
        }

        if (vault.PendingReport is not { } pending)
        {
            return Rejections.NothingPending();
        }

        return vault.ComputeReport(pending.ReportedAssets, pending.ReportedAt) is { } applied
            ? new VaultUnpaused(@operator, applied, now)
            : Rejections.Capacity();
    }

    /// <summary>
    /// Applies a report in thought: total assets become <paramref name="reported"/>; the management fee for the
    /// seconds since <see cref="Vault.FeesAccruedTo"/> is minted, then the performance fee on the price above the
    /// high-water mark (after the management fee); the mark becomes the higher of itself and the price after fees.
    /// Null when the fee shares would exceed the ledger's capacity.
    /// </summary>
    private static NavReportApplied? ComputeReport(this Vault vault, UInt128 reported, DateTimeOffset at)
    {
        var virtualShares = vault.Ledger.VirtualShares;
        var supply = vault.TotalSupply;
        UInt128 managementShares = 0, performanceShares = 0;
        if (supply != 0)
        {
            var seconds = Math.Max(0, (at - vault.FeesAccruedTo).Ticks / TimeSpan.TicksPerSecond);
            var managementFee = FeeMath.ManagementFeeAssets(reported, vault.Config.ManagementFeeBps, seconds);
            var management = FeeMath.SharesForFeeExact(managementFee, reported, supply, virtualShares);
            if (management > ShareLedger.MaxTotal - supply)
            {
                return null;
            }

            managementShares = (UInt128)management;
            supply += managementShares;
            var performanceFee = FeeMath.PerformanceFeeAssets(reported, supply, virtualShares, vault.HighWaterMark, vault.Config.PerformanceFeeBps);
            var performance = FeeMath.SharesForFeeExact(performanceFee, reported, supply, virtualShares);
            if (performance > ShareLedger.MaxTotal - supply)
            {
                return null;
            }

            performanceShares = (UInt128)performance;
            supply += performanceShares;
        }

        var mark = SharePrice.Max(vault.HighWaterMark, new SharePrice(reported + 1, supply + virtualShares));
        return new NavReportApplied(reported, managementShares, performanceShares, vault.Config.FeeRecipient, mark, at);
    }
}
