namespace Ballast.Io.Reports;

/// <summary>The files of a backtest's output directory (<c>--outputs</c>).</summary>
[Flags]
public enum OutputFiles
{
    None = 0,

    /// <summary>metrics.json: every policy's metrics.</summary>
    Metrics = 1,

    /// <summary>report.html: the self-contained report.</summary>
    Report = 2,

    /// <summary>equity: NAV per row per policy.</summary>
    Equity = 4,

    /// <summary>weights: weights per row per policy.</summary>
    Weights = 8,

    /// <summary>trades: every trade of every policy.</summary>
    Trades = 16,

    /// <summary>Every file (the default).</summary>
    All = Metrics | Report | Equity | Weights | Trades,
}

/// <summary>The formats of the per-row files (<c>--format</c>).</summary>
[Flags]
public enum OutputFormats
{
    /// <summary>CSV (the default): equity.csv, weights.csv, trades.csv.</summary>
    Csv = 1,

    /// <summary>Parquet: equity.parquet, weights.parquet, trades.parquet (long form, full-precision doubles).</summary>
    Parquet = 2,
}

/// <summary>
/// Whose per-row curves (equity, weights, trades, and the report's charts) are written (<c>--curves</c>): every
/// policy's, or those of the best <see cref="Best"/> policies by Sharpe ratio plus the baseline.
/// </summary>
/// <param name="Best">Null: every policy; otherwise how many of the best to keep.</param>
public sealed record CurveSelection(int? Best)
{
    /// <summary>Up to this many policies (baseline included), every policy's curves are written by default.</summary>
    public const int AllUpTo = 100;

    /// <summary>Above <see cref="AllUpTo"/> policies, the default is the best this many and the baseline.</summary>
    public const int DefaultBest = 20;

    /// <summary>Every policy's curves.</summary>
    public static CurveSelection All { get; } = new((int?)null);

    /// <summary>The default for a run of <paramref name="runs"/> policies (baseline included): all up to <see cref="AllUpTo"/>, else <c>best:</c><see cref="DefaultBest"/>.</summary>
    public static CurveSelection Default(int runs) => runs <= AllUpTo ? All : new CurveSelection(DefaultBest);

    /// <summary>Reads <c>all</c> or <c>best:K</c> (K ≥ 1); a bad value is an input error naming <paramref name="field"/>.</summary>
    public static CurveSelection Parse(string text, string field = "--curves")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "all")
        {
            return All;
        }

        if (text.StartsWith("best:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var k) && k >= 1)
        {
            return new CurveSelection(k);
        }

        throw new BallastInputException($"{field} '{text}': must be 'all' or 'best:K' with K a whole number of at least 1 (e.g. best:20)");
    }

    public override string ToString() => Best is { } k ? $"best:{k}" : "all";
}

/// <summary>What a backtest writes into its output directory: which files, in which formats, whose curves.</summary>
/// <param name="Directory">The output directory (<c>--out</c>).</param>
/// <param name="Files">The files (<c>--outputs</c>).</param>
/// <param name="Formats">The per-row files' formats (<c>--format</c>).</param>
/// <param name="Curves">Whose curves; null: <see cref="CurveSelection.Default"/> for the run's size.</param>
public sealed record OutputRequest(string Directory, OutputFiles Files = OutputFiles.All, OutputFormats Formats = OutputFormats.Csv, CurveSelection? Curves = null)
{
    private static readonly (string Name, OutputFiles File)[] Names =
    [
        ("metrics", OutputFiles.Metrics), ("report", OutputFiles.Report), ("equity", OutputFiles.Equity), ("weights", OutputFiles.Weights), ("trades", OutputFiles.Trades),
    ];

    /// <summary>Whether CSV files are written.</summary>
    public bool Csv => Formats.HasFlag(OutputFormats.Csv);

    /// <summary>Whether Parquet files are written.</summary>
    public bool Parquet => Formats.HasFlag(OutputFormats.Parquet);

    /// <summary>Whether <paramref name="file"/> is asked for.</summary>
    public bool Has(OutputFiles file) => (Files & file) == file;

    /// <summary>Whether any per-row file (equity, weights, trades) or the report is asked for: the run must then be recorded.</summary>
    public bool NeedsRecording => (Files & (OutputFiles.Report | OutputFiles.Equity | OutputFiles.Weights | OutputFiles.Trades)) != 0;

    /// <summary>The names of the files written, in a fixed order.</summary>
    public IReadOnlyList<string> FileNames()
    {
        var names = new List<string>();
        if (Has(OutputFiles.Metrics))
        {
            names.Add("metrics.json");
        }

        foreach (var file in new[] { OutputFiles.Equity, OutputFiles.Weights, OutputFiles.Trades })
        {
            var stem = Names.First(n => n.File == file).Name;
            if (Has(file) && Csv)
            {
                names.Add(stem + ".csv");
            }

            if (Has(file) && Parquet)
            {
                names.Add(stem + ".parquet");
            }
        }

        if (Has(OutputFiles.Report))
        {
            names.Add("report.html");
        }

        return names;
    }

    /// <summary>Every file name a result directory can hold (checked before a run: none may be a directory).</summary>
    public static IReadOnlyList<string> AllFileNames { get; } = new OutputRequest(".", OutputFiles.All, OutputFormats.Csv | OutputFormats.Parquet).FileNames();

    /// <summary>Reads <c>--outputs</c>: a comma-separated list of metrics, report, equity, weights, trades (at least one).</summary>
    public static OutputFiles ParseFiles(string text, string field = "--outputs")
    {
        ArgumentNullException.ThrowIfNull(text);
        var files = OutputFiles.None;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var match = Names.FirstOrDefault(n => n.Name == part);
            if (match.Name is null)
            {
                throw new BallastInputException($"{field} '{text}': '{part}' is not an output; choose from {string.Join(", ", Names.Select(n => n.Name))}, comma-separated");
            }

            files |= match.File;
        }

        return files;
    }

    /// <summary>Reads <c>--format</c>: csv, parquet, or both comma-separated.</summary>
    public static OutputFormats ParseFormats(string text, string field = "--format")
    {
        ArgumentNullException.ThrowIfNull(text);
        OutputFormats formats = 0;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            formats |= part switch
            {
                "csv" => OutputFormats.Csv,
                "parquet" => OutputFormats.Parquet,
                _ => throw new BallastInputException($"{field} '{text}': '{part}' is not a format; choose csv, parquet or csv,parquet"),
            };
        }

        return formats;
    }
}
