using Ballast.Accounting;
using static Ballast.Core.Tests.Accounting.VaultHarness;

namespace Ballast.Core.Tests.Accounting;

public class WithdrawalRequestTests
{
    private static readonly UInt128 Million = 1_000_000_000_000;
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    /// <summary>No instant withdrawals, a week's delay; Alice and Bob hold a million each; Alice requests half, max loss 1%.</summary>
    private static (VaultHarness H, WithdrawalRequested Request) Requested()
    {
        var h = new VaultHarness(Config(0, 6) with { InstantWithdrawals = false, WithdrawalDelay = Week });
        h.Deposit(Alice, Million);
        h.Deposit(Bob, Million);
        var request = h.Do((v, now) => v.DecideRequestWithdrawal(Alice, Million / 2, 100, now));
        return (h, request);
    }

    [Fact]
    public void Request_LocksTheSharesButKeepsThemInSupply()
    {
        var (h, request) = Requested();
        var v = h.Vault;

        Assert.Equal(Million / 2, request.AssetsAtRequest);
        Assert.Equal(h.Now + Week, request.NotBefore);
        Assert.Equal(Million / 2, v.BalanceOf(Alice));
        Assert.Equal(Million / 2, v.LockedSharesOf(Alice));
        Assert.Equal(Million * 2, v.TotalSupply);
        Assert.Equal(Million / 2, v.Ledger.LockedShares);
        var listed = Assert.Single(v.PendingWithdrawals());
        Assert.Equal(listed, Assert.Single(v.PendingWithdrawals(Alice)));
        Assert.Empty(v.PendingWithdrawals(Bob));
        Assert.Equal(request.RequestId, listed.Id);
        AssertInvariants(v);
    }

    [Fact]
    public void Withdraw_InstantDisabled_IsRejectedAndMaxIsZero()
    {
        var (h, _) = Requested();

        h.Refuse((v, now) => v.DecideRedeem(Alice, 1, now), Rejections.InstantWithdrawalsDisabled);
        h.Refuse((v, now) => v.DecideWithdraw(Alice, 1, now), Rejections.InstantWithdrawalsDisabled);
        Assert.Equal(UInt128.Zero, h.Vault.MaxRedeem(Alice));
        Assert.Equal(UInt128.Zero, h.Vault.MaxWithdraw(Alice));
    }

    [Fact]
    public void Settle_BeforeTheDelay_IsRejected()
    {
        var (h, request) = Requested();
        h.Advance(Week - TimeSpan.FromSeconds(1));

        h.Refuse((v, now) => v.DecideSettleWithdrawal(request.RequestId, now), Rejections.WithdrawalNotDue);
    }

    [Fact]
    public void Settle_PriceRoseSinceRequest_PaysTheRequestPrice()
    {
        var (h, request) = Requested();
        h.Donate(Million / 5); // +10%
        h.Advance(Week);
        var valueNow = h.Vault.ConvertToAssets(request.Shares);

        var settled = Assert.IsType<WithdrawalSettled>(h.Do((v, now) => v.DecideSettleWithdrawal(request.RequestId, now)));

        Assert.True(valueNow > request.AssetsAtRequest);
        Assert.Equal(request.AssetsAtRequest, settled.AssetsPaid);
        Assert.Equal(Million * 3 / 2, h.Vault.TotalSupply);
        Assert.Equal((Million * 2) + (Million / 5) - request.AssetsAtRequest, h.Vault.TotalAssets);
        Assert.Empty(h.Vault.PendingWithdrawals());

        // The gain the request gave up stays with the holders left: Bob now holds more than his 10%.
        Assert.True(h.Vault.ConvertToAssets(h.Vault.BalanceOf(Bob)) > Million * 11 / 10);
        AssertInvariants(h.Vault);
    }

    [Fact]
    public void Settle_PriceFellWithinMaxLoss_PaysTheSettlementPrice()
    {
        var (h, request) = Requested();
        h.Lose(Million / 100); // −0.5%
        h.Advance(Week);
        var valueNow = h.Vault.ConvertToAssets(request.Shares);

        var settled = Assert.IsType<WithdrawalSettled>(h.Do((v, now) => v.DecideSettleWithdrawal(request.RequestId, now)));

        // floor(5·10^11 · (1.99·10^12 + 1) / (2·10^12 + 1)) = 497,500,000,000
        Assert.Equal((UInt128)497_500_000_000, valueNow);
        Assert.Equal(valueNow, settled.AssetsPaid);
        Assert.True(valueNow < request.AssetsAtRequest);
    }

    [Fact]
    public void Settle_LossAboveMaxLoss_IsRefusedAndReturnsTheShares()
    {
        var (h, request) = Requested();
        h.Lose(Million / 25); // −2%
        h.Advance(Week);

        var refused = Assert.IsType<WithdrawalRefused>(h.Do((v, now) => v.DecideSettleWithdrawal(request.RequestId, now)));

        Assert.Equal(Rejections.ExceedsMaxLoss, refused.Reason.Code);
        Assert.Equal(Million, h.Vault.BalanceOf(Alice));
        Assert.Equal(UInt128.Zero, h.Vault.LockedSharesOf(Alice));
        Assert.Equal(Million * 2, h.Vault.TotalSupply);
        Assert.Empty(h.Vault.PendingWithdrawals());
        AssertInvariants(h.Vault);
    }

    [Fact]
    public void Cancel_ByTheOwner_ReturnsTheShares()
    {
        var (h, request) = Requested();

        h.Refuse((v, now) => v.DecideCancelWithdrawal(Bob, request.RequestId, now), Rejections.NotRequestOwner);
        h.Do((v, now) => v.DecideCancelWithdrawal(Alice, request.RequestId, now));

        Assert.Equal(Million, h.Vault.BalanceOf(Alice));
        Assert.Empty(h.Vault.PendingWithdrawals());
        h.Refuse((v, now) => v.DecideSettleWithdrawal(request.RequestId, now), Rejections.UnknownRequest);
        AssertInvariants(h.Vault);
    }

    [Fact]
    public void Request_WithExitFee_PaysTheLowerValueLessTheFee()
    {
        var h = new VaultHarness(Config(0, 6) with { ExitFeeBps = 50, WithdrawalDelay = Week });
        h.Deposit(Alice, Million);
        var request = h.Do((v, now) => v.DecideRequestWithdrawal(Alice, Million, 10_000, now));
        h.Advance(Week);

        var settled = Assert.IsType<WithdrawalSettled>(h.Do((v, now) => v.DecideSettleWithdrawal(request.RequestId, now)));

        Assert.Equal(Million, settled.GrossAssets);
        Assert.Equal(Million / 200, settled.ExitFee);
        Assert.Equal(Million - (Million / 200), settled.AssetsPaid);
        Assert.Equal(Million / 200, h.Vault.TotalAssets);
        Assert.Equal(UInt128.Zero, h.Vault.TotalSupply);
    }

    [Fact]
    public void Request_MoreThanFreeShares_IsRejected()
    {
        var (h, _) = Requested();

        h.Refuse((v, now) => v.DecideRequestWithdrawal(Alice, (Million / 2) + 1, 100, now), Rejections.InsufficientShares);
        h.Refuse((v, now) => v.DecideRequestWithdrawal(Alice, 1, 10_001, now), Rejections.InvalidMaxLoss);
    }
}
