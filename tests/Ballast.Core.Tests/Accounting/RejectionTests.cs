using Ballast.Accounting;
using static Ballast.Core.Tests.Accounting.VaultHarness;

namespace Ballast.Core.Tests.Accounting;

/// <summary>
/// Every rejection code, each produced once; <see cref="VaultHarness.Refuse"/> compares a deep snapshot before
/// and after, so each also shows the rejection left the state unchanged.
/// </summary>
public class RejectionTests
{
    [Fact]
    public void EveryRejectionCode_LeavesTheStateUnchanged()
    {
        var h = new VaultHarness(Config(0, 6) with
        {
            WithdrawalDelay = TimeSpan.FromDays(1),
            ReportBounds = new NavReportBounds(1_000, 500, TimeSpan.Zero),
        });
        h.Deposit(Alice, 1_000);
        h.Lose(500); // one share is now worth less than one base unit
        var request = h.Do((v, now) => v.DecideRequestWithdrawal(Alice, 100, 0, now));
        var seen = new HashSet<string>();
        void Refuse<T>(Func<Vault, DateTimeOffset, Decision<T>> decide, string code)
            where T : VaultOperation => seen.Add(h.Refuse(decide, code).Code);

        Refuse((v, now) => v.DecideDeposit(Bob, 1, now - TimeSpan.FromSeconds(1)), Rejections.TimeRegression);
        Refuse((v, now) => v.DecideDeposit(Bob, 0, now), Rejections.ZeroAmount);
        Refuse((v, now) => v.DecideMint(Bob, ShareLedger.MaxTotal, now), Rejections.ExceedsCapacity);
        Refuse((v, now) => v.DecideRedeem(Bob, 1, now), Rejections.InsufficientShares);
        Refuse((v, now) => v.DecideLoss(501, now), Rejections.ExceedsTotalAssets);
        Refuse((v, now) => v.DecideReport(Bob, 500, now), Rejections.NotReporter);
        Refuse((v, now) => v.DecidePause(Bob, now), Rejections.NotOperator);
        Refuse((v, now) => v.DecideUnpause(Operator, false, now), Rejections.NotPaused);
        Refuse((v, now) => v.DecideSettleWithdrawal(99, now), Rejections.UnknownRequest);
        Refuse((v, now) => v.DecideCancelWithdrawal(Bob, request.RequestId, now), Rejections.NotRequestOwner);
        Refuse((v, now) => v.DecideSettleWithdrawal(request.RequestId, now), Rejections.WithdrawalNotDue);
        Refuse((v, now) => v.DecideRequestWithdrawal(Alice, 1, -1, now), Rejections.InvalidMaxLoss);
        Refuse((v, _) => v.DecideRequestWithdrawal(Alice, 100, 0, new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero)), Rejections.TimeOutOfRange);
        Refuse((v, now) => v.DecideRedeem(Alice, 1, now), Rejections.ZeroAssets);
        h.Do((v, now) => v.DecidePause(Operator, now));
        Refuse((v, now) => v.DecidePause(Operator, now), Rejections.AlreadyPaused);
        Refuse((v, now) => v.DecideUnpause(Operator, true, now), Rejections.NoPendingReport);
        Refuse((v, now) => v.DecideDeposit(Alice, 1_000, now), Rejections.VaultPaused);

        var noInstant = new VaultHarness(Config() with { InstantWithdrawals = false });
        noInstant.Deposit(Alice, 1_000);
        noInstant.Donate(2_000); // one base unit now buys less than one share
        seen.Add(noInstant.Refuse((v, now) => v.DecideDeposit(Bob, 1, now), Rejections.ZeroShares).Code);
        seen.Add(noInstant.Refuse((v, now) => v.DecideRedeem(Alice, 1, now), Rejections.InstantWithdrawalsDisabled).Code);

        // exceeds-max-loss is not a rejection but the reason of a refusal that returns the shares.
        var expected = typeof(Rejections).GetFields()
            .Where(f => f.IsLiteral && f.Name is not (nameof(Rejections.ExceedsMaxLoss) or nameof(Rejections.NavChangeExceedsBounds) or nameof(Rejections.NavReportTooSoon) or nameof(Rejections.NavWindowExceedsBounds)))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet();
        Assert.Equal(expected.Order(), seen.Order());
    }
}
