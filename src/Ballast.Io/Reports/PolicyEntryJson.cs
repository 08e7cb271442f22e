using System.Text.Json;
using Ballast.Backtesting;

namespace Ballast.Io.Reports;

/// <summary>
/// The one writer of a run's entry in metrics.json's <c>"policies"</c>: name, hash, whether it is the baseline, the
/// canonical policy, the metrics, then the comparisons (role, sweep parameters, twin, named baselines). The same
/// calls serve the <see cref="Utf8JsonWriter"/> of <see cref="ResultFiles"/> and <see cref="ComparisonJson"/> and the
/// direct rendering of <see cref="PolicyEntries"/>, through an <see cref="IEntryJson"/> struct.
/// </summary>
internal static class PolicyEntryJson
{
    private static readonly JsonEncodedText NameKey = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText HashKey = JsonEncodedText.Encode("hash");
    private static readonly JsonEncodedText BaselineKey = JsonEncodedText.Encode("baseline");
    private static readonly JsonEncodedText PolicyKey = JsonEncodedText.Encode("policy");
    private static readonly JsonEncodedText MetricsKey = JsonEncodedText.Encode("metrics");
    private static readonly JsonEncodedText RoleKey = JsonEncodedText.Encode("role");
    private static readonly JsonEncodedText ParametersKey = JsonEncodedText.Encode("parameters");
    private static readonly JsonEncodedText TwinKey = JsonEncodedText.Encode("twin");
    private static readonly JsonEncodedText PremiumKey = JsonEncodedText.Encode("rebalancing_premium");
    private static readonly JsonEncodedText BaselinesKey = JsonEncodedText.Encode("baselines");

    /// <summary>Run <paramref name="index"/>'s entry up to its comparisons, inside the entry's open object (a caller with an analysis adds its statistics after it).</summary>
    public static void Fields<T>(T json, BacktestOutcome outcome, int index)
        where T : struct, IEntryJson
    {
        var run = outcome.Runs[index];
        json.String(NameKey, run.Name);
        json.Hash(HashKey, run.Hash);
        json.Boolean(BaselineKey, index == outcome.BaselineIndex);
        json.RawValue(PolicyKey, run.Policy.Canonical.Utf8);
        json.StartObject(MetricsKey);
        var m = run.Metrics;
        foreach (var (name, value) in EntryFields.Metrics)
        {
            json.Number(name, value(m));
        }

        json.EndObject();
        Comparisons(json, outcome, index);
    }

    /// <summary>Run <paramref name="index"/>'s <c>"role"</c>, <c>"parameters"</c> (sweep policies), <c>"twin"</c> and <c>"baselines"</c>.</summary>
    public static void Comparisons<T>(T json, BacktestOutcome outcome, int index)
        where T : struct, IEntryJson
    {
        var role = outcome.RoleOf(index);
        json.String(RoleKey, role switch { RunRole.Policy => "policy", RunRole.Twin => "twin", _ => "baseline" });
        if (role == RunRole.Policy && outcome.Spec.Sweep is { } sweep)
        {
            json.StartObject(ParametersKey);
            var values = sweep.ValuesOf(index);
            for (var p = 0; p < values.Length; p++)
            {
                json.PropertyName(sweep.Parameters[p].Name);
                Value(json, values[p]);
            }

            json.EndObject();
        }

        var run = outcome.Runs[index];
        if (outcome.Twins.Count > index && outcome.Twins[index] >= 0)
        {
            var twin = outcome.Runs[outcome.Twins[index]];
            json.StartObject(TwinKey);
            json.String(NameKey, twin.Name);
            json.Hash(HashKey, twin.Hash);
            json.Number(PremiumKey, run.Metrics.RebalancingPremium);
            Comparison(json, PolicyComparison.Compare(run, twin));
            json.EndObject();
        }
        else
        {
            json.Null(TwinKey);
        }

        json.StartArray(BaselinesKey);
        foreach (var baseline in outcome.Baselines)
        {
            json.StartObject();
            json.String(NameKey, baseline.Name);
            Comparison(json, PolicyComparison.Compare(run, outcome.Runs[baseline.RunIndex]));
            json.EndObject();
        }

        json.EndArray();
    }

    /// <summary>The fields of one comparison (policy minus comparator), inside an open object.</summary>
    public static void Comparison<T>(T json, PolicyComparison comparison)
        where T : struct, IEntryJson
    {
        foreach (var (name, value) in EntryFields.Comparison)
        {
            json.Number(name, value(comparison));
        }
    }

    /// <summary>A sweep parameter's value: its number when it is a finite one, otherwise its label.</summary>
    public static void Value<T>(T json, Policies.SweepValue value)
        where T : struct, IEntryJson
    {
        if (value.Number is { } number && double.IsFinite(number))
        {
            json.NumberValue(number);
        }
        else
        {
            json.StringValue(value.Label);
        }
    }
}
