using System.Buffers;
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

    /// <summary>
    /// The canonical form of this policy's buy-and-hold twin (the policy with <c>trigger: none</c> and the default
    /// execution; everything else, costs, lots, universe and weights, its own): these bytes with the values of those two
    /// members replaced by the defaults' canonical values, without writing the twin again. Byte for byte what
    /// <see cref="CanonicalPolicy.Form"/> gives for the twin (the name is not part of the canonical form).
    /// </summary>
    public CanonicalForm BuyAndHold()
    {
        var twin = new byte[TwinLength];
        var (execution, trigger) = SpliceTwin(twin);
        return new CanonicalForm(twin, execution, trigger);
    }

    /// <summary>The hash of <see cref="BuyAndHold"/>'s form, spliced and hashed in a pooled buffer (nothing kept).</summary>
    public PolicyHash BuyAndHoldHash()
    {
        var length = TwinLength;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            SpliceTwin(rented);
            return PolicyHash.FromDigest(Hashing.Sha256Digest.Of(rented.AsSpan(0, length)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// True when <paramref name="twin"/> is byte for byte <see cref="BuyAndHold"/>'s form of this policy (compared
    /// part by part, nothing spliced): a twin's form made once for one policy serves every policy with the same twin.
    /// </summary>
    public bool IsBuyAndHold(CanonicalForm twin)
    {
        ArgumentNullException.ThrowIfNull(twin);
        var (execution, trigger) = (Execution, Trigger);
        if (twin._utf8.Length != TwinLength || execution.End.Value > trigger.Start.Value)
        {
            return false;
        }

        var json = _utf8.AsSpan();
        var other = twin._utf8.AsSpan();
        var at = 0;
        bool Next(ReadOnlySpan<byte> part, ReadOnlySpan<byte> into)
        {
            var same = into.Slice(at, part.Length).SequenceEqual(part);
            at += part.Length;
            return same;
        }

        return Next(json[..execution.Start.Value], other) && Next(TwinDefaults.Execution, other) && Next(json[execution.End.Value..trigger.Start.Value], other)
            && Next(TwinDefaults.Trigger, other) && Next(json[trigger.End.Value..], other);
    }

    private int TwinLength =>
        _utf8.Length - Length(Execution) - Length(Trigger) + TwinDefaults.Execution.Length + TwinDefaults.Trigger.Length;

    /// <summary>Writes the twin's bytes into <paramref name="twin"/>; returns where its execution and trigger values lie.</summary>
    private (Range Execution, Range Trigger) SpliceTwin(Span<byte> twin)
    {
        var (execution, trigger) = (Execution, Trigger);
        if (execution.End.Value > trigger.Start.Value)
        {
            throw new InvalidOperationException("canonical policy JSON without execution before trigger at the top level");
        }

        var json = _utf8.AsSpan();
        var at = 0;
        Range Append(ReadOnlySpan<byte> part, Span<byte> into)
        {
            part.CopyTo(into[at..]);
            var start = at;
            at += part.Length;
            return start..at;
        }

        Append(json[..execution.Start.Value], twin);
        var newExecution = Append(TwinDefaults.Execution, twin);
        Append(json[execution.End.Value..trigger.Start.Value], twin);
        var newTrigger = Append(TwinDefaults.Trigger, twin);
        Append(json[trigger.End.Value..], twin);
        return (newExecution, newTrigger);
    }

    private static int Length(Range range) => range.End.Value - range.Start.Value;

    /// <summary>The default execution's and the trigger none's canonical values, read once from the canonical form of a one-asset buy-and-hold policy (they name no asset).</summary>
    private static class TwinDefaults
    {
        private static readonly CanonicalForm Any = CanonicalPolicy.Form(new PolicySpec
        {
            Name = "buy-and-hold",
            Universe = ["x"],
            Capital = 1,
            Weights = new FixedWeights([1.0]),
            Costs = CostSpec.Zero(1),
            Trigger = new NoTrigger(),
            Execution = ExecutionSpec.Default,
            Lot = [0.0],
        });

        public static readonly byte[] Execution = Any.Utf8[Any.Execution].ToArray();

        public static readonly byte[] Trigger = Any.Utf8[Any.Trigger].ToArray();
    }
}
