using System.Globalization;

namespace Ballast.Core.Tests.Governance;

/// <summary>Times as governance messages print them: readable UTC with the unix seconds beside it.</summary>
internal static class GovTime
{
    public static string T(long unixSeconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ({unixSeconds})");
}
