using System.Numerics;

namespace Ballast.Accounting;

/// <summary>
/// One vault's exact accounting state: an ERC-4626 <see cref="ShareLedger"/>, NAV reports with bounds and pause,
/// management and performance fees, entry and exit fees, and delayed withdrawal requests.
/// </summary>
/// <remarks>
/// Every change has two halves. A <c>Decide…</c> method is pure: it validates against the current state and the
/// <c>now</c> it is given, and returns either an operation record with every number computed or a
/// <see cref="Rejection"/>. The decisions live outside this type, by responsibility, as extension methods:
/// <see cref="VaultFlowDecisions"/> (deposit, mint, withdraw, redeem, donations, losses),
/// <see cref="VaultReportDecisions"/> (NAV reports, fees, pause) and <see cref="VaultWithdrawalDecisions"/>
/// (delayed withdrawals); this type holds the state, its read-only queries and previews, and the apply. <see cref="Apply(VaultOperation)"/> then moves the numbers without deciding anything,
/// so replaying the accepted records on a fresh vault with the same config rebuilds the same state. No method
/// reads a clock; times must be UTC. Formulas and rounding: <c>docs/accounting.md</c>.
/// </remarks>
public sealed class Vault
{
    private readonly SortedDictionary<long, WithdrawalRequest> _requests = [];

    /// <summary>The applied reports still inside the report bounds' rolling window, oldest first.</summary>
    private readonly List<RecentReport> _recentReports = [];

    /// <summary>An empty vault created at <paramref name="createdAt"/> (management fees accrue from then).</summary>
    public Vault(VaultConfig config, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        RequireUtc(createdAt);
        Config = config;
        Ledger = new ShareLedger(config.DecimalsOffset);
        FeesAccruedTo = createdAt;
        LastEventAt = createdAt;
        HighWaterMark = Ledger.Price;
    }

    /// <summary>The vault's fixed rules.</summary>
    /// <summary>The vault's rules; only its fees change after creation (<see cref="FeesChanged"/>, by governance).</summary>
    public VaultConfig Config { get; private set; }

    /// <summary>The share ledger (read it here; it changes only through <see cref="Apply(VaultOperation)"/>).</summary>
    public ShareLedger Ledger { get; }

    /// <summary>Total assets in base units of <see cref="VaultConfig.Asset"/>.</summary>
    public UInt128 TotalAssets => Ledger.TotalAssets;

    /// <summary>All shares outstanding, including shares locked in withdrawal requests.</summary>
    public UInt128 TotalSupply => Ledger.TotalSupply;

    /// <summary>Decimals of one share: the asset's plus the offset.</summary>
    public int ShareDecimals => Config.Asset.Decimals + Config.DecimalsOffset;

    /// <summary>Whether the vault is paused (deposits, withdrawals, requests and settlements refused).</summary>
    public bool IsPaused { get; private set; }

    /// <summary>The report recorded but not applied that paused the vault, if any.</summary>
    public PendingNavReport? PendingReport { get; private set; }

    /// <summary>When the last applied NAV report was made; null before the first.</summary>
    public DateTimeOffset? LastReportAt { get; private set; }

    /// <summary>Management fees have been charged up to this time.</summary>
    public DateTimeOffset FeesAccruedTo { get; private set; }

    /// <summary>The share price above which performance fees are charged (starts at the initial price <c>1/10^offset</c>).</summary>
    public SharePrice HighWaterMark { get; private set; }

    /// <summary>The time of the last applied operation; decisions at earlier times are rejected.</summary>
    public DateTimeOffset LastEventAt { get; private set; }

    /// <summary>The id the next withdrawal request gets.</summary>
    public long NextRequestId { get; private set; } = 1;

    /// <summary>Free (unlocked) shares of <paramref name="account"/>.</summary>
    public UInt128 BalanceOf(AccountId account) => Ledger.BalanceOf(account);

