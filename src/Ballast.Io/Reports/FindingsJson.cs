using System.Text.Json;

namespace Ballast.Io.Reports;

/// <summary>
/// <c>findings</c> in metrics.json (docs/metrics.md): the report's Findings as data, one object per finding with
/// <c>topic</c>, <c>claim</c>, <c>evidence</c>, <c>test</c>, <c>p_value</c>, <c>verdict</c> and <c>policies</c>.
/// </summary>
public static class FindingsJson
{
    /// <summary>Writes the <c>findings</c> property when the run has Findings (significance computed); otherwise nothing.</summary>
    public static void Write(Utf8JsonWriter w, BacktestOutcome outcome, BacktestAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (FindingsInput.From(outcome, analysis) is not { } input)
        {
            return;
        }

        w.WriteStartArray("findings");
        foreach (var finding in FindingsText.Write(input))
        {
            w.WriteStartObject();
            w.WriteString("topic", finding.Topic);
            w.WriteString("claim", finding.Claim);
            w.WriteString("evidence", finding.Evidence);
            if (finding.Test is { } test)
            {
                w.WriteString("test", test);
            }
            else
            {
                w.WriteNull("test");
            }

            if (finding.PValue is { } p && double.IsFinite(p))
            {
                w.WriteNumber("p_value", p);
            }
            else
            {
                w.WriteNull("p_value");
                w.WriteString("p_value_reason", finding.Verdict switch
                {
                    FindingVerdict.Information => "no test: a statement about the run",
                    FindingVerdict.NotComputable => "not computable: see evidence",
                    _ => "the test gives a verdict, not a p-value",
                });
            }

            w.WriteString("verdict", finding.VerdictName);
            w.WriteStartArray("policies");
            foreach (var name in finding.Policies)
            {
                w.WriteStringValue(name);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
