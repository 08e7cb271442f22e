using Microsoft.AspNetCore.Http;

namespace Ballast.Service.Endpoints;

/// <summary>
/// The problems ASP.NET Core writes itself (no route for a path, a request the routing refuses for its content type
/// or method, a body the server refuses) get the same <c>code</c> extension as the service's own, and the member
/// where the status names one, so every 4xx a client sees is read the same way.
/// </summary>
public static class FrameworkProblems
{
    /// <summary>Adds <c>code</c> (and <c>member</c> for 415, 413, 411) to a problem that has none.</summary>
    public static void Complete(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code"))
        {
            return;
        }

        var (code, member) = (problem.Status ?? context.HttpContext.Response.StatusCode) switch
        {
            StatusCodes.Status400BadRequest => ("bad-request", null),
            StatusCodes.Status404NotFound => ("not-found", null),
            StatusCodes.Status405MethodNotAllowed => ("method-not-allowed", null),
            StatusCodes.Status411LengthRequired => ("length-required", "Content-Length"),
            StatusCodes.Status413PayloadTooLarge => ("body-too-large", "$"),
            StatusCodes.Status415UnsupportedMediaType => ("unsupported-media-type", "Content-Type"),
            StatusCodes.Status429TooManyRequests => ("too-many-requests", null),
            { } status when status >= 500 => ("internal-error", null),
            _ => ("request-refused", (string?)null),
        };
        problem.Extensions["code"] = code;
        if (member is not null)
        {
            problem.Extensions["member"] = member;
        }
    }
}
