using Ballast.Accounting;
using static Ballast.Core.Tests.Accounting.VaultHarness;

namespace Ballast.Core.Tests.Accounting;

public class FeeTests
{
    private static readonly UInt128 Million = 1_000_000_000_000; // 1,000,000 USD in 6-decimal base units

    [Fact]
    public void ManagementFee_OneYearAt200BpsNoPnl_GivesTheRecipientTwoPercentOfValue()
    {
        var h = new VaultHarness(Config(0, 6) with { ManagementFeeBps = 200 });
        h.Deposit(Alice, Million);
        h.Advance(TimeSpan.FromDays(365));

        var report = Assert.IsType<NavReportApplied>(h.Report(Million));

        // fee value floor(10^12 · 200 · 31,536,000 / (10^4 · 31,536,000)) = 20,000,000,000 (20,000 USD);
        // shares floor(2·10^10 · (10^12 + 1) / (10^12 + 1 − 2·10^10)) = 20,408,163,265.
        Assert.Equal((UInt128)20_408_163_265, report.ManagementFeeShares);
        Assert.Equal(UInt128.Zero, report.PerformanceFeeShares);
        Assert.Equal((UInt128)20_408_163_265, h.Vault.BalanceOf(Fees));
        Assert.Equal((UInt128)1_020_408_163_265, h.Vault.TotalSupply);
        Assert.Equal((UInt128)19_999_999_999, h.Vault.ConvertToAssets(h.Vault.BalanceOf(Fees)));
        Assert.Equal((UInt128)980_000_000_000, h.Vault.ConvertToAssets(h.Vault.BalanceOf(Alice)));
    }

    [Fact]
    public void ManagementFee_OffsetSix_GivesTheSameValue()
    {
        var h = new VaultHarness(Config(6, 6) with { ManagementFeeBps = 200 });
        h.Deposit(Alice, Million);
        h.Advance(TimeSpan.FromDays(365));

        h.Report(Million);

        Assert.Equal((UInt128)20_408_163_265_305_705, h.Vault.BalanceOf(Fees));
        Assert.Equal((UInt128)19_999_999_999, h.Vault.ConvertToAssets(h.Vault.BalanceOf(Fees)));
    }

    [Fact]
    public void ManagementFee_TwelveMonthlyReports_GivesAboutTwoPercent()
    {
        var h = new VaultHarness(Config(0, 6) with { ManagementFeeBps = 200 });
        h.Deposit(Alice, Million);
        for (var month = 0; month < 12; month++)
        {
            h.Advance(TimeSpan.FromDays(365.0 / 12));
            h.Report(Million);
        }

        var value = h.Vault.ConvertToAssets(h.Vault.BalanceOf(Fees));

        // Each report charges on the NAV net of earlier fee shares: 1 − (1 − 0.02/12)^12 ≈ 1.9817%.
        Assert.InRange(value, (UInt128)19_800_000_000, (UInt128)19_830_000_000);
    }

    [Fact]
    public void PerformanceFee_GainAboveMark_MintsTheFeeAndRaisesTheMark()
    {
        var h = new VaultHarness(Config(0, 6) with { PerformanceFeeBps = 2_000 });
        h.Deposit(Alice, Million);
        h.Advance(TimeSpan.FromDays(30));

        var report = Assert.IsType<NavReportApplied>(h.Report(Million * 11 / 10));

        // gain 10^11 on the price 1 → (1.1·10^12 + 1)/(10^12 + 1); 20% of it on 10^12 shares, rounded down:
        // 19,999,999,999; shares floor(F · (10^12 + 1) / (1.1·10^12 + 1 − F)) = 18,518,518,517.
        Assert.Equal((UInt128)18_518_518_517, report.PerformanceFeeShares);
        Assert.Equal((UInt128)19_999_999_998, h.Vault.ConvertToAssets(h.Vault.BalanceOf(Fees)));
        Assert.Equal(new SharePrice(1_100_000_000_001, 1_018_518_518_518), h.Vault.HighWaterMark);
    }

