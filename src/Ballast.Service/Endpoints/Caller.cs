using Ballast.Service.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ballast.Service.Endpoints;

/// <summary>Who is calling: the API key in <c>Authorization: Bearer KEY</c>, resolved through the <see cref="ApiKeyRing"/>.</summary>
public static class Caller
{
    /// <summary>The caller's principal, or null when the request carries no key or an unknown one.</summary>
    public static ApiPrincipal? Resolve(HttpContext context, ApiKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(keys);
        var header = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? keys.Find(header[Scheme.Length..].Trim()) : null;
    }

    /// <summary>401 with a <c>WWW-Authenticate</c> challenge.</summary>
    public static ProblemHttpResult Unauthorized(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"ballast\"";
        return Problems.Of(StatusCodes.Status401Unauthorized, "unauthenticated", "send an API key as 'Authorization: Bearer KEY' (keys come from the keys file, the operator, or the demo's start-up output)");
    }
}
