using Ballast.Accounting;
using static Ballast.Core.Tests.Accounting.VaultHarness;

namespace Ballast.Core.Tests.Accounting;

/// <summary>
/// Reference numbers from OpenZeppelin's ERC4626 (virtual +10^offset shares, +1 asset), offset 0, one base unit
/// per asset unit.
/// </summary>
public class Erc4626ReferenceTests
{
    [Fact]
    public void PreviewMint_AssetsTwoSupplyThree_CostsOne()
    {
        var h = new VaultHarness();
        h.Mint(Alice, 3);
        h.Lose(1);
        Assert.Equal((UInt128)2, h.Vault.TotalAssets);
        Assert.Equal((UInt128)3, h.Vault.TotalSupply);

        // ceil(1 · (2 + 1) / (3 + 1)) = ceil(3/4) = 1; flooring would give 0, a free share.
        Assert.Equal(UInt128.One, h.Vault.PreviewMint(1));
        Assert.Equal(UInt128.Zero, h.Vault.ConvertToAssets(1));
    }

    [Fact]
    public void PreviewWithdraw_AssetsThreeSupplyTwo_BurnsOne()
    {
        var h = new VaultHarness();
        h.Deposit(Alice, 2);
        h.Donate(1);
        Assert.Equal((UInt128)3, h.Vault.TotalAssets);
        Assert.Equal((UInt128)2, h.Vault.TotalSupply);

        // ceil(1 · (2 + 1) / (3 + 1)) = ceil(3/4) = 1; flooring would give 0, a free asset.
        Assert.Equal(UInt128.One, h.Vault.PreviewWithdraw(1));
        Assert.Equal(UInt128.Zero, h.Vault.ConvertToShares(1));
    }

    [Fact]
    public void EmptyVault_FirstDeposit_MintsTenToTheOffsetSharesPerAsset()
    {
        foreach (var offset in new[] { 0, 6, 18 })
        {
            var h = new VaultHarness(offset);
            var unit = h.Vault.Config.Asset.Units(1);
            Assert.Equal(unit * ExactMath.Pow10(offset), h.Vault.PreviewDeposit(unit));
            Assert.Equal(unit, h.Vault.PreviewMint(unit * ExactMath.Pow10(offset)));
            Assert.Equal(UInt128.Zero, h.Vault.MaxWithdraw(Alice));
            Assert.Equal(UInt128.Zero, h.Vault.MaxRedeem(Alice));
            Assert.Equal(18 + offset, h.Vault.ShareDecimals);
        }
    }

    private enum Step
    {
        Mint,
        Deposit,
        Gain,
        Redeem,
        Withdraw,
    }

    /// <summary>
    /// OpenZeppelin ERC4626.test.js, "multiple mint, deposit, redeem &amp; withdrawal": action, amount, what the
    /// action moved (assets for mint/redeem, shares for deposit/withdraw), then Alice's and Bob's shares and
    /// their value (convertToAssets), total supply and total assets after it.
    /// </summary>
    private static readonly (Step Step, AccountId Who, ulong Amount, ulong Moved, ulong SharesA, ulong SharesB, ulong ValueA, ulong ValueB, ulong Supply, ulong Assets)[] Table =
    [
        (Step.Mint, Alice, 2000, 2000, 2000, 0, 2000, 0, 2000, 2000),
        (Step.Mint, Bob, 4000, 4000, 2000, 4000, 2000, 4000, 6000, 6000),
        (Step.Gain, Carol, 3000, 0, 2000, 4000, 2999, 5999, 6000, 9000),
        (Step.Deposit, Alice, 2000, 1333, 3333, 4000, 4999, 6000, 7333, 11000),
        (Step.Mint, Bob, 2000, 3000, 3333, 6000, 4999, 9000, 9333, 14000),
        (Step.Gain, Carol, 3000, 0, 3333, 6000, 6070, 10928, 9333, 17000),
        (Step.Redeem, Alice, 1333, 2427, 2000, 6000, 3643, 10929, 8000, 14573),
        (Step.Withdraw, Bob, 2929, 1608, 2000, 4392, 3643, 8000, 6392, 11644),
        (Step.Withdraw, Alice, 3643, 2000, 0, 4392, 0, 8000, 4392, 8001),
        (Step.Redeem, Bob, 4392, 8000, 0, 0, 0, 0, 0, 1),
    ];

    [Fact]
    public void TwoUsers_OpenZeppelinTable_ReproducesEveryBalanceAtEveryStep()
    {
        var h = new VaultHarness();
        var v = h.Vault;
        for (var i = 0; i < Table.Length; i++)
        {
            var row = Table[i];
            UInt128 moved = row.Step switch
            {
                Step.Mint => h.Mint(row.Who, row.Amount).Assets,
                Step.Deposit => h.Deposit(row.Who, row.Amount).Shares,
                Step.Gain => h.Donate(row.Amount).Assets - row.Amount,
                Step.Redeem => h.Redeem(row.Who, row.Amount).Assets,
                Step.Withdraw => h.Withdraw(row.Who, row.Amount).Shares,
                _ => throw new InvalidOperationException(),
            };

            var at = $"step {i + 1} ({row.Step} {row.Amount})";
            Assert.True(row.Moved == moved, $"{at}: moved {moved}, expected {row.Moved}");
            Assert.True(row.SharesA == v.BalanceOf(Alice), $"{at}: Alice's shares {v.BalanceOf(Alice)}");
            Assert.True(row.SharesB == v.BalanceOf(Bob), $"{at}: Bob's shares {v.BalanceOf(Bob)}");
            Assert.True(row.ValueA == v.ConvertToAssets(v.BalanceOf(Alice)), $"{at}: Alice's value");
            Assert.True(row.ValueB == v.ConvertToAssets(v.BalanceOf(Bob)), $"{at}: Bob's value");
            Assert.True(row.Supply == v.TotalSupply, $"{at}: supply {v.TotalSupply}");
            Assert.True(row.Assets == v.TotalAssets, $"{at}: assets {v.TotalAssets}");
        }

        Assert.Equal(Table.Length, h.Journal.Count);
        Assert.Equal(h.Vault.Snapshot(), h.Replay().Snapshot());
    }

    [Fact]
    public void TwoUsers_OpenZeppelinTable_PreviewsMatchTheTableBeforeEachStep()
    {
        var h = new VaultHarness();
        h.Mint(Alice, 2000);
        Assert.Equal((UInt128)2000, h.Vault.PreviewDeposit(2000));
        h.Mint(Bob, 4000);
        Assert.Equal((UInt128)4000, h.Vault.PreviewDeposit(4000));
        h.Donate(3000);
        Assert.Equal((UInt128)1333, h.Vault.PreviewDeposit(2000));
        h.Deposit(Alice, 2000);
        Assert.Equal((UInt128)3000, h.Vault.PreviewMint(2000));
    }
}
