using System.Text;

namespace Ballast.Policies;

/// <summary>
/// A policy's canonical JSON (<see cref="CanonicalPolicy"/>) as its UTF-8 bytes, the hash of those bytes, and where
/// the values of its top-level <c>execution</c> and <c>trigger</c> members lie in them (the two members a buy-and-hold
/// twin changes). The text is decoded only when asked for.
/// </summary>
public sealed class CanonicalForm
{
    private readonly byte[] _utf8;
    private string? _json;

    internal CanonicalForm(byte[] utf8, Range execution, Range trigger)
    {
        _utf8 = utf8;
        Execution = execution;
        Trigger = trigger;
        Hash = PolicyHash.FromDigest(Hashing.Sha256Digest.Of(utf8));
    }

    /// <summary>The canonical JSON's UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> Utf8 => _utf8;

    /// <summary>The policy hash: SHA-256 of <see cref="Utf8"/>.</summary>
    public PolicyHash Hash { get; }

    /// <summary>Where the value of the top-level <c>execution</c> member lies in <see cref="Utf8"/>.</summary>
    public Range Execution { get; }

    /// <summary>Where the value of the top-level <c>trigger</c> member lies in <see cref="Utf8"/>.</summary>
    public Range Trigger { get; }

    /// <summary>The canonical JSON text (decoded once, when first asked for; two threads may both decode it, to one value).</summary>
    public string Json => _json ??= Encoding.UTF8.GetString(_utf8);
}
