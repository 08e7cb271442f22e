using System.Text.Json;
using Ballast.Backtesting;

namespace Ballast.Io.Reports;

/// <summary>
/// The <c>"policies"</c> array of metrics.json without an analysis (every <c>--json</c> run and an unrecorded one):
/// each run's entry (name, hash, canonical policy, metrics, role, sweep parameters, twin and baselines; the same
/// bytes as <see cref="ComparisonJson"/> and <see cref="Utf8JsonWriter"/> write) rendered straight into UTF-8 by
/// <see cref="IndentedJsonText"/>, in chunks of consecutive runs on every core, and written in spec order. Memory
/// stays bounded: one batch of rendered chunks at a time.
/// </summary>
internal static class PolicyEntries
{
    /// <summary>Runs rendered one after the other into one buffer (a task of the parallel loop).</summary>
    private const int Chunk = 64;

    /// <summary>Runs rendered at once (in parallel) before their bytes are written.</summary>
    private const int Batch = 4096;

    /// <summary>The depth of an entry: an element of <c>"policies"</c>, itself a member of the root object.</summary>
    private const int Depth = 2;

    /// <summary>Writes every run's entry into the open <c>"policies"</c> array of <paramref name="w"/>, whose options' line break is <paramref name="newLine"/>.</summary>
    public static void Write(Utf8JsonWriter w, BacktestOutcome outcome, string newLine)
    {
        var count = outcome.Runs.Count;
        var buffers = new IndentedJsonText[(Math.Min(Batch, count) + Chunk - 1) / Chunk];
        for (var first = 0; first < count; first += Batch)
        {
            var end = Math.Min(first + Batch, count);
            var chunks = (end - first + Chunk - 1) / Chunk;
            var start = first;
            if (chunks == 1)
            {
                Render(buffers, 0, outcome, start, end, newLine);
            }
            else
            {
                Parallel.For(0, chunks, c => Render(buffers, c, outcome, start + (c * Chunk), Math.Min(start + ((c + 1) * Chunk), end), newLine));
            }

            // Each chunk is a run of elements ("\n    {…},\n    {…}"); the writer puts the comma between chunks.
            for (var c = 0; c < chunks; c++)
            {
                w.WriteRawValue(buffers[c].Written, skipInputValidation: true);
            }

            w.Flush();
        }
    }

    private static void Render(IndentedJsonText[] buffers, int chunk, BacktestOutcome outcome, int from, int to, string newLine)
    {
        var text = buffers[chunk] ??= new IndentedJsonText(Depth, newLine);
        text.Reset(Depth);
        for (var i = from; i < to; i++)
        {
            Entry(text, outcome, i);
        }
    }

    /// <summary>Run <paramref name="i"/>'s entry, as <c>ResultFiles</c> writes it with an analysis but without its statistics.</summary>
    internal static void Entry(IndentedJsonText text, BacktestOutcome outcome, int i)
    {
        var run = outcome.Runs[i];
        text.StartObject();
        text.String("name", run.Name);
        text.QuotedAscii("hash", run.Hash.ToString());
        text.Boolean("baseline", i == outcome.BaselineIndex);
        text.Name("policy");
        text.RawValue(run.Policy.CanonicalJson);
        Metrics(text, run.Metrics);
        Comparisons(text, outcome, i);
        text.EndObject();
    }

    private static void Metrics(IndentedJsonText text, BacktestMetrics m)
    {
        text.StartObject("metrics");
        foreach (var (name, value) in EntryFields.Metrics)
        {
            Number(text, name, value(m));
        }

        text.EndObject();
    }

    /// <summary>What <see cref="ComparisonJson.WritePolicy"/> writes: role, sweep parameters, twin, baselines.</summary>
    private static void Comparisons(IndentedJsonText text, BacktestOutcome outcome, int index)
    {
        var role = outcome.RoleOf(index);
        text.String("role", role switch { RunRole.Policy => "policy", RunRole.Twin => "twin", _ => "baseline" });
        if (role == RunRole.Policy && outcome.Spec.Sweep is { } sweep)
        {
            text.StartObject("parameters");
            var values = sweep.ValuesOf(index);
            for (var p = 0; p < values.Length; p++)
            {
                text.Name(sweep.Parameters[p].Name);
                if (values[p].Number is { } number && double.IsFinite(number))
                {
                    text.NumberValue(number);
                }
                else
                {
                    text.StringValue(values[p].Label);
                }
            }

            text.EndObject();
        }

        var run = outcome.Runs[index];
        if (outcome.Twins.Count > index && outcome.Twins[index] >= 0)
        {
            var twin = outcome.Runs[outcome.Twins[index]];
            text.StartObject("twin");
            text.String("name", twin.Name);
            text.QuotedAscii("hash", twin.Hash.ToString());
            Number(text, "rebalancing_premium", run.Metrics.RebalancingPremium);
            Comparison(text, PolicyComparison.Compare(run, twin));
            text.EndObject();
        }
        else
        {
            text.Null("twin");
        }

        text.StartArray("baselines");
        foreach (var baseline in outcome.Baselines)
        {
            text.StartObject();
            text.String("name", baseline.Name);
            Comparison(text, PolicyComparison.Compare(run, outcome.Runs[baseline.RunIndex]));
            text.EndObject();
        }

        text.EndArray();
    }

    private static void Comparison(IndentedJsonText text, PolicyComparison comparison)
    {
        foreach (var (name, value) in EntryFields.Comparison)
        {
            Number(text, name, value(comparison));
        }
    }

    /// <summary>As <c>ResultFiles.Number</c>: the number, or null when it is missing or not finite.</summary>
    private static void Number(IndentedJsonText text, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            text.Number(name, v);
        }
        else
        {
            text.Null(name);
        }
    }
}
