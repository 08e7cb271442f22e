using System.Text.Json;

namespace Ballast.Cli.Tests.Research;

/// <summary>
/// How each sample runs: the commands of docs/research-samples.md, with the data read from ../shared/data and every
/// file written into a temporary folder. Each returns the run's metrics.json.
/// </summary>
internal sealed record SampleRun(bool NeedsSharedData, Func<TempDir, string?, JsonElement> Execute)
{
    private static readonly Dictionary<string, SampleRun> Runs = new(StringComparer.Ordinal)
    {
        ["demo"] = new(false, (dir, _) => Json("demo", "--out", dir.File("demo"), "--json")),
        ["sixty-forty"] = new(true, (dir, shared) => Backtest("sixty-forty.yaml", Etf(shared))),
        ["sixty-forty-json"] = new(true, (dir, shared) => Backtest("sixty-forty.json", Etf(shared))),
        ["hedge-funds"] = new(true, (dir, shared) => Backtest("hedge-funds.yaml", Edhec(shared), "--returns", "percent")),
        ["risk-parity"] = new(true, (dir, shared) => Backtest("risk-parity.yaml", Etf(shared))),
        ["constrained-min-variance"] = new(true, (dir, shared) => Backtest("constrained-min-variance.yaml", Etf(shared))),
        ["frequency-cost-sweep"] = new(true, (dir, shared) => Backtest(Path.Combine("research", "frequency-cost-sweep.yaml"), Etf(shared))),
        ["booth-fama-1992-diversification-return"] = new(true, (dir, shared) => Backtest(Path.Combine("research", "booth-fama-1992-diversification-return.yaml"), Shiller(dir, shared), "--from", "1925-12", "--to", "2009-12")),
        ["edhec-frequency-matters"] = new(true, (dir, shared) => Backtest(Path.Combine("research", "edhec-frequency-matters.yaml"), Edhec(shared), "--returns", "percent")),
        ["vanguard-2010-monitoring-threshold"] = new(true, (dir, shared) => Backtest(Path.Combine("research", "vanguard-2010-monitoring-threshold.yaml"), Shiller(dir, shared), "--from", "1925-12", "--to", "2009-12")),
    };

    /// <summary>The pinned samples, by name.</summary>
    public static IEnumerable<string> Names => Runs.Keys;

    public static SampleRun Get(string name) => Runs[name];

    /// <summary><c>ballast backtest samples/SPEC --data DATA ARGS --json --significance</c>.</summary>
    private static JsonElement Backtest(string spec, string data, params string[] args) =>
        Json(["backtest", Path.Combine(CliRunner.RepoRoot(), "samples", spec), "--data", data, .. args, "--json", "--significance"]);

    private static JsonElement Json(params string[] args)
    {
        var result = CliRunner.Run(args);
        Assert.True(result.ExitCode == 0, $"ballast {string.Join(' ', args)}\nexit {result.ExitCode}\n{result.Error}");
        using var doc = JsonDocument.Parse(result.Out);
        return doc.RootElement.Clone();
    }

    private static string Etf(string? shared) => Path.Combine(shared!, "etf_daily_adjclose.csv");

    private static string Edhec(string? shared) => Path.Combine(shared!, "edhec_hedgefund_indices_monthly.csv");

    /// <summary><c>ballast data shiller</c> into the temporary folder: the derived Stocks and Bonds levels.</summary>
    internal static string Shiller(TempDir dir, string? shared)
    {
        var output = dir.File("shiller-tr.csv");
        var result = CliRunner.Run("data", "shiller", "--data", Path.Combine(shared!, "shiller_us_stock_market_monthly.csv"), "--out", output);
        Assert.True(result.ExitCode == 0, $"ballast data shiller: exit {result.ExitCode}\n{result.Error}");
        return output;
    }
}
