using Ballast.Policies;

namespace Ballast.Io;

/// <summary>
/// The hashes of buy-and-hold twins, derived from their policies' canonical form instead of serialising each twin.
/// A twin (<see cref="BacktestJob.BuyAndHold"/>) differs from its policy only in its trigger (none) and its execution
/// (the default), two top-level members of the canonical form; everything else (costs, lots, universe, weights) is
/// the policy's own. So a twin's canonical JSON is its policy's with those two members' values (whose places the
/// writer recorded, <see cref="CanonicalForm.Execution"/> and <see cref="CanonicalForm.Trigger"/>) replaced by the
/// defaults' canonical values (<see cref="CanonicalForm.BuyAndHold"/>). Safe to call from several threads.
/// </summary>
internal sealed class TwinHashes
{
    /// <summary>The canonical JSON's UTF-8 bytes of the twin of the policy whose canonical form is <paramref name="policy"/>.</summary>
    public byte[] TwinUtf8(CanonicalForm policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.BuyAndHold().Utf8.ToArray();
    }

    /// <summary>The hash of the twin of the policy whose canonical form is <paramref name="policy"/>.</summary>
    public PolicyHash HashOf(CanonicalForm policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.BuyAndHoldHash();
    }
}
