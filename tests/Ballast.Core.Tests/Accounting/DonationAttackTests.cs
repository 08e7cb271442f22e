using Ballast.Accounting;
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
