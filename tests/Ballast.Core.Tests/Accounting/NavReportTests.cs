using Ballast.Accounting;
using static Ballast.Core.Tests.Accounting.VaultHarness;

namespace Ballast.Core.Tests.Accounting;

public class NavReportTests
{
    private static readonly UInt128 Million = 1_000_000_000_000; // 1,000,000 USD in 6-decimal base units

    private static VaultHarness Bounded()
    {
        var h = new VaultHarness(Config(0, 6) with
        {
            ReportBounds = new NavReportBounds(maxUpBps: 1_000, maxDownBps: 500, minInterval: TimeSpan.FromHours(1)),
        });
        h.Deposit(Alice, Million);
        return h;
    }

    [Fact]
    public void Report_WithinBounds_SetsTotalAssets()
    {
        var h = Bounded();
        h.Advance(TimeSpan.FromDays(1));

        var applied = Assert.IsType<NavReportApplied>(h.Report(Million + (Million / 10)));

        Assert.Equal(Million + (Million / 10), h.Vault.TotalAssets);
        Assert.False(h.Vault.IsPaused);
        Assert.Equal(h.Now, h.Vault.LastReportAt);
        Assert.Equal(UInt128.Zero, applied.ManagementFeeShares + applied.PerformanceFeeShares);
    }

    [Fact]
    public void Report_RiseBeyondBound_IsRecordedNotAppliedAndPausesTheVault()
    {
        var h = Bounded();
        h.Advance(TimeSpan.FromDays(1));
        var reported = Million + (Million / 10) + 1;

        var held = Assert.IsType<NavReportHeld>(h.Report(reported));

        Assert.Equal(Rejections.NavChangeExceedsBounds, held.ReasonCode);
        Assert.True(h.Vault.IsPaused);
        Assert.Equal(new PendingNavReport(reported, Rejections.NavChangeExceedsBounds, h.Now), h.Vault.PendingReport);
        Assert.Equal(Million, h.Vault.TotalAssets);
        Assert.Null(h.Vault.LastReportAt);
        Assert.Equal(UInt128.Zero, h.Vault.MaxDeposit(Bob));
        Assert.Equal(UInt128.Zero, h.Vault.MaxMint(Bob));
        Assert.Equal(UInt128.Zero, h.Vault.MaxWithdraw(Alice));
        Assert.Equal(UInt128.Zero, h.Vault.MaxRedeem(Alice));
        h.Refuse((v, now) => v.DecideDeposit(Bob, 1_000_000, now), Rejections.VaultPaused);
        h.Refuse((v, now) => v.DecideMint(Bob, 1_000_000, now), Rejections.VaultPaused);
        h.Refuse((v, now) => v.DecideRedeem(Alice, 1_000_000, now), Rejections.VaultPaused);
        h.Refuse((v, now) => v.DecideReport(Reporter, Million, now), Rejections.VaultPaused);
    }

    [Fact]
    public void Report_FallBeyondBound_PausesTheVault()
    {
        var h = Bounded();
        h.Advance(TimeSpan.FromDays(1));

        Assert.IsType<NavReportApplied>(h.Report(Million - (Million / 20)));
        h.Advance(TimeSpan.FromDays(1));
        var held = Assert.IsType<NavReportHeld>(h.Report(Million - (Million / 10)));

        Assert.Equal(Rejections.NavChangeExceedsBounds, held.ReasonCode);
        Assert.True(h.Vault.IsPaused);
        Assert.Equal(Million - (Million / 20), h.Vault.TotalAssets);
    }

    [Fact]
    public void Report_SoonerThanMinInterval_IsHeldAsTooSoon()
    {
        var h = Bounded();
        h.Advance(TimeSpan.FromDays(1));
        h.Report(Million);
        h.Advance(TimeSpan.FromMinutes(59));

        var held = Assert.IsType<NavReportHeld>(h.Report(Million + 1));

        Assert.Equal(Rejections.NavReportTooSoon, held.ReasonCode);
        Assert.True(h.Vault.IsPaused);
        Assert.Equal(Million, h.Vault.TotalAssets);
    }

    [Fact]
    public void Report_AfterMinInterval_IsApplied()
    {
        var h = Bounded();
        h.Report(Million);
        h.Advance(TimeSpan.FromHours(1));

        Assert.IsType<NavReportApplied>(h.Report(Million + 1));
    }

    [Fact]
    public void Unpause_AcceptingThePendingReport_AppliesIt()
    {
        var h = Bounded();
        h.Advance(TimeSpan.FromDays(1));
        var reportedAt = h.Now;
        h.Report(Million * 2);
        h.Advance(TimeSpan.FromHours(3));

        var unpaused = h.Do((v, now) => v.DecideUnpause(Operator, acceptPendingReport: true, now));

        Assert.NotNull(unpaused.AcceptedReport);
        Assert.Equal(reportedAt, unpaused.AcceptedReport.At);
        Assert.False(h.Vault.IsPaused);
        Assert.Null(h.Vault.PendingReport);
        Assert.Equal(Million * 2, h.Vault.TotalAssets);
        Assert.Equal(reportedAt, h.Vault.LastReportAt);
        h.Deposit(Bob, 1_000_000);
    }

    [Fact]
    public void Unpause_WithoutAccepting_DropsThePendingReport()
    {
        var h = Bounded();
        h.Advance(TimeSpan.FromDays(1));
        h.Report(Million * 2);

        h.Do((v, now) => v.DecideUnpause(Operator, acceptPendingReport: false, now));

        Assert.False(h.Vault.IsPaused);
        Assert.Null(h.Vault.PendingReport);
        Assert.Equal(Million, h.Vault.TotalAssets);
    }

    [Fact]
    public void PauseAndUnpause_WrongRoleOrState_AreRejected()
    {
        var h = Bounded();
        h.Refuse((v, now) => v.DecideReport(Alice, Million, now), Rejections.NotReporter);
        h.Refuse((v, now) => v.DecidePause(Alice, now), Rejections.NotOperator);
        h.Refuse((v, now) => v.DecideUnpause(Operator, false, now), Rejections.NotPaused);
        h.Do((v, now) => v.DecidePause(Operator, now));
        h.Refuse((v, now) => v.DecidePause(Operator, now), Rejections.AlreadyPaused);
        h.Refuse((v, now) => v.DecideUnpause(Alice, false, now), Rejections.NotOperator);
        h.Refuse((v, now) => v.DecideUnpause(Operator, true, now), Rejections.NoPendingReport);
    }

    [Fact]
    public void Decide_EarlierThanTheLastOperation_IsATimeRegression()
    {
        var h = Bounded();
        h.Advance(TimeSpan.FromHours(-1));

        h.Refuse((v, now) => v.DecideDeposit(Bob, 1, now), Rejections.TimeRegression);
        Assert.Throws<ArgumentException>(() => h.Vault.DecideDeposit(Bob, 1, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(2))));
    }
}
