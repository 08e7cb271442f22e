using Ballast.Governance;
using static Ballast.Core.Tests.Governance.EscrowHarness;

namespace Ballast.Core.Tests.Governance;

public class BankTokenTests
{
    [Fact]
    public void MaxSupply_Is2Point1BillionWith18Decimals()
    {
        Assert.Equal(UInt128.Parse("2100000000000000000000000000", System.Globalization.CultureInfo.InvariantCulture), BankToken.MaxSupply);
    }

    [Fact]
    public void DecideMint_UpToTheCap_AcceptedAndBeyondRefused()
    {
        var token = new BankToken(Minter);
        token.Apply(token.DecideMint(Minter, Alice, BankToken.MaxSupply - 1, T0).Operation!);
        var before = token.Snapshot();
        var refused = token.DecideMint(Minter, Alice, 2, T0);
        Assert.Equal(GovernanceRejections.ExceedsCap, refused.Rejection!.Code);
        Assert.Equal(before, token.Snapshot());
        token.Apply(token.DecideMint(Minter, Bob, 1, T0).Operation!);
        Assert.Equal(BankToken.MaxSupply, token.TotalSupply);
        Assert.Equal(1u, token.BalanceOf(Bob));
    }

    [Fact]
    public void DecideMint_NotMinterOrZero_Refused()
    {
        var token = new BankToken(Minter);
        Assert.Equal(GovernanceRejections.NotMinter, token.DecideMint(Alice, Alice, 1, T0).Rejection!.Code);
        Assert.Equal(GovernanceRejections.ZeroAmount, token.DecideMint(Minter, Alice, 0, T0).Rejection!.Code);
    }

    [Fact]
    public void DecideTransfer_MovesExactlyAndRefusesOverdraftAndTimeRegression()
    {
        var token = new BankToken(Minter);
        token.Apply(token.DecideMint(Minter, Alice, 10 * Bank, T0).Operation!);
        token.Apply(token.DecideTransfer(Alice, Bob, 3 * Bank + 1, T0 + 5).Operation!);
        Assert.Equal((7 * Bank) - 1, token.BalanceOf(Alice));
        Assert.Equal((3 * Bank) + 1, token.BalanceOf(Bob));
        Assert.Equal(10 * Bank, token.TotalSupply);
        Assert.Equal(GovernanceRejections.InsufficientBalance, token.DecideTransfer(Bob, Alice, (3 * Bank) + 2, T0 + 5).Rejection!.Code);
        Assert.Equal(GovernanceRejections.TimeRegression, token.DecideTransfer(Alice, Bob, 1, T0 + 4).Rejection!.Code);
        Assert.Equal(GovernanceRejections.ZeroAmount, token.DecideTransfer(Alice, Bob, 0, T0 + 5).Rejection!.Code);
    }

    [Fact]
    public void Apply_MintBeyondCap_ThrowsInvariant()
    {
        var token = new BankToken(Minter);
        Assert.Throws<GovernanceInvariantException>(() => token.Apply(new BankMinted(Minter, Alice, BankToken.MaxSupply + 1, T0)));
        Assert.Throws<GovernanceInvariantException>(() => token.Apply(new BankTransferred(Alice, Bob, 1, T0)));
    }
}
