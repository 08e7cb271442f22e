using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Ballast.Service.Endpoints;

/// <summary>ProblemDetails (RFC 9457) the service answers with: a stable <c>code</c> extension, and the offending request member where there is one.</summary>
public static class Problems
{
    /// <summary>A problem with HTTP <paramref name="status"/>, machine-readable <paramref name="code"/> and human <paramref name="detail"/>.</summary>
    public static ProblemHttpResult Of(int status, string code, string detail, string? member = null, string? commandId = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = code,
            Detail = detail,
            Type = $"https://ballast.invalid/problems/{code}",
        };
        problem.Extensions["code"] = code;
        if (member is not null)
        {
            problem.Extensions["member"] = member;
        }

        if (commandId is not null)
        {
            problem.Extensions["command_id"] = commandId;
        }

        return TypedResults.Problem(problem);
    }
}
