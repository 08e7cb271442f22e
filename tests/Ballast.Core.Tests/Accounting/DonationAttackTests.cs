using Ballast.Accounting;
using Ballast.Protocol;
using static Ballast.Core.Tests.Accounting.VaultHarness;

namespace Ballast.Core.Tests.Accounting;

/// <summary>The first-depositor donation (inflation) attack, with an 18-decimal asset.</summary>
public class DonationAttackTests
{
    private static readonly UInt128 Token = ExactMath.Pow10(18);

    [Theory]
    [InlineData(0, "0")]
    [InlineData(6, "999999")]
    public void Deposit_OneTokenAfterOneTokenDonatedToEmptyVault_MintsTheReferenceShares(int offset, string expected)
    {
        var h = new VaultHarness(offset);
        h.Donate(Token);

        var shares = h.Vault.PreviewDeposit(Token);

        Assert.Equal(UInt128.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), shares);
        if (shares == 0)
        {
            // A deposit that would mint nothing is refused, so the victim keeps the token.
            h.Refuse((v, now) => v.DecideDeposit(Bob, Token, now), Rejections.ZeroShares);
        }
        else
        {
            Assert.Equal(shares, h.Deposit(Bob, Token).Shares);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(6)]
    public void Attacker_FrontRunsWithOneUnitAndADonation_EndsWithALoss(int offset)
    {
        foreach (var donation in new[] { Token / 2, Token, Token * 2, Token * 100 })
        {
            var h = new VaultHarness(offset);
            var attacker = Alice;
            var attackerShares = h.Deposit(attacker, 1).Shares;
            h.Donate(donation);
            var spent = 1 + donation;

            h.Try((v, now) => v.DecideDeposit(Bob, Token, now));
            var back = h.Redeem(attacker, attackerShares).Assets;

            Assert.True(back < spent, $"offset {offset}, donation {donation}: attacker spent {spent} and got back {back}");
        }
    }
}

/// <summary>The donation griefing: at the default offset it costs a victim almost nothing; at offset 0 about a third.</summary>
public class DonationGriefingTests
{
    private static readonly UInt128 Deposit = 1_000_000_000; // 1,000 USD in 6-decimal base units

    /// <summary>
    /// A griefer deposits one base unit into an empty vault and donates <c>D</c>; the victim then deposits. The
    /// victim's loss is the deposit less what the shares are worth right after, over donations up to twice the deposit.
    /// </summary>
    private static (UInt128 Loss, UInt128 Donation) WorstLoss(VaultConfig config)
    {
        (UInt128 Loss, UInt128 Donation) worst = (0, 0);
        for (var k = 1; k <= 64; k++)
        {
            foreach (var delta in new[] { -2, -1, 0, 1, 2 })
            {
                var donation = (UInt128)((long)(Deposit * (UInt128)k / 32) + delta);
                var h = new VaultHarness(config);
                h.Deposit(Alice, 1);
                h.Donate(donation);
                if (h.Try((v, now) => v.DecideDeposit(Bob, Deposit, now)) is not { IsAccepted: true })
                {
                    continue;
                }

                var loss = Deposit - h.Vault.ConvertToAssets(h.Vault.BalanceOf(Bob));
                if (loss > worst.Loss)
                {
                    worst = (loss, donation);
                }
            }
        }

        return worst;
    }

    [Fact]
    public void AtTheDefaultOffset_TheVictimLosesUnderAMillionthOfTheDeposit_WhileAtOffsetZeroAThird()
    {
        var defaults = new VaultConfig { Asset = new Asset(new AssetSymbol("USD"), 6), Operator = Operator, Reporter = Reporter, FeeRecipient = Fees };
        Assert.Equal(6, defaults.DecimalsOffset);
        Assert.Equal(6, new Ballast.Protocol.SimpleVaultSpec { Asset = new AssetSymbol("USD"), Operator = Operator, Reporter = Reporter, FeeRecipient = Fees }.DecimalsOffset);
        Assert.Equal(6, new Ballast.Protocol.ComposedVaultSpec { Asset = new AssetSymbol("USD"), Operator = Operator, CostRecipient = Fees, Children = [new VaultId("A")] }.DecimalsOffset);

        var (atDefault, donationAtDefault) = WorstLoss(defaults);
        var (atZero, donationAtZero) = WorstLoss(defaults with { DecimalsOffset = 0 });
        TestContext.Current.TestOutputHelper?.WriteLine($"deposit {Deposit}: worst loss {atDefault} at offset 6 (donation {donationAtDefault}), {atZero} at offset 0 (donation {donationAtZero})");

        Assert.True(atZero * 4 > Deposit, $"offset 0: the worst loss {atZero} should be about a third of {Deposit}");
        Assert.True(atDefault * 1_000_000 <= Deposit * 2, $"default offset: the worst loss {atDefault} should be under two millionths of {Deposit}");
    }
}
