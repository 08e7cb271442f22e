using System.Collections.Immutable;
using Ballast.Accounting;

namespace Ballast.Protocol;

/// <summary>The rules of a simple vault, as journaled when it is created (times in whole seconds).</summary>
public sealed record SimpleVaultSpec
{
    public required string Asset { get; init; }

    /// <summary>Extra decimals of the share over the asset, also the virtual shares' exponent (default <see cref="VaultConfig.DefaultDecimalsOffset"/>, 6).</summary>
    public int DecimalsOffset { get; init; } = VaultConfig.DefaultDecimalsOffset;

    public required AccountId Operator { get; init; }

    public required AccountId Reporter { get; init; }

    public required AccountId FeeRecipient { get; init; }

    public int EntryFeeBps { get; init; }

    public int ExitFeeBps { get; init; }

    public bool FlowFeesPaidOut { get; init; }

    public int ManagementFeeBps { get; init; }

    public int PerformanceFeeBps { get; init; }

    /// <summary>Largest rise of one NAV report in bps; <see cref="NavReportBounds.NoLimit"/> for none.</summary>
    public int MaxReportUpBps { get; init; } = NavReportBounds.NoLimit;

    public int MaxReportDownBps { get; init; } = BasisPoints.One;

    /// <summary>Shortest time between applied NAV reports (default one hour; a report sooner is held and pauses the vault).</summary>
    public long MinReportIntervalSeconds { get; init; } = (long)NavReportBounds.DefaultMinInterval.TotalSeconds;

    /// <summary>The rolling window of the compounded report bound, in seconds (default one day; 0: none).</summary>
    public long ReportWindowSeconds { get; init; } = (long)NavReportBounds.DefaultWindow.TotalSeconds;

    /// <summary>Largest compounded rise of the reports within the window, in bps (null: <see cref="MaxReportUpBps"/>).</summary>
    public int? MaxWindowUpBps { get; init; }

    /// <summary>Largest compounded fall of the reports within the window, in bps (null: <see cref="MaxReportDownBps"/>).</summary>
    public int? MaxWindowDownBps { get; init; }

    public bool InstantWithdrawals { get; init; } = true;

    public long WithdrawalDelaySeconds { get; init; }

    /// <summary>How investor flows are priced: <see cref="PricingMode.Forward"/> (default) or, by the operator's opt-in, <see cref="PricingMode.Immediate"/>.</summary>
    public PricingMode Pricing { get; init; } = PricingMode.Forward;

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
    public required string Asset { get; init; }

    /// <summary>Extra decimals of the share over the asset, also the virtual shares' exponent (default <see cref="VaultConfig.DefaultDecimalsOffset"/>, 6).</summary>
    public int DecimalsOffset { get; init; } = VaultConfig.DefaultDecimalsOffset;

    public required AccountId Operator { get; init; }

    /// <summary>Receives the fixed costs of rebalancing operations.</summary>
    public required AccountId CostRecipient { get; init; }

    public required ImmutableArray<string> Children { get; init; }

    public RebalanceRails Rails { get; init; } = RebalanceRails.None;

    /// <summary>Periods per year for the policy's volatility and risk estimates (null: inferred from the NAV history's dates).</summary>
    public int? PeriodsPerYear { get; init; }

    /// <summary>How investor flows are priced: <see cref="PricingMode.Forward"/> (default) or, by the operator's opt-in, <see cref="PricingMode.Immediate"/>.</summary>
    public PricingMode Pricing { get; init; } = PricingMode.Forward;
}
