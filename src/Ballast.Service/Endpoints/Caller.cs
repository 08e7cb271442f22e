using Ballast.Service.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace Ballast.Service.Endpoints;

/// <summary>
/// Who is calling: <c>Authorization: Bearer CREDENTIAL</c>, where the credential is an API key (looked up by hash
/// in the <see cref="ApiKeyRing"/>) or, when the service has <see cref="JwtSettings"/>, a JWT validated by the
/// JwtBearer handler (<see cref="JwtAccess"/>).
/// </summary>
public static class Caller
{
    private const string Scheme = "Bearer ";
    private const string FailureItem = "ballast.auth-failure";

    /// <summary>The caller's principal, or null when the request carries no credential, an unknown key or a token that does not validate (the reason is kept for <see cref="Unauthorized"/>).</summary>
    public static async Task<ApiPrincipal?> ResolveAsync(HttpContext context, ApiKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(keys);
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var credential = header[Scheme.Length..].Trim();
        if (keys.Find(credential) is { } principal)
        {
            return principal;
        }

        // A JWT in compact form is three base64url parts joined by dots; anything else is an (unknown) API key.
        if (context.RequestServices.GetService<JwtSettings>() is null || credential.Count(c => c == '.') != 2)
        {
            return null;
        }

        var result = await context.AuthenticateAsync(JwtAccess.Scheme).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            context.Items[FailureItem] = JwtAccess.Reason(result.Failure);
            return null;
        }

        var (fromToken, problem) = JwtAccess.Principal(result.Principal);
        context.Items[FailureItem] = problem;
        return fromToken;
    }

    /// <summary>401 with a <c>WWW-Authenticate</c> challenge (and why a token was refused, when one was).</summary>
    public static ProblemHttpResult Unauthorized(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items[FailureItem] is string failure)
        {
            context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"ballast\", error=\"invalid_token\", error_description=\"{failure}\"";
            return Problems.Of(StatusCodes.Status401Unauthorized, "invalid-token", failure);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"ballast\"";
        return Problems.Of(StatusCodes.Status401Unauthorized, "unauthenticated", "send an API key or a JWT as 'Authorization: Bearer CREDENTIAL' (keys come from the keys file, the operator, or the demo's start-up output)");
    }
}
