using System.Security.Cryptography;

namespace Ballast.Cluster.Sweeps;

/// <summary>Content a sweep sends to silos, addressed by its SHA-256.</summary>
public static class SweepContent
{
    /// <summary>The SHA-256 of <paramref name="content"/>, lower-case hex.</summary>
    public static string HashOf(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
