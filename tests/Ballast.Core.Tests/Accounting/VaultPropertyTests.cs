using System.Numerics;
using Ballast.Accounting;
using CsCheck;
using static Ballast.Core.Tests.Accounting.VaultHarness;

namespace Ballast.Core.Tests.Accounting;

/// <summary>ERC-4626 properties on random states (several users, gains and losses, offsets 0..6, with and without fees).</summary>
public class VaultPropertyTests
{
    private static readonly Gen<(RandomVault State, ulong Amount)> StateAndAmount =
        Gen.Select(Gen.Bool.SelectMany(RandomVault.Gen), RandomVault.Amount);

    [Fact]
    public void Views_RandomStates_NeverThrow()
    {
        StateAndAmount.Sample((state, amount) =>
        {
            var v = state.Build().Vault;
            _ = v.ConvertToShares(v.TotalAssets);
            _ = v.ConvertToAssets(v.TotalSupply);
            _ = v.PreviewDeposit(amount);
            _ = v.PreviewMint(amount);
            _ = v.PreviewWithdraw(UInt128.Min(amount, v.TotalAssets));
            _ = v.PreviewRedeem(UInt128.Min(amount, v.TotalSupply));
            foreach (var user in (AccountId[])[Alice, Bob, Carol, Fees])
            {
                _ = v.PreviewDeposit(v.MaxDeposit(user));
                _ = v.PreviewMint(v.MaxMint(user));
                _ = v.PreviewWithdraw(v.MaxWithdraw(user));
                _ = v.PreviewRedeem(v.MaxRedeem(user));
                Assert.True(v.PreviewWithdraw(v.MaxWithdraw(user)) <= v.BalanceOf(user));
            }
        });
    }

    [Fact]
    public void Previews_SameState_ExecutionIsNeverWorseForTheVault()
    {
        StateAndAmount.Sample((state, amount) =>
        {
            var v = state.Build().Vault;
            var now = Start;
            var shares = 1 + (amount % UInt128.Max(v.BalanceOf(Alice), 1));
            var assets = 1 + (amount % UInt128.Max(v.MaxWithdraw(Alice), 1));

            if (v.DecideDeposit(Alice, amount, now) is { IsAccepted: true } deposit)
            {
                Assert.True(deposit.Operation.Shares >= v.PreviewDeposit(amount));
            }

            if (v.DecideMint(Alice, amount, now) is { IsAccepted: true } mint)
            {
                Assert.True(mint.Operation.Assets <= v.PreviewMint(amount));
            }

            if (v.DecideWithdraw(Alice, assets, now) is { IsAccepted: true } withdraw)
            {
                Assert.True(withdraw.Operation.Shares <= v.PreviewWithdraw(assets));
            }

            if (v.DecideRedeem(Alice, shares, now) is { IsAccepted: true } redeem)
            {
                Assert.True(redeem.Operation.Assets >= v.PreviewRedeem(shares));
            }
        });
    }

    [Fact]
    public void RoundTrips_RandomStates_NeverProfit()
    {
        StateAndAmount.Sample((state, amount) =>
        {
            var balance = state.Build().Vault.BalanceOf(Alice);
            var s = 1 + (amount % UInt128.Max(balance, 1));
            var a = (UInt128)amount;

            // deposit(a) then redeem: no more than a back.
            Run(state, h => DepositShares(h, a) is { } minted ? RedeemAssets(h, minted) <= a : true);

            // withdraw(a) burns at least what deposit(a) minted.
            Run(state, h => DepositShares(h, a) is { } minted ? WithdrawShares(h, a) >= minted : true);

            // redeem(s) then deposit: no more than s back.
            Run(state, h => s <= balance && RedeemAssets(h, s) is var paid && paid > 0 ? (DepositShares(h, paid) ?? 0) <= s : true);

            // mint(s) costs at least what redeem(s) paid.
            Run(state, h => s <= balance && RedeemAssets(h, s) is var paid && MintAssets(h, s) is { } cost ? cost >= paid : true);

            // mint(s) then withdraw what it cost: burns at least s.
            Run(state, h => MintAssets(h, s) is { } cost ? WithdrawShares(h, cost) >= s : true);

            // redeem(s) after mint(s) pays no more than the mint cost.
            Run(state, h => MintAssets(h, s) is { } cost ? RedeemAssets(h, s) <= cost : true);

            // withdraw(a) then mint the shares burned: costs at least a.
            var w = 1 + (amount % UInt128.Max(state.Build().Vault.MaxWithdraw(Alice), 1));
            Run(state, h => TryWithdrawShares(h, w) is { } burned ? (MintAssets(h, burned) ?? UInt128.MaxValue) >= w : true);

            // deposit(a) after withdraw(a) mints no more than withdraw(a) burned.
            Run(state, h => TryWithdrawShares(h, w) is { } burned ? (DepositShares(h, w) ?? 0) <= burned : true);
        });
    }

