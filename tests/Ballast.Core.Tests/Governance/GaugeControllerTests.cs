using Ballast.Accounting;
using Ballast.Governance;
using static Ballast.Core.Tests.Governance.EscrowHarness;

namespace Ballast.Core.Tests.Governance;

public class GaugeControllerTests
{
    private const long Day = 86_400;
    private const long YearEnd = T0 + (52 * Weeks.Week);
    private static readonly GaugeId G1 = new("g1");
    private static readonly GaugeId G2 = new("g2");
    private static readonly GaugeId G3 = new("g3");
    private static readonly GaugeId Nope = new("nope");

    private sealed class Setup
    {
        public Setup()
        {
            foreach (var (who, end) in new[] { (Alice, YearEnd), (Bob, YearEnd), (Carol, T0 + Weeks.Week) })
            {
                Escrow.Mint(who, 10_000 * Bank, T0);
                Escrow.Do(ve => ve.DecideCreateLock(who, 1_000 * Bank, end, T0));
            }

            Gauges = new GaugeController(Escrow.Ve);
            foreach (var id in new[] { G1, G2, G3 })
            {
                Do(g => g.DecideAdd(id, T0));
            }
        }

        public EscrowHarness Escrow { get; } = new();

        public GaugeController Gauges { get; }

        public List<GaugeOperation> Journal { get; } = [];

        public T Do<T>(Func<GaugeController, Decision<T>> decide)
            where T : GaugeOperation
        {
            var d = decide(Gauges);
            Assert.True(d.IsAccepted, d.ToString());
            Gauges.Apply(d.Operation);
            Journal.Add(d.Operation);
            return d.Operation;
        }

        public Rejection Refuse<T>(Func<GaugeController, Decision<T>> decide, string code)
            where T : GaugeOperation
        {
            var before = Gauges.Snapshot();
            var d = decide(Gauges);
            Assert.False(d.IsAccepted, d.ToString());
            Assert.Equal(code, d.Rejection.Code);
            Assert.Equal(before, Gauges.Snapshot());
            return d.Rejection;
        }

        public string Replay()
        {
            var replay = new GaugeController(Escrow.Ve);
            Journal.ForEach(replay.Apply);
            return replay.Snapshot();
        }
    }

    [Fact]
    public void DecideVote_OverAllocation_Refused()
    {
        var s = new Setup();
        s.Do(g => g.DecideVote(Alice, G1, 6_000, T0 + Day));
        Assert.Equal(
            "alice would allocate 11000 basis points of voting power; at most 10,000 in total",
            s.Refuse(g => g.DecideVote(Alice, G2, 5_000, T0 + Day), GovernanceRejections.VotePowerExceeded).Message);
        s.Do(g => g.DecideVote(Alice, G2, 4_000, T0 + Day));
        Assert.Equal(10_000, s.Gauges.PowerUsed(Alice));
        s.Refuse(g => g.DecideVote(Alice, G3, 10_001, T0 + Day), GovernanceRejections.InvalidBps);
        s.Refuse(g => g.DecideVote(Alice, Nope, 1, T0 + Day), GovernanceRejections.UnknownGauge);
        s.Refuse(g => g.DecideVote(Dave, G1, 1, T0 + Day), GovernanceRejections.NoLock);
    }

    [Fact]
    public void DecideVote_SameGaugeWithinTenDays_Refused()
    {
        var s = new Setup();
        s.Do(g => g.DecideVote(Alice, G1, 6_000, T0 + Day));
        Assert.Equal(
            $"alice can change the vote on gauge 'g1' from {GovTime.T(T0 + (11 * Day))} (10 days after the last)",
            s.Refuse(g => g.DecideVote(Alice, G1, 1_000, T0 + (11 * Day) - 1), GovernanceRejections.VoteCooldown).Message);
        s.Do(g => g.DecideVote(Alice, G2, 1_000, T0 + (2 * Day))); // another gauge is not held back
        s.Do(g => g.DecideVote(Alice, G1, 1_000, T0 + (11 * Day)));
        Assert.Equal(2_000, s.Gauges.PowerUsed(Alice));
    }

    [Fact]
    public void DecideVote_LockNotOutlastingNextWeek_Refused()
    {
        var s = new Setup();
        Assert.Equal(
            $"the lock of carol ends at {GovTime.T(T0 + Weeks.Week)}; it must outlast the next week boundary ({GovTime.T(T0 + Weeks.Week)})",
            s.Refuse(g => g.DecideVote(Carol, G1, 1_000, T0 + Day), GovernanceRejections.LockExpiresTooSoon).Message);
    }

