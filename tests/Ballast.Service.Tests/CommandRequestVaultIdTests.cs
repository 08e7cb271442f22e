using Ballast.Accounting;
using Ballast.Protocol;
using Ballast.Service.Writing;

namespace Ballast.Service.Tests;

/// <summary>A command body's vault is a <see cref="VaultId"/>: a bad one is refused when the body is read, naming the member.</summary>
public class CommandRequestVaultIdTests
{
    [Theory]
    [InlineData("""{"vault":" mix","assets":"5"}""", "' mix' is not a valid vault id")]
    [InlineData("""{"vault":"","assets":"5"}""", "'' is not a valid vault id")]
    [InlineData("""{"vault":7,"assets":"5"}""", "expected a vault id as a string")]
    public void BadVault_IsRefused_NamingTheMember(string body, string expected)
    {
        var e = Assert.Throws<CommandRequestException>(() => CommandRequest.Parse("deposit", System.Text.Encoding.UTF8.GetBytes(body), "k1", new AccountId("alice")));

        Assert.Equal("$.vault", e.Member);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GoodVault_IsReadAsTheId()
    {
        var command = Assert.IsType<DepositCommand>(CommandRequest.Parse("deposit", """{"vault":"Long/Short Equity","assets":"5"}"""u8, "k1", new AccountId("alice")));

        Assert.Equal(new VaultId("Long/Short Equity"), command.Vault);
    }
}
