using System.Text.Json;
using Ballast.Statistics;

namespace Ballast.Io.Reports;

/// <summary>
/// <c>multiple_testing.stepm</c> in metrics.json (docs/metrics.md): Romano-Wolf's StepM against the baseline, the
/// policies that beat it at the family-wise level, and the step-down's critical values.
/// </summary>
internal static class StepMJson
{
    /// <summary>Writes the <c>stepm</c> property (<c>beat_baseline</c> null and a <c>reason</c> when the test could not run).</summary>
    public static void Write(Utf8JsonWriter w, BacktestOutcome outcome, BootstrapOptions bootstrap, RunSignificance run)
    {
        w.WritePropertyName("stepm");
        if (run.StepM is not { } stepM)
        {
            w.WriteStartObject();
            w.WriteString("against", outcome.Baseline.Name);
            w.WriteNumber("alpha", RunSignificance.StepMAlpha);
            w.WriteNull("beat_baseline");
            w.WriteString("reason", SignificanceJson.NotComputable(outcome, run));
            w.WriteEndObject();
            return;
        }

        w.WriteStartObject();
        w.WriteString("against", outcome.Baseline.Name);
        w.WriteNumber("alpha", stepM.Alpha);
        w.WriteNumber("models", stepM.Models);
        w.WriteStartArray("beat_baseline");
        foreach (var trial in stepM.Rejected)
        {
            w.WriteStringValue(outcome.Runs[run.TrialIndexes[trial]].Name);
        }

        w.WriteEndArray();
        w.WriteStartArray("critical_values");
        foreach (var c in stepM.CriticalValues)
        {
            w.WriteNumberValue(c);
        }

        w.WriteEndArray();
        w.WriteString("bootstrap", "stationary");
        ResultFiles.Number(w, "block_length", stepM.BlockLength);
        w.WriteNumber("replicates", stepM.Replicates);
        w.WriteNumber("seed", bootstrap.Seed);
        w.WriteEndObject();
    }
}
