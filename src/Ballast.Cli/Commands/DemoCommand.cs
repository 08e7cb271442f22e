using System.CommandLine;
using System.Reflection;
using Ballast.Io;
using Ballast.Io.Specs;
using Ballast.Synthesis;

namespace Ballast.Cli.Commands;

/// <summary>
/// <c>ballast demo</c>: synthesises five strategies over twenty years and compares never, monthly, quarterly,
/// annual, a 5-point band to edge and a hybrid. Nothing to download.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliIo io)
    {
        var output = new Option<string>("--out") { Description = "Directory for the data, the spec, the results and report.html.", DefaultValueFactory = _ => "ballast-demo" };
        var seed = Options.PositiveInt("--seed", "Seed of the synthetic data.", 42, int.MaxValue, min: 0);
        var years = Options.PositiveInt("--years", "Years of synthetic daily data.", 20, StrategySynthesizer.MaxYears);
        var json = new Option<bool>("--json") { Description = "Print metrics.json to stdout instead of the table." };
        var columns = ResultTable.ColumnsOption();
        var command = new Command("demo", "Run the built-in demo: five synthetic strategies, six rebalancing policies, buy-and-hold alongside.") { output, seed, years, json, columns };
        command.SetAction(parse =>
        {
            var outDir = parse.GetValue(output)!;
            BacktestCommand.CheckOutDir(outDir);
            var chosenColumns = ResultTable.Choose(parse.GetValue(columns));
            var specText = DemoSpec();
            var set = SpecLoader.Load(specText, "demo.yaml");
            var table = StrategySynthesizer.Generate(5, parse.GetValue(years), parse.GetValue(seed));
            Directory.CreateDirectory(outDir);
            var dataPath = Path.Combine(outDir, "data.csv");
            var specPath = Path.Combine(outDir, "demo.yaml");
            BacktestCommand.WriteText(dataPath, w => PriceTableCsv.Write(table, w));
            AtomicFile.WriteAllText(specPath, specText);
            io.Error.WriteLine($"synthesised {table.ColumnCount} strategies x {table.RowCount} days ({table.FormatDate(table.Dates[0])} .. {table.FormatDate(table.Dates[^1])}), seed {parse.GetValue(seed)}");
            var outcome = Progress.Run(io, set.Policies.Length + 1, progress => BacktestJob.Run(set, table, dataPath, new BacktestOptions { Record = true }, progress));
            var code = BacktestCommand.Report(io, outcome, outDir, parse.GetValue(json), columns: chosenColumns);
            if (!parse.GetValue(json))
            {
                io.Out.WriteLine($"re-run or edit: ballast backtest {specPath} --data {dataPath}");
            }

            return code;
        });
        return command;
    }

    /// <summary>The demo spec shipped as samples/demo.yaml, embedded so the demo runs from the binary alone.</summary>
    public static string DemoSpec()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Ballast.Cli.demo.yaml")
            ?? throw new InvalidOperationException("the demo spec is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary><c>ballast data synth</c>: generate correlated strategy NAV series.</summary>
internal static class DataCommand
{
    public static Command Create(CliIo io)
    {
        var strategies = Options.PositiveInt("--strategies", "Number of strategies.", 5, StrategySynthesizer.MaxStrategies);
        var years = Options.PositiveInt("--years", "Years of daily (business-day) data.", 20, StrategySynthesizer.MaxYears);
        var seed = Options.PositiveInt("--seed", "Seed: the same seed gives the same bytes.", 42, int.MaxValue, min: 0);
        var start = Options.Date("--start", "First date (default 2000-01-03).");
        var output = new Option<string>("--out") { Description = "CSV file to write.", Required = true };
        var synth = new Command("synth", "Generate correlated strategy NAV series with distinct drifts, volatilities and volatility regimes (calm periods and spikes).")
        {
            strategies, years, seed, start, output,
        };
        synth.SetAction(parse =>
        {
            var first = parse.GetValue(start) ?? StrategySynthesizer.DefaultStart;
            if (first.Year > DateOnly.MaxValue.Year - parse.GetValue(years))
            {
                throw new BallastInputException($"--start {first:yyyy-MM-dd} with --years {parse.GetValue(years)}: the data would run past 9999-12-31; start by {DateOnly.MaxValue.Year - parse.GetValue(years)}-12-31 or give fewer years");
            }

            var table = StrategySynthesizer.Generate(parse.GetValue(strategies), parse.GetValue(years), parse.GetValue(seed), first);
            var path = parse.GetValue(output)!;
            BacktestCommand.WriteText(path, w => PriceTableCsv.Write(table, w));
            io.Out.WriteLine($"wrote {path}: {table.ColumnCount} strategies ({string.Join(", ", table.Names)}) x {table.RowCount} rows, {table.FormatDate(table.Dates[0])} .. {table.FormatDate(table.Dates[^1])}");
            return Program.Ok;
        });
        var data = new Command("data", "Data utilities.") { synth, DataShillerCommand.Create(io) };
        return data;
    }
}
