using System.Text.Json;
using System.Text.Json.Nodes;
using Ballast.Cli.Tests.Commands;
using Json.Schema;

namespace Ballast.Cli.Tests.Schemas;

/// <summary>
/// schemas/metrics.schema.json is a valid draft 2020-12 schema, and what <c>backtest --json</c> prints and
/// <c>--out</c> writes is valid for it: a plain run, a sweep with significance (its multiple-testing section) and
/// sub-periods; a document missing a metric or carrying an undocumented key is not.
/// </summary>
public sealed class MetricsSchemaTests : IDisposable
{
    private const string Spec = """
        name: pair
        universe: [A, B]
        weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }
        policies:
          - name: monthly
            trigger: { calendar: monthly }
          - name: band
            trigger: { drift: { absolute: 0.05 } }
        """;

    private const string Sweep = """
        name: mix-cost
        universe: [A, B]
        weights: { scheme: fixed, targets: { A: 0.9, B: 0.1 } }
        trigger: { calendar: monthly }
        sweep:
          mix: { path: weights.targets, values: [{ A: 0.9, B: 0.1 }, { A: 0.5, B: 0.5 }], labels: [a90, a50] }
          cost: { path: costs.proportional_bps, values: [0, 20] }
        """;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Schema_IsAValidDraft202012Schema()
    {
        var results = MetaSchemas.Draft202012.Evaluate(JsonElement.Parse(File.ReadAllText(MetricsSchema.Path)), new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(results.IsValid, MetricsSchema.Errors(results));
    }

    [Fact]
    public void BacktestJson_AndTheMetricsFileItWrites_AreValid()
    {
        var output = _dir.File("out");

        var json = Backtest(Spec, "--json");
        var written = Backtest(Spec, "--out", output, "--outputs", "metrics");

        MetricsSchema.AssertValid(json, "backtest --json");
        Assert.NotNull(written);
        MetricsSchema.AssertValid(File.ReadAllText(Path.Combine(output, "metrics.json")), "--out metrics.json");
    }

    [Fact]
    public void SweepWithSignificanceAndPeriods_IsValid_WithItsMultipleTestingSection()
    {
        var json = Backtest(Sweep, "--json", "--significance", "--periods", "2015-03-01..2015-09-30,years");

        MetricsSchema.AssertValid(json, "a sweep's --json --significance --periods");
        var root = JsonNode.Parse(json)!;
        Assert.NotNull(root["multiple_testing"]?["stepm"]);
        Assert.NotNull(root["multiple_testing"]?["spa"]);
        Assert.NotNull(root["sweep"]);
        Assert.NotEmpty(root["periods"]!.AsArray());
        Assert.Contains(root["policies"]!.AsArray(), p => p!["significance"] is JsonObject);
    }

    [Fact]
    public void Document_MissingAMetricOrWithAnUndocumentedKey_IsInvalid()
    {
        var json = Backtest(Spec, "--json");
        var missing = JsonNode.Parse(json)!;
        missing["policies"]![0]!["metrics"]!.AsObject().Remove("sharpe");
        var extra = JsonNode.Parse(json)!;
        extra["undocumented"] = 1;

        Assert.False(MetricsSchema.Evaluate(missing.ToJsonString()).IsValid);
        Assert.False(MetricsSchema.Evaluate(extra.ToJsonString()).IsValid);
    }

    private string Backtest(string spec, params string[] args)
    {
        var result = CliRunner.Run(["backtest", _dir.Write("s.yaml", spec), "--data", _dir.Write("p.csv", SweepReportCommandTests.Prices(400)), .. args]);
        Assert.True(result.ExitCode == 0, result.Error);
        return result.Out;
    }
}
