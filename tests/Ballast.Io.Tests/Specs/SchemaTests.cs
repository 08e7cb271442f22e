using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ballast.Data;
using Ballast.Io.Specs;
using Json.Schema;

namespace Ballast.Io.Tests.Specs;

/// <summary>
/// schemas/policy-spec.schema.json against the samples and against <see cref="SpecLoader"/>, the source of truth: the
/// schema's keys are the loader's keys, specs the loader accepts pass the schema, and specs the schema rejects the
/// loader rejects too. The rules the schema cannot express are pinned as known gaps.
/// </summary>
public class SchemaTests
{
    private static readonly string RepoRoot = SchemaSupport.RepoRoot;
    private static readonly string SchemaPath = Path.Combine(RepoRoot, "schemas", "policy-spec.schema.json");
    private static readonly JsonObject SchemaDocument = (JsonObject)JsonNode.Parse(File.ReadAllText(SchemaPath))!;
    // Lazy, so that a schema JsonSchema.Net refuses to build fails the tests that evaluate it, not the meta-schema check.
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(SchemaPath), new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    // A complete single-policy spec; each case below patches it (a null value removes the key).
    private const string Base = "{ 'name': 't', 'universe': ['A', 'B'], 'weights': { 'scheme': 'equal' }, 'trigger': { 'calendar': 'monthly' } }";

    public static TheoryData<string> JsonSamples => new(SampleFiles("*.json"));

    public static TheoryData<string> YamlSamples => new(SampleFiles("*.yaml"));

