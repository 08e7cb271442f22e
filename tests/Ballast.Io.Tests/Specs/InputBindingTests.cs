using Ballast.Accounting;
using Ballast.Governance;
using Ballast.Io.Protocol;
using Ballast.Io.Specs;

namespace Ballast.Io.Tests.Specs;

/// <summary>
/// The one binding layer as the three kinds of input document meet it: a misspelt key or value is refused at its
/// file, line, column and field with the closest accepted name, and amounts are read exactly. (The document limits,
/// the same for all three, are in <see cref="DocumentLimitsTests"/>.)
/// </summary>
public sealed class InputBindingTests : IDisposable
{
    private static readonly GovernanceParameters Parameters = new(86_400, 604_800, 1_000, 0, 172_800, 1_209_600, new AccountId("guardian"));

    private static readonly string Samples = Path.Combine(SchemaSupport.RepoRoot, "samples");

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ballast-binding-");

    public void Dispose() => _dir.Delete(true);

    [Theory]
    [InlineData("trigger: { calendar: monthly }", "trigger: { calendar: monthly, cooldwn: 5 }", "spec.yaml:3:31 (trigger.cooldwn): unknown key 'cooldwn'; did you mean 'cooldown'?")]
    [InlineData("trigger: { calendar: monthly }", "trigger: { calendar: quartely }", "spec.yaml:3:22 (trigger.calendar): unknown value 'quartely'; expected one of: daily, weekly, monthly, quarterly, semiannual, annual (did you mean 'quarterly'?)")]
    [InlineData("weights: { scheme: equal }", "weights: { scheme: risk-parity }\ncovariance: { method: ledoit-wolf, target: identiy }", "spec.yaml:3:44 (covariance.target): unknown value 'identiy'; expected one of: identity, constant-correlation (did you mean 'identity'?)")]
    public void Spec_Misspelling_SuggestsTheClosestName(string find, string replace, string expected)
    {
        var text = "universe: [A, B]\nweights: { scheme: equal }\ntrigger: { calendar: monthly }\n".Replace(find, replace, StringComparison.Ordinal);

        var e = Assert.Throws<BallastInputException>(() => SpecLoader.Load(text, "spec.yaml"));

        Assert.Equal(expected, e.Message);
    }

