namespace Ballast.Cli.Tests.Commands;

/// <summary><c>ballast backtest --out</c> with <c>--outputs</c>, <c>--format</c> and <c>--curves</c>, through the real command.</summary>
public class BacktestOutputsTests
{
    private const string Spec = """
        name: trio
        universe: [A, B]
        weights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }
        costs: { proportional_bps: 5 }
        policies:
          - name: never
            trigger: none
          - name: monthly
            trigger: { calendar: monthly }
          - name: band
            trigger: { drift: { absolute: 0.05 } }
          - name: quarterly
            trigger: { calendar: quarterly }
        """;

    private static string Prices(int rows)
    {
        var lines = new List<string> { "Date,A,B" };
        var date = new DateOnly(2020, 1, 1);
        for (var i = 0; i < rows; i++)
        {
            var a = 100 * Math.Exp(0.3 * Math.Sin(i / 20.0));
            var b = 100 + (0.1 * i);
            lines.Add(FormattableString.Invariant($"{date.AddDays(i):yyyy-MM-dd},{a:0.######},{b:0.######}"));
        }

        return string.Join('\n', lines) + "\n";
    }

    private static string[] Files(string dir) => [.. Directory.GetFiles(dir).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    [Fact]
    public void Outputs_ChoosesTheFiles()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("backtest", dir.Write("s.yaml", Spec), "--data", dir.Write("p.csv", Prices(200)), "--out", dir.File("o"), "--outputs", "metrics,trades");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["metrics.json", "trades.csv"], Files(dir.File("o")));
        Assert.Contains("trades.csv", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("report:", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_ParquetAndBoth()
    {
        using var dir = new TempDir();
        var spec = dir.Write("s.yaml", Spec);
        var data = dir.Write("p.csv", Prices(200));

        var parquet = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("pq"), "--format", "parquet");
        var both = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("both"), "--format", "csv,parquet", "--outputs", "equity");

        Assert.Equal(0, parquet.ExitCode);
        Assert.Equal(["equity.parquet", "metrics.json", "report.html", "trades.parquet", "weights.parquet"], Files(dir.File("pq")));
        Assert.Equal(0, both.ExitCode);
        Assert.Equal(["equity.csv", "equity.parquet"], Files(dir.File("both")));
        Assert.Equal("PAR1"u8.ToArray(), File.ReadAllBytes(Path.Combine(dir.File("pq"), "equity.parquet"))[..4]);
    }

    [Fact]
    public void Curves_BestK_WritesTheBestAndTheBaseline()
    {
        using var dir = new TempDir();
        var spec = dir.Write("s.yaml", Spec);
        var data = dir.Write("p.csv", Prices(300));

        var result = CliRunner.Run("backtest", spec, "--data", data, "--out", dir.File("o"), "--curves", "best:1");
        // --out computes the statistics of a run this small by itself; --json does when asked.
        var json = CliRunner.Run("backtest", spec, "--data", data, "--json", "--significance");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("(curves: best:1)", result.Out, StringComparison.Ordinal);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        var best = doc.RootElement.GetProperty("policies").EnumerateArray()
            .Where(p => !p.GetProperty("baseline").GetBoolean())
            .OrderByDescending(p => p.GetProperty("metrics").GetProperty("sharpe").GetDouble())
            .First().GetProperty("name").GetString();
        var header = File.ReadLines(Path.Combine(dir.File("o"), "equity.csv")).First();
        Assert.Equal($"date,never,{best}", header);
        Assert.All(File.ReadLines(Path.Combine(dir.File("o"), "trades.csv")).Skip(1), line => Assert.Matches($",({best}|never),", line));
        Assert.Equal(json.Out, File.ReadAllText(Path.Combine(dir.File("o"), "metrics.json")));
    }

    [Theory]
    [InlineData("--curves", "best:0", "--curves 'best:0': must be 'all' or 'best:K'")]
    [InlineData("--curves", "top", "--curves 'top': must be")]
    [InlineData("--outputs", "metrics,equty", "'equty' is not an output")]
    [InlineData("--format", "xlsx", "'xlsx' is not a format")]
    public void BadOutputOptions_ExitTwoBeforeAnyWork(string option, string value, string message)
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("backtest", dir.Write("s.yaml", Spec), "--data", dir.Write("p.csv", Prices(50)), "--out", dir.File("o"), option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("o")));
    }

    [Fact]
    public void OutputOptions_WithoutOut_ExitTwo()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("backtest", dir.Write("s.yaml", Spec), "--data", dir.Write("p.csv", Prices(50)), "--format", "parquet");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--format chooses what --out writes", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadPolicyLateInTheSpec_LeavesNoOutputDirectory()
    {
        using var dir = new TempDir();
        var bad = Spec + "  - name: late\n    trigger: { calendar: quarterly }\n    execution: { to: band-edge }\n";
        var result = CliRunner.Run("backtest", dir.Write("s.yaml", bad), "--data", dir.Write("p.csv", Prices(200)), "--out", dir.File("o"));

        Assert.Equal(2, result.ExitCode);
        Assert.False(Directory.Exists(dir.File("o")));
        Assert.Equal(["p.csv", "s.yaml"], Files(dir.Path));
        Assert.Empty(Directory.GetDirectories(dir.Path));
    }

    /// <summary>The README's output-options line runs as written (on ../shared/data; skipped with a message without it).</summary>
    [Fact]
    public void ReadmeOutputsLine_RunsAsWritten()
    {
        var shared = CliRunner.SharedData();
        if (shared is null)
        {
            Assert.Skip("../shared/data is absent: the README's backtest line needs the ETF prices there");
        }

        using var dir = new TempDir();
        var root = CliRunner.RepoRoot();
        var line = File.ReadLines(Path.Combine(root, "README.md")).Single(l => l.Contains("--curves best:2", StringComparison.Ordinal));
        var args = line["ballast ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => a.Replace("../shared/data", shared, StringComparison.Ordinal).Replace("out/pq", dir.File("pq"), StringComparison.Ordinal))
            .Select(a => a.StartsWith("samples/", StringComparison.Ordinal) ? Path.Combine(root, a) : a)
            .ToArray();

        var result = CliRunner.Run(args);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(["equity.csv", "equity.parquet", "metrics.json", "trades.csv", "trades.parquet"], Files(dir.File("pq")));
    }
}