    [Fact]
    public void Schema_IsValidDraft202012()
    {
        var results = MetaSchemas.Draft202012.Evaluate(JsonElement.Parse(File.ReadAllText(SchemaPath)), new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(results.IsValid, Describe(results));
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)SchemaDocument["$schema"]);
        Assert.Equal("https://ballast.dev/schemas/policy-spec.schema.json", (string?)SchemaDocument["$id"]);
    }

    [Fact]
    public void Schema_EveryDefinitionHasTitleAndDescription()
    {
        Assert.False(string.IsNullOrWhiteSpace((string?)SchemaDocument["title"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)SchemaDocument["description"]));
        var defs = (JsonObject)SchemaDocument["$defs"]!;
        foreach (var required in new[] { "trigger", "weights", "costs", "execution", "perAssetNumber", "frequency", "policy" })
        {
            Assert.True(defs.ContainsKey(required), $"missing $defs/{required}");
        }

        foreach (var (name, def) in defs)
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)def!["title"]), $"$defs/{name} has no title");
            Assert.False(string.IsNullOrWhiteSpace((string?)def["description"]), $"$defs/{name} has no description");
        }
    }

    [Fact]
    public void TopLevelProperties_AreSpecLoaderTopKeys() =>
        AssertSameKeys(SpecKeys.TopKeys, PropertyNames(SchemaDocument));

    [Fact]
    public void PolicyProperties_AreSpecLoaderPolicyKeys() =>
        AssertSameKeys(SpecKeys.PolicyKeys, PropertyNames(Definition("policy")));

    [Theory]
    [InlineData("WeightKeys", "weights")]
    [InlineData("CostKeys", "costs")]
    [InlineData("ExecutionKeys", "execution")]
    [InlineData("MinTradeKeys", "minTrade")]
    [InlineData("TriggerKeys", "trigger")]
    [InlineData("DriftKeys", "drift")]
    [InlineData("CovarianceKeys", "covariance")]
    [InlineData("VolatilityKeys", "volatility")]
    [InlineData("GroupKeys", "group")]
    [InlineData("ClusterKeys", "correlationClusters")]
    [InlineData("BetaKeys", "betaLimit")]
    [InlineData("SweepParameterKeys", "sweepParameter")]
    [InlineData("RangeKeys", "sweepRange")]
    [InlineData("SimplexKeys", "sweepSimplex")]
    public void NestedProperties_AreSpecLoaderKeys(string loaderField, string definition) =>
        AssertSameKeys(LoaderStrings(loaderField), PropertyNames(Definition(definition)));

    [Fact]
    public void CooldownMappingProperties_AreSpecLoaderCooldownKeys() =>
        AssertSameKeys(LoaderStrings("CooldownKeys"), PropertyNames(Definition("cooldown")["oneOf"]![1]!.AsObject()));

    [Fact]
    public void Enums_AreSpecLoaderChoices()
    {
        AssertSameKeys(CalendarFrequencies.Names, Enum(Definition("frequency")));
        AssertSameKeys(LoaderStrings("Schemes"), Enum(Definition("weights")["properties"]!["scheme"]!.AsObject()));
        AssertSameKeys(LoaderStrings("ExecutionTargets"), Enum(Definition("execution")["properties"]!["to"]!.AsObject()));
        AssertSameKeys(LoaderStrings("CovarianceMethods"), Enum(Definition("covariance")["properties"]!["method"]!.AsObject()));
    }

    [Theory]
    [MemberData(nameof(JsonSamples))]
    public void JsonSample_PassesSchemaAndLoader(string file)
    {
        var path = Path.Combine(RepoRoot, "samples", file);
        var results = Evaluate(JsonElement.Parse(File.ReadAllText(path)));

        Assert.True(results.IsValid, Describe(results));
        Assert.NotEmpty(SpecLoader.LoadFile(path).Policies);
    }

    [Theory]
    [MemberData(nameof(YamlSamples))]
    public void YamlSample_PassesSchemaAndLoader(string file)
    {
        var path = Path.Combine(RepoRoot, "samples", file);
        var results = Evaluate(SchemaSupport.YamlToJson(File.ReadAllText(path)));

        Assert.True(results.IsValid, Describe(results));
        Assert.NotEmpty(SpecLoader.LoadFile(path).Policies);
    }

    [Fact]
    public void YamlToJson_ConvertsPlainNumbersOnly()
    {
        var json = SchemaSupport.YamlToJson("a: 1_000\nb: '5'\nc: none\nd: [0.25, 1e-2, x]\ne: ~\nf: .nan\n");

        Assert.Equal("""{"a":1000,"b":"5","c":"none","d":[0.25,0.01,"x"],"e":null,"f":".nan"}""", json.GetRawText());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{ 'name': 'weights given by targets alone', 'universe': null, 'weights': { 'scheme': 'fixed', 'targets': { 'A': 0.25, 'B': 0.75 } } }")]
    [InlineData("{ 'capital': 250000.5, 'periods_per_year': 12, 'risk_free': -0.5, 'description': 'all the optional blocks' }")]
    [InlineData("{ 'costs': { 'proportional_bps': { 'A': 5 }, 'spread_bps': 2, 'fixed_per_trade': 0 }, 'lot': { 'B': 10 } }")]
    [InlineData("{ 'costs': {}, 'lot': 0.5, 'execution': { 'to': 'target', 'partial': 1, 'min_trade': { 'value': 100, 'weight': 0.001 }, 'max_turnover': 0.2 } }")]
    [InlineData("{ 'trigger': 'none' }")]
    [InlineData("{ 'weights': { 'scheme': 'fixed', 'targets': { 'A': 0.5, 'B': 0.5 } }, 'trigger': { 'drift': { 'absolute': 0.05 } }, 'sweep': { 'band': { 'path': 'trigger.drift.absolute', 'values': [0.02, 0.05] }, 'cost': { 'path': 'costs.proportional_bps', 'range': { 'from': 0, 'to': 20, 'step': 5 } }, 'mix': { 'path': 'weights.targets', 'simplex': { 'assets': ['A', 'B'], 'step': 0.25, 'bounds': [0.25, 0.75] } } }, 'baselines': ['band=0.02,cost=0,mix=A:0.25/B:0.75', { 'name': 'annual', 'trigger': { 'calendar': 'annual' } }] }")]
    [InlineData("{ 'weights': { 'scheme': 'mean-variance', 'risk_aversion': 4, 'bounds': [0, 0.6] } }")]
    [InlineData("{ 'weights': { 'scheme': 'risk-parity', 'bounds': { 'A': [0.1, 0.3] } } }")]
    [InlineData("{ 'weights': { 'scheme': 'min-variance', 'groups': { 'g': { 'assets': ['A'], 'max': 0.5 } }, 'correlation_clusters': { 'threshold': 0.8, 'max_weight': 0.5 }, 'beta_limit': { 'reference': 'SPY', 'max': 0.6, 'min': 0 }, 'max_turnover': 0.3 } }")]
    [InlineData("{ 'weights': { 'scheme': 'risk-parity' }, 'covariance': { 'method': 'ledoit-wolf', 'target': 'constant-correlation' } }")]
    [InlineData("{ 'weights': { 'scheme': 'risk-parity' }, 'trigger': { 'risk_drift': { 'relative': 0.25 }, 'check': 'monthly' } }")]
    [InlineData("{ 'trigger': { 'calendar': 'quarterly', 'volatility': { 'window': 21, 'above': 0.25, 'below': 0.2, 'then': 'weekly' } } }")]
    [InlineData("{ 'trigger': { 'volatility': { 'above': 0.3, 'then': { 'drift': { 'absolute': 0.02 } }, 'scope': 'any-asset' }, 'cooldown': 5 } }")]
    [InlineData("{ 'weights': { 'scheme': 'risk-budget', 'budgets': { 'A': 0.4, 'B': 0.6 } }, 'covariance': { 'method': 'ewma', 'lookback': 100, 'halflife': 30 } }")]
    [InlineData("{ 'weights': { 'scheme': 'min-variance', 'bounds': { 'A': [0.1, 0.9] } }, 'covariance': { 'method': 'ledoit-wolf' } }")]
    [InlineData("{ 'trigger': { 'drift': { 'relative': 2.5 }, 'check': 'weekly', 'cooldown': 3 }, 'execution': { 'to': 'band-edge' } }")]
    [InlineData("{ 'trigger': { 'all': [ { 'calendar': 'semiannual', 'cooldown': { 'days': 30 } }, { 'any': [ { 'drift': { 'absolute': 0.05 } } ] } ], 'cooldown': { 'rows': 2, 'days': 7 } } }")]
    [InlineData("{ 'trigger': null, 'policies': [ { 'name': 'a', 'trigger': 'none' }, { 'name': 'b', 'trigger': { 'calendar': 'annual' }, 'capital': 5 } ] }")]
    [InlineData("{ 'trigger': { 'calendar': 'quarterly', 'anchor': 'period-end', 'offset': 2 } }")]
    [InlineData("{ 'trigger': { 'drift': { 'relative': 0 }, 'check': 'annual', 'anchor': 'period-end', 'offset': 5 } }")]
    [InlineData("{ 'trigger': { 'drift': { 'absolute': 0 } } }")]
    [InlineData("{ 'trigger': { 'calendar': 'quarterly', 'volatility': { 'above': 0.25, 'then': 'weekly', 'weights': { 'scheme': 'fixed', 'targets': { 'A': 0.2, 'B': 0.8 } } } } }")]
    [InlineData("{ 'trigger': { 'volatility': { 'above': 0.25, 'weights': { 'scheme': 'equal' } } } }")]
    [InlineData("{ 'policies': [ { 'name': 'own universe', 'universe': ['C'], 'weights': { 'scheme': 'fixed', 'targets': { 'C': 1 } } }, { 'name': 'default' } ] }")]
    [InlineData("{ 'universe': null, 'weights': null, 'policies': [ { 'name': 'from targets', 'weights': { 'scheme': 'fixed', 'targets': { 'X': 1 } } } ] }")]
    [InlineData("{ 'universe': null, 'weights': { 'scheme': 'fixed', 'targets': { 'A': 0.5, 'B': 0.5 } }, 'policies': [ { 'name': 'default targets' } ] }")]
    public void ValidSpec_PassesSchemaAndLoader(string patch)
    {
        var json = Spec(patch);
        var results = Evaluate(JsonElement.Parse(json));

        Assert.True(results.IsValid, Describe(results));
        Assert.NotEmpty(SpecLoader.Load(json, "x.json").Policies);
    }

    [Theory]
    [InlineData("{ 'capitol': 5 }", "unknown key 'capitol'")]
    [InlineData("{ 'sweep': { 'band': { 'path': 'trigger.drift.absolute', 'value': [0.1] } } }", "unknown key 'value'")]
    [InlineData("{ 'sweep': { 'band': { 'path': 'trigr.drift.absolute', 'values': [0.1] } } }", "must start with a policy key")]
    [InlineData("{ 'sweep': { 'band': { 'path': 'trigger.drift.absolute', 'range': { 'from': 0.1, 'to': 0.2, 'step': 0 } } } }", "the step must be > 0")]
    [InlineData("{ 'policies': [ { 'name': 'x', 'triger': 'none' } ] }", "unknown key 'triger'")]
    [InlineData("{ 'policies': [ { 'name': 'x', 'periods_per_year': 12 } ] }", "unknown key 'periods_per_year'")]
    [InlineData("{ 'weights': { 'scheme': 'equal', 'target': {} } }", "unknown key 'target'")]
    [InlineData("{ 'costs': { 'commission': 1 } }", "unknown key 'commission'")]
    [InlineData("{ 'execution': { 'partal': 0.5 } }", "unknown key 'partal'")]
    [InlineData("{ 'execution': { 'min_trade': { 'weight': 0.1, 'units': 1 } } }", "unknown key 'units'")]
    [InlineData("{ 'trigger': { 'calendar': 'monthly', 'delay': 1 } }", "unknown key 'delay'")]
    [InlineData("{ 'trigger': { 'drift': { 'absolute': 0.1, 'band': 0.1 } } }", "unknown key 'band'")]
    [InlineData("{ 'trigger': { 'calendar': 'monthly', 'cooldown': { 'weeks': 1 } } }", "unknown key 'weeks'")]
    [InlineData("{ 'trigger': { 'calendar': 'montly' } }", "unknown value 'montly'")]
    [InlineData("{ 'trigger': { 'calendar': 'monthly', 'volatility': { 'above': 0.25 } } }", "give then")]
    [InlineData("{ 'trigger': { 'calendar': 'monthly', 'volatility': { 'above': 0.25, 'weights': { 'scheme': 'risk-parity' } } } }", "take scheme fixed or equal")]
    [InlineData("{ 'trigger': { 'calendar': 'monthly', 'volatility': { 'then': 'weekly' } } }", "give above")]
    [InlineData("{ 'trigger': { 'calendar': 'monthly', 'volatility': { 'above': 0.2, 'then': 'weekly', 'window': 1 } } }", "a window of at least 2 returns")]
    [InlineData("{ 'trigger': { 'calendar': 'monthly', 'volatility': { 'above': 0.2, 'then': 'weekly', 'scope': 'asset' } } }", "unknown value 'asset'")]
    [InlineData("{ 'trigger': { 'calendar': 'monthly', 'volatility': { 'above': 0.2, 'then': 'weekly', 'windw': 3 } } }", "unknown key 'windw'")]
    [InlineData("{ 'weights': { 'scheme': 'risk-budget' } }", "scheme risk-budget needs budgets")]
    [InlineData("{ 'weights': { 'scheme': 'mean-variance' } }", "scheme mean-variance needs risk_aversion")]
    [InlineData("{ 'weights': { 'scheme': 'risk-parity' }, 'covariance': { 'target': 'identity' } }", "target applies only to method ledoit-wolf")]
    [InlineData("{ 'weights': { 'scheme': 'risk-parity' }, 'covariance': { 'method': 'ledoit-wolf', 'target': 'diagonal' } }", "unknown value 'diagonal'")]
    [InlineData("{ 'weights': { 'scheme': 'risk-parity', 'risk_aversion': 2 } }", "risk_aversion applies only to scheme mean-variance")]
    [InlineData("{ 'weights': { 'scheme': 'risk-parity', 'budgets': { 'A': 0.5, 'B': 0.5 } } }", "budgets applies only to scheme risk-budget")]
    [InlineData("{ 'weights': { 'scheme': 'inverse-vol', 'bounds': [0, 1] } }", "bounds applies only to schemes risk-parity, risk-budget, min-variance and mean-variance")]
    [InlineData("{ 'weights': { 'scheme': 'inverse-vol', 'targets': { 'A': 0.5, 'B': 0.5 } } }", "sets its targets from the covariance estimate")]
    [InlineData("{ 'weights': { 'scheme': 'risk-parity', 'groups': { 'g': { 'assets': ['A'], 'max': 0.5 } } } }", "groups applies only to schemes min-variance and mean-variance")]
    [InlineData("{ 'weights': { 'scheme': 'min-variance', 'groups': { 'g': { 'assets': ['A'] } } } }", "a group needs min, max or both")]
    [InlineData("{ 'weights': { 'scheme': 'min-variance', 'groups': { 'g': { 'assets': ['A'], 'max': 0.5, 'cap': 1 } } } }", "unknown key 'cap'")]
    [InlineData("{ 'weights': { 'scheme': 'min-variance', 'correlation_clusters': { 'threshold': 1.2, 'max_weight': 0.5 } } }", "strictly between -1 and 1")]
    [InlineData("{ 'weights': { 'scheme': 'min-variance', 'correlation_clusters': { 'threshold': 0.8 } } }", "correlation_clusters needs max_weight")]
    [InlineData("{ 'weights': { 'scheme': 'min-variance', 'beta_limit': { 'max': 0.6 } } }", "beta_limit needs reference")]
    [InlineData("{ 'weights': { 'scheme': 'min-variance', 'max_turnover': 3 } }", "in (0, 2]")]
    [InlineData("{ 'weights': { 'scheme': 'risk-parity' }, 'covariance': { 'method': 'shrunk' } }", "unknown value 'shrunk'")]
    [InlineData("{ 'weights': { 'scheme': 'risk-parity' }, 'covariance': { 'lookback': 1 } }", "a covariance needs at least 2 returns")]
    [InlineData("{ 'weights': { 'scheme': 'risk-parity' }, 'covariance': { 'halflife': 20 } }", "halflife applies only to method ewma")]
    [InlineData("{ 'trigger': { 'calendar': 'Monthly' } }", "unknown value 'Monthly'")]
    [InlineData("{ 'trigger': { 'drift': { 'absolute': 0.1 }, 'check': 'hourly' } }", "unknown value 'hourly'")]
    [InlineData("{ 'trigger': { 'drift': { 'absolute': -0.1 } } }", "the band must be >= 0 (0: rebalance at every check)")]
    [InlineData("{ 'trigger': { 'risk_drift': { 'relative': 0 } } }", "the band must be > 0")]
    [InlineData("{ 'trigger': { 'calendar': 'quarterly', 'anchor': 'end' } }", "unknown value 'end'; expected one of: period-start, period-end")]
    [InlineData("{ 'trigger': { 'drift': { 'absolute': 0.05 }, 'anchor': 'period-end' } }", "anchor applies to a calendar trigger or to a drift check")]
    [InlineData("{ 'trigger': { 'any': [ { 'calendar': 'monthly' } ], 'offset': 1 } }", "offset applies to a calendar trigger or to a drift check")]
    [InlineData("{ 'trigger': { 'calendar': 'annual', 'offset': 12 } }", "the annual offset is 0 to 11 months")]
    [InlineData("{ 'trigger': { 'calendar': 'annual', 'offset': 1.5 } }", "expected a whole number >= 0")]
    [InlineData("{ 'trigger': { 'volatility': { 'above': 0.3, 'then': 'weekly' }, 'anchor': 'period-end' } }", "anchor applies to a calendar trigger or to a drift check")]
    [InlineData("{ 'trigger': { 'drift': { 'absolute': 1 } } }", "must be < 1")]
    [InlineData("{ 'trigger': { 'drift': { 'absolute': 0.1, 'relative': 0.1 } } }", "give exactly one of absolute")]
    [InlineData("{ 'trigger': { 'drift': {} } }", "give exactly one of absolute")]
    [InlineData("{ 'trigger': { 'calendar': 'monthly', 'drift': { 'absolute': 0.1 } } }", "a trigger takes exactly one of calendar, drift, risk_drift, any, all")]
    [InlineData("{ 'trigger': { 'any': [ { 'calendar': 'monthly' } ], 'all': [ { 'calendar': 'annual' } ] } }", "a trigger takes exactly one of calendar, drift, risk_drift, any, all")]
    [InlineData("{ 'trigger': { 'cooldown': 5 } }", "a trigger needs exactly one of calendar, drift, risk_drift, any, all")]
    [InlineData("{ 'trigger': { 'calendar': 'monthly', 'check': 'daily' } }", "check applies only to drift triggers")]
    [InlineData("{ 'trigger': { 'any': [ 'none' ] } }", "expected a trigger mapping")]
    [InlineData("{ 'trigger': { 'any': [] } }", "any needs at least one trigger")]
    [InlineData("{ 'trigger': { 'all': [ { 'drift': { 'relative': -1 } } ] } }", "the band must be >= 0")]
    [InlineData("{ 'trigger': 'never' }", "expected none or a mapping")]
    [InlineData("{ 'trigger': { 'calendar': 'monthly', 'cooldown': 0 } }", "expected a whole number >= 1")]
    [InlineData("{ 'trigger': { 'calendar': 'monthly', 'cooldown': 1.5 } }", "expected a whole number >= 1")]
    [InlineData("{ 'trigger': { 'calendar': 'monthly', 'cooldown': {} } }", "give rows, days or both")]
    [InlineData("{ 'trigger': { 'calendar': 'monthly', 'cooldown': { 'days': 0 } } }", "expected a whole number >= 1")]
    [InlineData("{ 'weights': { 'scheme': 'fixd' } }", "unknown value 'fixd'")]
    [InlineData("{ 'weights': { 'targets': { 'A': 0.5, 'B': 0.5 } } }", "missing scheme")]
    [InlineData("{ 'weights': { 'scheme': 'equal', 'targets': { 'A': 0.5, 'B': 0.5 } } }", "scheme equal takes no targets")]
    [InlineData("{ 'weights': { 'scheme': 'fixed' } }", "scheme fixed needs targets")]
    [InlineData("{ 'weights': { 'scheme': 'fixed', 'targets': { 'A': -0.5, 'B': 1.5 } } }", "target weights must be >= 0")]
    [InlineData("{ 'universe': [] }", "the universe is empty")]
    [InlineData("{ 'universe': ['A', 'A'] }", "'A' is listed twice")]
    [InlineData("{ 'universe': ['A', ''] }", "empty series name")]
    [InlineData("{ 'capital': 0 }", "capital must be positive")]
    [InlineData("{ 'capital': '100' }", "expected a finite number")]
    [InlineData("{ 'periods_per_year': 0 }", "expected a whole number >= 1")]
    [InlineData("{ 'periods_per_year': 2.5 }", "expected a whole number >= 1")]
    [InlineData("{ 'risk_free': -1 }", "must be greater than -1")]
    [InlineData("{ 'costs': { 'proportional_bps': -1 } }", "must be >= 0")]
    [InlineData("{ 'costs': { 'spread_bps': { 'A': -1 } } }", "must be >= 0")]
    [InlineData("{ 'costs': { 'fixed_per_trade': -1 } }", "must be >= 0")]
    [InlineData("{ 'lot': 0 }", "must be > 0")]
    [InlineData("{ 'lot': { 'A': 0 } }", "must be > 0")]
    [InlineData("{ 'execution': { 'to': 'edge' } }", "unknown value 'edge'")]
    [InlineData("{ 'execution': { 'partial': 0 } }", "must be in (0, 1]")]
    [InlineData("{ 'execution': { 'partial': 1.5 } }", "must be in (0, 1]")]
    [InlineData("{ 'execution': { 'max_turnover': 0 } }", "must be in (0, 1]")]
    [InlineData("{ 'execution': { 'min_trade': {} } }", "give value (currency) or weight")]
    [InlineData("{ 'execution': { 'min_trade': { 'weight': 1 } } }", "must be < 1")]
    [InlineData("{ 'execution': { 'min_trade': { 'value': 0 } } }", "must be > 0")]
    [InlineData("{ 'policies': [] }", "the list is empty")]
    [InlineData("{ 'policies': [ { 'trigger': 'none' } ] }", "every policy needs a name")]
    [InlineData("{ 'policies': [ { 'name': '' } ] }", "the name is empty")]
    [InlineData("{ 'trigger': null }", "has no trigger")]
    [InlineData("{ 'weights': null }", "has no weights")]
    [InlineData("{ 'universe': null }", "has no universe")]
    [InlineData("{ 'trigger': null, 'policies': [ { 'name': 'a', 'trigger': 'none' }, { 'name': 'b' } ] }", "policy 'b' has no trigger")]
    [InlineData("{ 'weights': null, 'policies': [ { 'name': 'a', 'weights': { 'scheme': 'equal' } }, { 'name': 'b' } ] }", "policy 'b' has no weights")]
    [InlineData("{ 'universe': null, 'policies': [ { 'name': 'a', 'universe': ['A'] }, { 'name': 'b' } ] }", "policy 'b' has no universe")]
    [InlineData("{ 'universe': null, 'weights': { 'scheme': 'fixed', 'targets': { 'A': 1 } }, 'policies': [ { 'name': 'a' }, { 'name': 'b', 'weights': { 'scheme': 'equal' } } ] }", "policy 'b' has no universe")]
    public void InvalidSpec_FailsSchemaAndLoader(string patch, string loaderMessage)
    {
        var json = Spec(patch);
        var results = Evaluate(JsonElement.Parse(json));

        Assert.False(results.IsValid, $"the schema accepted {json}");
        var error = Assert.Throws<BallastInputException>(() => SpecLoader.Load(json, "x.json"));
        Assert.Contains(loaderMessage, error.Message, StringComparison.Ordinal);
    }

    /// <summary>What JSON Schema cannot express: the schema passes these, the loader rejects them, and the schema says so in words.</summary>
    [Theory]
    [InlineData("{ 'weights': { 'scheme': 'fixed', 'targets': { 'A': 0.5, 'B': 0.6 } } }", "targets must sum to 1 (within 1e-9)", "1e-9")]
    [InlineData("{ 'weights': { 'scheme': 'fixed', 'targets': { 'A': 0.5, 'C': 0.5 } } }", "'C' is not in the universe", "must be in the policy's universe")]
    [InlineData("{ 'weights': { 'scheme': 'fixed', 'targets': { 'A': 1 } } }", "no target for 'B'", "name every asset of the policy's universe")]
    [InlineData("{ 'costs': { 'spread_bps': { 'C': 1 } } }", "'C' is not in the universe", "per-asset cost map")]
    [InlineData("{ 'lot': { 'C': 1 } }", "'C' is not in the universe", "per-asset lot map")]
    [InlineData("{ 'execution': { 'to': 'band-edge' } }", "band-edge needs a drift trigger", "`execution.to: band-edge` needs a drift trigger")]
    [InlineData("{ 'policies': [ { 'name': 'x' }, { 'name': 'x' } ] }", "duplicate policy name 'x'", "policy names must be unique")]
    [InlineData("{ 'weights': { 'scheme': 'min-variance', 'bounds': [0.6, 1] } }", "lower bounds sum to 1.2 > 1", "lower bounds sum to at most 1")]
    [InlineData("{ 'weights': { 'scheme': 'risk-budget', 'budgets': { 'A': 0.5, 'B': 0.6 } } }", "budgets must sum to 1 (within 1e-9)", "sum to 1 within 1e-9")]
    [InlineData("{ 'weights': { 'scheme': 'min-variance', 'groups': { 'g': { 'assets': ['Z'], 'max': 0.5 } } } }", "'Z' is not in the universe", "every asset of a group must be in the universe")]
    [InlineData("{ 'weights': { 'scheme': 'min-variance', 'groups': { 'g': { 'assets': ['A'], 'min': 0.7, 'max': 0.5 } } } }", "0 <= min <= max <= 1", "a group's [min, max] must be reachable")]
    [InlineData("{ 'weights': { 'scheme': 'min-variance', 'bounds': { 'A': [0.6, 1] }, 'groups': { 'g': { 'assets': ['A'], 'max': 0.5 } } } }", "conflicts with the bounds of its assets", "a group's [min, max] must be reachable within its assets' bounds")]
    [InlineData("{ 'weights': { 'scheme': 'min-variance', 'beta_limit': { 'reference': 'SPY', 'max': 0.2, 'min': 0.5 } } }", "is above max", "a beta_limit's min must not exceed its max")]
    [InlineData("{ 'trigger': { 'calendar': 'quarterly', 'offset': 3 } }", "the quarterly offset is 0 to 2 months", "a calendar `offset` must fit the frequency it shifts")]
    [InlineData("{ 'weights': { 'scheme': 'risk-parity' }, 'trigger': { 'calendar': 'monthly', 'volatility': { 'above': 0.25, 'weights': { 'scheme': 'equal' } } } }", "need the policy's own weights to be fixed", "a volatility regime's `weights` need the policy's own weights to be fixed or equal")]
    [InlineData("{ 'trigger': { 'calendar': 'monthly', 'offset': 1 } }", "monthly takes no offset", "none for daily and monthly")]
    [InlineData("{ 'trigger': { 'drift': { 'absolute': 0.05 }, 'check': 'weekly', 'offset': 7 } }", "a weekly offset is 0 to 6 days", "weekly 0 to 6 days")]
    public void RuleBeyondTheSchema_IsDescribedAndLeftToTheLoader(string patch, string loaderMessage, string described)
    {
        var json = Spec(patch);
        var results = Evaluate(JsonElement.Parse(json));

        Assert.True(results.IsValid, Describe(results));
        var error = Assert.Throws<BallastInputException>(() => SpecLoader.Load(json, "x.json"));
        Assert.Contains(loaderMessage, error.Message, StringComparison.Ordinal);
        Assert.Contains(described, (string?)SchemaDocument["description"], StringComparison.Ordinal);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static string[] SampleFiles(string pattern)
    {
        var files = Directory.GetFiles(Path.Combine(RepoRoot, "samples"), pattern).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        return files.Length > 0 ? files : throw new InvalidOperationException($"no samples/{pattern}");
    }

    private static EvaluationResults Evaluate(JsonElement instance) =>
        Schema.Value.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static string Describe(EvaluationResults results) => SchemaSupport.Describe(results);

    /// <summary><see cref="Base"/> with the patch's keys set (null removes a key). Both are written with single quotes.</summary>
    private static string Spec(string patch)
    {
        var spec = JsonNode.Parse(Base.Replace('\'', '"'))!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(patch.Replace('\'', '"'))!.AsObject())
        {
            spec.Remove(key);
            if (value is not null)
            {
                spec[key] = value.DeepClone();
            }
        }

        return spec.ToJsonString();
    }

    private static JsonObject Definition(string name) => SchemaDocument["$defs"]![name]!.AsObject();

    private static string[] PropertyNames(JsonObject schema) => [.. schema["properties"]!.AsObject().Select(p => p.Key)];

    private static string[] Enum(JsonObject schema) => [.. schema["enum"]!.AsArray().Select(v => (string)v!)];

    private static string[] LoaderStrings(string field) =>
        (string[])typeof(SpecKeys).GetField(field, BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;

    private static void AssertSameKeys(IEnumerable<string> expected, IEnumerable<string> actual) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
}
