using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ballast.Service.Endpoints;

/// <summary>
/// Numbers from a request's query, route or headers, parsed by the service rather than by minimal-API binding, so a
/// bad one is a 400 ProblemDetails naming the member (binding would answer a bare 400, or routing a 404) and an
/// overflowing one is refused rather than wrapped.
/// </summary>
public static class QueryValues
{
    /// <summary>The longest text echoed back in a problem's detail (an attacker's 10 KB id is not sent back whole).</summary>
    public const int EchoLength = 80;

    /// <summary>
    /// <paramref name="text"/> as a whole number from <paramref name="min"/> to <paramref name="max"/> (ASCII digits,
    /// an optional leading minus only), null when absent, or the 400 problem naming <paramref name="member"/>.
    /// </summary>
    public static (long? Value, ProblemHttpResult? Problem) Long(string? text, string member, long min = long.MinValue, long max = long.MaxValue)
    {
        if (text is null)
        {
            return (null, null);
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || text.Any(c => c is not (>= '0' and <= '9' or '-')))
        {
            return (null, Problems.Of(StatusCodes.Status400BadRequest, "bad-query", $"{member} must be a whole number from {min} to {max}; got '{Echo(text)}'", member: member));
        }

        return value < min || value > max
            ? (null, Problems.Of(StatusCodes.Status400BadRequest, "bad-query", $"{member} must be from {min} to {max}; got {value}", member: member))
            : (value, null);
    }

    /// <summary><paramref name="text"/> shortened to <see cref="EchoLength"/> characters for a message, control characters shown as '?'.</summary>
    public static string Echo(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var shown = new string([.. text.Take(EchoLength).Select(c => char.IsControl(c) ? '?' : c)]);
        return text.Length > EchoLength ? shown + $"… ({text.Length} characters)" : shown;
    }
}
