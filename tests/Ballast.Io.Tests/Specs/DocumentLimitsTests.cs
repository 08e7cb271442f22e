using System.Text;
using Ballast.Accounting;
using Ballast.Governance;
using Ballast.Io.Protocol;
using Ballast.Io.Specs;

namespace Ballast.Io.Tests.Specs;

/// <summary>
/// The three kinds of input document (policy spec, scenario, proposal) share one reader and its limits: an alias
/// bomb, too deep a nesting, too many values or too large a document is bad input naming file and line, found fast
/// and with bounded memory, before any binding.
/// </summary>
public sealed class DocumentLimitsTests : IDisposable
{
    private static readonly GovernanceParameters Parameters = new(86_400, 604_800, 1_000, 0, 172_800, 1_209_600, new AccountId("guardian"));

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ballast-limits-");

    public static TheoryData<string> Kinds => ["spec", "scenario", "proposal"];

    public void Dispose() => _dir.Delete(true);

    /// <summary>Loads <paramref name="text"/> as the given kind of document, named <paramref name="source"/>.</summary>
    private static void Load(string kind, string text, string source)
    {
        switch (kind)
        {
            case "spec":
                SpecLoader.Load(text, source);
                break;
            case "scenario":
                Scenario.Load(text, source);
                break;
            default:
                ProposalFile.Load(text, source, Parameters, null);
                break;
        }
    }

    private static void LoadFile(string kind, string path)
    {
        switch (kind)
        {
            case "spec":
                SpecLoader.LoadFile(path);
                break;
            case "scenario":
                Scenario.LoadFile(path);
                break;
            default:
                ProposalFile.LoadFile(path, Parameters, null);
                break;
        }
    }

    /// <summary>The classic "billion laughs": nine levels of nine aliases, 10⁹ strings once expanded, 342 bytes.</summary>
    private static string BillionLaughs()
    {
        var text = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        var previous = 'a';
        foreach (var name in "bcdefghi")
        {
            text.Append(name).Append(": &").Append(name).Append(" [").AppendJoin(',', Enumerable.Repeat("*" + previous, 9)).Append("]\n");
            previous = name;
        }

        return text.ToString();
    }

