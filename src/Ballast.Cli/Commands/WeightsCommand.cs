using System.Collections.Immutable;
using System.CommandLine;
using Ballast.Data;
using Ballast.Io;
using Ballast.Io.Specs;
using Ballast.Optimisation;
using Ballast.Policies;

namespace Ballast.Cli.Commands;

/// <summary>
/// <c>ballast weights</c>: the targets a policy sets, in exact parts per million, always through the shared policy step
/// (<see cref="PolicyStep"/>): each policy of a spec on a row of data (<c>SPEC --data FILE --at DATE</c>), or a policy
/// described by flags, each setting one key of a spec's <c>weights</c> block, solved from a covariance matrix given
/// as is (<c>--covariance FILE</c>) or estimated from data (<c>--data FILE --at DATE</c>).
/// </summary>
internal static class WeightsCommand
{
    /// <summary>The flags that set a key of the spec's weights block, bound by the spec's own binder (<see cref="WeightsFlags"/>).</summary>
    private static readonly (string Flag, string Key, string Description)[] WeightFlags =
    [
        ("--scheme", "scheme", "The spec's weights.scheme: inverse-vol, risk-parity, risk-budget, min-variance, mean-variance (or fixed, equal)."),
        ("--targets", "targets", "weights.targets of scheme fixed, e.g. SPY=0.6,AGG=0.4."),
        ("--budgets", "budgets", "weights.budgets of risk-budget, e.g. SPY=0.3,AGG=0.7 (summing to 1)."),
        ("--bounds", "bounds", "weights.bounds: LO:HI for every asset (e.g. 0.05:0.5), ASSET=LO:HI,... or YAML; on risk-parity or risk-budget the bounded scheme."),
        ("--risk-aversion", "risk_aversion", "weights.risk_aversion of mean-variance (λ > 0)."),
        ("--groups", "groups", "weights.groups as in a spec, e.g. '{equity: {assets: [SPY, EFA], max: 0.6}}' (min-variance, mean-variance)."),
        ("--correlation-clusters", "correlation_clusters", "weights.correlation_clusters, e.g. '{threshold: 0.8, max_weight: 0.4}' (min-variance, mean-variance)."),
        ("--beta-limit", "beta_limit", "weights.beta_limit, e.g. '{reference: SPY, max: 0.6}'; needs --data (betas come from the returns)."),
        ("--max-turnover", "max_turnover", "weights.max_turnover: L1 distance from the weights held (--held) the optimiser may move; not applied when nothing is held."),
    ];

