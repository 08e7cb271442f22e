using System.Text.Json;
using Ballast.Backtesting;

namespace Ballast.Io.Reports;

/// <summary>
/// The sweep and comparison parts of metrics.json: the sweep's parameter table and named baselines at the top level,
/// and for each run its role, its sweep parameter values, its buy-and-hold twin with the premium against it, and its
/// comparison with each named baseline (all through <see cref="PolicyComparison.Compare"/>).
/// </summary>
public static class ComparisonJson
{
    /// <summary>Writes <c>"sweep": {"policies", "parameters": [{"name","path","values"}]}</c> (null without a sweep) and <c>"baselines": [{"name","run"}]</c>.</summary>
    public static void WriteSet(Utf8JsonWriter w, BacktestOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Spec.Sweep is { } sweep)
        {
            w.WriteStartObject("sweep");
            w.WriteNumber("policies", sweep.PolicyCount);
            w.WriteStartArray("parameters");
            foreach (var parameter in sweep.Parameters)
            {
                w.WriteStartObject();
                w.WriteString("name", parameter.Name);
                w.WriteString("path", parameter.Path);
                w.WriteStartArray("values");
                foreach (var value in parameter.Values)
                {
                    WriteValue(w, value);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("sweep");
        }

        w.WriteStartArray("baselines");
        foreach (var baseline in outcome.Baselines)
        {
            w.WriteStartObject();
            w.WriteString("name", baseline.Name);
            w.WriteString("run", outcome.Runs[baseline.RunIndex].Name);
            w.WriteString("hash", outcome.Runs[baseline.RunIndex].Hash.ToString());
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>Writes run <paramref name="index"/>'s <c>"role"</c>, <c>"parameters"</c> (sweep policies), <c>"twin"</c> and <c>"baselines"</c> (<see cref="PolicyEntryJson.Comparisons{T}"/>).</summary>
    public static void WritePolicy(Utf8JsonWriter w, BacktestOutcome outcome, int index)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(outcome);
        PolicyEntryJson.Comparisons(new WriterEntryJson(w), outcome, index);
    }

    /// <summary>The fields of one comparison (policy minus comparator), inside an open object.</summary>
    public static void WriteComparison(Utf8JsonWriter w, PolicyComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(comparison);
        PolicyEntryJson.Comparison(new WriterEntryJson(w), comparison);
    }

    private static void WriteValue(Utf8JsonWriter w, Policies.SweepValue value) => PolicyEntryJson.Value(new WriterEntryJson(w), value);
}
