namespace Ballast.Accounting;

/// <summary>
/// The fixed rules of one vault: its asset, decimals offset, roles, fees (all in basis points), NAV report bounds
/// and withdrawal rules.
/// </summary>
public sealed record VaultConfig
{
    /// <summary>Highest entry or exit fee accepted (50%).</summary>
    public const int MaxFlowFeeBps = 5_000;

    /// <summary>The longest withdrawal delay accepted: ten years (3,650 days).</summary>
    public static readonly TimeSpan MaxWithdrawalDelay = TimeSpan.FromDays(3_650);

    /// <summary>The asset the vault holds.</summary>
    public required Asset Asset { get; init; }

    /// <summary>The default decimals offset: 6, so a donation to an empty vault costs a victim at most about 10⁻⁶ of it.</summary>
    public const int DefaultDecimalsOffset = 6;

    /// <summary>
    /// Extra decimals of the share over the asset (0 to 18, default <see cref="DefaultDecimalsOffset"/>); also the
    /// virtual shares <c>10^offset</c>. At 0 a griefer's donation can cost a depositor up to about a third of a deposit.
    /// </summary>
    public int DecimalsOffset { get; init; } = DefaultDecimalsOffset;

    /// <summary>The account that may pause and unpause the vault.</summary>
    public required AccountId Operator { get; init; }

    /// <summary>The only account whose NAV reports the vault takes.</summary>
    public required AccountId Reporter { get; init; }

    /// <summary>The account management and performance fee shares are minted to.</summary>
    public required AccountId FeeRecipient { get; init; }

    /// <summary>
    /// Entry fee in bps of the net assets credited, paid on top (a deposit of total T credits floor(T·10⁴/(10⁴+bps));
    /// a mint pays its value plus ceil(value·bps/10⁴)). With the exit fee below, a round trip costs bps of the value
    /// moved on each side, the cost model of the backtester.
    /// </summary>
    public int EntryFeeBps { get; init; }

    /// <summary>Exit fee in bps of the gross value of the shares redeemed.</summary>
    public int ExitFeeBps { get; init; }

    /// <summary>
    /// False (default): entry and exit fees stay in the vault and benefit the remaining holders. True: they leave the
    /// vault (paid to the <see cref="FeeRecipient"/> outside the share ledger), so they are a cost to the system, as
    /// trading costs are when a composed vault moves money between children.
    /// </summary>
    public bool FlowFeesPaidOut { get; init; }

    /// <summary>Management fee in bps of NAV per year (365 days), accrued per second at each applied report.</summary>
    public int ManagementFeeBps { get; init; }

    /// <summary>Performance fee in bps of the gain of the share price above its high-water mark.</summary>
    public int PerformanceFeeBps { get; init; }

    /// <summary>Limits on NAV reports (default <see cref="NavReportBounds.Default"/>: at most one report an hour).</summary>
    public NavReportBounds ReportBounds { get; init; } = NavReportBounds.Default;

    /// <summary>Whether <c>Withdraw</c> and <c>Redeem</c> pay at once; withdrawal requests are always available.</summary>
    public bool InstantWithdrawals { get; init; } = true;

    /// <summary>How long after a withdrawal request it may be settled.</summary>
    public TimeSpan WithdrawalDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Asset);
        ArgumentNullException.ThrowIfNull(ReportBounds);
        ArgumentOutOfRangeException.ThrowIfNegative(DecimalsOffset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(DecimalsOffset, ShareLedger.MaxDecimalsOffset);
        CheckBps(EntryFeeBps, MaxFlowFeeBps, nameof(EntryFeeBps));
        CheckBps(ExitFeeBps, MaxFlowFeeBps, nameof(ExitFeeBps));
        CheckBps(ManagementFeeBps, BasisPoints.One, nameof(ManagementFeeBps));
        CheckBps(PerformanceFeeBps, BasisPoints.One, nameof(PerformanceFeeBps));
        ArgumentOutOfRangeException.ThrowIfLessThan(WithdrawalDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(WithdrawalDelay, MaxWithdrawalDelay);
        foreach (var id in (ReadOnlySpan<AccountId>)[Operator, Reporter, FeeRecipient])
        {
            if (id.Value is null)
            {
                throw new ArgumentException("operator, reporter and fee recipient must be set", nameof(id));
            }
        }
    }

    private static void CheckBps(int bps, int max, string name)
    {
        if (bps < 0 || bps > max)
        {
            throw new ArgumentOutOfRangeException(name, bps, $"{name} must be 0 to {max}");
        }
    }
}
