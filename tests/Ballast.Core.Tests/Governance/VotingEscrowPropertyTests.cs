using Ballast.Accounting;
using Ballast.Governance;
using CsCheck;
using static Ballast.Core.Tests.Governance.EscrowHarness;

namespace Ballast.Core.Tests.Governance;

/// <summary>Random sequences of locks, increases, extensions, withdrawals and time steps.</summary>
public class VotingEscrowPropertyTests
{
    private static readonly AccountId[] Accounts = [Alice, Bob, Carol, Dave];

    /// <summary>(kind 0..3, account, amount in BANK up to 5,000 with odd base units, unlock offset in seconds up to 4.2 years, time step up to 3 weeks).</summary>
    private static readonly Gen<(int Kind, int Account, ulong Amount, long Unlock, long Step)> Step =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, Accounts.Length - 1], Gen.ULong[1, 5_000_000_000_000_000_000UL], Gen.Long[0, Weeks.MaxTime + (10 * Weeks.Week)], Gen.Long[0, 3 * Weeks.Week]);

    [Fact]
    public void TotalSupplyAt_RandomSequences_EqualsTheSumOfBalancesAtEveryTime()
    {
        Step.Array[1, 60].Sample(steps =>
        {
            var h = new EscrowHarness();
            foreach (var a in Accounts)
            {
                h.Mint(a, 1_000_000 * Bank, T0 - 17);
            }

            var now = T0 - 17;
            var seen = new List<(long T, UInt128 Total, UInt128[] Balances)>();
            foreach (var (kind, index, amount, unlock, step) in steps)
            {
                var who = Accounts[index];
                var units = (UInt128)amount * 1_000 + (UInt128)(amount % 997);
                _ = kind switch
                {
                    0 => h.Try(ve => ve.DecideCreateLock(who, units, now + unlock, now)).IsAccepted,
                    1 => h.Try(ve => ve.DecideIncreaseAmount(who, units, now)).IsAccepted,
                    2 => h.Try(ve => ve.DecideIncreaseUnlockTime(who, now + unlock, now)).IsAccepted,
                    _ => h.Try(ve => ve.DecideWithdraw(who, now)).IsAccepted,
                };

                seen.Add(Check(h.Ve, now));
                now += step;
                _ = Check(h.Ve, now); // not kept: the next operation may change the power at this same second
            }

            // History never changes: every earlier answer is the same after the later operations, and on a replay.
            var replay = h.Replay();
            Assert.Equal(h.Ve.Snapshot(), replay.Snapshot());
            foreach (var (t, total, balances) in seen)
            {
                Assert.Equal(total, h.Ve.TotalSupplyAt(t));
                Assert.Equal(total, replay.TotalSupplyAt(t));
                Assert.Equal(balances, Accounts.Select(a => h.Ve.BalanceOfAt(a, t)).ToArray());
            }

            // Locked BANK is conserved: the escrow account holds exactly the supply of locks.
            Assert.Equal(h.Ve.Supply, h.Token.BalanceOf(Escrow));
            Assert.Equal(h.Ve.Supply, h.Ve.Locks.Aggregate(UInt128.Zero, (s, l) => s + l.Value.Amount));
        });
    }

    private static (long, UInt128, UInt128[]) Check(VotingEscrow ve, long t)
    {
        var balances = Accounts.Select(a => ve.BalanceOfAt(a, t)).ToArray();
        var total = ve.TotalSupplyAt(t);
        Assert.Equal(balances.Aggregate(UInt128.Zero, (s, b) => s + b), total);
        foreach (var a in Accounts)
        {
            Assert.Equal(ve.LockOf(a)?.PowerAt(t) ?? 0, ve.BalanceOfAt(a, t));
        }

        return (t, total, balances);
    }
}
