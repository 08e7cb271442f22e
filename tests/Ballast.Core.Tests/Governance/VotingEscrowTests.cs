using System.Globalization;
using Ballast.Accounting;
using Ballast.Governance;
using static Ballast.Core.Tests.Governance.EscrowHarness;

namespace Ballast.Core.Tests.Governance;

public class VotingEscrowTests
{
    private const long Hour = 3_600;
    private const long Day = 86_400;
    private static readonly UInt128 Thousand = 1_000 * Bank;
    private static readonly Int128 Slope = 7_927_447_995_941;

    private static UInt128 U(string digits) => UInt128.Parse(digits, CultureInfo.InvariantCulture);

    private static EscrowHarness Funded(params AccountId[] accounts)
    {
        var h = new EscrowHarness();
        foreach (var a in accounts)
        {
            h.Mint(a, 10 * Thousand);
        }

        return h;
    }

    [Fact]
    public void CreateLock_OneWeekVector_ReproducesCurveExactly()
    {
        var h = Funded(Alice);
        var created = h.Do(ve => ve.DecideCreateLock(Alice, Thousand, T0 + Weeks.Week, T0 + Hour));

        Assert.Equal(T0 + 604_800, created.End);
        Assert.Equal(Slope, created.Slope);
        Assert.Equal(U("4765981735159729200"), (UInt128)created.Bias);
        Assert.Equal(U("4765981735159729200"), h.Ve.BalanceOfAt(Alice, T0 + Hour));
        Assert.Equal((UInt128)Slope, h.Ve.BalanceOfAt(Alice, created.End - 1));
        Assert.Equal(0u, h.Ve.BalanceOfAt(Alice, created.End));
        Assert.Equal((UInt128)Slope, h.Ve.TotalSupplyAt(created.End - 1));
        Assert.Equal(0u, h.Ve.TotalSupplyAt(created.End));
        Assert.Equal(0u, h.Ve.TotalSupplyAt(created.End + Weeks.Week));
    }

    [Fact]
    public void CreateLock_TwoLocksAtAWeekBoundary_TotalIsTheExactSumEveryDay()
    {
        var h = Funded(Alice, Bob);
        h.Do(ve => ve.DecideCreateLock(Alice, Thousand, T0 + (2 * Weeks.Week), T0));
        h.Do(ve => ve.DecideCreateLock(Bob, Thousand, T0 + Weeks.Week, T0));

        Assert.Equal(U("9589041095890233600"), h.Ve.BalanceOfAt(Alice, T0));
        Assert.Equal(U("4794520547945116800"), h.Ve.BalanceOfAt(Bob, T0));
        for (var day = 0; day <= 15; day++)
        {
            var t = T0 + (day * Day);
            var alice = h.Ve.BalanceOfAt(Alice, t);
            var bob = h.Ve.BalanceOfAt(Bob, t);
            Assert.Equal((UInt128)(Slope * Math.Max(0, T0 + (2 * Weeks.Week) - t)), alice);
            Assert.Equal((UInt128)(Slope * Math.Max(0, T0 + Weeks.Week - t)), bob);
            Assert.Equal(alice + bob, h.Ve.TotalSupplyAt(t));
        }
    }

    [Fact]
    public void BalanceOfAt_BeforeFirstCheckpoint_IsZero()
    {
        var h = Funded(Alice);
        h.Do(ve => ve.DecideCreateLock(Alice, Thousand, T0 + (4 * Weeks.Week), T0 + Day));
        Assert.Equal(0u, h.Ve.BalanceOfAt(Alice, T0 + Day - 1));
        Assert.Equal(0u, h.Ve.TotalSupplyAt(T0 + Day - 1));
        Assert.NotEqual(0u, h.Ve.BalanceOfAt(Alice, T0 + Day));
    }