    /// <summary>Shares of <paramref name="owner"/> locked in withdrawal requests.</summary>
    public UInt128 LockedSharesOf(AccountId owner)
    {
        UInt128 locked = 0;
        foreach (var request in _requests.Values)
        {
            if (request.Owner == owner)
            {
                locked += request.Shares;
            }
        }

        return locked;
    }

    /// <summary>ERC-4626 <c>convertToShares</c>: <c>floor(assets · (S + 10^offset) / (A + 1))</c>, no fees.</summary>
    public UInt128 ConvertToShares(UInt128 assets) => Ledger.ConvertToShares(assets, Rounding.Floor);

    /// <summary>ERC-4626 <c>convertToAssets</c>: <c>floor(shares · (A + 1) / (S + 10^offset))</c>, no fees.</summary>
    public UInt128 ConvertToAssets(UInt128 shares) => Ledger.ConvertToAssets(shares, Rounding.Floor);

    /// <summary>Shares a deposit of <paramref name="assets"/> mints: the entry fee (ceil) off first, then shares rounded down.</summary>
    public UInt128 PreviewDeposit(UInt128 assets) => ExactMath.ToUInt128(SharesForDeposit(assets));

    /// <summary>Assets a mint of <paramref name="shares"/> costs: their value rounded up, grossed up for the entry fee (ceil).</summary>
    public UInt128 PreviewMint(UInt128 shares) => ExactMath.ToUInt128(AssetsForMint(shares));

    /// <summary>Shares a withdrawal of <paramref name="assets"/> burns: grossed up for the exit fee (ceil), then shares rounded up.</summary>
    public UInt128 PreviewWithdraw(UInt128 assets) =>
        ExactMath.ToUInt128(Ledger.SharesFor(GrossForNet(assets, Config.ExitFeeBps), Rounding.Ceiling));

    /// <summary>Assets a redemption of <paramref name="shares"/> pays: their value rounded down, less the exit fee (ceil).</summary>
    public UInt128 PreviewRedeem(UInt128 shares)
    {
        var gross = Ledger.ConvertToAssets(shares, Rounding.Floor);
        return gross - BasisPoints.FeeOnGross(gross, Config.ExitFeeBps);
    }

    /// <summary>The most assets <paramref name="receiver"/> can deposit now: 0 while paused, else bounded by the ledger's capacity.</summary>
    public UInt128 MaxDeposit(AccountId receiver)
    {
        if (IsPaused)
        {
            return UInt128.Zero;
        }

        var assetRoom = ShareLedger.MaxTotal - TotalAssets;
        var shareRoom = ShareLedger.MaxTotal - TotalSupply;
        return LargestFitting(assetRoom, a => SharesForDeposit(a) <= shareRoom);
    }

    /// <summary>The most shares <paramref name="receiver"/> can mint now: 0 while paused, else bounded by the ledger's capacity.</summary>
    public UInt128 MaxMint(AccountId receiver)
    {
        if (IsPaused)
        {
            return UInt128.Zero;
        }

        var assetRoom = ShareLedger.MaxTotal - TotalAssets;
        var shareRoom = ShareLedger.MaxTotal - TotalSupply;
        return LargestFitting(shareRoom, s => AssetsForMint(s) <= assetRoom);
    }

    /// <summary>The most assets <paramref name="owner"/> can withdraw at once: 0 while paused or without instant withdrawals, else <c>PreviewRedeem(balance)</c>.</summary>
    public UInt128 MaxWithdraw(AccountId owner) => InstantExitOpen ? PreviewRedeem(BalanceOf(owner)) : UInt128.Zero;

    /// <summary>The most shares <paramref name="owner"/> can redeem at once: 0 while paused or without instant withdrawals, else the free balance.</summary>
    public UInt128 MaxRedeem(AccountId owner) => InstantExitOpen ? BalanceOf(owner) : UInt128.Zero;

    /// <summary>The withdrawal request with id <paramref name="requestId"/> if it is in flight.</summary>
    public WithdrawalRequest? FindRequest(long requestId) => _requests.GetValueOrDefault(requestId);

    /// <summary>All withdrawal requests in flight in this vault, by id.</summary>
    public IReadOnlyList<WithdrawalRequest> PendingWithdrawals() => [.. _requests.Values];

