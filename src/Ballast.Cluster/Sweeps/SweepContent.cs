using Ballast.Hashing;

namespace Ballast.Cluster.Sweeps;

/// <summary>Content a sweep sends to silos, addressed by its SHA-256 (<see cref="Sha256Digest"/>, as lower-case hex on the wire).</summary>
public static class SweepContent
{
    /// <summary>The SHA-256 of <paramref name="content"/>, lower-case hex.</summary>
    public static string HashOf(byte[] content) => Sha256Digest.Of(content).ToHex();
}
