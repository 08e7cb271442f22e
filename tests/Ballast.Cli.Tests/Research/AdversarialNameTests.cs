using System.Text.Json;

namespace Ballast.Cli.Tests.Research;

/// <summary>
/// Hostile policy names through <c>ballast backtest --out</c>: names never become file names (traversal and
/// collisions after sanitising cannot happen: the directory holds the fixed file set), HTML escapes them, CSV quotes
/// them, and names a console or a spreadsheet would misread (control characters, a leading <c>= + - @</c>) are
/// refused at the spec line (docs/policy-spec.md#names).
/// </summary>
public sealed class AdversarialNameTests
{
    private static readonly string[] Hostile =
    [
        "../../etc/passwd", "a\\b/c", "<script>alert(1)</script>", "\" onmouseover=\"alert(2)", "CON", "..",
        "раураl", "paypal", new string('x', 300), "name with 'quotes', commas; and \"doubles\"",
    ];

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Spec(IEnumerable<string> names) =>
        "universe: [SPY, AGG]\nweights: { scheme: fixed, targets: { SPY: 0.6, AGG: 0.4 } }\npolicies:\n"
        + string.Concat(names.Select((n, i) => $"  - {{ name: {JsonSerializer.Serialize(n)}, trigger: {{ drift: {{ absolute: {0.01 + (i * 0.01):0.00} }} }} }}\n"));

    [Fact]
    public void Backtest_HostileNames_StayInsideTheFilesAndNeverNameOne()
    {
        using var dir = new TempDir();
        var outDir = Path.Combine(dir.Path, "deep", "out");

        var result = CliRunner.Run("backtest", dir.Write("s.yaml", Spec(Hostile)), "--data", dir.Write("p.csv", AdversarialData.Wavy(300)), "--out", outDir, "--format", "csv,parquet");

        Assert.Equal(0, result.ExitCode);
        string[] expected = ["equity.csv", "equity.parquet", "metrics.json", "report.html", "trades.csv", "trades.parquet", "weights.csv", "weights.parquet"];
        Assert.Equal(expected, Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetDirectories(outDir));
        Assert.Equal(["deep", "p.csv", "s.yaml"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["out"], Directory.GetFileSystemEntries(Path.Combine(dir.Path, "deep")).Select(Path.GetFileName));

        var names = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json"))).RootElement.GetProperty("policies").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(Hostile, names.Take(Hostile.Length));

        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\" onmouseover=\"", html, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<script"));

        // equity.csv's header holds every name once, quoted where it has a comma or a quote, and reads back exactly.
        var header = File.ReadLines(Path.Combine(outDir, "equity.csv")).First();
        Assert.Equal(["date", .. names], CsvFields(header));
    }

    [Theory]
    [InlineData("\"nul\\0here\"", "(policies[0].name): the name holds a control character (U+0000)")]
    [InlineData("\"line\\nbreak\"", "(policies[0].name): the name holds a control character (U+000A)")]
    [InlineData("\"tab\\tinside\"", "(policies[0].name): the name holds a control character (U+0009)")]
    [InlineData("\"=cmd|' /C calc'!A0\"", "(policies[0].name): the name '=cmd|' /C calc'!A0' starts with '=', which a spreadsheet opening the CSV files would run as a formula")]
    [InlineData("\"+1\"", "starts with '+'")]
    [InlineData("\"-1\"", "starts with '-'")]
    [InlineData("\"@SUM(A1)\"", "starts with '@'")]
    [InlineData("\"\"", "(policies[0].name): the name is empty")]
    public void Spec_NamesAConsoleOrASpreadsheetWouldMisread_AreRefusedAtTheLine(string name, string expected)
    {
        using var dir = new TempDir();
        var spec = dir.Write("s.yaml", $"universe: [SPY, AGG]\nweights: {{ scheme: fixed, targets: {{ SPY: 0.6, AGG: 0.4 }} }}\npolicies:\n  - {{ name: {name}, trigger: {{ calendar: monthly }} }}\n");

        var result = CliRunner.Run("spec", spec);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("s.yaml:4:", result.Error, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: \"=HYPERLINK(1)\"\n", "(name): the name '=HYPERLINK(1)' starts with '='")]
    [InlineData("sweep:\n  \"@band\": { path: trigger.drift.absolute, values: [0.02, 0.05] }\n", "(sweep.@band): the name '@band' starts with '@'")]
    [InlineData("sweep:\n  \"ba\\0nd\": { path: trigger.drift.absolute, values: [0.02, 0.05] }\n", "the name holds a control character (U+0000)")]
    [InlineData("baselines:\n  - { name: \"-x\", trigger: { calendar: monthly } }\n", "(baselines[0].name): the name '-x' starts with '-'")]
    public void Spec_TheSameRule_HoldsForTheSpecsNameSweepParametersAndBaselines(string block, string expected)
    {
        using var dir = new TempDir();

        var result = CliRunner.Run("spec", dir.Write("s.yaml", AdversarialData.SixtyForty + block));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    /// <summary>RFC 4180 fields of one line, read by the BCL's parser (quoted fields, doubled quotes).</summary>
    /// <summary>
    /// Asset names come from the data and the universe, not from a name the spec refuses: one that starts with a
    /// formula character is written into weights.csv and trades.csv as text a spreadsheet will not run (an apostrophe
    /// and quotes, docs/report.md "CSV text fields").
    /// </summary>
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\";\"y\")")]
    [InlineData("+SUM(1)")]
    [InlineData("-2+3")]
    [InlineData("@A1")]
    public void Backtest_AnAssetNamedLikeAFormula_IsWrittenAsTextInTheCsvFiles(string asset)
    {
        using var dir = new TempDir();
        var quoted = "\"" + asset.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var data = string.Join('\n', AdversarialData.Wavy(60).Split('\n').Select((line, i) => i == 0 ? line.Replace("SPY", quoted, StringComparison.Ordinal) : line));
        var yaml = JsonSerializer.Serialize(asset, Relaxed);
        var spec = $"universe: [{yaml}, AGG]\nweights: {{ scheme: fixed, targets: {{ {yaml}: 0.6, AGG: 0.4 }} }}\ntrigger: {{ calendar: monthly }}\n";
        var outDir = dir.File("out");

        var result = CliRunner.Run("backtest", dir.Write("s.yaml", spec), "--data", dir.Write("p.csv", data), "--out", outDir);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith($"date,policy,\"'{quoted[1..]},AGG", File.ReadLines(Path.Combine(outDir, "weights.csv")).First(), StringComparison.Ordinal);
        Assert.Equal("'" + asset, CsvFields(File.ReadLines(Path.Combine(outDir, "weights.csv")).First())[2]);
        var trades = File.ReadLines(Path.Combine(outDir, "trades.csv")).Skip(1).Select(CsvFields).Where(f => f[2] != "AGG").ToList();
        Assert.NotEmpty(trades);
        Assert.All(trades, f => Assert.Equal("'" + asset, f[2]));
    }

    private static string[] CsvFields(string line)
    {
        using var parser = new Microsoft.VisualBasic.FileIO.TextFieldParser(new StringReader(line)) { HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = false };
        parser.SetDelimiters(",");
        return parser.ReadFields() ?? [];
    }
}
