using System.CommandLine;
using Ballast.Io;
using Ballast.Io.Reports;
using Ballast.Io.Specs;

namespace Ballast.Cli.Commands;

/// <summary><c>ballast backtest SPEC --data FILE</c>: every policy of the spec plus buy-and-hold, side by side.</summary>
internal static class BacktestCommand
{
    public static Command Create(CliIo io)
    {
        var spec = new Argument<string>("spec") { Description = "Policy spec, YAML or JSON (see docs/policy-spec.md)." };
        var data = new Option<string>("--data") { Description = "Data file: wide CSV, first column Date (YYYY-MM-DD or YYYY-MM), one column per series.", Required = true };
        var returns = Options.Returns();
        var fill = Options.Fill();
        var from = Options.Date("--from", "First date of the window, YYYY-MM-DD or YYYY-MM (its first day); default: the first date on which every series has a value.", startOfMonth: true);
        var to = Options.Date("--to", "Last date of the window, YYYY-MM-DD or YYYY-MM (its last day); default: the last date of the data.");
        var output = new Option<string?>("--out") { Description = "Directory for metrics.json, equity.csv, weights.csv, trades.csv and report.html." };
        var json = new Option<bool>("--json") { Description = "Print metrics.json to stdout and nothing else there (notices go to stderr)." };
        var riskFree = Options.RiskFree();
        var significance = AnalysisOptions.Significance();
        var periods = AnalysisOptions.Periods();
        var overrides = SpecCommand.SetOption();
        var columns = ResultTable.ColumnsOption();

        var command = new Command("backtest", "Backtest every policy of a spec, plus buy-and-hold, and compare them.")
        {
            spec, data, returns, fill, from, to, output, json, riskFree, significance, periods, overrides, columns,
        };
        command.SetAction(parse =>
        {
            CheckOutDir(parse.GetValue(output));
            var table = ResultTable.Choose(parse.GetValue(columns));
            var analysis = AnalysisOptions.Request(parse.GetValue(significance), parse.GetValue(periods));
            var set = SpecLoader.LoadFile(parse.GetValue(spec)!, SpecCommand.Overrides(parse.GetValue(overrides)));
            var market = Ballast.Io.MarketDataFile.Read(parse.GetValue(data)!, Options.ToValueKind(parse.GetValue(returns)));
            var options = new BacktestOptions
            {
                From = parse.GetValue(from),
                To = parse.GetValue(to),
                Fill = Options.ToFillMode(parse.GetValue(fill)),
                RiskFree = parse.GetValue(riskFree),
                Record = parse.GetValue(output) is not null || analysis.NeedsRecording,
            };
            var outcome = Progress.Run(io, set.Policies.Length + 1, progress => BacktestJob.Run(set, market, options, progress));
            return Report(io, outcome, parse.GetValue(output), parse.GetValue(json), analysis, table);
        });
        return command;
    }

    /// <summary>Prints notices, the table (or JSON) and writes the output directory.</summary>
    public static int Report(CliIo io, BacktestOutcome outcome, string? outDir, bool json, AnalysisRequest? request = null, IReadOnlyList<ResultColumn>? columns = null)
    {
        foreach (var notice in outcome.Table.Notices.Concat(outcome.Notices))
        {
            io.Notice(notice);
        }

        if (outcome.PeriodsInferred)
        {
            io.Notice($"periods_per_year inferred from the dates: {outcome.PeriodsPerYear}");
        }

        var analysis = BacktestAnalysis.For(outcome, request, automatic: outDir is not null, io.Notice);
        var metrics = ResultFiles.MetricsJson(outcome, analysis);
        if (outDir is not null)
        {
            WriteOutputs(outcome, outDir, metrics, analysis);
        }

        if (json)
        {
            io.Out.Write(metrics);
        }
        else
        {
            ResultTable.Write(io, outcome, columns);
            if (outDir is not null)
            {
                io.Out.WriteLine($"wrote {Path.Combine(outDir, "metrics.json")}, equity.csv, weights.csv, trades.csv");
                io.Out.WriteLine($"report: {Path.Combine(outDir, "report.html")}");
            }
        }

        return Program.Ok;
    }

    /// <summary>Refuses an output directory that cannot be one (an existing file), before any work is done.</summary>
    public static void CheckOutDir(string? outDir)
    {
        if (outDir is null)
        {
            return;
        }

        if (File.Exists(outDir.TrimEnd('/', '\\')))
        {
            throw new BallastInputException(new InputLocation(outDir, Field: "--out"), "is an existing file; --out names a directory to write the results into");
        }

        foreach (var name in OutputFiles)
        {
            if (Directory.Exists(Path.Combine(outDir, name)))
            {
                throw new BallastInputException(new InputLocation(Path.Combine(outDir, name), Field: "--out"), "is a directory; the results need this name for a file");
            }
        }
    }

    private static readonly string[] OutputFiles = ["metrics.json", "equity.csv", "weights.csv", "trades.csv", "report.html"];

    private static void WriteOutputs(BacktestOutcome outcome, string outDir, string metrics, BacktestAnalysis? analysis)
    {
        // Everything is rendered before anything is written, so a failure while computing leaves no partial set.
        var files = new (string Name, string Content)[]
        {
            ("metrics.json", metrics),
            ("equity.csv", Render(w => ResultFiles.WriteEquity(outcome, w))),
            ("weights.csv", Render(w => ResultFiles.WriteWeights(outcome, w))),
            ("trades.csv", Render(w => ResultFiles.WriteTrades(outcome, w))),
            ("report.html", HtmlReport.Render(outcome, new HtmlReportOptions { Analysis = analysis })),
        };
        try
        {
            Directory.CreateDirectory(outDir);
            foreach (var (name, content) in files)
            {
                AtomicFile.WriteAllText(Path.Combine(outDir, name), content);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BallastInputException(new InputLocation(outDir, Field: "--out"), $"cannot write the results there: {e.Message}");
        }
    }

    private static string Render(Action<TextWriter> write)
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        write(writer);
        return writer.ToString();
    }

    internal static void WriteText(string path, Action<TextWriter> write) => AtomicFile.Write(path, stream =>
    {
        using var writer = AtomicFile.Text(stream);
        write(writer);
    });
}
