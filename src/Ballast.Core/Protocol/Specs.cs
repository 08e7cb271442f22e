using System.Collections.Immutable;
using Ballast.Accounting;

namespace Ballast.Protocol;

/// <summary>The rules of a simple vault, as journaled when it is created (times in whole seconds).</summary>
public sealed record SimpleVaultSpec
{
    /// <summary>The symbol of the asset the vault holds and is valued in; it must exist.</summary>
    public required AssetSymbol Asset { get; init; }

    /// <summary>Extra decimals of the share over the asset, also the virtual shares' exponent (default <see cref="VaultConfig.DefaultDecimalsOffset"/>, 6).</summary>
    public int DecimalsOffset { get; init; } = VaultConfig.DefaultDecimalsOffset;

    /// <summary>The account that may pause and unpause the vault.</summary>
    public required AccountId Operator { get; init; }

    /// <summary>The only account whose NAV reports the vault takes.</summary>
    public required AccountId Reporter { get; init; }

    /// <summary>The account fee shares are minted to and paid-out flow fees are paid to.</summary>
    public required AccountId FeeRecipient { get; init; }

    /// <summary>Entry fee in bps of the net assets credited, paid on top (0 to <see cref="VaultConfig.MaxFlowFeeBps"/>).</summary>
    public int EntryFeeBps { get; init; }

    /// <summary>Exit fee in bps of the gross value of the shares redeemed (0 to <see cref="VaultConfig.MaxFlowFeeBps"/>).</summary>
    public int ExitFeeBps { get; init; }

    /// <summary>False (default): entry and exit fees stay in the vault for the remaining holders; true: they are paid to <see cref="FeeRecipient"/>.</summary>
    public bool FlowFeesPaidOut { get; init; }

    /// <summary>Management fee in bps of NAV per year (365 days), accrued per second at each applied report.</summary>
    public int ManagementFeeBps { get; init; }

    /// <summary>Performance fee in bps of the gain of the share price above its high-water mark.</summary>
    public int PerformanceFeeBps { get; init; }

    /// <summary>Largest rise of one NAV report in bps; <see cref="NavReportBounds.NoLimit"/> for none.</summary>
    public int MaxReportUpBps { get; init; } = NavReportBounds.NoLimit;

    /// <summary>Largest fall of one NAV report in bps (default 10,000: any fall); a report beyond it is held and pauses the vault.</summary>
    public int MaxReportDownBps { get; init; } = BasisPoints.One;

    /// <summary>Shortest time between applied NAV reports (default one hour; a report sooner is held and pauses the vault).</summary>
    public long MinReportIntervalSeconds { get; init; } = (long)NavReportBounds.DefaultMinInterval.TotalSeconds;

    /// <summary>The rolling window of the compounded report bound, in seconds (default one day; 0: none).</summary>
    public long ReportWindowSeconds { get; init; } = (long)NavReportBounds.DefaultWindow.TotalSeconds;

    /// <summary>Largest compounded rise of the reports within the window, in bps (null: <see cref="MaxReportUpBps"/>).</summary>
    public int? MaxWindowUpBps { get; init; }

    /// <summary>Largest compounded fall of the reports within the window, in bps (null: <see cref="MaxReportDownBps"/>).</summary>
    public int? MaxWindowDownBps { get; init; }

    /// <summary>Whether withdrawals and redemptions pay at once (default true); withdrawal requests are always available.</summary>
    public bool InstantWithdrawals { get; init; } = true;

    /// <summary>Whole seconds after a withdrawal request before it may be settled (default 0; at most ten years).</summary>
    public long WithdrawalDelaySeconds { get; init; }

    /// <summary>How investor flows are priced: <see cref="PricingMode.Forward"/> (default) or, by the operator's opt-in, <see cref="PricingMode.Immediate"/>.</summary>
    public PricingMode Pricing { get; init; } = PricingMode.Forward;

    /// <summary>The accounting configuration this spec describes, over the resolved asset.</summary>
    /// <param name="asset">The asset named by <see cref="Asset"/>, with its decimals.</param>
    /// <returns>The configuration; not yet validated (see <see cref="VaultConfig.Validate"/>).</returns>
    public VaultConfig ToConfig(Asset asset) => new()
    {
        Asset = asset,
        DecimalsOffset = DecimalsOffset,
        Operator = Operator,
        Reporter = Reporter,
        FeeRecipient = FeeRecipient,
        EntryFeeBps = EntryFeeBps,
        ExitFeeBps = ExitFeeBps,
        FlowFeesPaidOut = FlowFeesPaidOut,
        ManagementFeeBps = ManagementFeeBps,
        PerformanceFeeBps = PerformanceFeeBps,
        ReportBounds = new NavReportBounds(MaxReportUpBps, MaxReportDownBps, TimeSpan.FromSeconds(MinReportIntervalSeconds), TimeSpan.FromSeconds(ReportWindowSeconds), MaxWindowUpBps, MaxWindowDownBps),
        InstantWithdrawals = InstantWithdrawals,
        WithdrawalDelay = TimeSpan.FromSeconds(WithdrawalDelaySeconds),
    };
}