    [Theory]
    [InlineData("  entry_fee_bps: 10 ", "  entry_fe_bps: 10 ", "(children.entry_fe_bps): unknown key 'entry_fe_bps'; did you mean 'entry_fee_bps'?")]
    [InlineData("keeper: every-row", "keeper: evry-row", "(keeper): unknown value 'evry-row'; expected one of: every-row, none (did you mean 'every-row'?)")]
    [InlineData("  id: demo-mix", "  id: demo-mix\n  pricing: immediat", "(composed.pricing): unknown value 'immediat'; expected one of: forward, immediate (did you mean 'immediate'?)")]
    [InlineData("  - { account: bob, deposit: 250000, on: 2002-06-03 }", "  - { acount: bob, deposit: 250000, on: 2002-06-03 }", "(investors[1].acount): unknown key 'acount'; did you mean 'account'?")]
    [InlineData("keeper: every-row", "keeper: every-row\ngovernance: { steps: [ { on: 2002-01-02, vote: { by: alice, proposal: 1, support: againts } } ] }", "(governance.steps[0].vote.support): unknown value 'againts'; expected one of: against, for, abstain (did you mean 'against'?)")]
    [InlineData("keeper: every-row", "keeper: every-row\ngovernance: { steps: [ { on: 2002-01-02, mint: { to: alice, bankk: 5 } } ] }", "(governance.steps[0].mint.bankk): unknown key 'bankk'; did you mean 'bank'?")]
    public void Scenario_Misspelling_SuggestsTheClosestName(string find, string replace, string expected)
    {
        var e = Assert.Throws<BallastInputException>(() => LoadScenario(find, replace));

        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message);
        Assert.StartsWith(Path.Combine(_dir.FullName, "scenario.yaml") + ":", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The asset symbol is parsed once, at load, with the protocol's rule: a 17-character symbol used to pass here and fail later, at the simulation's create-asset command.</summary>
    [Theory]
    [InlineData("ABCDEFGHIJKLMNOPQ")]
    [InlineData("'US D'")]
    public void Scenario_InvalidAssetSymbol_IsRefusedAtLoad_NamingTheField(string symbol)
    {
        var e = Assert.Throws<BallastInputException>(() => LoadScenario("asset: { symbol: USD,", $"asset: {{ symbol: {symbol},"));

        Assert.Contains("(asset.symbol): '" + symbol.Trim('\'') + "' is not a valid asset symbol (1 to 16", e.Message, StringComparison.Ordinal);
        Assert.StartsWith(Path.Combine(_dir.FullName, "scenario.yaml") + ":9:", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The composed vault's id also names its account (<c>vault:ID</c>): refused at its own line, naming composed.id.</summary>
    [Theory]
    [InlineData("'demo mix'", "demo mix")]
    [InlineData("Long/Short", "Long/Short")]
    public void Scenario_InvalidComposedId_IsRefusedAtLoad_NamingTheField(string yaml, string id)
    {
        var e = Assert.Throws<BallastInputException>(() => LoadScenario("  id: demo-mix", $"  id: {yaml}"));

        Assert.Contains($"(composed.id): '{id}' is not a valid composed vault id", e.Message, StringComparison.Ordinal);
        Assert.StartsWith(Path.Combine(_dir.FullName, "scenario.yaml") + ":18:", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The policy's universe names the child vaults: a name that cannot be a vault id (65 characters) used to pass the
    /// load and fail at the simulation's create-simple-vault command, with the scenario's name only; it is refused at
    /// load, at its line in the spec, naming the field.
    /// </summary>
    [Fact]
    public void Scenario_UniverseNameThatIsNoVaultId_IsRefusedAtLoad_AtItsLineInTheSpec()
    {
        var longName = new string('L', 65);
        var dates = Enumerable.Range(0, 6).Select(d => new DateOnly(2020, 1, 6).AddDays(d)).ToArray();
        using (var writer = new StreamWriter(Path.Combine(_dir.FullName, "data.csv")))
        {
            PriceTableCsv.Write(new Ballast.Data.PriceTable([longName, "B"], dates, [.. Enumerable.Range(0, 12).Select(i => 100.0 + i)]), writer);
        }

        var spec = Path.Combine(_dir.FullName, "spec.yaml");
        File.WriteAllText(spec, $"name: s\nuniverse:\n  - {longName}\n  - B\nweights: {{ scheme: equal }}\npolicies:\n  - name: p\n    trigger: {{ calendar: monthly }}\n");
        var scenario = Path.Combine(_dir.FullName, "scenario.yaml");
        File.WriteAllText(scenario, "name: long\ndata: { file: data.csv }\nasset: { symbol: USD, decimals: 6 }\npolicy: { file: spec.yaml, name: p }\ninvestors:\n  - { account: alice, deposit: 1000, on: first }\n");

        var e = Assert.Throws<BallastInputException>(() => Scenario.LoadFile(scenario));

        Assert.StartsWith(spec + ":3:", e.Message, StringComparison.Ordinal);
        Assert.Contains($"(universe): '{longName}' is not a valid vault id (1 to 64 printable characters", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A misspelt <c>fill</c> used to be read silently as "no fill" (any text but forward was).</summary>
    [Fact]
    public void Scenario_MisspeltFill_IsRefusedNotIgnored()
    {
        var data = SyntheticData();

        var e = Assert.Throws<BallastInputException>(() => LoadScenario("data: { synth: { strategies: 5, years: 5, seed: 42 } }", $"data: {{ file: {data}, fill: foward }}"));

        Assert.Contains("(data.fill): unknown value 'foward'; expected one of: none, forward (did you mean 'forward'?)", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Rail amounts are read from the text, not through a double: 0.29 at 2 decimals is 29 base units (the double 0.29 × 100 floors to 28).</summary>
    [Theory]
    [InlineData("min_trade: 0.29", 2, "29")]
    [InlineData("min_trade: 1.13", 2, "113")]
    [InlineData("min_trade: 100", 6, "100000000")]
    [InlineData("min_trade: 1e3", 6, "1000000000")]
    [InlineData("min_trade: 0.0000019", 6, "1")]
    public void Scenario_RailAmount_IsExactBaseUnits(string minTrade, int decimals, string expected)
    {
        var scenario = LoadScenario("asset: { symbol: USD, decimals: 6 }", $"asset: {{ symbol: USD, decimals: {decimals} }}", "min_trade: 100", minTrade);

        Assert.Equal(UInt128.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), scenario.Composed.Rails.MinTradeAssets);
    }

    [Theory]
    [InlineData("min_trade: -1", "(composed.rails.min_trade): expected a non-negative number, found '-1'")]
    [InlineData("min_trade: 1e40", "(composed.rails.min_trade): '1e40' is too large (at most 1E+24 whole units)")]
    [InlineData("min_trade: '5'", "(composed.rails.min_trade): expected a non-negative number, found the string \"5\"")]
    public void Scenario_RailAmountOutOfRange_NamesTheField(string minTrade, string expected)
    {
        var e = Assert.Throws<BallastInputException>(() => LoadScenario("min_trade: 100", minTrade));

        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message);
    }

    [Theory]
    [InlineData("  - add_gauge: demo-mix", "  - add_gauges: demo-mix", "(actions[1]): unknown action 'add_gauges'; expected one of adopt_policy, add_gauge, remove_gauge, change_parameters (did you mean 'add_gauge'?)")]
    [InlineData("      policy: quarterly", "      polcy: quarterly", "(actions[0].adopt_policy.polcy): unknown key 'polcy'; did you mean 'policy'?")]
    [InlineData("evidence: { from: 2000-01-03, to: 2004-12-31 }", "evidence: { from: 2000-01-03, too: 2004-12-31 }", "(actions[0].adopt_policy.evidence.too): unknown key 'too'; did you mean 'to'?")]
    [InlineData("  - add_gauge: demo-mix", "  - change_parameters: { quorun: 0.2 }", "(actions[1].change_parameters.quorun): unknown key 'quorun'; did you mean 'quorum'?")]
    [InlineData("      vault: demo-mix", "", "(actions[0].adopt_policy.vault): missing vault: the composed vault's id")]
    [InlineData("      vault: demo-mix", "      vault: 'demo mix'", "(actions[0].adopt_policy.vault): 'demo mix' is not a valid composed vault id")]
    [InlineData("  - add_gauge: demo-mix", "  - add_gauge: Long/Short", ":11:16 (actions[1].add_gauge): 'Long/Short' is not a valid gauge id (a gauge is named by its composed vault's id")]
    [InlineData("  - add_gauge: demo-mix", "  - remove_gauge: ' mix'", ":11:19 (actions[1].remove_gauge): ' mix' is not a valid gauge id")]
    [InlineData("  - add_gauge: demo-mix", "  - remove_gauge: ''", ":11:19 (actions[1].remove_gauge): '' is not a valid gauge id")]
    [InlineData("evidence: { from: 2000-01-03, to: 2004-12-31 }", "evidence: { from: 2000-01-03, to: 2004-12-31, claim: { metrics: { cagr: 0.1 }, data_digest: ABC123 } }", "(actions[0].adopt_policy.evidence.claim.data_digest): must be a SHA-256 as 64 lowercase hexadecimal digits")]
    public void Proposal_MisspellingOrMissingKey_NamesTheFieldAndSuggests(string find, string replace, string expected)
    {
        var text = File.ReadAllText(Path.Combine(Samples, "proposals", "demo-mix-quarterly.yaml"))
            .Replace("spec: ../demo.yaml", $"spec: {Path.Combine(Samples, "demo.yaml")}", StringComparison.Ordinal);
        Assert.Contains(find, text, StringComparison.Ordinal);
        var path = Path.Combine(_dir.FullName, "proposal.yaml");
        File.WriteAllText(path, text.Replace(find, replace, StringComparison.Ordinal));

        var data = SyntheticData();
        var e = Assert.Throws<BallastInputException>(() => ProposalFile.LoadFile(path, Parameters, new EvidenceData(data, Ballast.Data.ValueKind.Prices)));

        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message);
        Assert.StartsWith(path + ":", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The data of sim-demo.yaml as a CSV file (<c>ballast data synth --strategies 5 --years 5 --seed 42</c>).</summary>
    private string SyntheticData()
    {
        var data = Path.Combine(_dir.FullName, "data.csv");
        using var writer = new StreamWriter(data);
        PriceTableCsv.Write(Synthesis.StrategySynthesizer.Generate(5, 5, 42), writer);
        return data;
    }

    /// <summary>samples/scenarios/sim-demo.yaml with the policy spec given by its full path and each (find, replace) pair applied.</summary>
    private Scenario LoadScenario(params string[] edits)
    {
        var text = File.ReadAllText(Path.Combine(Samples, "scenarios", "sim-demo.yaml"))
            .Replace("file: ../demo.yaml", $"file: {Path.Combine(Samples, "demo.yaml")}", StringComparison.Ordinal);
        for (var i = 0; i < edits.Length; i += 2)
        {
            Assert.Contains(edits[i], text, StringComparison.Ordinal);
            text = text.Replace(edits[i], edits[i + 1], StringComparison.Ordinal);
        }

        var path = Path.Combine(_dir.FullName, "scenario.yaml");
        File.WriteAllText(path, text);
        return Scenario.LoadFile(path);
    }
}