    [Fact]
    public void WeightAt_TakesEffectNextWeekAndDecaysWithTheLock()
    {
        var s = new Setup();
        var vote = s.Do(g => g.DecideVote(Alice, G1, 2_500, T0 + Day));
        var lockSlope = s.Escrow.Ve.LockOf(Alice)!.Value.Slope;
        Assert.Equal(lockSlope / 4, vote.Slope); // ⌊slope · 2,500 / 10⁴⌋
        Assert.Equal(T0 + Weeks.Week, vote.EffectiveFrom);
        Assert.Equal(0u, s.Gauges.WeightAt(G1, T0));
        for (var w = 1; w <= 53; w++)
        {
            var week = T0 + (w * Weeks.Week);
            Assert.Equal((UInt128)(vote.Slope * Math.Max(0, YearEnd - week)), s.Gauges.WeightAt(G1, week));
        }

        // A second voter and a changed vote: the weight stays the exact sum of the votes in force.
        s.Do(g => g.DecideVote(Bob, G1, 10_000, T0 + (3 * Day)));
        s.Do(g => g.DecideVote(Alice, G1, 5_000, T0 + (12 * Day)));
        var alice = s.Gauges.VoteOf(Alice, G1)!;
        var bob = s.Gauges.VoteOf(Bob, G1)!;
        Assert.Equal((UInt128)((vote.Slope + bob.Slope) * (YearEnd - T0 - Weeks.Week)), s.Gauges.WeightAt(G1, T0 + Weeks.Week));
        Assert.Equal((UInt128)((alice.Slope + bob.Slope) * (YearEnd - T0 - (2 * Weeks.Week))), s.Gauges.WeightAt(G1, T0 + (2 * Weeks.Week)));
        Assert.Equal(0u, s.Gauges.WeightAt(G1, YearEnd));
        Assert.Equal(s.Gauges.Snapshot(), s.Replay());
    }

    [Fact]
    public void DecideDistribute_ConservesEveryBaseUnitByLargestRemainder()
    {
        var s = new Setup();
        s.Do(g => g.DecideVote(Alice, G1, 3_333, T0 + Day));
        s.Do(g => g.DecideVote(Alice, G2, 3_333, T0 + Day));
        s.Do(g => g.DecideVote(Alice, G3, 3_334, T0 + Day));
        var week = T0 + Weeks.Week;
        s.Refuse(g => g.DecideDistribute(T0, 7, T0 + Day), GovernanceRejections.NoGaugeWeight);
        s.Refuse(g => g.DecideDistribute(week + 1, 7, week + 1), GovernanceRejections.NotWeekStart);
        s.Refuse(g => g.DecideDistribute(week, 7, week - 1), GovernanceRejections.NotWeekStart);

        var amount = (1_000 * Bank) + 7;
        var e = s.Do(g => g.DecideDistribute(week, amount, week));
        Assert.Equal(amount, e.Shares.Aggregate(UInt128.Zero, (sum, x) => sum + x.Amount));
        var total = e.Shares.Aggregate(UInt128.Zero, (sum, x) => sum + x.Weight);
        foreach (var x in e.Shares)
        {
            var floor = ExactMath.MulDiv(amount, x.Weight, total, Rounding.Floor);
            Assert.InRange(x.Amount, floor, floor + 1);
        }

        s.Refuse(g => g.DecideDistribute(week, 1, week), GovernanceRejections.AlreadyDistributed);
    }

    [Fact]
    public void Rewards_ProRataOverTimeAndConservedExactly()
    {
        var s = new Setup();
        s.Do(g => g.DecideVote(Alice, G1, 10_000, T0 + Day));
        var week = T0 + Weeks.Week;
        s.Do(g => g.DecideSetShares(G1, Alice, 3, week));
        var amount = (100 * Bank) + 1;
        s.Do(g => g.DecideDistribute(week, amount, week));
        Assert.Equal(amount, s.Gauges.RewardsAt(G1, week).Emitted);

        // Bob joins halfway with as many shares: Alice earns 3/4 of the week, Bob 1/4 (to rounding).
        var half = week + (Weeks.Week / 2);
        s.Do(g => g.DecideSetShares(G1, Bob, 3, half));
        var claimedAlice = s.Do(g => g.DecideClaim(G1, Alice, half + Day)).Amount;
        s.Refuse(g => g.DecideClaim(G1, Carol, half + Day), GovernanceRejections.NothingToClaim);

        var end = week + Weeks.Week;
        var aliceTotal = claimedAlice + s.Gauges.ClaimableAt(G1, Alice, end);
        var bob = s.Gauges.ClaimableAt(G1, Bob, end);
        Assert.InRange(aliceTotal, (amount * 3 / 4) - 2, (amount * 3 / 4) + 2);
        Assert.InRange(bob, (amount / 4) - 2, (amount / 4) + 2);

        var books = s.Gauges.RewardsAt(G1, end);
        Assert.Equal(books.Emitted, books.Released);
        Assert.Equal(books.Emitted, books.Claimed + books.Claimable + books.Dust);
        Assert.Equal(claimedAlice, books.Claimed);
        Assert.Equal(aliceTotal + bob, books.Claimed + books.Claimable);
        Assert.True(books.Dust <= 2, $"dust {books.Dust}");
        Assert.Equal(s.Gauges.Snapshot(), s.Replay());
    }

    [Fact]
    public void Rewards_ReleasedWhileNobodyHoldsShares_StayWithTheGaugeAsDust()
    {
        var s = new Setup();
        s.Do(g => g.DecideVote(Alice, G1, 10_000, T0 + Day));
        var week = T0 + Weeks.Week;
        s.Do(g => g.DecideDistribute(week, 604_800, week));
        s.Do(g => g.DecideSetShares(G1, Bob, 5, week + 100)); // 100 s released before anyone held shares
        var books = s.Gauges.RewardsAt(G1, week + Weeks.Week);
        Assert.Equal(100u, books.Unattributed);
        Assert.Equal(604_700u, books.Claimable);
        Assert.Equal(100u, books.Dust);
        Assert.Equal(books.Emitted, books.Claimed + books.Claimable + books.Dust);
    }
}
