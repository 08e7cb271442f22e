using System.Text;

namespace Ballast.Service.Access;

/// <summary>
/// JWT bearer tokens the service accepts beside API keys: HS256 tokens signed with <see cref="SigningKey"/>, from
/// <see cref="Issuer"/> for <see cref="Audience"/>, with an expiry. The subject (<c>sub</c>) is the account the
/// request acts as; <c>roles</c> (or <c>role</c>) name its roles; <c>reporter_of</c> the vaults it reports.
/// </summary>
public sealed record JwtSettings
{
    /// <summary>The fewest key bytes accepted (HS256 needs 256 bits).</summary>
    public const int MinKeyBytes = 32;

    /// <summary>The signing key (at least <see cref="MinKeyBytes"/> bytes).</summary>
    public required IReadOnlyList<byte> SigningKey { get; init; }

    /// <summary>The one issuer (<c>iss</c>) accepted.</summary>
    public required string Issuer { get; init; }

    /// <summary>The one audience (<c>aud</c>) accepted.</summary>
    public required string Audience { get; init; }

    /// <summary>How far a token's expiry and not-before may be off the service's clock.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Settings with the key read from <paramref name="keyFile"/>: its text, trailing white space (a final newline)
    /// removed, as UTF-8 bytes; for example <c>openssl rand -base64 48 &gt; jwt.key</c>.
    /// </summary>
    /// <exception cref="BallastInputException">The file cannot be read, the key is shorter than 32 bytes, or the issuer or audience is empty.</exception>
    public static JwtSettings FromKeyFile(string keyFile, string? issuer, string? audience)
    {
        ArgumentNullException.ThrowIfNull(keyFile);
        string text;
        try
        {
            text = File.ReadAllText(keyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BallastInputException(new InputLocation(keyFile), $"cannot read the JWT signing key: {e.Message}");
        }

        return Create(Encoding.UTF8.GetBytes(text.TrimEnd()), issuer, audience, keyFile);
    }

    /// <summary>Settings with the key given as bytes (<paramref name="source"/> names it in messages).</summary>
    /// <exception cref="BallastInputException">The key is shorter than 32 bytes, or the issuer or audience is empty.</exception>
    public static JwtSettings Create(byte[] key, string? issuer, string? audience, string source = "--jwt-key")
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < MinKeyBytes)
        {
            throw new BallastInputException(new InputLocation(source), $"the JWT signing key is {key.Length} bytes; HS256 needs at least {MinKeyBytes} (e.g. openssl rand -base64 48 > jwt.key)");
        }

        if (string.IsNullOrWhiteSpace(issuer))
        {
            throw new BallastInputException("--jwt-issuer: JWT bearer tokens need the issuer they must come from");
        }

        if (string.IsNullOrWhiteSpace(audience))
        {
            throw new BallastInputException("--jwt-audience: JWT bearer tokens need the audience they must be for");
        }

        return new JwtSettings { SigningKey = key, Issuer = issuer, Audience = audience };
    }
}