    [Fact]
    public void CallerWealth_RandomActions_NeverIncreases()
    {
        Gen.Select(Gen.Bool.SelectMany(RandomVault.Gen), Gen.Select(Gen.Int[0, 3], RandomVault.Amount).Array[1, 10]).Sample((state, actions) =>
        {
            var h = state.Build();
            var v = h.Vault;
            BigInteger wallet = 0;
            BigInteger Wealth() => wallet + v.ConvertToAssets(v.BalanceOf(Alice));
            foreach (var (kind, amount) in actions)
            {
                var before = Wealth();
                var balance = v.BalanceOf(Alice);
                switch (kind)
                {
                    case 0 when h.Try((x, now) => x.DecideDeposit(Alice, amount, now)) is { IsAccepted: true } d:
                        wallet -= d.Operation.Assets;
                        break;
                    case 1 when h.Try((x, now) => x.DecideMint(Alice, amount, now)) is { IsAccepted: true } m:
                        wallet -= m.Operation.Assets;
                        break;
                    case 2 when h.Try((x, now) => x.DecideWithdraw(Alice, 1 + (amount % UInt128.Max(x.MaxWithdraw(Alice), 1)), now)) is { IsAccepted: true } w:
                        wallet += w.Operation.Assets;
                        break;
                    case 3 when h.Try((x, now) => x.DecideRedeem(Alice, 1 + (amount % UInt128.Max(balance, 1)), now)) is { IsAccepted: true } r:
                        wallet += r.Operation.Assets;
                        break;
                }

                Assert.True(Wealth() <= before, $"wealth rose from {before} to {Wealth()} on action {kind} {amount}");
            }
        });
    }

    private static void Run(RandomVault state, Func<VaultHarness, bool> roundTrip) =>
        Assert.True(roundTrip(state.Build()), "the round trip profited");

    private static UInt128? DepositShares(VaultHarness h, UInt128 assets) =>
        h.Try((v, now) => v.DecideDeposit(Alice, assets, now)) is { IsAccepted: true } d ? d.Operation.Shares : null;

    private static UInt128? MintAssets(VaultHarness h, UInt128 shares) =>
        h.Try((v, now) => v.DecideMint(Alice, shares, now)) is { IsAccepted: true } d ? d.Operation.Assets : null;

    /// <summary>Assets a redemption pays; 0 when it would pay nothing (refused with zero-assets).</summary>
    private static UInt128 RedeemAssets(VaultHarness h, UInt128 shares)
    {
        var d = h.Try((v, now) => v.DecideRedeem(Alice, shares, now));
        if (d.IsAccepted)
        {
            return d.Operation.Assets;
        }

        Assert.Equal(Rejections.ZeroAssets, d.Rejection.Code);
        return 0;
    }

    /// <summary>Shares a withdrawal burns; when the owner has too few, the shares it would need (more than the balance).</summary>
    private static UInt128 WithdrawShares(VaultHarness h, UInt128 assets)
    {
        var d = h.Try((v, now) => v.DecideWithdraw(Alice, assets, now));
        if (d.IsAccepted)
        {
            return d.Operation.Shares;
        }

        Assert.Equal(Rejections.InsufficientShares, d.Rejection.Code);
        var needed = h.Vault.PreviewWithdraw(assets);
        Assert.True(needed > h.Vault.BalanceOf(Alice));
        return needed;
    }

    private static UInt128? TryWithdrawShares(VaultHarness h, UInt128 assets) =>
        h.Try((v, now) => v.DecideWithdraw(Alice, assets, now)) is { IsAccepted: true } d ? d.Operation.Shares : null;
}