    /// <summary>The withdrawal requests in flight of <paramref name="owner"/>, by id.</summary>
    public IReadOnlyList<WithdrawalRequest> PendingWithdrawals(AccountId owner) => [.. _requests.Values.Where(r => r.Owner == owner)];

    /// <summary>A deep, immutable copy of the whole state, comparable by value.</summary>
    public VaultSnapshot Snapshot() => new(
        TotalAssets,
        TotalSupply,
        Ledger.LockedShares,
        [.. Ledger.Balances],
        [.. _requests.Values],
        IsPaused,
        PendingReport,
        LastReportAt,
        FeesAccruedTo,
        HighWaterMark,
        LastEventAt,
        NextRequestId);

    /// <summary>
    /// Applies an accepted operation record. Decides nothing: it moves the numbers the record carries. Throws
    /// <see cref="AccountingInvariantException"/> when the record does not fit the state (a bug or a corrupted
    /// journal), in which case the vault must be rebuilt from its journal.
    /// </summary>
    public void Apply(VaultOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (operation.At < LastEventAt)
        {
            throw new AccountingInvariantException($"operation at {operation.At:O} is before the last one at {LastEventAt:O}");
        }

        switch (operation)
        {
            case Deposited d:
                Ledger.AddAssets(Config.FlowFeesPaidOut ? d.Assets - d.EntryFee : d.Assets);
                Ledger.Mint(d.Receiver, d.Shares);
                break;
            case Withdrawn w:
                Ledger.Burn(w.Owner, w.Shares);
                Ledger.RemoveAssets(Config.FlowFeesPaidOut ? w.Assets + w.ExitFee : w.Assets);
                break;
            case AssetsDonated g:
                Ledger.AddAssets(g.Assets);
                break;
            case LossRecorded l:
                Ledger.RemoveAssets(l.Assets);
                break;
            case NavReportApplied r:
                ApplyReport(r);
                break;
            case NavReportHeld h:
                IsPaused = true;
                PendingReport = new PendingNavReport(h.ReportedAssets, h.ReasonCode, h.At);
                break;
            case VaultPaused:
                IsPaused = true;
                break;
            case FeesChanged f:
                {
                    var config = Config with { EntryFeeBps = f.EntryFeeBps, ExitFeeBps = f.ExitFeeBps, ManagementFeeBps = f.ManagementFeeBps, PerformanceFeeBps = f.PerformanceFeeBps };
                    config.Validate();
                    Config = config;
                    break;
                }

            case VaultUnpaused u:
                if (u.AcceptedReport is { } accepted)
                {
                    ApplyReport(accepted);
                }

                IsPaused = false;
                PendingReport = null;
                break;
            case WithdrawalRequested q:
                ApplyRequest(q);
                break;
            case WithdrawalSettled s:
                TakeRequest(s.RequestId, s.Owner, s.Shares);
                Ledger.BurnLocked(s.Shares);
                Ledger.RemoveAssets(Config.FlowFeesPaidOut ? s.AssetsPaid + s.ExitFee : s.AssetsPaid);
                break;
            case WithdrawalRefused f:
                TakeRequest(f.RequestId, f.Owner, f.Shares);
                Ledger.Unlock(f.Owner, f.Shares);
                break;
            case SharesLocked l:
                Ledger.Lock(l.Owner, l.Shares);
                break;
            case SharesReleased r:
                Ledger.Unlock(r.Owner, r.Shares);
                break;
            case WithdrawalCancelled c:
                TakeRequest(c.RequestId, c.Owner, c.Shares);
                Ledger.Unlock(c.Owner, c.Shares);
                break;
            default:
                throw new AccountingInvariantException($"unknown operation {operation.GetType().Name}");
        }

        LastEventAt = operation.At;
    }

