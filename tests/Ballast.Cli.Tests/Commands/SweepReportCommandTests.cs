using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ballast.Cli.Tests.Commands;

/// <summary>The report of a sweep through the real <c>ballast backtest</c>: StepM, the top N by a metric, heatmaps, the frontier, sub-periods and the console's parameter columns.</summary>
public sealed class SweepReportCommandTests
{
    /// <summary>Three mixes × two costs: B grows steadily, A is flat noise, so the B-heavy mixes plainly beat the A-heavy baseline.</summary>
    private const string Spec = """
        name: mix-cost
        universe: [A, B]
        weights: { scheme: fixed, targets: { A: 0.9, B: 0.1 } }
        trigger: { calendar: monthly }
        sweep:
          mix: { path: weights.targets, values: [{ A: 0.9, B: 0.1 }, { A: 0.5, B: 0.5 }, { A: 0.1, B: 0.9 }], labels: [a90, a50, a10] }
          cost: { path: costs.proportional_bps, values: [0, 20] }
        """;

    [Fact]
    public void Backtest_Significance_StepMNamesThePlantedWinnersAgainstTheBaseline()
    {
        using var dir = new TempDir();
        var spec = dir.Write("s.yaml", Spec);

        var result = CliRunner.Run("backtest", spec, "--data", dir.Write("p.csv", Prices(800)), "--json", "--significance");

        Assert.Equal(0, result.ExitCode);
        var root = JsonDocument.Parse(result.Out).RootElement;
        var stepm = root.GetProperty("multiple_testing").GetProperty("stepm");
        Assert.Equal(root.GetProperty("multiple_testing").GetProperty("spa").GetProperty("against").GetString(), stepm.GetProperty("against").GetString());
        Assert.Equal(0.05, stepm.GetProperty("alpha").GetDouble());
        Assert.Equal(6, stepm.GetProperty("models").GetInt32()); // the sweep's six policies; twins and baselines are comparators
        var beat = stepm.GetProperty("beat_baseline").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Contains("mix=a10,cost=0", beat);
        Assert.Contains("mix=a10,cost=20", beat);
        Assert.Contains("mix=a50,cost=0", beat);
        Assert.DoesNotContain(beat, name => name!.StartsWith("mix=a90", StringComparison.Ordinal));
        var critical = stepm.GetProperty("critical_values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.NotEmpty(critical);
        Assert.Equal(critical.OrderDescending(), critical); // the active set only shrinks
    }

    internal static string Prices(int rows)
    {
        var csv = new StringBuilder("Date,A,B\n");
        for (var r = 0; r < rows; r++)
        {
            var date = new DateOnly(2015, 1, 5).AddDays(r);
            var a = 100 * Math.Exp((0.03 * Math.Sin(r * 1.3)) + (0.02 * Math.Cos(r * 0.77)) + (0.01 * Math.Sin(r * 2.9)));
            var b = 50 * Math.Exp((0.0015 * r) + (0.004 * Math.Sin(r * 1.9)));
            csv.Append(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd},{a:R},{b:R}\n");
        }

        return csv.ToString();
    }
}
