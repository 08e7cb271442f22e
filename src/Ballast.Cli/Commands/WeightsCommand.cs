using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ballast.Data;
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
        var spec = new Argument<string?>("spec") { Description = "A policy spec: print the weights each of its policies would set on --at, from --data.", Arity = ArgumentArity.ZeroOrOne };
        var data = new Option<string?>("--data") { Description = "Data file for a spec (as for backtest)." };
        var at = Options.Date("--at", "The decision date for a spec: the last row on or before it (YYYY-MM-DD, or YYYY-MM for its last day).");
        var returns = Options.Returns();
        var fill = Options.Fill();
        var covariance = new Option<string?>("--covariance") { Description = "Covariance matrix as CSV: a header row of asset names; rows may carry their name in the first column (as pandas writes them)." };
        var scheme = new Option<string?>("--scheme") { Description = "With --covariance: inverse-vol, risk-parity (equal risk contribution), risk-budget (with --budgets) or min-variance (long-only, with --bounds)." };
        var budgets = new Option<string?>("--budgets") { Description = "Risk budgets for risk-budget, e.g. SPY=0.3,AGG=0.7 (summing to 1)." };
        var bounds = new Option<string?>("--bounds") { Description = "Per-asset weight bounds LO:HI for every asset, e.g. 0.05:0.5: for min-variance (default 0:1), and on risk-parity or risk-budget the bounded scheme, as bounds in a spec." };
        var json = new Option<bool>("--json") { Description = "Print {\"results\":[{\"name\",\"weights\",\"risk_contributions\",\"volatilities\"}]}." };
        var command = new Command("weights", "The weights a spec's policies would set on a date (SPEC --data FILE --at DATE), or a risk-based scheme's weights from a covariance matrix (--covariance FILE --scheme ...), with volatilities and risk contributions.")
        {
            spec, data, at, returns, fill, covariance, scheme, budgets, bounds, json,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(spec) is { } specPath)
            {
                if (parse.GetValue(covariance) is not null || parse.GetValue(scheme) is not null)
                {
                    throw new BallastInputException("give either SPEC --data FILE --at DATE, or --covariance FILE --scheme ..., not both");
                }

                if (parse.GetValue(data) is not { } dataPath || parse.GetValue(at) is not { } date)
                {
                    throw new BallastInputException("weights SPEC needs --data FILE and --at DATE");
                }

                return FromSpec(io, specPath, dataPath, date, Options.ToValueKind(parse.GetValue(returns)), Options.ToFillMode(parse.GetValue(fill)), parse.GetValue(json));
            }

            if (parse.GetValue(covariance) is not { } path || parse.GetValue(scheme) is not { } schemeText)
            {
                throw new BallastInputException("give SPEC --data FILE --at DATE, or --covariance FILE --scheme " + string.Join('|', Schemes));
            }

            if (!Schemes.Contains(schemeText))
            {
                throw new BallastInputException($"--scheme: expected one of {string.Join(", ", Schemes)}, got '{schemeText}'");
            }

            var (names, matrix) = CovarianceCsv.ReadFile(path);
            var schemeName = schemeText;
            var policy = new RebalancePolicy(FlagsPolicy(schemeName, names, parse.GetValue(budgets), parse.GetValue(bounds)));
            var ppm = PolicyTargets(policy, new TargetInputs.GivenCovariance(matrix));
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

    /// <summary>
    /// The policy the flags describe, as a spec would publish it: <c>--scheme</c>, <c>--budgets</c> and
    /// <c>--bounds</c> become the spec's <c>weights</c> options (so <c>--bounds</c> on risk-parity or risk-budget is
    /// the bounded scheme, as in a spec), on the matrix's assets.
    /// </summary>
    private static PolicySpec FlagsPolicy(string scheme, IReadOnlyList<string> names, string? budgets, string? bounds)
    {
        var n = names.Count;
        var riskScheme = (RiskScheme)RiskWeights.SchemeNames.ToList().IndexOf(scheme);
        if (riskScheme != RiskScheme.MinimumVariance && bounds is not null && riskScheme is not (RiskScheme.RiskParity or RiskScheme.RiskBudget))
        {
            throw new BallastInputException($"--bounds applies to risk-parity, risk-budget and min-variance, not {scheme}");
        }

        var (lo, hi) = ParseBounds(bounds);
        if (lo * n > 1 + 1e-12)
        {
            throw new BallastInputException($"--bounds: lower bounds sum to {(lo * n).ToString("R", CultureInfo.InvariantCulture)} > 1: no portfolio can meet them (weights sum to 1)");
        }

        if (hi * n < 1 - 1e-12)
        {
            throw new BallastInputException($"--bounds: upper bounds sum to {(hi * n).ToString("R", CultureInfo.InvariantCulture)} < 1: no portfolio can meet them (weights sum to 1)");
        }

        var weights = new RiskWeights(
            riskScheme,
            CovarianceSpec.Default,
            riskScheme == RiskScheme.RiskBudget ? [.. ParseBudgets(budgets, names)] : [],
            bounds is null && riskScheme != RiskScheme.MinimumVariance ? [] : [.. Enumerable.Repeat(lo, n)],
            bounds is null && riskScheme != RiskScheme.MinimumVariance ? [] : [.. Enumerable.Repeat(hi, n)]);
        return new PolicySpec
        {
            Name = scheme,
            Universe = [.. names],
            Capital = 1,
            Weights = weights,
            Costs = CostSpec.Zero(n),
            Trigger = new NoTrigger(),
            Lot = [.. new double[n]],
        };
    }

    /// <summary>What a policy's targets are computed from: a row of a price table, or a covariance matrix given as is.</summary>
    private abstract record TargetInputs
    {
        public sealed record Row(PriceTable Prices, int Index) : TargetInputs;

        public sealed record GivenCovariance(Matrix<double> Covariance) : TargetInputs;
    }

    /// <summary>
    /// The one place <c>weights</c> asks a policy for its targets, in exact parts per million. On a row of prices it is
    /// the shared policy step's proposal (<see cref="PolicyStep.TargetsOnRow"/>) with nothing held: the targets a vault
    /// or a backtest sets on that row. A covariance given as is has no entry in <see cref="RebalancePolicy"/> yet (ComputeTargets estimates
    /// its own): the policy's schemes that need nothing but a covariance (inverse volatility, risk parity and risk
    /// budgets, bounded or not, minimum variance with bounds) are solved here exactly as ComputeTargets solves them, a
    /// copy that WeightsPolicyEquivalenceTests holds to the policy's answer; it goes when the policy takes a covariance.
    /// </summary>
    private static int[] PolicyTargets(RebalancePolicy policy, TargetInputs inputs)
    {
        if (inputs is TargetInputs.Row row)
        {
            // The policy step's own proposal on that row from nothing held: what a vault or a backtest would set.
            return PolicyStep.TargetsOnRow(policy, row.Prices, row.Index, new double[policy.AssetCount], row.Prices.InferPeriodsPerYear());
        }

        var ppm = new int[policy.AssetCount];

        var covariance = ((TargetInputs.GivenCovariance)inputs).Covariance;
        var risk = (RiskWeights)policy.Spec.Weights;
        var n = policy.AssetCount;
        var names = policy.Names;
        double[] Bound(System.Collections.Immutable.ImmutableArray<double> values, double fallback) => values.IsDefaultOrEmpty ? [.. Enumerable.Repeat(fallback, n)] : [.. values];
        double[] weights;
        try
        {
            weights = risk.Scheme switch
            {
                RiskScheme.InverseVolatility => RiskBudgeting.InverseVolatility(covariance),
                RiskScheme.RiskParity when risk.HasBounds => BoundedRiskBudgeting.Solve(covariance, Enumerable.Repeat(1.0 / n, n).ToArray(), Bound(risk.Lower, 0), Bound(risk.Upper, 1), names),
                RiskScheme.RiskBudget when risk.HasBounds => BoundedRiskBudgeting.Solve(covariance, risk.Budgets, Bound(risk.Lower, 0), Bound(risk.Upper, 1), names),
                RiskScheme.RiskParity => RiskBudgeting.Solve(covariance, Enumerable.Repeat(1.0 / n, n).ToArray()),
                RiskScheme.RiskBudget => RiskBudgeting.Solve(covariance, risk.Budgets),
                RiskScheme.MinimumVariance => MinimumVariance.Solve(covariance, new PortfolioConstraints { Lower = risk.Lower, Upper = risk.Upper }, names),
                _ => throw new BallastInputException($"{policy.Spec.Name} needs expected returns, which a covariance file does not give; use a spec with --data and --at"),
            };
        }
        catch (InfeasibleConstraintsException e)
        {
            throw new BallastInputException($"--bounds: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new BallastInputException($"{policy.Spec.Name} cannot be solved for this matrix: {e.Message} (a singular matrix, e.g. two identical assets, or extreme budgets)", e);
        }

        PartsPerMillion.Round(weights, ppm, PartsPerMillion.OrdinalRanks(names));
        return ppm;
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
            var index = pieces.Length == 2 ? NameMatching.IndexOf(names, pieces[0]) : -1;
            if (index < 0)
            {
                throw new BallastInputException($"--budgets: '{part}' is not ASSET=budget for an asset of the matrix ({string.Join(", ", names)})");
            }

            if (!double.TryParse(pieces[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0) || !double.IsFinite(value))
            {
                throw new BallastInputException($"--budgets: the budget of {pieces[0]} must be a number > 0, got '{pieces[1]}'");
            }

            if (given[index])
            {
                throw new BallastInputException($"--budgets: {pieces[0]} is given twice");
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

    private static string Json(string scheme, IReadOnlyList<string> names, double[] weights, double[] rc, double[] vol) =>
        Json([new Result(scheme, null, names, weights, rc, vol)]);

    private sealed record Result(string Name, string? Hash, IReadOnlyList<string> Names, double[] Weights, double[] RiskContributions, double[] Volatilities);

    private static string Json(IEnumerable<Result> results)
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

    /// <summary>
    /// The targets each policy of a spec would set on the last row on or before <paramref name="date"/>, with the
    /// volatilities (annualised) and risk contributions of the policy's covariance estimate (the spec's covariance
    /// block, or the default for fixed weights) on that row.
    /// </summary>
    private static int FromSpec(CliIo io, string specPath, string dataPath, DateOnly date, Ballast.Data.ValueKind kind, Ballast.Data.FillMode fill, bool json)
    {
        var set = Ballast.Io.Specs.SpecLoader.LoadFile(specPath);
        var market = Ballast.Io.MarketDataFile.Read(dataPath, kind);
        var history = BacktestJob.HistoryRows(set);
        var earliest = Ballast.Data.PriceWindow.Build(market, set.AllSeries(), null, null, fill, name => set.UniverseLocations.TryGetValue(name, out var l) ? l : null, history, minRows: 1).Dates[0];
        if (date < earliest)
        {
            throw new BallastInputException($"--at {market.FormatDate(date)} is before the first date with enough history for the spec's lookback ({market.FormatDate(earliest)}); use --at {market.FormatDate(earliest)} or later");
        }

        var table = Ballast.Data.PriceWindow.Build(market, set.AllSeries(), null, date, fill, name => set.UniverseLocations.TryGetValue(name, out var l) ? l : null, history, minRows: 1);
        var row = table.RowCount - 1;
        var annualise = Math.Sqrt(set.PeriodsPerYear ?? table.InferPeriodsPerYear());
        var results = new List<Result>();
        foreach (var spec in set.Policies)
        {
            var policy = new RebalancePolicy(spec);
            var sub = table.SelectFor(policy.Names, [.. spec.ReferenceSeries]);
            var ppm = PolicyTargets(policy, new TargetInputs.Row(sub, row));
            var weights = ppm.Select(p => p / (double)PartsPerMillion.One).ToArray();
            // Fixed weights have no estimate of their own: a sample covariance of up to 252 returns, as many as there are.
            var estimate = spec.Weights is RiskWeights r ? r.Covariance : CovarianceSpec.Default with { Lookback = Math.Min(CovarianceSpec.Default.Lookback, sub.RowsUpTo(row) - 1) };
            if (estimate.Lookback < 2)
            {
                throw new BallastInputException($"--at {table.FormatDate(date)}: there are not enough returns up to that date to estimate volatilities");
            }

            var cov = RebalancePolicy.Estimate(estimate, sub, row);
            results.Add(new Result(spec.Name, policy.Hash.ToString(), policy.Names, weights, RiskBudgeting.RiskContributions(cov, weights), [.. CovarianceEstimators.Volatilities(cov).Select(v => v * annualise)]));
        }

        if (json)
        {
            io.Out.WriteLine(Json(results));
            return Program.Ok;
        }

        io.Out.WriteLine($"{set.Name}: the weights each policy would set on {table.FormatDate(table.Dates[row])}, with annualised volatilities and risk contributions from its covariance estimate");
        foreach (var r in results)
        {
            io.Out.WriteLine($"{r.Name}  sha256:{r.Hash![..12]}");
            for (var i = 0; i < r.Names.Count; i++)
            {
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.Names[i],-16} {r.Weights[i],10:0.000000} vol {r.Volatilities[i] * 100,7:0.000}% risk {r.RiskContributions[i] * 100,7:0.00}%"));
            }
        }

        return Program.Ok;
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