    private void ApplyReport(NavReportApplied report)
    {
        // The reports inside the rolling window (before → reported) for the compounded bound; older ones drop out.
        var window = Config.ReportBounds.Window;
        _recentReports.RemoveAll(r => r.At.UtcTicks <= report.At.UtcTicks - window.Ticks);
        if (window > TimeSpan.Zero)
        {
            _recentReports.Add(new RecentReport(report.At, Ledger.TotalAssets, report.ReportedAssets));
        }

        Ledger.SetTotalAssets(report.ReportedAssets);
        Ledger.Mint(report.FeeRecipient, report.ManagementFeeShares);
        Ledger.Mint(report.FeeRecipient, report.PerformanceFeeShares);
        HighWaterMark = report.HighWaterMark;
        LastReportAt = report.At;
        FeesAccruedTo = report.At;
    }

    private void ApplyRequest(WithdrawalRequested request)
    {
        if (request.RequestId != NextRequestId)
        {
            throw new AccountingInvariantException($"withdrawal request id {request.RequestId} is not the next id {NextRequestId}");
        }

        Ledger.Lock(request.Owner, request.Shares);
        _requests.Add(request.RequestId, new WithdrawalRequest(
            request.RequestId, request.Owner, request.Shares, request.AssetsAtRequest, request.MaxLossBps, request.At, request.NotBefore));
        NextRequestId = request.RequestId + 1;
    }

    private void TakeRequest(long id, AccountId owner, UInt128 shares)
    {
        if (!_requests.TryGetValue(id, out var request) || request.Owner != owner || request.Shares != shares)
        {
            throw new AccountingInvariantException($"withdrawal request {id} of {owner} for {shares} shares is not in flight");
        }

        _requests.Remove(id);
    }

    private bool InstantExitOpen => !IsPaused && Config.InstantWithdrawals;

    /// <summary>Shares for a deposit of <paramref name="assets"/> in total: the entry fee is on top of the net credited, so net = floor(total·10⁴/(10⁴ + bps)).</summary>
    internal BigInteger SharesForDeposit(UInt128 assets) =>
        Ledger.SharesFor(BasisPoints.NetOfTotal(assets, Config.EntryFeeBps), Rounding.Floor);

    /// <summary>Assets a mint costs: the shares' value rounded up, plus the entry fee ceil(net·bps/10⁴) on top.</summary>
    internal BigInteger AssetsForMint(UInt128 shares)
    {
        var net = Ledger.AssetsFor(shares, Rounding.Ceiling);
        return Config.EntryFeeBps == 0 ? net : net + ExactMath.MulDiv(net, Config.EntryFeeBps, BasisPoints.One, Rounding.Ceiling);
    }

    internal static BigInteger GrossForNet(BigInteger net, int bps) =>
        bps == 0 ? net : ExactMath.MulDiv(net, BasisPoints.One, BasisPoints.One - bps, Rounding.Ceiling);

    /// <summary>The largest x in [0, max] with <paramref name="fits"/>(x), for a monotone predicate true at 0.</summary>
    private static UInt128 LargestFitting(UInt128 max, Func<UInt128, bool> fits)
    {
        if (fits(max))
        {
            return max;
        }

        UInt128 lo = 0, hi = max;
        while (hi - lo > 1)
        {
            var mid = lo + ((hi - lo) / 2);
            if (fits(mid))
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static void RequireUtc(DateTimeOffset time)
    {
        if (time.Offset != TimeSpan.Zero)
        {
            throw new ArgumentException($"times must be UTC (offset zero), got {time:O}", nameof(time));
        }
    }

    /// <summary>The applied reports still inside the report bounds' rolling window, oldest first (read by <see cref="VaultReportDecisions"/>).</summary>
    internal IReadOnlyList<RecentReport> RecentReports => _recentReports;

    internal Rejection? CheckTime(DateTimeOffset now)
    {
        RequireUtc(now);
        return now < LastEventAt ? Rejections.TimeWentBack(now, LastEventAt) : null;
    }

    /// <summary>An applied NAV report as the rolling window sees it: when, total assets before, and reported.</summary>
    internal readonly record struct RecentReport(DateTimeOffset At, UInt128 Before, UInt128 Reported);
}