    [Fact]
    public void CreateLock_MovesBankIntoTheEscrowAndWithdrawReturnsIt()
    {
        var h = Funded(Alice);
        h.Do(ve => ve.DecideCreateLock(Alice, Thousand, T0 + Weeks.Week, T0));
        Assert.Equal(9 * Thousand, h.Token.BalanceOf(Alice));
        Assert.Equal(Thousand, h.Token.BalanceOf(Escrow));
        Assert.Equal(Thousand, h.Ve.Supply);

        h.Do(ve => ve.DecideWithdraw(Alice, T0 + Weeks.Week));
        Assert.Equal(10 * Thousand, h.Token.BalanceOf(Alice));
        Assert.Equal(0u, h.Token.BalanceOf(Escrow));
        Assert.Equal(0u, h.Ve.Supply);
        Assert.Null(h.Ve.LockOf(Alice));
        Assert.Equal(h.Ve.Snapshot(), h.Replay().Snapshot());
    }

    [Fact]
    public void IncreaseAmount_KeepsTheEndAndRaisesTheSlope()
    {
        var h = Funded(Alice);
        h.Do(ve => ve.DecideCreateLock(Alice, Thousand, T0 + (2 * Weeks.Week), T0));
        var up = h.Do(ve => ve.DecideIncreaseAmount(Alice, Thousand, T0 + Day));
        Assert.Equal(T0 + (2 * Weeks.Week), up.End);
        Assert.Equal(2 * Thousand, up.Amount);
        Assert.Equal((Int128)(2 * Thousand / (UInt128)Weeks.MaxTime), up.Slope);
        Assert.Equal((UInt128)(up.Slope * ((2 * Weeks.Week) - Day)), h.Ve.BalanceOfAt(Alice, T0 + Day));
        Assert.Equal(h.Ve.BalanceOfAt(Alice, T0 + (3 * Day)), h.Ve.TotalSupplyAt(T0 + (3 * Day)));
    }

    [Fact]
    public void IncreaseUnlockTime_RoundsDownAndMovesTheEndLater()
    {
        var h = Funded(Alice);
        h.Do(ve => ve.DecideCreateLock(Alice, Thousand, T0 + Weeks.Week, T0));
        var ext = h.Do(ve => ve.DecideIncreaseUnlockTime(Alice, T0 + (3 * Weeks.Week) + Day, T0 + Day));
        Assert.Equal(T0 + (3 * Weeks.Week), ext.End);
        Assert.Equal((UInt128)(Slope * ((3 * Weeks.Week) - (2 * Day))), h.Ve.TotalSupplyAt(T0 + (2 * Day)));
        Assert.Equal(0u, h.Ve.TotalSupplyAt(T0 + (3 * Weeks.Week)));
    }

    [Fact]
    public void CreateLock_MaxTimeAheadAfterRounding_Accepted()
    {
        var h = Funded(Alice);
        var created = h.Do(ve => ve.DecideCreateLock(Alice, Thousand, T0 + Weeks.MaxTime, T0));
        Assert.Equal(T0 + Weeks.MaxTime - ((T0 + Weeks.MaxTime) % Weeks.Week), created.End);
    }

