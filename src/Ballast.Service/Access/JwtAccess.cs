using System.Security.Claims;
using Ballast.Accounting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Ballast.Service.Access;

/// <summary>
/// How JWT bearer tokens become principals: the JwtBearer handler's options for <see cref="JwtSettings"/> (HS256
/// only, issuer, audience, signature and expiry all required, expiry checked on the service's
/// <see cref="TimeProvider"/>), and the claims mapped to an <see cref="ApiPrincipal"/>: <c>sub</c> is the account,
/// <c>roles</c>/<c>role</c> values operator, reporter, investor, voter are the roles (other values grant nothing),
/// <c>reporter_of</c> values the vaults a reporter reports.
/// </summary>
public static class JwtAccess
{
    /// <summary>The authentication scheme the JwtBearer handler is registered under.</summary>
    public const string Scheme = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>Sets <paramref name="options"/> to accept the tokens <paramref name="settings"/> describe, checking expiry on <paramref name="clock"/>.</summary>
    public static void Configure(JwtBearerOptions options, JwtSettings settings, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(clock);
        options.MapInboundClaims = false;
        options.TimeProvider = clock;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer,
            ValidAudience = settings.Audience,
            IssuerSigningKey = new SymmetricSecurityKey([.. settings.SigningKey]),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateIssuerSigningKey = true,
            ValidateLifetime = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = settings.ClockSkew,
            NameClaimType = "sub",
            RoleClaimType = "roles",
            // The handler's default compares with the machine's clock; the service's clock is injected (tests use a fake one).
            LifetimeValidator = (notBefore, expires, _, p) => IsCurrent(notBefore, expires, clock.GetUtcNow().UtcDateTime, p.ClockSkew),
        };
    }

    /// <summary>Whether a token valid from <paramref name="notBefore"/> until <paramref name="expires"/> is valid at <paramref name="now"/>, give or take <paramref name="skew"/>; a token without expiry never is.</summary>
    public static bool IsCurrent(DateTime? notBefore, DateTime? expires, DateTime now, TimeSpan skew) =>
        expires is { } exp && exp.ToUniversalTime() + skew > now && (notBefore is not { } nbf || nbf.ToUniversalTime() - skew <= now);

    /// <summary>The principal of a validated token, or why it cannot act (no subject, or one that is not an account id).</summary>
    public static (ApiPrincipal? Principal, string? Problem) Principal(ClaimsPrincipal claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var subject = claims.FindFirst("sub")?.Value;
        if (subject is null || !AccountId.IsValid(subject))
        {
            return (null, subject is null ? "the token has no subject (sub): the account it acts as" : $"the token's subject '{subject}' is not a valid account id");
        }

        var roles = new HashSet<Role>();
        foreach (var value in claims.FindAll(c => c.Type is "roles" or "role").Select(c => c.Value))
        {
            if (RoleNames.TryParse(value, out var role))
            {
                roles.Add(role);
            }
        }

        var reporterOf = claims.FindAll("reporter_of").Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return (new ApiPrincipal(new AccountId(subject), roles, roles.Contains(Role.Reporter) ? reporterOf : new HashSet<string>(StringComparer.Ordinal)), null);
    }

    /// <summary>A plain reason a token was refused, from the handler's failure (no token is echoed).</summary>
    public static string Reason(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException or SecurityTokenNotYetValidException or SecurityTokenNoExpirationException => "the token has expired, is not yet valid, or has no expiry (exp)",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "the token's signature does not verify with the service's key",
        SecurityTokenInvalidAudienceException => "the token is for another audience (aud)",
        SecurityTokenInvalidIssuerException => "the token comes from another issuer (iss)",
        SecurityTokenInvalidAlgorithmException => "the token is not signed with HS256",
        _ => "the token is not a valid JWT for this service",
    };
}