/// <summary>
/// The rails of a composed vault's rebalances, each optional: caps per child (absolute, and as parts per million
/// of NAV), the largest weight change per child per rebalance, a minimum trade, a cooldown between rebalances, a
/// fixed cost per child operation (paid to the cost recipient), a cost budget that replenishes over time, and the
/// tolerance of the conservation check.
/// </summary>
public sealed record RebalanceRails
{
    /// <summary>No rails: no caps, no step limit, no minimum trade, no cooldown, no fixed cost and an unlimited cost budget.</summary>
    public static RebalanceRails None { get; } = new();

    /// <summary>Most assets any one child may hold after a rebalance (null: no cap); enforced before every other rail (<see cref="ChildCaps"/>).</summary>
    public UInt128? MaxChildAssets { get; init; }

    /// <summary>Most weight any one child may hold after a rebalance, in ppm of NAV after it (null: no cap); enforced before every other rail (<see cref="ChildCaps"/>).</summary>
    public int? MaxChildPpm { get; init; }

    /// <summary>Largest change of one child's weight in one rebalance, in ppm (null: none).</summary>
    public int? MaxStepPpm { get; init; }

    /// <summary>Child trades smaller than this (in assets) are not made, unless they enforce a cap.</summary>
    public UInt128 MinTradeAssets { get; init; }

    /// <summary>Seconds that must pass after a rebalance before the next one.</summary>
    public long CooldownSeconds { get; init; }

    /// <summary>Fixed cost of each child operation, paid from idle cash to the cost recipient.</summary>
    public UInt128 FixedCostPerOperation { get; init; }

    /// <summary>Cost budget capacity (null: unlimited); a rebalance whose costs exceed what is available is refused (a trim to the caps is not: it empties the budget).</summary>
    public UInt128? CostBudget { get; init; }

    /// <summary>Cost budget replenished per day, up to <see cref="CostBudget"/>.</summary>
    public UInt128 CostBudgetPerDay { get; init; }

    /// <summary>
    /// Max loss (bps) accepted on a withdrawal request the rebalancer files with a child that has no instant
    /// withdrawals (default 10,000: settle whatever the price then).
    /// </summary>
    public int RequestMaxLossBps { get; init; } = 10_000;

    /// <summary>NAV after may be below NAV before minus costs by at most this (rounding of the child operations).</summary>
    public UInt128 ConservationTolerance { get; init; } = 16;
}

/// <summary>The rules of a composed vault: its asset, share decimals offset, operator, children (simple vault ids) and rails.</summary>
public sealed record ComposedVaultSpec
{
    /// <summary>The symbol of the base asset the vault holds and is valued in; every child must hold the same asset.</summary>
    public required AssetSymbol Asset { get; init; }

    /// <summary>Extra decimals of the share over the asset, also the virtual shares' exponent (default <see cref="VaultConfig.DefaultDecimalsOffset"/>, 6).</summary>
    public int DecimalsOffset { get; init; } = VaultConfig.DefaultDecimalsOffset;

    /// <summary>The account that may pause and unpause the vault and attach its policy.</summary>
    public required AccountId Operator { get; init; }

    /// <summary>Receives the fixed costs of rebalancing operations.</summary>
    public required AccountId CostRecipient { get; init; }

    /// <summary>The ids of the child simple vaults, in the order of the policy's universe and of every per-child array.</summary>
    public required ImmutableArray<VaultId> Children { get; init; }

    /// <summary>The rebalance rails; <see cref="RebalanceRails.None"/> by default.</summary>
    public RebalanceRails Rails { get; init; } = RebalanceRails.None;

    /// <summary>Periods per year for the policy's volatility and risk estimates (null: inferred from the NAV history's dates).</summary>
    public int? PeriodsPerYear { get; init; }

    /// <summary>How investor flows are priced: <see cref="PricingMode.Forward"/> (default) or, by the operator's opt-in, <see cref="PricingMode.Immediate"/>.</summary>
    public PricingMode Pricing { get; init; } = PricingMode.Forward;
}
