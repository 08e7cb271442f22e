using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

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

    [Fact]
    public void Backtest_TopByPremium_PrintsTheBestNWithTheirIntervalsAndStepMVerdicts()
    {
        using var dir = new TempDir();
        var spec = dir.Write("s.yaml", Spec);
        var data = dir.Write("p.csv", Prices(800));

        var table = CliRunner.Run("backtest", spec, "--data", data, "--top", "3", "--by", "premium", "--significance");
        var json = CliRunner.Run("backtest", spec, "--data", data, "--json", "--significance");

        Assert.Equal(0, table.ExitCode);
        var root = JsonDocument.Parse(json.Out).RootElement;
        var runs = root.GetProperty("policies").EnumerateArray().ToArray();
        var expected = runs.Where(r => r.GetProperty("role").GetString() == "policy")
            .OrderByDescending(r => r.GetProperty("metrics").GetProperty("rebalancing_premium").GetDouble()).Take(3).ToArray();
        var beat = root.GetProperty("multiple_testing").GetProperty("stepm").GetProperty("beat_baseline").EnumerateArray().Select(e => e.GetString()).ToHashSet();
        var lines = Lines(table.Out);
        var header = Array.FindIndex(lines, l => l.StartsWith("policy", StringComparison.Ordinal));
        Assert.Contains("vs twin (95%)", lines[header], StringComparison.Ordinal);
        Assert.EndsWith("StepM", lines[header], StringComparison.Ordinal);
        var rows = lines.Skip(header + 2).TakeWhile(l => l.Length > 0).ToArray();
        Assert.Equal(4, rows.Length); // the best three, then the baseline
        Assert.StartsWith("baseline", rows[3], StringComparison.Ordinal);
        for (var k = 0; k < 3; k++)
        {
            var parameters = expected[k].GetProperty("parameters");
            var cells = rows[k].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(parameters.GetProperty("mix").GetString(), cells[1]);
            Assert.Equal(parameters.GetProperty("cost").GetDouble().ToString(CultureInfo.InvariantCulture), cells[2]);
            var cagr = expected[k].GetProperty("significance").GetProperty("bootstrap").GetProperty("cagr_difference");
            Assert.Equal($"{Signed(cagr.GetProperty("estimate").GetDouble())} [{Signed(cagr.GetProperty("lower").GetDouble())}, {Signed(cagr.GetProperty("upper").GetDouble())}]", cells[^2]);
            Assert.Equal(beat.Contains(expected[k].GetProperty("name").GetString()) ? "yes" : "no", cells[^1]);
        }

        Assert.All(lines.Where(l => !l.StartsWith("data: ", StringComparison.Ordinal)), line => Assert.True(line.Length <= 100, $"{line.Length} characters: {line}"));
        Assert.Contains("the best 3 policies by rebalancing premium, then the baseline", table.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--by", "sharp", "error: --by: unknown metric 'sharp'; the metrics are sharpe, cagr,")]
    [InlineData("--heatmap", "alpha", "error: --heatmap: unknown metric 'alpha'")]
    [InlineData("--top", "0", "error: --top: expected a whole number from 1 to 1000, got 0")]
    public void Backtest_BadRankingOption_ExitsTwoBeforeRunning(string option, string value, string expected)
    {
        using var dir = new TempDir();

        var result = CliRunner.Run("backtest", dir.Write("s.yaml", Spec), "--data", dir.Write("p.csv", Prices(100)), option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(expected, result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public void Backtest_Sweep_ShowsItsParametersAsColumnsInsteadOfCutNames()
    {
        using var dir = new TempDir();
        var spec = dir.Write("s.yaml", Spec);
        var data = dir.Write("p.csv", Prices(300));

        var result = CliRunner.Run("backtest", spec, "--data", data);
        var chosen = CliRunner.Run("backtest", spec, "--data", data, "--columns", "cost,sharpe");
        var unknown = CliRunner.Run("backtest", spec, "--data", data, "--columns", "band");

        Assert.Equal(0, result.ExitCode);
        var lines = Lines(result.Out);
        var header = Array.FindIndex(lines, l => l.StartsWith("policy", StringComparison.Ordinal));
        Assert.Matches(@"^policy\s+mix\s+cost\s+CAGR", lines[header]);
        var rows = lines.Skip(header + 2).TakeWhile(l => l.Length > 0).ToArray();
        Assert.Equal(12, rows.Length); // six policies, six twins (one of them the baseline)
        Assert.Matches(@"^policy\s+a90\s+0\s", rows[0]);
        Assert.Matches(@"^policy\s+a10\s+20\s", rows[5]);
        Assert.Matches(@"^baseline\s+a90\s+0\s", rows[6]);
        Assert.Matches(@"^twin\s+a10\s+20\s", rows[11]);
        Assert.DoesNotContain(lines, l => l.Contains('…', StringComparison.Ordinal));
        Assert.All(lines.Where(l => !l.StartsWith("data: ", StringComparison.Ordinal)), line => Assert.True(line.Length <= 100 && !line.EndsWith(' '), line));
        Assert.Matches(@"^policy\s+cost\s+Sharpe$", Lines(chosen.Out).First(l => l.StartsWith("policy", StringComparison.Ordinal)));
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("error: --columns: unknown column 'band'; the columns are name,mix,cost,hash,", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_SweepTwinSharedAcrossAParameter_ShowsAStarForIt()
    {
        using var dir = new TempDir();
        var spec = dir.Write("f.yaml", "universe: [A, B]\nweights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }\ntrigger: { calendar: monthly }\nsweep:\n  frequency: { path: trigger.calendar, values: [monthly, annual] }\n  cost: { path: costs.proportional_bps, values: [0, 10] }\n");

        var result = CliRunner.Run("backtest", spec, "--data", dir.Write("p.csv", Prices(300)));

        Assert.Equal(0, result.ExitCode);
        var lines = Lines(result.Out);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^baseline\s+\*\s+0\s"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^twin\s+\*\s+10\s"));
    }

    [Fact]
    public void Backtest_OutOfASweep_ReportHasTheTopTableHeatmapFrontierAndSubPeriods()
    {
        using var dir = new TempDir();
        var spec = dir.Write("s.yaml", Spec);
        var data = dir.Write("p.csv", Prices(800));
        var output = dir.File("out");

        var result = CliRunner.Run("backtest", spec, "--data", data, "--out", output, "--top", "4", "--by", "sharpe", "--heatmap", "cagr", "--periods", "2015-06-01..2015-12-31,years");

        Assert.Equal(0, result.ExitCode);
        var html = File.ReadAllText(Path.Combine(output, "report.html"));
        var root = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))).RootElement;
        var policies = root.GetProperty("policies").EnumerateArray().Where(r => r.GetProperty("role").GetString() == "policy").ToArray();

        // The top table: four rows, best Sharpe first, with the StepM verdict (significance is automatic with --out for a small run).
        var top = Section(html, "top");
        Assert.Contains("<h2>Top 4 by Sharpe</h2>", top, StringComparison.Ordinal);
        var names = Regex.Matches(top, "<tr><td data-v=\"\\d+\">\\d+</td><td class=\"name\">([^<]+)</td>").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(policies.OrderByDescending(p => p.GetProperty("metrics").GetProperty("sharpe").GetDouble()).Take(4).Select(p => p.GetProperty("name").GetString()), names);
        Assert.Equal(4, Regex.Matches(top, "beats baseline|not shown better").Count);

        // One heatmap (two parameters, one entry): a cell per policy, its value the policy's CAGR.
        var heatmaps = Section(html, "heatmaps");
        Assert.Contains("CAGR by parameter", heatmaps, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(heatmaps, "<figure class=\"heatmap\">"));
        var cells = Regex.Matches(heatmaps, "<rect [^>]*data-v=\"([^\"]+)\"><title>mix=(\\w+), cost=(\\d+): CAGR ").ToArray();
        Assert.Equal(6, cells.Length);
        foreach (var cell in cells)
        {
            var policy = policies.Single(p => p.GetProperty("name").GetString() == $"mix={cell.Groups[2].Value},cost={cell.Groups[3].Value}");
            Assert.Equal(policy.GetProperty("metrics").GetProperty("cagr").GetDouble(), double.Parse(cell.Groups[1].Value, CultureInfo.InvariantCulture));
        }

        // The frontier: every policy a dot; the efficient ones are those no policy with less or equal turnover beats.
        var frontier = Section(html, "frontier");
        Assert.Equal(6, Regex.Matches(frontier, "<circle ").Count);
        var efficient = Regex.Matches(frontier, "<title>([^:<]+): turnover [^<]* \\(efficient\\)</title>").Select(m => m.Groups[1].Value).Order().ToArray();
        var expected = policies.Where(p => !policies.Any(q => Better(q, p))).Select(p => p.GetProperty("name").GetString()).Order().ToArray();
        Assert.Equal(expected, efficient);

        // Sub-periods: each period's rows, one per run (twelve runs, all shown), the values of metrics.json's periods.
        var periods = Section(html, "periods");
        var slices = root.GetProperty("periods").EnumerateArray().ToArray();
        Assert.Equal(slices.Length * 12, Regex.Matches(periods, "<tr[ >]").Count - 1);
        var first = slices[0].GetProperty("policies")[0];
        Assert.Contains($"<td data-v=\"{first.GetProperty("sharpe").GetDouble().ToString("R", CultureInfo.InvariantCulture)}\">", periods, StringComparison.Ordinal);
        Assert.Contains(">2015-06-01..2015-12-31</td>", periods, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_OutWithoutASweep_HasNoHeatmapOrTopTable()
    {
        using var dir = new TempDir();
        var spec = dir.Write("p.yaml", "name: plain\nuniverse: [A, B]\nweights: { scheme: fixed, targets: { A: 0.5, B: 0.5 } }\npolicies:\n  - { name: monthly, trigger: { calendar: monthly } }\n");
        var output = dir.File("out");

        var result = CliRunner.Run("backtest", spec, "--data", dir.Write("d.csv", Prices(200)), "--out", output);

        Assert.Equal(0, result.ExitCode);
        var html = File.ReadAllText(Path.Combine(output, "report.html"));
        Assert.DoesNotContain("id=\"heatmaps\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"frontier\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"top\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"periods\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_TotalCountsTheTwinsTheJobAdds()
    {
        // The command starts the counter at the spec's policies + 1; the job adds a twin per mix and cost (6), so the
        // total shown must come from the job's plan: 12 runs.
        using var dir = new TempDir();
        var set = Ballast.Io.Specs.SpecLoader.Load(Spec, "s.yaml");
        var market = Ballast.Io.MarketDataFile.Read(dir.Write("p.csv", Prices(60)));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var io = new CliIo(stdout, stderr, Interactive: true) { Clock = clock };

        var outcome = Ballast.Cli.Commands.Progress.Run(io, set.Policies.Length + 1, progress =>
        {
            var run = Ballast.Io.BacktestJob.Run(set, market, new Ballast.Io.BacktestOptions(), progress);
            clock.Advance(TimeSpan.FromSeconds(1)); // the work took a second: the counter shows
            return run;
        });

        Assert.Equal(12, outcome.Runs.Count);
        Assert.EndsWith($"backtesting: 12/12 runs{Environment.NewLine}", stderr.ToString(), StringComparison.Ordinal);
    }

    private static bool Better(JsonElement q, JsonElement p)
    {
        double Turnover(JsonElement r) => r.GetProperty("metrics").GetProperty("turnover_one_way_annual").GetDouble();
        double Premium(JsonElement r) => r.GetProperty("metrics").GetProperty("rebalancing_premium").GetDouble();
        return Turnover(q) <= Turnover(p) && Premium(q) > Premium(p);
    }

    private static string Section(string html, string id)
    {
        var start = html.IndexOf($"<section id=\"{id}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section {id}");
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    private static string Signed(double fraction) => (fraction * 100).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) + "%";

    private static string[] Lines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');

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
