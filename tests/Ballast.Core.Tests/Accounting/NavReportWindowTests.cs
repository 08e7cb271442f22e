using Ballast.Accounting;
using static Ballast.Core.Tests.Accounting.VaultHarness;

namespace Ballast.Core.Tests.Accounting;

/// <summary>NAV bounds per unit of time: a minimum interval by default, and a compounded bound over a rolling window.</summary>
public class NavReportWindowTests
{
    private static readonly UInt128 Million = 1_000_000_000_000; // 1,000,000 USD in 6-decimal base units

    /// <summary>The scenarios' bounds: at most ±20 % per report (and so, by default, per day).</summary>
    private static VaultHarness Bounded(TimeSpan? minInterval = null)
    {
        var h = new VaultHarness(Config(6, 6) with { ReportBounds = new NavReportBounds(2_000, 2_000, minInterval ?? NavReportBounds.DefaultMinInterval) });
        h.Deposit(Alice, Million);
        return h;
    }

    [Fact]
    public void FiftyReportsOfPlus20PercentInOneSecond_AreHeldAndPauseTheVault_ByDefault()
    {
        var h = Bounded();
        h.Advance(TimeSpan.FromDays(1));
        var applied = 0;
        for (var i = 0; i < 50 && !h.Vault.IsPaused; i++)
        {
            if (h.Report(h.Vault.TotalAssets + (h.Vault.TotalAssets / 5)) is NavReportApplied)
            {
                applied++;
            }
        }

        Assert.Equal(1, applied);
        Assert.True(h.Vault.IsPaused);
        Assert.Equal(Rejections.NavReportTooSoon, h.Vault.PendingReport!.ReasonCode);
        Assert.Equal(Million + (Million / 5), h.Vault.TotalAssets);
    }

    [Fact]
    public void HourlyReportsOfPlus20Percent_AreHeldOnceTheDayCompoundsPastTheBound()
    {
        var h = Bounded();
        h.Advance(TimeSpan.FromDays(1));
        Assert.IsType<NavReportApplied>(h.Report(Million + (Million / 5)));
        h.Advance(TimeSpan.FromHours(1));

        var held = Assert.IsType<NavReportHeld>(h.Report(h.Vault.TotalAssets + (h.Vault.TotalAssets / 5)));

        Assert.Equal(Rejections.NavWindowExceedsBounds, held.ReasonCode);
        Assert.True(h.Vault.IsPaused);
        Assert.Equal(Million + (Million / 5), h.Vault.TotalAssets);
    }

    [Fact]
    public void WithoutAWindowBound_FiftyReportsOneHourApart_CompoundFreely()
    {
        // The per-report bound alone (the old behaviour): NAV ×9,100 in fifty reports.
        var h = new VaultHarness(Config(6, 6) with { ReportBounds = new NavReportBounds(2_000, 2_000, TimeSpan.FromHours(1), TimeSpan.Zero) });
        h.Deposit(Alice, Million);
        for (var i = 0; i < 50; i++)
        {
            h.Advance(TimeSpan.FromHours(1));
            Assert.IsType<NavReportApplied>(h.Report(h.Vault.TotalAssets + (h.Vault.TotalAssets / 5)));
        }

        Assert.True(h.Vault.TotalAssets > 9_000 * Million);
    }

    [Theory]
    [InlineData(0, 0.19)] // one report every 24 hours exactly: the previous report leaves the window as the next comes, so each daily move may use the whole bound
    [InlineData(5, 0.08)] // reports a few seconds early or late: two daily moves may share a window, and compound within it
    public void DailyReportsOfRealMoves_AllApply(int jitterSeconds, double largestMove)
    {
        var h = Bounded();
        var random = new Random(7);
        for (var day = 0; day < 365; day++)
        {
            h.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(random.Next(-jitterSeconds, jitterSeconds + 1)));
            var move = ((random.NextDouble() * 2) - 1) * largestMove;
            var reported = (UInt128)Math.Floor((double)h.Vault.TotalAssets * (1 + move));
            Assert.IsType<NavReportApplied>(h.Report(reported));
        }

        Assert.False(h.Vault.IsPaused);
    }

    [Fact]
    public void TwoReportsInADay_CompoundWithinTheBound_Apply_AndTheWindowRolls()
    {
        var h = Bounded();
        h.Advance(TimeSpan.FromDays(1));
        Assert.IsType<NavReportApplied>(h.Report(Million + (Million / 10)));           // +10 %
        h.Advance(TimeSpan.FromHours(12));
        Assert.IsType<NavReportApplied>(h.Report(h.Vault.TotalAssets * 109 / 100));     // +9 %: 1.1 · 1.09 = 1.199
        h.Advance(TimeSpan.FromHours(12));
        Assert.IsType<NavReportApplied>(h.Report(h.Vault.TotalAssets * 110 / 100));     // the first report has left the window: 1.09 · 1.10 = 1.199
        h.Advance(TimeSpan.FromHours(1));
        var held = Assert.IsType<NavReportHeld>(h.Report(h.Vault.TotalAssets * 102 / 100)); // 1.09 · 1.10 · 1.02 > 1.2
        Assert.Equal(Rejections.NavWindowExceedsBounds, held.ReasonCode);
    }

    [Fact]
    public void FallsCompound_TheSameWay()
    {
        var h = Bounded();
        h.Advance(TimeSpan.FromDays(1));
        Assert.IsType<NavReportApplied>(h.Report(Million * 85 / 100));
        h.Advance(TimeSpan.FromHours(2));
        var held = Assert.IsType<NavReportHeld>(h.Report(h.Vault.TotalAssets * 90 / 100)); // 0.85 · 0.90 = 0.765 < 0.8
        Assert.Equal(Rejections.NavWindowExceedsBounds, held.ReasonCode);
    }

    [Fact]
    public void Defaults_HaveANonZeroMinimumInterval()
    {
        Assert.Equal(TimeSpan.FromHours(1), NavReportBounds.Default.MinInterval);
        Assert.Equal(NavReportBounds.Default, new VaultConfig { Asset = new Asset(new AssetSymbol("USD"), 6), Operator = Operator, Reporter = Reporter, FeeRecipient = Fees }.ReportBounds);
        Assert.Equal(3_600, new Ballast.Protocol.SimpleVaultSpec { Asset = new AssetSymbol("USD"), Operator = Operator, Reporter = Reporter, FeeRecipient = Fees }.MinReportIntervalSeconds);
    }

    [Fact]
    public void Replay_OfReportsAcrossTheWindow_RebuildsTheSameDecisions()
    {
        var h = Bounded();
        var random = new Random(11);
        for (var i = 0; i < 200; i++)
        {
            h.Advance(TimeSpan.FromHours(random.Next(1, 30)));
            var reported = (UInt128)Math.Floor((double)h.Vault.TotalAssets * (0.9 + (random.NextDouble() * 0.2)));
            if (h.Report(reported) is NavReportHeld)
            {
                h.Do((v, now) => v.DecideUnpause(Operator, false, now));
            }
        }

        var replayed = new Vault(h.Vault.Config, Start);
        foreach (var op in h.Journal)
        {
            replayed.Apply(op);
        }

        Assert.Equal(h.Vault.Snapshot(), replayed.Snapshot());
        h.Advance(TimeSpan.FromHours(1));
        var probe = h.Vault.TotalAssets * 115 / 100;
        Assert.Equal(h.Vault.DecideReport(Reporter, probe, h.Now).Operation!.GetType(), replayed.DecideReport(Reporter, probe, h.Now).Operation!.GetType());
    }
}
