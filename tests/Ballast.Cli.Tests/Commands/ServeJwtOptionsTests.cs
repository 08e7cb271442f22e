namespace Ballast.Cli.Tests.Commands;

/// <summary><c>ballast serve</c>'s JWT options go together and need a real key; a mistake is bad input (exit 2) before anything starts.</summary>
public sealed class ServeJwtOptionsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void IssuerWithoutKey_IsBadInput()
    {
        var result = CliRunner.Run("serve", "--db", "sqlite:" + _dir.File("j.db"), "--jwt-issuer", "https://issuer.test");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("go with --jwt-key", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("j.db")));
    }

    [Fact]
    public void ShortKey_IsBadInput_NamingTheFile()
    {
        var key = _dir.Write("jwt.key", "too-short\n");

        var result = CliRunner.Run("serve", "--db", "sqlite:" + _dir.File("j.db"), "--jwt-key", key, "--jwt-issuer", "i", "--jwt-audience", "a");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("jwt.key", result.Error, StringComparison.Ordinal);
        Assert.Contains("at least 32", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyWithoutAudience_IsBadInput()
    {
        var key = _dir.Write("jwt.key", new string('k', 48));

        var result = CliRunner.Run("serve", "--db", "sqlite:" + _dir.File("j.db"), "--jwt-key", key, "--jwt-issuer", "i");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--jwt-audience", result.Error, StringComparison.Ordinal);
    }
}
