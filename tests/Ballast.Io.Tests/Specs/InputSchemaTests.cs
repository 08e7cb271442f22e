using System.Text.Json;
using System.Text.Json.Nodes;
using Ballast.Accounting;
using Ballast.Governance;
using Ballast.Io.Protocol;
using Json.Schema;

namespace Ballast.Io.Tests.Specs;

/// <summary>
/// schemas/scenario.schema.json and schemas/proposal.schema.json against the samples and against the loaders, as
/// <see cref="SchemaTests"/> does for the policy spec: every key a loader accepts is a property of the schema and
/// the other way round (so they cannot drift), every enumerated value likewise, and the samples pass both.
/// </summary>
public sealed class InputSchemaTests : IDisposable
{
    private static readonly GovernanceParameters Parameters = new(86_400, 604_800, 1_000, 0, 172_800, 1_209_600, new AccountId("guardian"));

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ballast-input-schema-");

    public void Dispose() => _dir.Delete(true);

    public static TheoryData<string> SchemaNames => ["scenario", "proposal"];

    public static TheoryData<string> ScenarioSamples => new(Samples("scenarios"));

    public static TheoryData<string> ProposalSamples => new(Samples("proposals"));

    /// <summary>Each loader key set and enumeration beside the schema object (or enum) that must list the same names.</summary>
    public static TheoryData<string, string, string> KeySets => new()
    {
        { "scenario", "TopKeys", "" },
        { "scenario", "DataKeys", "/$defs/data" },
        { "scenario", "SynthKeys", "/$defs/synth" },
        { "scenario", "PolicyKeys", "/$defs/policy" },
        { "scenario", "AssetKeys", "/$defs/asset" },
        { "scenario", "ChildKeys", "/$defs/children" },
        { "scenario", "ComposedKeys", "/$defs/composed" },
        { "scenario", "RailKeys", "/$defs/rails" },
        { "scenario", "FlowKeys", "/$defs/investor" },
        { "scenario", "GovernanceKeys", "/$defs/governance" },
        { "scenario", "ParameterKeys", "/$defs/governanceParameters" },
        { "proposal", "TopKeys", "" },
        { "proposal", "AdoptKeys", "/$defs/adoptPolicy" },
        { "proposal", "EvidenceKeys", "/$defs/evidence" },
        { "proposal", "ClaimKeys", "/$defs/claim" },
        { "proposal", "ParameterKeys", "/$defs/changeParameters" },
    };

