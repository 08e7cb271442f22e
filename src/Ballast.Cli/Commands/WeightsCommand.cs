using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ballast.Io;
using Ballast.Optimisation;
using Ballast.Policies;
using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Cli.Commands;

/// <summary>
/// <c>ballast weights --covariance FILE --scheme ...</c>: the weights a risk-based scheme sets from a covariance
/// matrix the user estimated, with volatilities and risk contributions.
/// </summary>
internal static class WeightsCommand
{
    private static readonly string[] Schemes = ["inverse-vol", "risk-parity", "risk-budget", "min-variance"];

    public static Command Create(CliIo io)
    {
        var covariance = new Option<string>("--covariance") { Description = "Covariance matrix as CSV: a header row of asset names; rows may carry their name in the first column (as pandas writes them).", Required = true };
        var scheme = new Option<string>("--scheme") { Description = "inverse-vol, risk-parity (equal risk contribution), risk-budget (with --budgets) or min-variance (long-only, with --bounds).", Required = true };
        scheme.AcceptOnlyFromAmong(Schemes);
        var budgets = new Option<string?>("--budgets") { Description = "Risk budgets for risk-budget, e.g. SPY=0.3,AGG=0.7 (summing to 1)." };
        var bounds = new Option<string?>("--bounds") { Description = "Per-asset weight bounds for min-variance, LO:HI for every asset, e.g. 0.05:0.5 (default 0:1)." };
        var json = new Option<bool>("--json") { Description = "Print {\"results\":[{\"name\",\"weights\",\"risk_contributions\",\"volatilities\"}]}." };
        var command = new Command("weights", "Weights of a risk-based scheme from a covariance matrix, with volatilities and risk contributions.") { covariance, scheme, budgets, bounds, json };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(covariance)!;
            var (names, matrix) = CovarianceCsv.ReadFile(path);
            var schemeName = parse.GetValue(scheme)!;
            var weights = Solve(schemeName, names, matrix, parse.GetValue(budgets), parse.GetValue(bounds));
            var ppm = PartsPerMillion.Round(weights, PartsPerMillion.OrdinalRanks(names));
            var exact = ppm.Select(p => p / (double)PartsPerMillion.One).ToArray();
            var rc = RiskBudgeting.RiskContributions(matrix, exact);
            var vol = CovarianceEstimators.Volatilities(matrix);
            if (parse.GetValue(json))
            {
                io.Out.WriteLine(Json(schemeName, names, exact, rc, vol));
            }
            else
            {
                io.Out.WriteLine($"{schemeName} from {path} ({names.Count} assets); weights in exact parts per million");
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"asset",-16} {"weight",10} {"ppm",9} {"vol",8} {"risk contr.",12}"));
                for (var i = 0; i < names.Count; i++)
                {
                    io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{names[i],-16} {exact[i],10:0.000000} {ppm[i],9} {vol[i] * 100,7:0.00}% {rc[i] * 100,11:0.00}%"));
                }

                var portfolioVol = Math.Sqrt(Vector<double>.Build.DenseOfArray(exact) * matrix * Vector<double>.Build.DenseOfArray(exact));
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"portfolio volatility {portfolioVol * 100:0.00}% (in the units of the matrix)"));
            }

            return Program.Ok;
        });
        return command;
    }

    private static double[] Solve(string scheme, IReadOnlyList<string> names, Matrix<double> covariance, string? budgets, string? bounds)
    {
        var n = names.Count;
        switch (scheme)
        {
            case "inverse-vol":
                return RiskBudgeting.InverseVolatility(covariance);
            case "risk-parity":
                return RiskBudgeting.Solve(covariance, Enumerable.Repeat(1.0 / n, n).ToArray());
            case "risk-budget":
                return RiskBudgeting.Solve(covariance, ParseBudgets(budgets, names));
            default:
                var (lo, hi) = ParseBounds(bounds);
                try
                {
                    return MinimumVariance.Solve(covariance, Enumerable.Repeat(lo, n).ToArray(), Enumerable.Repeat(hi, n).ToArray(), names);
                }
                catch (InfeasibleConstraintsException e)
                {
                    throw new BallastInputException(new InputLocation("--bounds", Field: "--bounds"), e.Message);
                }
        }
    }

    private static double[] ParseBudgets(string? text, IReadOnlyList<string> names)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new BallastInputException("--scheme risk-budget needs --budgets, e.g. --budgets " + string.Join(',', names.Select(n => $"{n}={1.0 / names.Count:0.##}")));
        }

        var budgets = new double[names.Count];
        var given = new bool[names.Count];
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split('=', 2, StringSplitOptions.TrimEntries);
            var index = pieces.Length == 2 ? Text.IndexOf(names, pieces[0]) : -1;
            if (index < 0)
            {
                throw new BallastInputException($"--budgets: '{part}' is not ASSET=budget for an asset of the matrix ({string.Join(", ", names)})");
            }

            if (!double.TryParse(pieces[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0) || !double.IsFinite(value))
            {
                throw new BallastInputException($"--budgets: the budget of {pieces[0]} must be a number > 0, got '{pieces[1]}'");
            }

            budgets[index] = value;
            given[index] = true;
        }

        var missing = names.Where((_, i) => !given[i]).ToList();
        if (missing.Count > 0)
        {
            throw new BallastInputException($"--budgets: no budget for {string.Join(", ", missing)}; every asset needs one");
        }

        if (Math.Abs(budgets.Sum() - 1) > 1e-9)
        {
            throw new BallastInputException($"--budgets must sum to 1, they sum to {budgets.Sum().ToString("R", CultureInfo.InvariantCulture)}");
        }

        return budgets;
    }

    private static (double Lo, double Hi) ParseBounds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (0, 1);
        }

        var parts = text.Split(':');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lo)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var hi)
            && lo >= 0 && hi <= 1 && lo <= hi)
        {
            return (lo, hi);
        }

        throw new BallastInputException($"--bounds: expected LO:HI with 0 <= LO <= HI <= 1, e.g. 0.05:0.5, got '{text}'");
    }

    private static string Json(string scheme, IReadOnlyList<string> names, double[] weights, double[] rc, double[] vol)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            w.WriteStartObject();
            w.WriteString("name", scheme);
            Map(w, "weights", names, weights);
            Map(w, "risk_contributions", names, rc);
            Map(w, "volatilities", names, vol);
            w.WriteEndObject();
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
