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
        var output = new Option<string?>("--out") { Description = "Directory for metrics.json, equity.csv, weights.csv, trades.csv and report.html (written as the policies run; moved into place only when the run succeeds)." };
        var outputs = new Option<string?>("--outputs") { Description = "Files to write with --out, comma-separated: metrics, report, equity, weights, trades (default: all)." };
        var format = new Option<string?>("--format") { Description = "Format of equity, weights and trades with --out: csv (default), parquet, or csv,parquet." };
        var curves = new Option<string?>("--curves") { Description = $"Whose per-policy curves (equity, weights, trades, report charts) to write with --out: all, or best:K (the K best by Sharpe ratio, plus the baseline). Default: all up to {CurveSelection.AllUpTo} policies, best:{CurveSelection.DefaultBest} above." };
        var json = new Option<bool>("--json") { Description = "Print metrics.json to stdout and nothing else there (notices go to stderr)." };
        var riskFree = Options.RiskFree();
        var significance = AnalysisOptions.Significance();
        var periods = AnalysisOptions.Periods();
        var overrides = SpecCommand.SetOption();
        var columns = ResultTable.ColumnsOption();
        var (top, by, heatmap) = (RankingOptions.Top(), RankingOptions.By(), RankingOptions.Heatmap());
        var (cluster, db) = ClusterBacktest.Options();

        var command = new Command("backtest", "Backtest every policy of a spec, plus buy-and-hold, and compare them.")
        {
            spec, data, returns, fill, from, to, output, outputs, format, curves, json, riskFree, significance, periods, overrides, columns, top, by, heatmap, cluster, db,
        };
        command.SetAction(parse =>
        {
            var phases = PhaseTimer.For(io.Error);
            phases.Mark("start-up");
            var request = Request(parse.GetValue(output), parse.GetValue(outputs), parse.GetValue(format), parse.GetValue(curves));
            var ranking = RankingOptions.Parse(parse.GetValue(top), parse.GetValue(by), parse.GetValue(heatmap));
            var analysis = AnalysisOptions.Request(parse.GetValue(significance), parse.GetValue(periods));
            using var onCluster = ClusterBacktest.Connect(parse.GetValue(cluster), parse.GetValue(db), parse.GetValue(spec)!, parse.GetValue(overrides), parse.GetValue(data)!, Options.ToValueKind(parse.GetValue(returns)));
            var set = onCluster?.Spec ?? SpecLoader.LoadFile(parse.GetValue(spec)!, SpecCommand.Overrides(parse.GetValue(overrides)));
            phases.Mark("spec");
            var table = ResultTable.Choose(parse.GetValue(columns), set.Sweep, ranking);
            var market = onCluster?.Market ?? Ballast.Io.MarketDataFile.Read(parse.GetValue(data)!, Options.ToValueKind(parse.GetValue(returns)));
            phases.Mark("data");
            WindowBounds.Check(market, parse.GetValue(from), parse.GetValue(to));
            var options = new BacktestOptions
            {
                From = parse.GetValue(from),
                To = parse.GetValue(to),
                Fill = Options.ToFillMode(parse.GetValue(fill)),
                RiskFree = parse.GetValue(riskFree),
                Record = (request?.NeedsRecording ?? false) || analysis.NeedsRecording,
            };
            options = options with { Runner = onCluster?.Runner(options) };
            ResultDirectoryWriter? writer = null;
            try
            {
                // Statistics need every run's equity curve: with them asked for, the writer keeps every run's series.
                var outcome = Progress.Run(io, set.Policies.Length + 1, progress => BacktestJob.Run(set, market, options, progress, sink: plan =>
                {
                    phases.Mark("compile");
                    return request is null ? null : writer = new ResultDirectoryWriter(request, plan, set.AllSeries(), keepAllSeries: analysis.NeedsRecording) { Report = ranking.Report };
                }));
                phases.Mark("run");
                onCluster?.Summarise(io.Error);
                return Report(io, outcome, writer, parse.GetValue(json), analysis, table, ranking, phases);
            }
            finally
            {
                writer?.Dispose();
            }
        });
        return command;
    }

    /// <summary>The output request of <c>--out</c>, <c>--outputs</c>, <c>--format</c> and <c>--curves</c> (null without <c>--out</c>), checked before any work is done.</summary>
    public static OutputRequest? Request(string? outDir, string? outputs, string? format, string? curves)
    {
        if (outDir is null)
        {
            foreach (var (name, value) in new[] { ("--outputs", outputs), ("--format", format), ("--curves", curves) })
            {
                if (value is not null)
                {
                    throw new BallastInputException($"{name} chooses what --out writes; give --out DIR too");
                }
            }

            return null;
        }

        CheckOutDir(outDir);
        return new OutputRequest(
            outDir,
            outputs is null ? OutputFiles.All : OutputRequest.ParseFiles(outputs),
            format is null ? OutputFormats.Csv : OutputRequest.ParseFormats(format),
            curves is null ? null : CurveSelection.Parse(curves));
    }

    /// <summary>Prints notices and the table (or JSON), and writes the output directory of an outcome held in memory (a recorded run).</summary>
    public static int Report(CliIo io, BacktestOutcome outcome, string? outDir, bool json, AnalysisRequest? request = null, IReadOnlyList<ResultColumn>? columns = null)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outDir is null)
        {
            return Report(io, outcome, (ResultDirectoryWriter?)null, json, request, columns, null);
        }

        var policies = outcome.Runs.Select(r => r.Policy).ToArray();
        using var writer = new ResultDirectoryWriter(new OutputRequest(outDir), new BacktestPlan(outcome.Table, policies, outcome.BaselineIndex), outcome.Spec.AllSeries());
        for (var i = 0; i < outcome.Runs.Count; i++)
        {
            writer.Add(i, outcome.Runs[i]);
        }

        return Report(io, outcome, writer, json, request, columns, null);
    }

    /// <summary>Prints notices and the table (or JSON), and completes the output directory the writer has been writing.</summary>
    private static int Report(CliIo io, BacktestOutcome outcome, ResultDirectoryWriter? writer, bool json, AnalysisRequest? request, IReadOnlyList<ResultColumn>? columns, RankingChoices? ranking, PhaseTimer? phases = null)
    {
        foreach (var notice in outcome.Table.Notices.Concat(outcome.Notices))
        {
            io.Notice(notice);
        }

        if (outcome.PeriodsInferred)
        {
            io.Notice($"periods_per_year inferred from the dates: {outcome.PeriodsPerYear}");
        }

        var analysis = BacktestAnalysis.For(outcome, request, automatic: writer is not null, io.Notice);
        phases?.Mark("analysis");
        var written = writer?.Complete(outcome, analysis);
        if (json)
        {
            WriteJson(io, outcome, analysis);
        }
        else
        {
            ResultTable.Write(io, outcome, columns, ranking, analysis);
            if (FindingsInput.From(outcome, analysis) is { } findings)
            {
                foreach (var line in FindingsText.Summary(FindingsText.Write(findings)))
                {
                    io.Out.WriteLine(line);
                }
            }

            if (writer is not null && written is not null)
            {
                var outDir = writer.OutputDirectory;
                io.Out.WriteLine($"wrote {string.Join(", ", written.Select(n => Path.Combine(outDir, n)))} (curves: {writer.Curves})");
                if (written.Contains("report.html"))
                {
                    io.Out.WriteLine($"report: {Path.Combine(outDir, "report.html")}");
                }
            }
        }

        phases?.Mark("output");
        return Program.Ok;
    }

    /// <summary>metrics.json to stdout: straight into its stream when it has one (no copy of the whole text).</summary>
    private static void WriteJson(CliIo io, BacktestOutcome outcome, BacktestAnalysis? analysis)
    {
        if (io.Out is StreamWriter stream)
        {
            stream.Flush();
            ResultFiles.WriteMetricsJson(outcome, stream.BaseStream, analysis);
            stream.BaseStream.Flush();
        }
        else
        {
            io.Out.Write(ResultFiles.MetricsJson(outcome, analysis));
        }
    }

    /// <summary>Refuses an output directory that cannot be one (an existing file), before any work is done.</summary>
    public static void CheckOutDir(string? outDir)
    {
        if (outDir is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(outDir))
        {
            throw new BallastInputException(new InputLocation("''", Field: "--out"), "is empty; name the directory to write the results into");
        }

        if (File.Exists(outDir.TrimEnd('/', '\\')))
        {
            throw new BallastInputException(new InputLocation(outDir, Field: "--out"), "is an existing file; --out names a directory to write the results into");
        }

        foreach (var name in OutputRequest.AllFileNames)
        {
            if (Directory.Exists(Path.Combine(outDir, name)))
            {
                throw new BallastInputException(new InputLocation(Path.Combine(outDir, name), Field: "--out"), "is a directory; the results need this name for a file");
            }
        }
    }

    internal static void WriteText(string path, Action<TextWriter> write) => AtomicFile.Write(path, stream =>
    {
        using var writer = AtomicFile.Text(stream);
        write(writer);
    });
}