    [Fact]
    public void LockRules_EachRefusal_HasItsCodeAndMessage()
    {
        var h = Funded(Alice, Bob);
        var now = T0 + Hour;
        Assert.Equal(
            "the unlock time rounded down to a week (2023-08-31T00:00:00Z (1693440000)) must be after now (2023-08-31T01:00:00Z (1693443600))",
            h.Refuse(ve => ve.DecideCreateLock(Alice, Thousand, T0 + Day, now), GovernanceRejections.UnlockNotInFuture).Message);
        Assert.Equal(
            "the unlock time rounded down to a week (2027-09-02T00:00:00Z (1819843200)) is more than 4 years (126,144,000 s) after now (2023-08-31T01:00:00Z (1693443600))",
            h.Refuse(ve => ve.DecideCreateLock(Alice, Thousand, T0 + Weeks.MaxTime + Weeks.Week, now), GovernanceRejections.UnlockTooFar).Message);
        Assert.Equal(
            "the lock amount must be more than zero",
            h.Refuse(ve => ve.DecideCreateLock(Alice, 0, T0 + Weeks.Week, now), GovernanceRejections.ZeroAmount).Message);
        Assert.Equal(
            $"carol needs {Thousand} BANK base units but holds 0",
            h.Refuse(ve => ve.DecideCreateLock(Carol, Thousand, T0 + Weeks.Week, now), GovernanceRejections.InsufficientBalance).Message);
        Assert.Equal("alice has no lock", h.Refuse(ve => ve.DecideIncreaseAmount(Alice, 1, now), GovernanceRejections.NoLock).Message);
        Assert.Equal("alice has no lock", h.Refuse(ve => ve.DecideIncreaseUnlockTime(Alice, T0 + Weeks.Week, now), GovernanceRejections.NoLock).Message);
        Assert.Equal("alice has no lock", h.Refuse(ve => ve.DecideWithdraw(Alice, now), GovernanceRejections.NoLock).Message);

        h.Do(ve => ve.DecideCreateLock(Alice, Thousand, T0 + (2 * Weeks.Week), now));
        Assert.Equal(
            "alice already has a lock; withdraw the old tokens first, or increase its amount or unlock time",
            h.Refuse(ve => ve.DecideCreateLock(Alice, 1, T0 + Weeks.Week, now), GovernanceRejections.LockExists).Message);
        Assert.Equal(
            "the new unlock time rounded down to a week (2023-09-14T00:00:00Z (1694649600)) must be after the current end (2023-09-14T00:00:00Z (1694649600))",
            h.Refuse(ve => ve.DecideIncreaseUnlockTime(Alice, T0 + (2 * Weeks.Week) + Day, now), GovernanceRejections.UnlockNotLater).Message);
        Assert.Equal(
            "the unlock time rounded down to a week (2027-09-02T00:00:00Z (1819843200)) is more than 4 years (126,144,000 s) after now (2023-08-31T01:00:00Z (1693443600))",
            h.Refuse(ve => ve.DecideIncreaseUnlockTime(Alice, T0 + Weeks.MaxTime + Weeks.Week, now), GovernanceRejections.UnlockTooFar).Message);
        Assert.Equal(
            "the lock of alice ends at 2023-09-14T00:00:00Z (1694649600); it can be withdrawn at or after that time",
            h.Refuse(ve => ve.DecideWithdraw(Alice, T0 + (2 * Weeks.Week) - 1), GovernanceRejections.LockNotExpired).Message);
        Assert.Equal(
            "the amount added must be more than zero",
            h.Refuse(ve => ve.DecideIncreaseAmount(Alice, 0, now), GovernanceRejections.ZeroAmount).Message);

        var expired = T0 + (2 * Weeks.Week);
        Assert.Equal(
            "the lock of alice expired at 2023-09-14T00:00:00Z (1694649600); withdraw it and create a new one",
            h.Refuse(ve => ve.DecideIncreaseAmount(Alice, 1, expired), GovernanceRejections.LockExpired).Message);
        Assert.Equal(
            "the lock of alice expired at 2023-09-14T00:00:00Z (1694649600); withdraw it and create a new one",
            h.Refuse(ve => ve.DecideIncreaseUnlockTime(Alice, expired + Weeks.Week, expired), GovernanceRejections.LockExpired).Message);
        Assert.Equal(
            "time 2023-08-31T00:59:59Z (1693443599) is before the last governance operation at 2023-08-31T01:00:00Z (1693443600)",
            h.Refuse(ve => ve.DecideWithdraw(Alice, now - 1), GovernanceRejections.TimeRegression).Message);
    }

    [Fact]
    public void Apply_RecordThatDoesNotFit_ThrowsInvariant()
    {
        var h = Funded(Alice);
        Assert.Throws<GovernanceInvariantException>(() => h.Ve.Apply(new LockWithdrawn(Alice, Thousand, T0)));
        Assert.Throws<GovernanceInvariantException>(() => h.Ve.Apply(new LockCreated(Bob, Thousand, T0 + Weeks.Week, Slope, 0, T0)));
    }
}
