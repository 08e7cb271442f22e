using System.Text.Json;
using Json.Schema;

namespace Ballast.Cli.Tests.Schemas;

/// <summary>schemas/metrics.schema.json, loaded once, and an assertion that a metrics document is valid for it.</summary>
internal static class MetricsSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(Path), new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    public static string Path => System.IO.Path.Combine(CliRunner.RepoRoot(), "schemas", "metrics.schema.json");

    /// <summary>The schema's verdict on <paramref name="json"/>, with every error's location.</summary>
    public static EvaluationResults Evaluate(string json) =>
        Schema.Value.Evaluate(JsonElement.Parse(json), new EvaluationOptions { OutputFormat = OutputFormat.List });

    /// <summary>Fails with the schema's errors when <paramref name="json"/> (from <paramref name="what"/>) is not valid.</summary>
    public static void AssertValid(string json, string what)
    {
        var results = Evaluate(json);
        Assert.True(results.IsValid, $"{what} is not valid for schemas/metrics.schema.json:\n{Errors(results)}");
    }

    public static string Errors(EvaluationResults results) => string.Join('\n', (results.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")));
}