    public static Command Create(CliIo io)
    {
        var spec = new Argument<string?>("spec") { Description = "A policy spec: print the weights each of its policies would set on --at, from --data.", Arity = ArgumentArity.ZeroOrOne };
        var data = new Option<string?>("--data") { Description = "Data file (as for backtest): a spec's policies, or the flags' policy, estimate their covariance from it." };
        var at = Options.Date("--at", "The decision date with --data: the last row on or before it (YYYY-MM-DD, or YYYY-MM for its last day).");
        var returns = Options.Returns();
        var fill = Options.Fill();
        var covariance = new Option<string?>("--covariance") { Description = "Covariance matrix as CSV, used as given instead of an estimate: a header row of asset names; rows may carry their name in the first column (as pandas writes them)." };
        var flags = WeightFlags.Select(f => (f.Flag, f.Key, Option: new Option<string?>(f.Flag) { Description = f.Description })).ToArray();
        var estimate = new Option<string?>("--estimate") { Description = "With --data: the spec's covariance block, e.g. '{method: ewma, lookback: 120, halflife: 30}' (default sample, 252 returns)." };
        var universe = new Option<string?>("--universe") { Description = "With --data: the assets, e.g. SPY,AGG,GLD (default: every column but a beta-limit reference)." };
        var held = new Option<string?>("--held") { Description = "Weights held before the rebalance, e.g. SPY=0.5,AGG=0.5 (default nothing: an initial allocation); max_turnover is measured from them." };
        var json = new Option<bool>("--json") { Description = "Print {\"results\":[{\"name\",\"weights\",\"risk_contributions\",\"volatilities\",\"solved_weights\",\"solved_risk_contributions\"}]}: weights and risk_contributions are the ppm targets and their contributions; solved_* the scheme's weights before rounding and theirs." };
        var command = new Command("weights", "The targets a policy sets, through the same policy step as backtests and vaults: each policy of a spec on a date (SPEC --data FILE --at DATE), or the policy the flags describe (--scheme ... with --covariance FILE, or with --data FILE --at DATE), with volatilities and risk contributions.")
        {
            spec, data, at, returns, fill, covariance, estimate, universe, held, json,
        };
        foreach (var (_, _, option) in flags)
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            var given = flags.Where(f => parse.GetValue(f.Option) is not null).Select(f => new WeightsFlag(f.Flag, f.Key, parse.GetValue(f.Option)!)).ToList();
            var estimateFlag = parse.GetValue(estimate) is { } e ? new WeightsFlag("--estimate", "covariance", e) : null;
            var heldFlag = parse.GetValue(held) is { } h ? new WeightsFlag("--held", "held", h) : null;
            var kind = Options.ToValueKind(parse.GetValue(returns));
            var fillMode = Options.ToFillMode(parse.GetValue(fill));
            if (parse.GetValue(spec) is { } specPath)
            {
                if (parse.GetValue(covariance) is not null || given.Count > 0 || estimateFlag is not null || parse.GetValue(universe) is not null || heldFlag is not null)
                {
                    throw new BallastInputException("give either SPEC --data FILE --at DATE, or flags (--scheme ...) with --covariance FILE or --data FILE --at DATE, not both");
                }

                if (parse.GetValue(data) is not { } dataPath || parse.GetValue(at) is not { } date)
                {
                    throw new BallastInputException("weights SPEC needs --data FILE and --at DATE");
                }

                var set = SpecLoader.LoadFile(specPath);
                return OnRow(io, set, MarketDataFile.Read(dataPath, kind), date, fillMode, null, parse.GetValue(json), printHash: true);
            }

            if (given.All(f => f.Key != "scheme"))
            {
                throw new BallastInputException("give SPEC --data FILE --at DATE, or --scheme with --covariance FILE or with --data FILE --at DATE");
            }

            if (parse.GetValue(covariance) is { } covariancePath)
            {
                if (parse.GetValue(data) is not null || parse.GetValue(at) is not null || estimateFlag is not null || parse.GetValue(universe) is not null)
                {
                    throw new BallastInputException("--covariance is the matrix as given: --data, --at, --estimate and --universe apply to estimating one from data instead");
                }

                return FromCovariance(io, covariancePath, given, heldFlag, parse.GetValue(json));
            }

            if (parse.GetValue(data) is not { } flagsData || parse.GetValue(at) is not { } flagsDate)
            {
                throw new BallastInputException("--scheme needs a covariance: --covariance FILE (as given), or --data FILE --at DATE (estimated as a spec's policy would)");
            }

            var market = MarketDataFile.Read(flagsData, kind);
            var policy = FlagsPolicy(given, estimateFlag, Universe(parse.GetValue(universe), market, given, estimateFlag), covarianceGiven: false);
            var flagsSet = new PolicySet { Name = policy.Name, Source = "flags", Policies = [policy] };
            return OnRow(io, flagsSet, market, flagsDate, fillMode, heldFlag, parse.GetValue(json), printHash: false);
        });
        return command;
    }

    /// <summary>The universe of the flags' policy on data: --universe, or every column of the data but a beta-limit reference.</summary>
    private static ImmutableArray<string> Universe(string? text, MarketData market, IReadOnlyList<WeightsFlag> given, WeightsFlag? estimate)
    {
        if (text is not null)
        {
            var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return names.Length > 0 ? [.. names] : throw new BallastInputException("--universe: no assets given; write e.g. --universe SPY,AGG,GLD");
        }

        ImmutableArray<string> all = [.. market.Names];
        var weights = FlagsPolicy(given, estimate, all, covarianceGiven: false).Weights;
        return weights is RiskWeights { Constraints.Beta: { } beta } ? all.Remove(beta.Reference) : all;
    }

    /// <summary>
    /// The policy the flags describe, as a spec would publish it over <paramref name="universe"/>: the weights block is
    /// bound by the spec's binder; nothing else of the policy (trigger, costs, capital) bears on its targets.
    /// </summary>
    private static PolicySpec FlagsPolicy(IReadOnlyList<WeightsFlag> given, WeightsFlag? estimate, ImmutableArray<string> universe, bool covarianceGiven)
    {
        var weights = WeightsFlags.Bind(given, estimate, universe, covarianceGiven);
        return new PolicySpec
        {
            Name = given.Single(f => f.Key == "scheme").Text,
            Universe = universe,
            Capital = 1,
            Weights = weights,
            Costs = CostSpec.Zero(universe.Length),
            Trigger = new NoTrigger(),
            Lot = [.. new double[universe.Length]],
        };
    }

    /// <summary>
    /// The targets of the flags' policy solved from the matrix in <paramref name="path"/> as given
    /// (<see cref="PolicyStep.TargetsFromCovariance(RebalancePolicy, MathNet.Numerics.LinearAlgebra.Matrix{double}, ReadOnlySpan{double}, Span{double})"/>), with the matrix's volatilities and risk contributions.
    /// </summary>
    private static int FromCovariance(CliIo io, string path, IReadOnlyList<WeightsFlag> given, WeightsFlag? held, bool json)
    {
        // BALLAST_TRACE_PHASES=1 prints where the time goes on stderr (benchmarks/README.md, `ballast weights`).
        var phases = PhaseTimer.For(io.Error);
        phases.Mark("start-up");
        var (names, matrix) = CovarianceCsv.ReadFile(path);
        phases.Mark("read and check");
        ImmutableArray<string> universe = [.. names];
        var policy = new RebalancePolicy(FlagsPolicy(given, null, universe, covarianceGiven: true));
        phases.Mark("policy");
        var solved = new double[universe.Length];
        var ppm = PolicyStep.TargetsFromCovariance(policy, matrix, held is null ? new double[universe.Length] : WeightsFlags.Held(held, universe), solved);
        phases.Mark("solve");
        var weights = WeightsOutput.Fractions(ppm);
        var result = new WeightsResult(policy.Spec.Name, null, names, ppm, weights, RiskBudgeting.RiskContributions(matrix, weights), CovarianceEstimators.Volatilities(matrix), solved, RiskBudgeting.RiskContributions(matrix, solved));
        if (json)
        {
            io.Out.WriteLine(WeightsOutput.Json([result]));
        }
        else
        {
            WeightsOutput.WriteCovarianceTable(io.Out, result, path, matrix);
        }

        phases.Mark("output");
        return Program.Ok;
    }

    /// <summary>
    /// The targets each policy of <paramref name="set"/> sets on the last row on or before <paramref name="date"/>
    /// (<see cref="PolicyStep.TargetsOnRow(RebalancePolicy, Ballast.Data.PriceTable, int, ReadOnlySpan{double}, int, Span{double})"/>, from <paramref name="held"/> or nothing held), with the volatilities
    /// (annualised) and risk contributions of the policy's covariance estimate (the spec's covariance block, or the
    /// default for fixed weights) on that row.
    /// </summary>
    private static int OnRow(CliIo io, PolicySet set, MarketData market, DateOnly date, FillMode fill, WeightsFlag? held, bool json, bool printHash)
    {
        var history = BacktestJob.HistoryRows(set);
        InputLocation? Location(string name) => set.UniverseLocations.TryGetValue(name, out var l) ? l : null;
        var earliest = PriceWindow.Build(market, set.AllSeries(), null, null, fill, Location, history, minRows: 1).Dates[0];
        if (date < earliest)
        {
            throw new BallastInputException($"--at {market.FormatDate(date)} is before the first date with enough history for the spec's lookback ({market.FormatDate(earliest)}); use --at {market.FormatDate(earliest)} or later");
        }

        var table = PriceWindow.Build(market, set.AllSeries(), null, date, fill, Location, history, minRows: 1);
        var row = table.RowCount - 1;
        var annualise = Math.Sqrt(set.PeriodsPerYear ?? table.InferPeriodsPerYear());
        var results = new List<WeightsResult>();
        foreach (var spec in set.Policies)
        {
            var policy = new RebalancePolicy(spec);
            var sub = table.SelectFor(policy.Names, [.. spec.ReferenceSeries]);
            var holdings = held is null ? new double[policy.AssetCount] : WeightsFlags.Held(held, spec.Universe);

            // The policy step's own proposal on that row: what a vault or a backtest would set there.
            var solved = new double[policy.AssetCount];
            var ppm = PolicyStep.TargetsOnRow(policy, sub, row, holdings, sub.InferPeriodsPerYear(), solved);
            var weights = WeightsOutput.Fractions(ppm);

            // Fixed weights have no estimate of their own: a sample covariance of up to 252 returns, as many as there are.
            var estimate = spec.Weights is RiskWeights r ? r.Covariance : CovarianceSpec.Default with { Lookback = Math.Min(CovarianceSpec.Default.Lookback, sub.RowsUpTo(row) - 1) };
            if (estimate.Lookback < 2)
            {
                throw new BallastInputException($"--at {table.FormatDate(date)}: there are not enough returns up to that date to estimate volatilities");
            }

            var cov = RebalancePolicy.Estimate(estimate, sub, row);
            results.Add(new WeightsResult(spec.Name, printHash ? policy.Hash.ToString() : null, policy.Names, ppm, weights, RiskBudgeting.RiskContributions(cov, weights), [.. CovarianceEstimators.Volatilities(cov).Select(v => v * annualise)], solved, RiskBudgeting.RiskContributions(cov, solved)));
        }

        if (json)
        {
            io.Out.WriteLine(WeightsOutput.Json(results));
        }
        else
        {
            WeightsOutput.WriteRowTable(io.Out, set.Name, table.FormatDate(table.Dates[row]), results);
        }

        return Program.Ok;
    }
}