    [Theory]
    [MemberData(nameof(SchemaNames))]
    public void Schema_IsValidDraft202012WithTitlesAndDescriptions(string name)
    {
        var text = File.ReadAllText(SchemaPath(name));
        var results = MetaSchemas.Draft202012.Evaluate(JsonElement.Parse(text), new EvaluationOptions { OutputFormat = OutputFormat.List });
        var document = Document(name);

        Assert.True(results.IsValid, SchemaSupport.Describe(results));
        Assert.Equal($"https://ballast.dev/schemas/{name}.schema.json", (string?)document["$id"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)document["description"]));
        foreach (var (key, definition) in document["$defs"]!.AsObject())
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)definition!["title"]), $"$defs/{key} has no title");
            Assert.False(string.IsNullOrWhiteSpace((string?)definition["description"]), $"$defs/{key} has no description");
        }
    }

    [Theory]
    [MemberData(nameof(KeySets))]
    public void SchemaProperties_AreTheLoaderKeys(string schema, string field, string pointer) =>
        AssertSame(LoaderStrings(schema == "scenario" ? typeof(Scenario) : typeof(ProposalFile), field), Properties(At(Document(schema), pointer)));

    [Fact]
    public void ScenarioSteps_AreGovernanceStepKindsWithTheirFields()
    {
        var defs = Document("scenario")["$defs"]!.AsObject();
        var stepRefs = defs["step"]!["oneOf"]!.AsArray().Select(r => ((string)r!["$ref"]!).Replace("#/$defs/step_", string.Empty, StringComparison.Ordinal));

        AssertSame(Scenario.StepKinds, stepRefs);
        foreach (var kind in Scenario.StepKinds)
        {
            var step = defs[$"step_{kind}"]!.AsObject();
            AssertSame(["on", kind], Properties(step));
            AssertSame(GovernanceStep.Fields[kind], Properties(step["properties"]![kind]!.AsObject()));
        }
    }

    [Fact]
    public void ProposalActions_AreProposalFileActionKinds()
    {
        var defs = Document("proposal")["$defs"]!.AsObject();
        var kinds = defs["action"]!["oneOf"]!.AsArray().Select(r => ((string)r!["$ref"]!).Replace("#/$defs/action_", string.Empty, StringComparison.Ordinal)).ToList();

        AssertSame(ProposalFile.ActionKinds, kinds);
        foreach (var kind in kinds)
        {
            AssertSame([kind], Properties(defs[$"action_{kind}"]!.AsObject()));
        }
    }

    [Fact]
    public void ScenarioEnums_AreTheLoaderChoices()
    {
        var document = Document("scenario");

        AssertSame(Scenario.ReturnKinds, Enum(At(document, "/$defs/data/properties/returns")));
        AssertSame(Scenario.FillModes, Enum(At(document, "/$defs/data/properties/fill")));
        AssertSame(Scenario.PricingModes, Enum(At(document, "/$defs/pricing")));
        AssertSame(Scenario.KeeperSchedules, Enum(At(document, "/properties/keeper")));
        AssertSame(GovernanceStep.Supports, Enum(At(document, "/$defs/step_vote/properties/vote/properties/support")));
    }

    [Theory]
    [MemberData(nameof(ScenarioSamples))]
    public void ScenarioSample_PassesSchemaAndLoader(string file)
    {
        var path = Path.Combine(SchemaSupport.RepoRoot, "samples", "scenarios", file);
        var results = Evaluate("scenario", SchemaSupport.YamlToJson(File.ReadAllText(path)));

        Assert.True(results.IsValid, SchemaSupport.Describe(results));
        var dataFile = DataFileOf(path);
        Assert.SkipWhen(dataFile is not null && !File.Exists(dataFile), $"{file} reads {dataFile}, which is absent (../shared/data); its schema check ran, its load cannot");
        Assert.NotEmpty(Scenario.LoadFile(path).Flows);
    }

    [Theory]
    [MemberData(nameof(ProposalSamples))]
    public void ProposalSample_PassesSchemaAndLoader(string file)
    {
        var path = Path.Combine(SchemaSupport.RepoRoot, "samples", "proposals", file);
        var results = Evaluate("proposal", SchemaSupport.YamlToJson(File.ReadAllText(path)));
        // The README's flow: the evidence is a backtest on `ballast data synth --strategies 5 --years 5 --seed 42`.
        var data = Path.Combine(_dir.FullName, "sim-data.csv");
        using (var writer = new StreamWriter(data))
        {
            PriceTableCsv.Write(Synthesis.StrategySynthesizer.Generate(5, 5, 42), writer);
        }

        Assert.True(results.IsValid, SchemaSupport.Describe(results));
        Assert.NotEmpty(ProposalFile.LoadFile(path, Parameters, new EvidenceData(data, Ballast.Data.ValueKind.Prices)).Actions);
    }

    /// <summary>Documents both the schema and the loader refuse.</summary>
    [Theory]
    [InlineData("scenario", "{ 'data': { 'synth': {} }, 'asset': { 'symbol': 'USD' }, 'policy': { 'file': 'p.yaml', 'name': 'policy' }, 'investors': [], 'keeper': 'weekly' }", "(keeper): unknown value 'weekly'")]
    [InlineData("scenario", "{ 'data': { 'synth': {} }, 'asset': { 'symbol': 'USD' }, 'policy': { 'file': 'p.yaml', 'name': 'policy' }, 'investors': [], 'kepper': 'none' }", "(kepper): unknown key 'kepper'; did you mean 'keeper'?")]
    [InlineData("scenario", "{ 'data': { 'synth': {} }, 'asset': { 'symbol': 'USD' }, 'policy': { 'file': 'p.yaml' }, 'investors': [] }", "(policy.name): missing name")]
    [InlineData("proposal", "{ 'actions': [] }", "(actions): a proposal needs at least one action")]
    [InlineData("proposal", "{ 'actions': [ { 'add_gauges': 'demo-mix' } ] }", "(actions[0]): unknown action 'add_gauges'")]
    [InlineData("proposal", "{ 'descripton': 'x', 'actions': [ { 'add_gauge': 'demo-mix' } ] }", "(descripton): unknown key 'descripton'; did you mean 'description'?")]
    [InlineData("proposal", "{ 'actions': [ { 'change_parameters': {} } ] }", "(actions[0].change_parameters): change at least one of")]
    [InlineData("proposal", "{ 'actions': [ { 'change_parameters': { 'timelock': '2x' } } ] }", "(actions[0].change_parameters.timelock): cannot read duration '2x'")]
    public void InvalidDocument_FailsSchemaAndLoader(string schema, string document, string loaderMessage)
    {
        var json = document.Replace('\'', '"');
        var results = Evaluate(schema, JsonElement.Parse(json));
        File.WriteAllText(Path.Combine(_dir.FullName, "p.yaml"), "universe: [TREND]\nweights: { scheme: equal }\ntrigger: none\n");
        var source = Path.Combine(_dir.FullName, $"x.{schema}.json");

        Assert.False(results.IsValid, $"the schema accepted {json}");
        var error = Assert.Throws<BallastInputException>(() =>
        {
            _ = schema == "scenario" ? Scenario.Load(json, source) : (object)ProposalFile.Load(json, source, Parameters, null);
        });
        Assert.True(error.Message.Contains(loaderMessage, StringComparison.Ordinal), error.Message);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static string SchemaPath(string name) => Path.Combine(SchemaSupport.RepoRoot, "schemas", $"{name}.schema.json");

    private static JsonObject Document(string name) => (JsonObject)JsonNode.Parse(File.ReadAllText(SchemaPath(name)))!;

    private static EvaluationResults Evaluate(string name, JsonElement instance) =>
        JsonSchema.FromText(File.ReadAllText(SchemaPath(name)), new BuildOptions { SchemaRegistry = new SchemaRegistry() })
            .Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static string[] Samples(string folder)
    {
        var files = Directory.GetFiles(Path.Combine(SchemaSupport.RepoRoot, "samples", folder), "*.yaml").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        return files.Length > 0 ? files : throw new InvalidOperationException($"no samples/{folder}/*.yaml");
    }

    /// <summary>The data file a sample scenario reads, or null for synthetic data.</summary>
    private static string? DataFileOf(string scenario)
    {
        var data = SchemaSupport.YamlToJson(File.ReadAllText(scenario)).GetProperty("data");
        return data.TryGetProperty("file", out var file) ? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(scenario)!, file.GetString()!)) : null;
    }

    private static JsonObject At(JsonObject document, string pointer)
    {
        JsonNode node = document;
        foreach (var part in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node[part] ?? throw new InvalidOperationException($"no {pointer} in the schema");
        }

        return node.AsObject();
    }

    private static IEnumerable<string> Properties(JsonObject schema) => schema["properties"]!.AsObject().Select(p => p.Key);

    private static IEnumerable<string> Enum(JsonObject schema) => schema["enum"]!.AsArray().Select(v => (string)v!);

    private static string[] LoaderStrings(Type loader, string field) =>
        (string[])loader.GetField(field, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.GetValue(null)!;

    private static void AssertSame(IEnumerable<string> expected, IEnumerable<string> actual) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
}
