using System.Buffers;
using Ballast.Hashing;
using Ballast.Policies;

namespace Ballast.Io;

/// <summary>
/// The hashes of buy-and-hold twins, derived from their policies' canonical form instead of serialising each twin.
/// A twin (<see cref="BacktestJob.BuyAndHold"/>) differs from its policy only in its trigger (none) and its execution
/// (the default), two top-level members of the canonical form; everything else (costs, lots, universe, weights) is
/// the policy's own. So a twin's canonical JSON is its policy's with those two members' values (whose places the
/// writer recorded, <see cref="CanonicalForm.Execution"/> and <see cref="CanonicalForm.Trigger"/>) replaced by the
/// defaults' canonical values, spliced in a pooled buffer and hashed there. Safe to call from several threads.
/// </summary>
internal sealed class TwinHashes
{
    private readonly byte[] _execution;
    private readonly byte[] _trigger;

    /// <summary>Reads the default execution's and the trigger none's canonical values from the canonical form of a one-asset twin (they name no asset).</summary>
    public TwinHashes()
    {
        var anyTwin = CanonicalPolicy.Form(BacktestJob.BuyAndHold(new PolicySpec
        {
            Name = BacktestJob.BuyAndHoldName,
            Universe = ["x"],
            Capital = 1,
            Weights = new FixedWeights([1.0]),
            Costs = CostSpec.Zero(1),
            Trigger = new NoTrigger(),
            Lot = [0.0],
        }));
        _execution = anyTwin.Utf8[anyTwin.Execution].ToArray();
        _trigger = anyTwin.Utf8[anyTwin.Trigger].ToArray();
    }

    /// <summary>The canonical JSON's UTF-8 bytes of the twin of the policy whose canonical form is <paramref name="policy"/>.</summary>
    public byte[] TwinUtf8(CanonicalForm policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var twin = new byte[TwinLength(policy)];
        Splice(policy, twin);
        return twin;
    }

    /// <summary>The hash of the twin of the policy whose canonical form is <paramref name="policy"/>.</summary>
    public PolicyHash HashOf(CanonicalForm policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var length = TwinLength(policy);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Splice(policy, rented);
            return PolicyHash.FromDigest(Sha256Digest.Of(rented.AsSpan(0, length)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private int TwinLength(CanonicalForm policy) =>
        policy.Utf8.Length - Length(policy.Execution) - Length(policy.Trigger) + _execution.Length + _trigger.Length;

    private void Splice(CanonicalForm policy, Span<byte> twin)
    {
        var json = policy.Utf8;
        var (execution, trigger) = (policy.Execution, policy.Trigger);
        if (execution.End.Value > trigger.Start.Value)
        {
            throw new InvalidOperationException("canonical policy JSON without execution before trigger at the top level");
        }

        var at = 0;
        void Append(ReadOnlySpan<byte> part, Span<byte> into)
        {
            part.CopyTo(into[at..]);
            at += part.Length;
        }

        Append(json[..execution.Start.Value], twin);
        Append(_execution, twin);
        Append(json[execution.End.Value..trigger.Start.Value], twin);
        Append(_trigger, twin);
        Append(json[trigger.End.Value..], twin);
    }

    private static int Length(Range range) => range.End.Value - range.Start.Value;
}