    /// <summary>
    /// Runs <paramref name="load"/>, which must fail as bad input within 64 MB of allocations (the work a bomb
    /// would cost shows in what it allocates; no wall-clock bound, which would only measure the machine's load).
    /// </summary>
    private static BallastInputException Refused(Action load)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<BallastInputException>(load);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 64 << 20, $"allocated {(GC.GetAllocatedBytesForCurrentThread() - allocated) >> 20} MB");
        return e;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Load_BillionLaughs_IsRefusedAtTheAliasThatCrossesTheLimit(string kind)
    {
        var e = Refused(() => Load(kind, BillionLaughs(), $"{kind}.yaml"));

        Assert.StartsWith($"{kind}.yaml:5:", e.Message, StringComparison.Ordinal);
        Assert.Contains("more than 1,000 alias expansions", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Load_ModestAliasBomb_IsRefusedThoughItWouldFitInMemory(string kind)
    {
        // Five levels of nine: 59,049 strings expanded, 1,098 alias expansions: just over the limit.
        var text = new StringBuilder("a: &a [1,1,1,1,1,1,1,1,1]\n");
        var previous = 'a';
        foreach (var name in "bcde")
        {
            text.Append(name).Append(": &").Append(name).Append(" [").AppendJoin(',', Enumerable.Repeat("*" + previous, 9)).Append("]\n");
            previous = name;
        }

        var e = Refused(() => Load(kind, text.ToString(), $"{kind}.yaml"));

        Assert.StartsWith($"{kind}.yaml:5:", e.Message, StringComparison.Ordinal);
        Assert.Contains("alias expansions", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Load_WideAliasOfALargeBlock_IsRefusedOnExpandedValues(string kind)
    {
        // Few aliases, each of a 30,000-value block: four of them expand past 100,000 values.
        var text = "a: &a [" + string.Join(',', Enumerable.Repeat("1", 30_000)) + "]\nb: [*a, *a, *a, *a]\n";

        var e = Refused(() => Load(kind, text, $"{kind}.yaml"));

        Assert.StartsWith($"{kind}.yaml:2:", e.Message, StringComparison.Ordinal);
        Assert.Contains("more than 100,000 values once aliases are expanded", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Load_TooDeepNesting_IsRefusedOnTheLineOfTheLevelTooMany(string kind)
    {
        var yaml = "x: 1\ndeep:\n  " + new string('[', 100_000) + new string(']', 100_000) + "\n";
        var json = "{\"x\": 1,\n\"deep\": " + new string('[', 100_000) + new string(']', 100_000) + "}\n";

        var fromYaml = Refused(() => Load(kind, yaml, $"{kind}.yaml"));
        var fromJson = Refused(() => Load(kind, json, $"{kind}.json"));

        Assert.StartsWith($"{kind}.yaml:3:66: nesting deeper than 64 levels", fromYaml.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{kind}.json:2:72: nesting deeper than 64 levels", fromJson.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Load_DeepAliasInsideDeepNesting_CountsTheDepthItExpandsTo(string kind)
    {
        var block = new string('[', 40) + new string(']', 40);
        var text = $"a: &a {block}\nb: {new string('[', 30)}*a{new string(']', 30)}\n";

        var e = Refused(() => Load(kind, text, $"{kind}.yaml"));

        Assert.StartsWith($"{kind}.yaml:2:", e.Message, StringComparison.Ordinal);
        Assert.Contains("nesting deeper than 64 levels", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Load_TooManyValues_IsRefused(string kind)
    {
        var text = "x: [" + string.Join(',', Enumerable.Repeat("1", 100_001)) + "]\n";

        var e = Refused(() => Load(kind, text, $"{kind}.yaml"));

        Assert.Contains("more than 100,000 values", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Load_OversizedText_IsRefusedNamingTheLineAtTheLimit(string kind)
    {
        var text = "name: x\n" + string.Concat(Enumerable.Repeat("# a comment line of padding\n", 50_000));

        var e = Refused(() => Load(kind, text, $"{kind}.yaml"));

        Assert.StartsWith($"{kind}.yaml:37450: the document is 1,400,008 characters; an input document may be at most 1,048,576 characters", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void LoadFile_OversizedFile_IsRefusedBeforeItIsRead(string kind)
    {
        var path = Path.Combine(_dir.FullName, $"{kind}.yaml");
        using (var file = File.Create(path))
        {
            file.SetLength(512L << 20); // 512 MiB, sparse: reading it would be the damage
        }

        var e = Refused(() => LoadFile(kind, path));

        Assert.Equal($"{path}: the document is 536,870,912 bytes; an input document may be at most 1,048,576 bytes (1 MiB)", e.Message);
    }

    [Fact]
    public void Load_AnchorsReusedAFewTimes_StillBind()
    {
        var spec = SpecLoader.Load(
            """
            universe: [A, B]
            weights: { scheme: equal }
            costs: &costs { proportional_bps: 5 }
            policies:
              - { name: monthly, trigger: { calendar: monthly }, costs: *costs }
              - { name: yearly, trigger: { calendar: annual }, costs: *costs }
            """,
            "anchors.yaml");

        Assert.Equal(["monthly", "yearly"], spec.Policies.Select(p => p.Name));
    }

    [Fact]
    public void Load_AliasBeforeItsAnchor_NamesTheAlias()
    {
        var e = Assert.Throws<BallastInputException>(() => SpecLoader.Load("universe: *u\nx: &u [A]\n", "spec.yaml"));

        Assert.StartsWith("spec.yaml:1:11: invalid YAML", e.Message, StringComparison.Ordinal);
    }
}
