using System.Globalization;
using System.Text.Json;
using Ballast.Policies;
using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Cli.Commands;

/// <summary>
/// One policy's answer in <c>ballast weights</c>: its targets (exact parts per million, and as fractions) with
/// volatilities, and risk contributions both at the weights the scheme solved and at the targets. The two differ by the
/// rounding to parts per million, which on a strongly hedged matrix (a tiny portfolio variance) moves the targets'
/// contributions far from the budgets, even below zero, although the solve met them.
/// </summary>
/// <param name="Name">The policy's name (the scheme, for flags).</param>
/// <param name="Hash">The policy's hash, printed for a spec's policies; null for flags.</param>
/// <param name="Names">The assets, universe order.</param>
/// <param name="Ppm">The targets in parts per million, summing to 1,000,000.</param>
/// <param name="Weights">The targets as fractions, exactly <paramref name="Ppm"/> / 10^6.</param>
/// <param name="RiskContributions">Each asset's share of the portfolio variance at the targets (<paramref name="Weights"/>): what holding them exactly gives.</param>
/// <param name="Volatilities">Each asset's volatility (annualised for data; in the matrix's units for a given covariance).</param>
/// <param name="Solved">The weights before rounding to parts per million: what a risk-based scheme solved; fixed targets as fractions.</param>
/// <param name="SolvedRiskContributions">Each asset's share of the portfolio variance at <paramref name="Solved"/>: what the scheme equalises or budgets.</param>
internal sealed record WeightsResult(string Name, string? Hash, IReadOnlyList<string> Names, int[] Ppm, double[] Weights, double[] RiskContributions, double[] Volatilities, double[] Solved, double[] SolvedRiskContributions);

/// <summary>How <c>ballast weights</c> prints its results: a table per source, or JSON.</summary>
internal static class WeightsOutput
{
    /// <summary>Parts per million as exact fractions.</summary>
    public static double[] Fractions(int[] ppm)
    {
        var fractions = new double[ppm.Length];
        for (var i = 0; i < ppm.Length; i++)
        {
            fractions[i] = ppm[i] / (double)PartsPerMillion.One;
        }

        return fractions;
    }

    /// <summary>What the two risk-contribution columns (or values) are, printed under each table's title.</summary>
    public const string RiskLegend = "risk contributions: 'solved' at the weights the scheme solved, before rounding (what it equalises or budgets); 'targets' at the ppm targets (what holding them exactly gives)";

    /// <summary>
    /// The table of a policy solved from a covariance file: weight, ppm, volatility and the risk contributions at the
    /// solved weights and at the targets per asset, and the portfolio's volatility at the targets.
    /// </summary>
    public static void WriteCovarianceTable(TextWriter output, WeightsResult result, string path, Matrix<double> covariance)
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{result.Name} from {path} ({result.Names.Count.ToString(CultureInfo.InvariantCulture)} assets); weights in exact parts per million\n");
        text.Append(CultureInfo.InvariantCulture, $"{RiskLegend}\n");
        text.Append(CultureInfo.InvariantCulture, $"{"asset",-16} {"weight",10} {"ppm",9} {"vol",8} {"risk solved",12} {"risk targets",12}\n");
        // Numbers formatted by ToString and padding rather than in interpolation holes: the holes' generic formatting
        // over double and int is compiled at run time, which a short call pays for (the same text either way).
        for (var i = 0; i < result.Names.Count; i++)
        {
            text.Append(result.Names[i].PadRight(16)).Append(' ')
                .Append(Number(result.Weights[i], "0.000000", 10)).Append(' ')
                .Append(result.Ppm[i].ToString(CultureInfo.InvariantCulture).PadLeft(9)).Append(' ')
                .Append(Number(result.Volatilities[i] * 100, "0.00", 7)).Append("% ")
                .Append(Number(result.SolvedRiskContributions[i] * 100, "0.00", 11)).Append("% ")
                .Append(Number(result.RiskContributions[i] * 100, "0.00", 11)).Append("%\n");
        }

        var w = Vector<double>.Build.DenseOfArray(result.Weights);
        text.Append(CultureInfo.InvariantCulture, $"portfolio volatility {(Math.Sqrt(w * covariance * w) * 100).ToString("0.00", CultureInfo.InvariantCulture)}% at the targets (in the units of the matrix)");
        output.WriteLine(text.ToString());
    }

    /// <summary><paramref name="value"/> in <paramref name="format"/>, right-aligned to <paramref name="width"/> (as <c>{value,width:format}</c>).</summary>
    private static string Number(double value, string format, int width) => value.ToString(format, CultureInfo.InvariantCulture).PadLeft(width);

    /// <summary>
    /// The tables of policies on a row of data: per policy, its name (and hash), then weight, volatility and the risk
    /// contributions at the solved weights and at the targets per asset.
    /// </summary>
    public static void WriteRowTable(TextWriter output, string setName, string date, IEnumerable<WeightsResult> results)
    {
        output.WriteLine($"{setName}: the weights each policy would set on {date}, with annualised volatilities and risk contributions from its covariance estimate");
        output.WriteLine(RiskLegend);
        foreach (var r in results)
        {
            output.WriteLine(r.Hash is null ? r.Name : $"{r.Name}  sha256:{r.Hash[..12]}");
            for (var i = 0; i < r.Names.Count; i++)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.Names[i],-16} {r.Weights[i],10:0.000000} vol {r.Volatilities[i] * 100,7:0.000}% risk solved {r.SolvedRiskContributions[i] * 100,7:0.00}% targets {r.RiskContributions[i] * 100,7:0.00}%"));
            }
        }
    }

    /// <summary>
    /// <c>{"results":[{"name","hash"?,"weights","risk_contributions","volatilities","solved_weights","solved_risk_contributions"}]}</c>,
    /// indented: <c>weights</c> are the targets and <c>risk_contributions</c> theirs; <c>solved_weights</c> the weights
    /// before rounding to parts per million and <c>solved_risk_contributions</c> theirs.
    /// </summary>
    public static string Json(IEnumerable<WeightsResult> results)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var r in results)
            {
                w.WriteStartObject();
                w.WriteString("name", r.Name);
                if (r.Hash is not null)
                {
                    w.WriteString("hash", r.Hash);
                }

                Map(w, "weights", r.Names, r.Weights);
                Map(w, "risk_contributions", r.Names, r.RiskContributions);
                Map(w, "volatilities", r.Names, r.Volatilities);
                Map(w, "solved_weights", r.Names, r.Solved);
                Map(w, "solved_risk_contributions", r.Names, r.SolvedRiskContributions);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Map(Utf8JsonWriter w, string key, IReadOnlyList<string> names, double[] values)
    {
        w.WriteStartObject(key);
        for (var i = 0; i < names.Count; i++)
        {
            w.WriteNumber(names[i], values[i]);
        }

        w.WriteEndObject();
    }
}
