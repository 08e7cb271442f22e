using System.Globalization;
using System.Text;
using Ballast.Data;
using Ballast.Io.Reports;
using Ballast.Io.Specs;
using Ballast.Io.Tests.Protocol;
using Ballast.Policies;
using Parquet;
using Parquet.Schema;

namespace Ballast.Io.Tests.Reports;

/// <summary>
/// The streaming output directory: the same bytes as the whole-outcome writers of before (<see cref="ReferenceResultFiles"/>),
/// bounded memory (runs held for ordering and kept for the report are counted, nothing is timed), best-K curves,
/// Parquet equal to the CSV, and nothing left behind by a run that does not finish.
/// </summary>
public sealed class ResultDirectoryWriterTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ballast-results-" + Guid.NewGuid().ToString("N"));

    public ResultDirectoryWriterTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_demo_spec_streams_the_bytes_of_the_whole_outcome_writers()
    {
        var set = SpecLoader.LoadFile(Path.Combine(Paths.RepoRoot, "samples", "demo.yaml"));
        var table = Ballast.Synthesis.StrategySynthesizer.Generate(5, 5, 42).Select([.. set.AllSeries()]);
        var (outcome, _) = Stream(set, table, new OutputRequest(Path.Combine(_root, "demo")));
        var reference = Reference(set, table);

        AssertSameFiles(reference, Path.Combine(_root, "demo"));
        Assert.Equal(HtmlReport.Render(reference), File.ReadAllText(Path.Combine(_root, "demo", "report.html")));
        Assert.Equal(ReferenceResultFiles.MetricsJson(reference), ResultFiles.MetricsJson(outcome));
        Assert.Equal(new[] { "equity.csv", "metrics.json", "report.html", "trades.csv", "weights.csv" }, Directory.GetFiles(Path.Combine(_root, "demo")).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetDirectories(_root, ".*"));
    }

    [Fact]
    public void A_large_sweep_streams_the_same_bytes_holding_a_bounded_number_of_runs()
    {
        var set = SpecLoader.Load(Sweep(150), "sweep.yaml");
        var table = Ballast.Synthesis.StrategySynthesizer.Generate(4, 2, 7).Select([.. set.AllSeries()]);
        var dir = Path.Combine(_root, "sweep");
        var (outcome, writer) = Stream(set, table, new OutputRequest(dir, Curves: CurveSelection.All), orderCapacity: 3);

        AssertSameFiles(Reference(set, table), dir);
        // Memory: at most 3 finished runs waited for an earlier one, at most the best 20 and the baseline kept their
        // series (the report's), and after the run no other run still holds its series.
        Assert.InRange(writer.MaxHeldForOrder, 0, 3);
        Assert.InRange(writer.MaxRetained, 1, CurveSelection.DefaultBest + 1);
        Assert.InRange(outcome.Runs.Count(r => r.Equity is not null), 1, CurveSelection.DefaultBest + 1);
        Assert.True(outcome.Runs.Count > CurveSelection.AllUpTo);
    }

    [Fact]
    public void Best_k_curves_are_the_k_best_by_sharpe_and_the_baseline_in_spec_order()
    {
        var set = SpecLoader.Load(Sweep(30), "sweep.yaml");
        var table = Ballast.Synthesis.StrategySynthesizer.Generate(4, 2, 7).Select([.. set.AllSeries()]);
        var dir = Path.Combine(_root, "best");
        Stream(set, table, new OutputRequest(dir, Curves: new CurveSelection(3)));

        var reference = Reference(set, table);
        var best = Enumerable.Range(0, reference.Runs.Count).Where(i => i != reference.BaselineIndex)
            .OrderByDescending(i => reference.Runs[i].Metrics.Sharpe ?? double.NegativeInfinity).ThenBy(i => i).Take(3)
            .Append(reference.BaselineIndex).Order().ToArray();
        var subset = reference with { Runs = [.. best.Select(i => reference.Runs[i])], BaselineIndex = Array.IndexOf(best, reference.BaselineIndex) };
        Assert.Equal(Render(w => ReferenceResultFiles.WriteEquity(subset, w)), File.ReadAllText(Path.Combine(dir, "equity.csv")));
        Assert.Equal(Render(w => ReferenceResultFiles.WriteWeights(subset, w)), File.ReadAllText(Path.Combine(dir, "weights.csv")));
        Assert.Equal(Render(w => ReferenceResultFiles.WriteTrades(subset, w)), File.ReadAllText(Path.Combine(dir, "trades.csv")));
        Assert.Equal(ReferenceResultFiles.MetricsJson(reference), File.ReadAllText(Path.Combine(dir, "metrics.json")));
    }

    [Fact]
    public async Task Parquet_read_back_equals_the_csv()
    {
        var set = SpecLoader.Load(Sweep(12), "sweep.yaml");
        var table = Ballast.Synthesis.StrategySynthesizer.Generate(4, 2, 7).Select([.. set.AllSeries()]);
        var dir = Path.Combine(_root, "parquet");
        Stream(set, table, new OutputRequest(dir, Formats: OutputFormats.Csv | OutputFormats.Parquet));

        // equity: long form (date, policy, nav) against the wide CSV, cell by cell, at the CSV's decimals.
        var equity = File.ReadAllLines(Path.Combine(dir, "equity.csv"));
        var header = SplitCsv(equity[0]);
        var columns = await ReadParquet(Path.Combine(dir, "equity.parquet"));
        var expected = new List<string>();
        for (var p = 1; p < header.Length; p++)
        {
            expected.AddRange(equity.Skip(1).Select(SplitCsv).Select(cells => $"{cells[0]},{ReferenceResultFiles.Csv(header[p])},{cells[p]}"));
        }

        Assert.Equal(expected, Rows(columns, ("date", 0), ("policy", 0), ("nav", 6)));

        // weights and trades: the same rows as the CSV (weights in date-major order there, policy-major in Parquet).
        var weights = await ReadParquet(Path.Combine(dir, "weights.parquet"));
        var weightColumns = SplitCsv(File.ReadLines(Path.Combine(dir, "weights.csv")).First());
        var weightRows = Rows(weights, [("date", 0), ("policy", 0), .. weightColumns.Skip(2).Select(a => (a, 8))]);
        Assert.Equal(File.ReadAllLines(Path.Combine(dir, "weights.csv")).Skip(1).Order(StringComparer.Ordinal), weightRows.Order(StringComparer.Ordinal));
        var trades = await ReadParquet(Path.Combine(dir, "trades.parquet"));
        var tradeRows = Rows(trades, ("date", 0), ("policy", 0), ("asset", 0), ("side", 0), ("price", 6), ("units_before", 6), ("units_after", 6), ("value", 6), ("cost", 6), ("weight_before", 8), ("weight_after", 8), ("reason", 0));
        Assert.Equal(File.ReadAllLines(Path.Combine(dir, "trades.csv")).Skip(1), tradeRows);
        Assert.True(tradeRows.Count > 12);
    }

    [Fact]
    public void A_cancelled_run_leaves_no_directory_and_no_staging()
    {
        var set = SpecLoader.Load(Sweep(200), "sweep.yaml");
        var table = Ballast.Synthesis.StrategySynthesizer.Generate(4, 2, 7).Select([.. set.AllSeries()]);
        var dir = Path.Combine(_root, "cancelled");
        using var cancel = new CancellationTokenSource();
        ResultDirectoryWriter? writer = null;
        var progress = new SyncProgress(done =>
        {
            if (done == 50)
            {
                cancel.Cancel();
            }
        });
        try
        {
            Assert.ThrowsAny<OperationCanceledException>(() => BacktestJob.Run(set, table, "synthetic", new BacktestOptions { Record = true }, progress, cancel.Token, plan => writer = new ResultDirectoryWriter(new OutputRequest(dir), plan, set.AllSeries())));
            Assert.NotNull(writer);
        }
        finally
        {
            writer?.Dispose();
        }

        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public void An_existing_directory_gets_the_new_set_and_keeps_other_files()
    {
        var set = SpecLoader.Load(Sweep(4), "sweep.yaml");
        var table = Ballast.Synthesis.StrategySynthesizer.Generate(4, 2, 7).Select([.. set.AllSeries()]);
        var dir = Path.Combine(_root, "again");
        Stream(set, table, new OutputRequest(dir));
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");

        Stream(set, table, new OutputRequest(dir, OutputFiles.Metrics | OutputFiles.Trades));

        Assert.Equal(["metrics.json", "notes.txt", "trades.csv"], Directory.GetFiles(dir).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetDirectories(_root, ".*"));
    }

    [Fact]
    public void Replacing_an_existing_directory_is_whole_or_not_at_all_never_a_mix_of_two_runs()
    {
        // The earlier run's trades.csv has become a directory: moving files one by one (the old commit) replaced
        // metrics.json and the others before failing on it, leaving a mix of the two runs. The directory is now
        // replaced whole (stage, rename aside, rename into place): the new set, the other files carried over.
        var set = SpecLoader.Load(Sweep(4), "sweep.yaml");
        var older = Ballast.Synthesis.StrategySynthesizer.Generate(4, 2, 7).Select([.. set.AllSeries()]);
        var newer = Ballast.Synthesis.StrategySynthesizer.Generate(4, 2, 8).Select([.. set.AllSeries()]);
        var dir = Path.Combine(_root, "again");
        var reference = Path.Combine(_root, "reference");
        Stream(set, older, new OutputRequest(dir));
        Stream(set, newer, new OutputRequest(reference));
        File.Delete(Path.Combine(dir, "trades.csv"));
        Directory.CreateDirectory(Path.Combine(dir, "trades.csv"));
        File.WriteAllText(Path.Combine(dir, "trades.csv", "inside.txt"), "x");
        Directory.CreateDirectory(Path.Combine(dir, "mine"));
        File.WriteAllText(Path.Combine(dir, "mine", "notes.txt"), "mine");

        Stream(set, newer, new OutputRequest(dir));

        foreach (var file in Directory.GetFiles(reference))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(dir, Path.GetFileName(file))));
        }

        Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "mine", "notes.txt")));
        Assert.Equal(["mine"], Directory.GetDirectories(dir).Select(Path.GetFileName));
        Assert.Empty(Directory.GetDirectories(_root, ".*"));
    }

    [Fact]
    public void A_directory_set_aside_by_a_killed_run_is_removed_by_the_next()
    {
        var set = SpecLoader.Load(Sweep(2), "sweep.yaml");
        var table = Ballast.Synthesis.StrategySynthesizer.Generate(4, 2, 7).Select([.. set.AllSeries()]);
        var dir = Path.Combine(_root, "killed");
        // A process id above Linux's pid_max: never running.
        var aside = Path.Combine(_root, ".killed.previous-4194304");
        Directory.CreateDirectory(aside);
        File.WriteAllText(Path.Combine(aside, "metrics.json"), "{}");

        Stream(set, table, new OutputRequest(dir));

        Assert.False(Directory.Exists(aside));
        Assert.True(File.Exists(Path.Combine(dir, "metrics.json")));
    }

    [Fact]
    public void A_symbolic_link_to_a_directory_stays_a_link_and_the_linked_directory_gets_the_results()
    {
        // The commit renames the target aside and the staged set onto it: on the link itself, that replaced the link
        // with a plain directory and left the linked directory with the old results.
        var set = SpecLoader.Load(Sweep(4), "sweep.yaml");
        var older = Ballast.Synthesis.StrategySynthesizer.Generate(4, 2, 7).Select([.. set.AllSeries()]);
        var newer = Ballast.Synthesis.StrategySynthesizer.Generate(4, 2, 8).Select([.. set.AllSeries()]);
        var real = Path.Combine(_root, "store", "results");
        var link = Path.Combine(_root, "out");
        var reference = Path.Combine(_root, "reference");
        Stream(set, older, new OutputRequest(real));
        File.WriteAllText(Path.Combine(real, "notes.txt"), "mine");
        Directory.CreateSymbolicLink(link, real);
        Stream(set, newer, new OutputRequest(reference));

        Stream(set, newer, new OutputRequest(link + Path.DirectorySeparatorChar));

        Assert.Equal(real, new DirectoryInfo(link).LinkTarget);
        foreach (var file in Directory.GetFiles(reference))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(real, Path.GetFileName(file))));
        }

        Assert.Equal("mine", File.ReadAllText(Path.Combine(real, "notes.txt")));
        Assert.Empty(Directory.GetDirectories(_root, ".*"));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_root, "store"), ".*"));
    }

    [Fact]
    public void A_dangling_symbolic_link_gets_the_directory_it_names_created()
    {
        var set = SpecLoader.Load(Sweep(2), "sweep.yaml");
        var table = Ballast.Synthesis.StrategySynthesizer.Generate(4, 2, 7).Select([.. set.AllSeries()]);
        var real = Path.Combine(_root, "later");
        var link = Path.Combine(_root, "out");
        Directory.CreateSymbolicLink(link, real);

        Stream(set, table, new OutputRequest(link));

        Assert.Equal(real, new DirectoryInfo(link).LinkTarget);
        Assert.True(File.Exists(Path.Combine(real, "metrics.json")));
        Assert.Empty(Directory.GetDirectories(_root, ".*"));
    }

    private static (BacktestOutcome Outcome, ResultDirectoryWriter Writer) Stream(PolicySet set, PriceTable table, OutputRequest request, int orderCapacity = ResultDirectoryWriter.OrderCapacity)
    {
        ResultDirectoryWriter? writer = null;
        try
        {
            var outcome = BacktestJob.Run(set, table, "synthetic", new BacktestOptions { Record = request.NeedsRecording }, cancellationToken: TestContext.Current.CancellationToken, sink: plan => writer = new ResultDirectoryWriter(request, plan, set.AllSeries(), orderCapacity));
            writer!.Complete(outcome);
            return (outcome, writer);
        }
        finally
        {
            writer?.Dispose();
        }
    }

    private static BacktestOutcome Reference(PolicySet set, PriceTable table) =>
        BacktestJob.Run(set, table, "synthetic", new BacktestOptions { Record = true }, cancellationToken: TestContext.Current.CancellationToken);

    private static void AssertSameFiles(BacktestOutcome reference, string dir)
    {
        Assert.Equal(ReferenceResultFiles.MetricsJson(reference), File.ReadAllText(Path.Combine(dir, "metrics.json")));
        Assert.Equal(Render(w => ReferenceResultFiles.WriteEquity(reference, w)), File.ReadAllText(Path.Combine(dir, "equity.csv")));
        Assert.Equal(Render(w => ReferenceResultFiles.WriteWeights(reference, w)), File.ReadAllText(Path.Combine(dir, "weights.csv")));
        Assert.Equal(Render(w => ReferenceResultFiles.WriteTrades(reference, w)), File.ReadAllText(Path.Combine(dir, "trades.csv")));
    }

    private static string Render(Action<TextWriter> write)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        write(writer);
        return writer.ToString();
    }

    /// <summary>
    /// A spec of <paramref name="count"/> policies over two universes (weights.csv then has empty cells), calendar and
    /// drift triggers, costs that vary, and names that need CSV quoting.
    /// </summary>
    private static string Sweep(int count)
    {
        var text = new StringBuilder("name: sweep\nuniverse: [TREND, CARRY, VALUE]\nweights: { scheme: equal }\npolicies:\n");
        string[] calendars = ["monthly", "quarterly", "annual", "weekly"];
        for (var i = 0; i < count; i++)
        {
            var name = (i % 7) switch
            {
                0 => $"\"p{i}, quoted\"",
                1 => $"'p{i} \"q\"'",
                _ => $"p{i}",
            };
            text.Append(CultureInfo.InvariantCulture, $"  - name: {name}\n");
            text.Append(i % 2 == 0
                ? $"    trigger: {{ calendar: {calendars[(i / 2) % calendars.Length]} }}\n"
                : FormattableString.Invariant($"    trigger: {{ drift: {{ absolute: {((i % 10) + 1) / 100.0} }} }}\n"));
            text.Append(CultureInfo.InvariantCulture, $"    costs: {{ proportional_bps: {i % 9} }}\n");
            if (i % 5 == 3)
            {
                text.Append("    universe: [TREND, MACRO]\n");
            }
        }

        return text.ToString();
    }

    private static async Task<Dictionary<string, List<object?>>> ReadParquet(string path)
    {
        using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: TestContext.Current.CancellationToken);
        var columns = reader.Schema.DataFields.ToDictionary(f => f.Name, _ => new List<object?>());
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = (int)group.RowCount;
            foreach (var field in reader.Schema.DataFields)
            {
                columns[field.Name].AddRange(await ReadColumn(group, field, rows));
            }
        }

        return columns;
    }

    private static async Task<IEnumerable<object?>> ReadColumn(ParquetRowGroupReader group, DataField field, int rows)
    {
        var ct = TestContext.Current.CancellationToken;
        if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[rows];
            await group.ReadAsync(field, values.AsMemory(), cancellationToken: ct);
            return values;
        }

        if (field.ClrType == typeof(DateOnly))
        {
            var values = new DateOnly[rows];
            await group.ReadAsync<DateOnly>(field, values.AsMemory(), cancellationToken: ct);
            return values.Cast<object?>();
        }

        if (field.ClrType == typeof(DateTime))
        {
            // A Parquet DATE column reads back as DateTime unless asked otherwise.
            var values = new DateTime[rows];
            await group.ReadAsync<DateTime>(field, values.AsMemory(), cancellationToken: ct);
            return values.Select(v => (object?)DateOnly.FromDateTime(v));
        }

        if (field.IsNullable)
        {
            var values = new double?[rows];
            await group.ReadAsync<double>(field, values.AsMemory(), cancellationToken: ct);
            return values.Cast<object?>();
        }

        var doubles = new double[rows];
        await group.ReadAsync<double>(field, doubles.AsMemory(), cancellationToken: ct);
        return doubles.Cast<object?>();
    }

    /// <summary>Parquet rows as CSV lines: dates as yyyy-MM-dd, text CSV-quoted, numbers at the CSV's decimals (0: not a number).</summary>
    private static List<string> Rows(Dictionary<string, List<object?>> columns, params (string Name, int Decimals)[] fields)
    {
        var count = columns[fields[0].Name].Count;
        var rows = new List<string>(count);
        for (var r = 0; r < count; r++)
        {
            rows.Add(string.Join(',', fields.Select(f => columns[f.Name][r] switch
            {
                null => string.Empty,
                DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                string s => ReferenceResultFiles.Csv(s),
                double v => ReferenceResultFiles.Fixed(v, f.Decimals),
                var other => throw new InvalidOperationException($"unexpected {other}"),
            })));
        }

        return rows;
    }

    /// <summary>The fields of one CSV line (RFC 4180 quoting).</summary>
    private static string[] SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return [.. fields];
    }

    /// <summary>Reports progress on the worker's thread (Progress&lt;T&gt; would post it to the thread pool, after the run).</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