    [Fact]
    public void PerformanceFee_LossThenRecoveryToTheOldMark_MintsNothing()
    {
        var h = new VaultHarness(Config(0, 6) with { PerformanceFeeBps = 2_000 });
        h.Deposit(Alice, Million);
        h.Advance(TimeSpan.FromDays(30));
        h.Report(Million * 11 / 10);
        var mark = h.Vault.HighWaterMark;
        var feeShares = h.Vault.BalanceOf(Fees);

        h.Advance(TimeSpan.FromDays(30));
        var loss = Assert.IsType<NavReportApplied>(h.Report(Million));
        h.Advance(TimeSpan.FromDays(30));
        var recovery = Assert.IsType<NavReportApplied>(h.Report(Million * 11 / 10));

        Assert.Equal(UInt128.Zero, loss.PerformanceFeeShares);
        Assert.Equal(UInt128.Zero, recovery.PerformanceFeeShares);
        Assert.Equal(feeShares, h.Vault.BalanceOf(Fees));
        Assert.Equal(mark, h.Vault.HighWaterMark);

        h.Advance(TimeSpan.FromDays(30));
        var rise = Assert.IsType<NavReportApplied>(h.Report(Million * 12 / 10));

        // Only the gain from the mark (1.1·10^12) to 1.2·10^12 is charged.
        Assert.Equal((UInt128)17_263_025_736, rise.PerformanceFeeShares);
    }

    [Fact]
    public void EntryAndExitFees_StayInTheVault_AndBenefitTheOtherHolders()
    {
        var h = new VaultHarness(Config(0, 6) with { EntryFeeBps = 10, ExitFeeBps = 20 });
        var first = h.Deposit(Alice, 1_000_000);

        // net floor(10^6 · 10^4 / 10,010) = 999,000, fee 1,000 on top of it; shares on the net.
        Assert.Equal((UInt128)1_000, first.EntryFee);
        Assert.Equal((UInt128)999_000, first.Shares);
        Assert.Equal((UInt128)1_000_000, h.Vault.TotalAssets);

        var bobShares = h.Deposit(Bob, 1_000_000).Shares;
        var aliceValueBefore = h.Vault.ConvertToAssets(h.Vault.BalanceOf(Alice));
        var gross = h.Vault.ConvertToAssets(bobShares);
        var assetsBefore = h.Vault.TotalAssets;
        var redeemed = h.Redeem(Bob, bobShares);

        // Bob's gross value less ceil(20 bps of it) is paid; the exit fee stays and lifts Alice's value.
        Assert.Equal((gross * 20 + 9_999) / 10_000, redeemed.ExitFee);
        Assert.Equal(gross - redeemed.ExitFee, redeemed.Assets);
        Assert.Equal(assetsBefore - redeemed.Assets, h.Vault.TotalAssets);
        Assert.True(h.Vault.ConvertToAssets(h.Vault.BalanceOf(Alice)) > aliceValueBefore);
    }

    [Fact]
    public void Mint_WithEntryFee_CostsTheGrossedUpValue()
    {
        var h = new VaultHarness(Config(0, 6) with { EntryFeeBps = 10 });

        var minted = h.Mint(Alice, 999_000);

        // value 999,000 plus the fee on top, ceil(999,000 · 10 / 10^4) = 999.
        Assert.Equal((UInt128)999_999, minted.Assets);
        Assert.Equal((UInt128)999, minted.EntryFee);
    }

    [Fact]
    public void FlowFeesPaidOut_LeaveTheVault_SoTheyAreACostToEveryHolder()
    {
        var h = new VaultHarness(Config(0, 6) with { EntryFeeBps = 10, ExitFeeBps = 20, FlowFeesPaidOut = true });
        var first = h.Deposit(Alice, 1_001_000);

        // net floor(1,001,000 · 10^4 / 10,010) = 1,000,000 credited; the 1,000 fee is not in the vault.
        Assert.Equal((UInt128)1_000, first.EntryFee);
        Assert.Equal((UInt128)1_000_000, h.Vault.TotalAssets);
        var redeemed = h.Redeem(Alice, first.Shares / 2);

        // Gross 500,000, fee 1,000 (20 bps): 499,000 paid, and the vault loses the gross.
        Assert.Equal((UInt128)1_000, redeemed.ExitFee);
        Assert.Equal((UInt128)499_000, redeemed.Assets);
        Assert.Equal((UInt128)500_000, h.Vault.TotalAssets);
    }
}
