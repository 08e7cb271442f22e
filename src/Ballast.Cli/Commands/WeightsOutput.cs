using System.Globalization;
using System.Text.Json;
using Ballast.Policies;
using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Cli.Commands;

/// <summary>One policy's answer in <c>ballast weights</c>: its targets (exact parts per million, and as fractions) with volatilities and risk contributions.</summary>
/// <param name="Name">The policy's name (the scheme, for flags).</param>
/// <param name="Hash">The policy's hash, printed for a spec's policies; null for flags.</param>
/// <param name="Names">The assets, universe order.</param>
/// <param name="Ppm">The targets in parts per million, summing to 1,000,000.</param>
/// <param name="Weights">The targets as fractions, exactly <paramref name="Ppm"/> / 10^6.</param>
/// <param name="RiskContributions">Each asset's share of the portfolio variance at those weights.</param>
/// <param name="Volatilities">Each asset's volatility (annualised for data; in the matrix's units for a given covariance).</param>
internal sealed record WeightsResult(string Name, string? Hash, IReadOnlyList<string> Names, int[] Ppm, double[] Weights, double[] RiskContributions, double[] Volatilities);

/// <summary>How <c>ballast weights</c> prints its results: a table per source, or JSON.</summary>
internal static class WeightsOutput
{
    /// <summary>Parts per million as exact fractions.</summary>
    public static double[] Fractions(int[] ppm) => [.. ppm.Select(p => p / (double)PartsPerMillion.One)];

    /// <summary>The table of a policy solved from a covariance file: weight, ppm, volatility and risk contribution per asset, and the portfolio's volatility.</summary>
    public static void WriteCovarianceTable(TextWriter output, WeightsResult result, string path, Matrix<double> covariance)
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{result.Name} from {path} ({result.Names.Count} assets); weights in exact parts per million\n");
        text.Append(CultureInfo.InvariantCulture, $"{"asset",-16} {"weight",10} {"ppm",9} {"vol",8} {"risk contr.",12}\n");
        for (var i = 0; i < result.Names.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{result.Names[i],-16} {result.Weights[i],10:0.000000} {result.Ppm[i],9} {result.Volatilities[i] * 100,7:0.00}% {result.RiskContributions[i] * 100,11:0.00}%\n");
        }

        var w = Vector<double>.Build.DenseOfArray(result.Weights);
        text.Append(CultureInfo.InvariantCulture, $"portfolio volatility {Math.Sqrt(w * covariance * w) * 100:0.00}% (in the units of the matrix)");
        output.WriteLine(text.ToString());
    }

    /// <summary>The tables of policies on a row of data: per policy, its name (and hash), then weight, volatility and risk contribution per asset.</summary>
    public static void WriteRowTable(TextWriter output, string setName, string date, IEnumerable<WeightsResult> results)
    {
        output.WriteLine($"{setName}: the weights each policy would set on {date}, with annualised volatilities and risk contributions from its covariance estimate");
        foreach (var r in results)
        {
            output.WriteLine(r.Hash is null ? r.Name : $"{r.Name}  sha256:{r.Hash[..12]}");
            for (var i = 0; i < r.Names.Count; i++)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.Names[i],-16} {r.Weights[i],10:0.000000} vol {r.Volatilities[i] * 100,7:0.000}% risk {r.RiskContributions[i] * 100,7:0.00}%"));
            }
        }
    }

    /// <summary><c>{"results":[{"name","hash"?,"weights","risk_contributions","volatilities"}]}</c>, indented.</summary>
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
