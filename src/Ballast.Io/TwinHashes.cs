using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Ballast.Policies;

namespace Ballast.Io;

/// <summary>
/// The hashes of buy-and-hold twins, derived from their policies' canonical JSON instead of serialising each twin.
/// A twin (<see cref="BacktestJob.BuyAndHold"/>) differs from its policy only in its trigger (none) and its execution
/// (the default), two top-level members of the canonical form; everything else (costs, lots, universe, weights) is
/// the policy's own. So a twin's canonical JSON is its policy's with those two members' values replaced by the
/// defaults' canonical values, and twins with one canonical form (a sweep over bands has thousands) are hashed once.
/// Safe to call from several threads.
/// </summary>
internal sealed class TwinHashes
{
    private const string ExecutionKey = "execution";
    private const string TriggerKey = "trigger";

    private readonly byte[] _execution;
    private readonly byte[] _trigger;
    private readonly ConcurrentDictionary<string, PolicyHash> _hashes = new(StringComparer.Ordinal);

    /// <summary>Reads the default execution's and the trigger none's canonical values from the canonical form of a one-asset twin (they name no asset).</summary>
    public TwinHashes()
    {
        var anyTwin = BacktestJob.BuyAndHold(new PolicySpec
        {
            Name = BacktestJob.BuyAndHoldName,
            Universe = ["x"],
            Capital = 1,
            Weights = new FixedWeights([1.0]),
            Costs = CostSpec.Zero(1),
            Trigger = new NoTrigger(),
            Lot = [0.0],
        });
        var json = Encoding.UTF8.GetBytes(CanonicalPolicy.Json(anyTwin));
        var (execution, trigger) = Locate(json);
        _execution = json[execution];
        _trigger = json[trigger];
    }

    /// <summary>How many distinct twins have been hashed.</summary>
    public int Distinct => _hashes.Count;

    /// <summary>The canonical JSON of the twin of the policy whose canonical JSON is <paramref name="policyJson"/>.</summary>
    public string TwinJson(string policyJson)
    {
        ArgumentNullException.ThrowIfNull(policyJson);
        var json = Encoding.UTF8.GetBytes(policyJson);
        var (execution, trigger) = Locate(json);
        var twin = new byte[json.Length - (execution.End.Value - execution.Start.Value) - (trigger.End.Value - trigger.Start.Value) + _execution.Length + _trigger.Length];
        var at = 0;
        void Append(ReadOnlySpan<byte> part)
        {
            part.CopyTo(twin.AsSpan(at));
            at += part.Length;
        }

        Append(json.AsSpan(0, execution.Start.Value));
        Append(_execution);
        Append(json.AsSpan(execution.End.Value, trigger.Start.Value - execution.End.Value));
        Append(_trigger);
        Append(json.AsSpan(trigger.End.Value));
        return Encoding.UTF8.GetString(twin);
    }

    /// <summary>The hash of the twin of the policy whose canonical JSON is <paramref name="policyJson"/> (each distinct twin hashed once).</summary>
    public PolicyHash HashOf(string policyJson) => _hashes.GetOrAdd(TwinJson(policyJson), CanonicalPolicy.HashOf);

    /// <summary>Where the values of the top-level members <c>execution</c> and <c>trigger</c> lie in canonical JSON bytes.</summary>
    private static (Range Execution, Range Trigger) Locate(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        Range? execution = null;
        Range? trigger = null;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isExecution = reader.ValueTextEquals(ExecutionKey);
            var isTrigger = reader.ValueTextEquals(TriggerKey);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            var value = new Range(start, (int)reader.BytesConsumed);
            if (isExecution)
            {
                execution = value;
            }
            else if (isTrigger)
            {
                trigger = value;
            }
        }

        return execution is { } e && trigger is { } t && e.End.Value <= t.Start.Value
            ? (e, t)
            : throw new InvalidOperationException("canonical policy JSON without execution before trigger at the top level");
    }
}
