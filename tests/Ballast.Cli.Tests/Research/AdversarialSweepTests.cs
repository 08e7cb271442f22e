using System.Text.Json;

namespace Ballast.Cli.Tests.Research;

/// <summary>
/// The sweep block and <c>--set</c> attacked as a careless or hostile user would, through <c>ballast spec</c> and
/// <c>ballast backtest</c>: explosions are refused early naming the line and the count, bad keys and values name
/// the field, and no attack ends in an internal error, a hang or a silently ignored setting.
/// </summary>
public sealed class AdversarialSweepTests
{
    /// <summary>The spec command on <paramref name="yaml"/>, bounded in time: an attack that hangs fails instead of stalling the suite.</summary>
    private static async Task<CliResult> SpecAsync(string yaml, params string[] extra)
    {
        using var dir = new TempDir();
        var spec = dir.Write("s.yaml", yaml);
        return await Task.Run(() => CliRunner.Run(["spec", spec, .. extra]), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
    }

    private static string Assets(int n) => "[" + string.Join(", ", Enumerable.Range(0, n).Select(i => $"A{i}")) + "]";

    [Theory]
    [InlineData("band: { path: trigger.drift.absolute, range: { from: 0, to: 1, step: 0.0000001 } }", "s.yaml:5:48 (sweep.band.range): the range has 10,000,001 values; a sweep may expand to at most 1,000,000 policies")]
    [InlineData("band: { path: trigger.drift.absolute, range: { from: 0, to: 10000000000000000000000000000, step: 0.0000000000000000000000000001 } }", "s.yaml:5:48 (sweep.band.range): the range has more than 7.9E+28 values (too many to count); a sweep may expand to at most 1,000,000 policies")]
    [InlineData("a: { path: trigger.drift.absolute, range: { from: 0, to: 1, step: 0.001 } }\n  b: { path: costs.proportional_bps, range: { from: 0, to: 1000, step: 1 } }\n  c: { path: costs.spread_bps, range: { from: 0, to: 1000, step: 1 } }", "s.yaml:5:3 (sweep): the sweep expands to 1,003,003,001 policies (1,001 a × 1,001 b × 1,001 c); at most 1,000,000 are allowed")]
    [InlineData("a: { path: name, values: [x, y] }", "(sweep.a.path): the path 'name' must start with a policy key")]
    [InlineData("a: { path: sweep, values: [1, 2] }", "(sweep.a.path): the path 'sweep' must start with a policy key")]
    [InlineData("a: { path: baselines, values: [1, 2] }", "(sweep.a.path): the path 'baselines' must start with a policy key")]
    [InlineData("a: { path: trigger.nonsense, values: [1, 2] }", "(trigger.nonsense): unknown key")]
    [InlineData("a: { path: trigger.drift.absolute, values: [] }", "(sweep.a.values): the list is empty")]
    [InlineData("a: { path: trigger.drift.absolute, values: [0.05, 0.05] }", "(sweep.a.values[1]): the value '0.05' is listed twice")]
    public async Task Spec_BadSweepBlocks_AreRefusedAtTheLine_ExplosionsWithTheirCount(string sweep, string expected)
    {
        var result = await SpecAsync(AdversarialData.SixtyForty + "sweep:\n  " + sweep + "\n");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spec_SimplexOfTwentyAssetsAtOnePercent_IsRefusedWithItsExactCount()
    {
        // C(119, 19) weight vectors: the count is exact, not a saturated 4.6e18.
        var result = await SpecAsync($"universe: {Assets(20)}\nweights: {{ scheme: equal }}\ntrigger: {{ calendar: monthly }}\nsweep:\n  mix: {{ path: weights, simplex: {{ assets: {Assets(20)}, step: 0.01 }} }}\n");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("s.yaml:5:34 (sweep.mix.simplex): the simplex has 4,910,371,215,196,105,953,021 weight vectors; a sweep may expand to at most 1,000,000 policies", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0000001", "the step must be at least 0.000001 (targets are whole parts per million), got 0.0000001")]
    [InlineData("0.0000000001", "the step must be at least 0.000001 (targets are whole parts per million), got 0.0000000001")]
    public async Task Spec_SimplexStepFinerThanAPartPerMillion_IsAnInputError_NotAHangOrACrash(string step, string expected)
    {
        var result = await SpecAsync($"universe: [SPY, AGG]\nweights: {{ scheme: equal }}\ntrigger: {{ calendar: monthly }}\nsweep:\n  mix: {{ path: weights.targets, simplex: {{ assets: [SPY, AGG], step: {step}, bounds: [0.5, 0.5] }} }}\n");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("(sweep.mix.simplex.step): " + expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spec_SimplexAtAPartPerMillion_CountsWithoutEnumeratingAndRefuses()
    {
        var result = await SpecAsync($"universe: {Assets(20)}\nweights: {{ scheme: equal }}\ntrigger: {{ calendar: monthly }}\nsweep:\n  mix: {{ path: weights.targets, simplex: {{ assets: {Assets(20)}, step: 0.000001 }} }}\n");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("(sweep.mix.simplex): the simplex has ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spec_SimplexWhoseBoundsLeaveOneVector_ListsItWithoutVisitingDeadEnds()
    {
        // 20 assets at 1%, the last pinned at 100%: one vector, reached without walking the ~10²⁰ partial vectors of the others.
        var result = await SpecAsync($"universe: {Assets(20)}\nweights: {{ scheme: fixed }}\ntrigger: {{ calendar: monthly }}\nsweep:\n  mix: {{ path: weights.targets, simplex: {{ assets: {Assets(20)}, step: 0.01, bounds: {{ A19: [1, 1] }} }} }}\n", "--json");

        Assert.Equal(0, result.ExitCode);
        var policy = Assert.Single(JsonDocument.Parse(result.Out).RootElement.GetProperty("policies").EnumerateArray());
        Assert.Equal(1, policy.GetProperty("policy").GetProperty("weights").GetProperty("targets").GetProperty("A19").GetDouble());
    }

    [Theory]
    [InlineData("a: { path: trigger.calendar, values: [monthly, quarterly] }\n  b: { path: trigger.calendar, values: [weekly, annual] }", "s.yaml:6:14 (sweep.b.path): trigger.calendar overlaps the path trigger.calendar of the parameter a")]
    [InlineData("a: { path: trigger, values: [none, { calendar: monthly }] }\n  b: { path: trigger.calendar, values: [weekly, annual] }", "s.yaml:6:14 (sweep.b.path): trigger.calendar overlaps the path trigger of the parameter a")]
    [InlineData("a: { path: \"trigger.any[0].calendar\", values: [monthly, annual] }\n  b: { path: trigger.any, values: [[{ calendar: weekly }], [{ calendar: daily }]], labels: [w, d] }", "s.yaml:6:14 (sweep.b.path): trigger.any overlaps the path trigger.any[0].calendar of the parameter a")]
    public async Task Spec_TwoParametersOnOnePath_AreRefused_NotSilentDuplicates(string sweep, string expected)
    {
        var result = await SpecAsync("universe: [SPY, AGG]\nweights: { scheme: fixed, targets: { SPY: 0.6, AGG: 0.4 } }\ntrigger: { calendar: monthly }\nsweep:\n  " + sweep + "\n");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spec_ParametersOnSiblingPathsOrDifferentItems_AreAccepted()
    {
        var result = await SpecAsync("universe: [SPY, AGG]\nweights: { scheme: fixed, targets: { SPY: 0.6, AGG: 0.4 } }\ntrigger: { any: [{ calendar: monthly }, { drift: { absolute: 0.05 } }] }\nsweep:\n  a: { path: \"trigger.any[0].calendar\", values: [monthly, annual] }\n  b: { path: \"trigger.any[1].drift.absolute\", values: [0.02, 0.05] }\n  c: { path: costs.proportional_bps, values: [0, 10] }\n  d: { path: costs.spread_bps, values: [0, 5] }\n");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("s: a sweep of 16 policies", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("costs.proportional_bps.SPY=5", "error: --set (costs.proportional_bps.SPY): 'costs.proportional_bps.SPY' lies inside costs.proportional_bps, which the sweep parameter cost sets in every policy")]
    [InlineData("trigger.calendar=monthly,quarterly", null)]
    public async Task Set_ASingleValueInsideASweptPath_IsRefused_NotSilentlyOverwritten(string option, string? expected)
    {
        var yaml = "universe: [SPY, AGG]\nweights: { scheme: fixed, targets: { SPY: 0.6, AGG: 0.4 } }\ntrigger: { calendar: monthly }\nsweep:\n  cost: { path: costs.proportional_bps, values: [0, 10] }\n";

        var result = await SpecAsync(yaml, "--set", option);

        if (expected is null)
        {
            Assert.Equal(0, result.ExitCode);
            Assert.StartsWith("s: a sweep of 4 policies (2 cost × 2 trigger.calendar)", result.Out, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(2, result.ExitCode);
            Assert.StartsWith(expected, result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Set_ANewParameterOverlappingASweptPath_IsRefused()
    {
        var yaml = "universe: [SPY, AGG]\nweights: { scheme: fixed, targets: { SPY: 0.6, AGG: 0.4 } }\ntrigger: { calendar: monthly }\nsweep:\n  cost: { path: costs.proportional_bps, values: [0, 10] }\n";

        var result = await SpecAsync(yaml, "--set", "costs.proportional_bps.SPY=5,10");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("(sweep.costs.proportional_bps.SPY.path): costs.proportional_bps.SPY overlaps the path costs.proportional_bps of the parameter cost", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cost=", "error: --set (cost=): expected key=value")]
    [InlineData("=1", "error: --set (=1): expected key=value")]
    [InlineData("cost=1,,2", "error: --set (cost): an empty value in '1,,2'")]
    [InlineData("cost=1,1", "error: --set cost:1:1 (--set cost[1]): the value '1' is listed twice (also [0])")]
    [InlineData("cost=[]", "error: --set cost:1:1 (--set cost): the list is empty; give at least one value")]
    [InlineData("cost=NaN", "(costs.proportional_bps): expected a finite number, found 'NaN' (in policy 'frequency=weekly,cost=NaN' of the sweep)")]
    [InlineData("cost=-5", "(costs.proportional_bps): must be >= 0, got -5")]
    [InlineData("name=x", "error: --set (name): 'name' is neither a sweep parameter nor a spec path")]
    [InlineData("sweep=1", "error: --set (sweep): 'sweep' is neither a sweep parameter nor a spec path")]
    [InlineData("trigger.any[5].calendar=monthly", "error: --set (trigger.any[5].calendar): cannot set trigger.any[5].calendar: trigger.any has no item [5]")]
    public void Set_BadKeysAndValues_ExitTwoNamingTheKey(string option, string expected)
    {
        var result = CliRunner.Run("spec", Path.Combine(CliRunner.RepoRoot(), "samples", "research", "frequency-cost-sweep.yaml"), "--set", option);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_BaselineNamedLikeAPolicyOrATwin_KeepsEveryRunNameUnique()
    {
        using var dir = new TempDir();
        var spec = dir.Write("s.yaml", """
            universe: [SPY, AGG]
            weights: { scheme: fixed, targets: { SPY: 0.6, AGG: 0.4 } }
            policies:
              - { name: buy-and-hold, trigger: { drift: { absolute: 0.06 } } }
              - { name: "buy-and-hold (baseline)", trigger: { calendar: monthly } }
              - { name: "monthly", trigger: { calendar: quarterly } }
            baselines:
              - { name: "buy-and-hold (baseline) #2", trigger: { calendar: annual } }
            """);

        var result = CliRunner.Run("backtest", spec, "--data", dir.Write("p.csv", AdversarialData.Wavy(400)), "--json");

        Assert.Equal(0, result.ExitCode);
        var names = JsonDocument.Parse(result.Out).RootElement.GetProperty("policies").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToArray();
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(5, names.Length);
    }

    [Fact]
    public async Task Spec_BaselineWrittenUnderAPolicysName_IsRefused()
    {
        var result = await SpecAsync(AdversarialData.SixtyForty + "sweep:\n  band: { path: trigger.drift.absolute, values: [0.02, 0.05] }\nbaselines:\n  - { name: \"band=0.05\", trigger: { calendar: monthly } }\n");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("(baselines[0].name): 'band=0.05' is a policy of this spec", result.Error, StringComparison.Ordinal);
    }
}
