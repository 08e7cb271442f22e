using Ballast.Accounting;
using Ballast.Governance;
using CsCheck;
using static Ballast.Core.Tests.Governance.EscrowHarness;

namespace Ballast.Core.Tests.Governance;

/// <summary>Random share changes, claims and time steps over weekly emissions: every base unit is accounted for.</summary>
public class GaugeRewardPropertyTests
{
    private static readonly AccountId[] Holders = [Alice, Bob, Carol];
    private static readonly GaugeId TheGauge = new("g");

    [Fact]
    public void RewardsAt_RandomFlows_ClaimedPlusClaimablePlusDustEqualsReleased()
    {
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.ULong[0, 1_000_000], Gen.Long[0, 2 * Weeks.Week]).Array[1, 40].Sample(steps =>
        {
            var h = new EscrowHarness();
            h.Mint(Dave, 1_000 * Bank, T0);
            h.Do(ve => ve.DecideCreateLock(Dave, 1_000 * Bank, T0 + (104 * Weeks.Week), T0));
            var gauges = new GaugeController(h.Ve);
            var journal = new List<GaugeOperation>();
            void Do(GaugeOperation? r)
            {
                if (r is not null)
                {
                    gauges.Apply(r);
                    journal.Add(r);
                }
            }

            Do(gauges.DecideAdd(TheGauge, T0).Operation);
            Do(gauges.DecideVote(Dave, TheGauge, 10_000, T0).Operation);
            var now = T0;
            UInt128 emitted = 0;
            foreach (var (kind, who, amount, step) in steps)
            {
                var week = Weeks.Floor(now);
                if (gauges.DecideDistribute(week, (UInt128)amount + 1, now) is { IsAccepted: true } d)
                {
                    Do(d.Operation);
                    emitted += d.Operation.Amount;
                }

                Do(kind switch
                {
                    0 => gauges.DecideSetShares(TheGauge, Holders[who], (UInt128)(amount % 1_000), now).Operation,
                    1 => gauges.DecideClaim(TheGauge, Holders[who], now).Operation,
                    _ => null,
                });
                now += step;

                var books = gauges.RewardsAt(TheGauge, now);
                Assert.Equal(emitted, books.Emitted);
                Assert.Equal(books.Released, books.Claimed + books.Claimable + books.Dust);
                Assert.True(books.Dust <= books.Unattributed + (UInt128)Holders.Length + 1, books.ToString());
            }

            var end = Weeks.Floor(now) + Weeks.Week;
            var final = gauges.RewardsAt(TheGauge, end);
            Assert.Equal(final.Emitted, final.Claimed + final.Claimable + final.Dust);
            var replay = new GaugeController(h.Ve);
            journal.ForEach(replay.Apply);
            Assert.Equal(gauges.Snapshot(), replay.Snapshot());
        });
    }
}
