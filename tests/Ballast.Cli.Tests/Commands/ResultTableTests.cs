namespace Ballast.Cli.Tests.Commands;

/// <summary>The console comparison table: within 100 characters by default, no trailing spaces, --columns.</summary>
public class ResultTableTests
{
    private const string Spec = """
        name: pair
        universe: [A, B]
        weights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }
        costs: { proportional_bps: 5 }
        policies:
          - name: never
            trigger: none
          - name: a policy with a rather long descriptive name that goes on and on, monthly
            trigger: { calendar: monthly }
          - name: band
            trigger: { drift: { absolute: 0.05 } }
        """;

    private static string Prices(int rows)
    {
        var lines = new List<string> { "Date,A,B" };
        var date = new DateOnly(2020, 1, 1);
        for (var i = 0; i < rows; i++)
        {
            lines.Add(FormattableString.Invariant($"{date.AddDays(i):yyyy-MM-dd},{100 * Math.Exp(0.3 * Math.Sin(i / 20.0)):0.######},{100 + (0.1 * i):0.######}"));
        }

        return string.Join('\n', lines) + "\n";
    }

    private static CliResult Run(params string[] extra)
    {
        using var dir = new TempDir();
        var spec = dir.Write("s.yaml", Spec);
        var data = dir.Write("p.csv", Prices(400));
        return CliRunner.Run(["backtest", spec, "--data", data, .. extra]);
    }

    private static string[] Lines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');

    [Fact]
    public void Default_EveryLineFitsOneHundredColumns_AndNoneEndsWithASpace()
    {
        var result = Run();

        Assert.Equal(0, result.ExitCode);
        var lines = Lines(result.Out);
        Assert.All(lines.Where(l => !l.StartsWith("data: ", StringComparison.Ordinal)), line => Assert.True(line.Length <= 100, $"{line.Length} characters: {line}"));
        Assert.All(lines, line => Assert.False(line.EndsWith(' '), $"trailing space: '{line}'"));
        var header = lines.Single(l => l.StartsWith("policy", StringComparison.Ordinal));
        foreach (var column in new[] { "hash", "CAGR", "vol", "Sharpe", "max DD", "rebal", "turn/yr", "cost bps", "premium" })
        {
            Assert.Contains(column, header, StringComparison.Ordinal);
        }

        // The long name is cut with an ellipsis to fit; the short ones are whole.
        Assert.Contains(lines, l => l.StartsWith("a policy with a", StringComparison.Ordinal) && l.Contains('…', StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("never (baseline)  ", StringComparison.Ordinal));
    }

    [Fact]
    public void ColumnsAll_ShowsEveryColumn_WithoutTrailingSpaces()
    {
        var result = Run("--columns", "all");

        Assert.Equal(0, result.ExitCode);
        var lines = Lines(result.Out);
        Assert.All(lines, line => Assert.False(line.EndsWith(' '), $"trailing space: '{line}'"));
        var header = lines.Single(l => l.StartsWith("policy", StringComparison.Ordinal));
        foreach (var column in new[] { "Sortino", "Calmar", "drift avg", "drift max", "premium" })
        {
            Assert.Contains(column, header, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ColumnsChosen_ShowsThoseInTheGivenOrder()
    {
        var result = Run("--columns", "sharpe,cagr");

        Assert.Equal(0, result.ExitCode);
        var header = Lines(result.Out).Single(l => l.StartsWith("policy", StringComparison.Ordinal));
        Assert.Matches(@"^policy\s+Sharpe\s+CAGR$", header);
    }

    [Fact]
    public void ColumnsUnknown_IsRefusedWithExitTwoNamingTheOption()
    {
        using var dir = new TempDir();
        var spec = dir.Write("s.yaml", Spec);
        var data = dir.Write("p.csv", Prices(100));
        var result = CliRunner.Run("backtest", spec, "--data", data, "--columns", "cagr,alpha", "--out", dir.File("out"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--columns: unknown column 'alpha'", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("out")));
    }
}
