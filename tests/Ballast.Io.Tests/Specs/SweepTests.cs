using System.Globalization;
using Ballast.Data;
using Ballast.Io.Specs;
using Ballast.Policies;
using CsCheck;

namespace Ballast.Io.Tests.Specs;

/// <summary>The <c>sweep</c> block: grid sizes, generated names and order, hashes equal to the policies written out, ranges, simplex grids, errors and <c>--set</c>.</summary>
public class SweepTests
{
    private const string BandCost = """
        name: grid
        universe: [A, B]
        weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }
        trigger: { drift: { absolute: 0.05 } }
        sweep:
          band: { path: trigger.drift.absolute, values: [0.02, 0.05] }
          cost: { path: costs.proportional_bps, values: [0, 10, 25] }
        """;

    private static string Written(string band, string cost) => $$"""
        name: x
        universe: [A, B]
        weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }
        trigger: { drift: { absolute: {{band}} } }
        costs: { proportional_bps: {{cost}} }
        """;

    [Fact]
    public void Sweep_ExpandsTheCartesianProductInDocumentOrder_LastParameterFastest()
    {
        var set = SpecLoader.Load(BandCost, "grid.yaml");

        Assert.Equal(["band=0.02,cost=0", "band=0.02,cost=10", "band=0.02,cost=25", "band=0.05,cost=0", "band=0.05,cost=10", "band=0.05,cost=25"], set.Policies.Select(p => p.Name));
        Assert.NotNull(set.Sweep);
        Assert.Equal(6, set.Sweep.PolicyCount);
        Assert.Equal(["band", "cost"], set.Sweep.Parameters.Select(p => p.Name));
        Assert.Equal("costs.proportional_bps", set.Sweep.Parameters[1].Path);
        Assert.Equal([0.05, 25.0], set.Sweep.ValuesOf(5).Select(v => v.Number!.Value));
        Assert.Equal(0.05, ((DriftTrigger)set.Policies[4].Trigger).Band);
        Assert.Equal([10.0, 10.0], set.Policies[4].Costs.ProportionalBps);
    }

    [Fact]
    public void Sweep_EachPolicyHasTheHashOfThePolicyWrittenOut()
    {
        var set = SpecLoader.Load(BandCost, "grid.yaml");

        var expected = new[] { ("0.02", "0"), ("0.02", "10"), ("0.02", "25"), ("0.05", "0"), ("0.05", "10"), ("0.05", "25") }
            .Select(c => SpecLoader.Load(Written(c.Item1, c.Item2), "x.yaml").Policies[0].Hash);
        Assert.Equal(expected, set.Policies.Select(p => p.Hash));
        Assert.Equal(6, set.Policies.Select(p => p.Hash).Distinct().Count());
    }

    [Fact]
    public void Sweep_AnyGridOfBandsAndCosts_MatchesThePoliciesWrittenOut()
    {
        var bands = Gen.Int[1, 99].Select(b => b / 100.0).List[1, 4].Select(l => l.Distinct().ToArray());
        var costs = Gen.Int[0, 50].List[1, 4].Select(l => l.Distinct().ToArray());
        Gen.Select(bands, costs).Sample((b, c) =>
        {
            var text = BandCost
                .Replace("[0.02, 0.05]", "[" + string.Join(", ", b.Select(Inv)) + "]", StringComparison.Ordinal)
                .Replace("[0, 10, 25]", "[" + string.Join(", ", c.Select(Inv)) + "]", StringComparison.Ordinal);
            var set = SpecLoader.Load(text, "grid.yaml");
            Assert.Equal(b.Length * c.Length, set.Policies.Length);
            var i = 0;
            foreach (var band in b)
            {
                foreach (var cost in c)
                {
                    Assert.Equal($"band={Inv(band)},cost={Inv(cost)}", set.Policies[i].Name);
                    Assert.Equal(SpecLoader.Load(Written(Inv(band), Inv(cost)), "x.yaml").Policies[0].Hash, set.Policies[i].Hash);
                    i++;
                }
            }
        }, iter: 40);
    }

    [Fact]
    public void Sweep_OverAPoliciesList_CrossesEveryEntry_SettingTheBlockWhereTheEntryReadsIt()
    {
        const string text = """
            universe: [A, B]
            weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }
            costs: { proportional_bps: 1 }
            policies:
              - name: monthly
                trigger: { calendar: monthly }
              - name: cheap
                trigger: { calendar: monthly }
                costs: { proportional_bps: 2, fixed_per_trade: 3 }
            sweep:
              cost: { path: costs.proportional_bps, values: [5, 7] }
            """;
        var set = SpecLoader.Load(text, "s.yaml");

        Assert.Equal(["monthly cost=5", "monthly cost=7", "cheap cost=5", "cheap cost=7"], set.Policies.Select(p => p.Name));
        Assert.Equal(7, set.Policies[1].Costs.ProportionalBps[0]);
        Assert.Equal(0, set.Policies[1].Costs.FixedPerTrade);
        Assert.Equal(5, set.Policies[2].Costs.ProportionalBps[0]);
        Assert.Equal(3, set.Policies[2].Costs.FixedPerTrade);
        Assert.Equal(2, set.Sweep!.Entries);
    }

    [Fact]
    public void Range_StepsInExactDecimals_Inclusive()
    {
        var set = SpecLoader.Load(BandCost.Replace("values: [0.02, 0.05]", "range: { from: 0.01, to: 0.05, step: 0.01 }", StringComparison.Ordinal), "grid.yaml");

        Assert.Equal(["0.01", "0.02", "0.03", "0.04", "0.05"], set.Sweep!.Parameters[0].Values.Select(v => v.Label));
        Assert.Equal(0.03, ((DriftTrigger)set.Policies[6].Trigger).Band);
        Assert.Equal(15, set.Policies.Length);
    }

    [Fact]
    public void Simplex_ListsEveryWeightVectorOnTheGridWithinTheBounds()
    {
        const string text = """
            universe: [A, B, C]
            weights: { scheme: fixed, targets: { A: 0.4, B: 0.3, C: 0.3 } }
            trigger: { calendar: monthly }
            sweep:
              mix: { path: weights.targets, simplex: { assets: [A, B, C], step: 0.5 } }
            """;
        var set = SpecLoader.Load(text, "s.yaml");

        Assert.Equal(["mix=A:0/B:0/C:1", "mix=A:0/B:0.5/C:0.5", "mix=A:0/B:1/C:0", "mix=A:0.5/B:0/C:0.5", "mix=A:0.5/B:0.5/C:0", "mix=A:1/B:0/C:0"], set.Policies.Select(p => p.Name));
        Assert.Equal([0.5, 0.5, 0.0], ((FixedWeights)set.Policies[4].Weights).Targets);

        var bounded = SpecLoader.Load(text.Replace("step: 0.5 }", "step: 0.1, bounds: [0.2, 0.6] }", StringComparison.Ordinal), "s.yaml");
        // a + b + c = 10 tenths with each in [2, 6]: 15 vectors.
        Assert.Equal(15, bounded.Policies.Length);
        Assert.All(bounded.Policies, p => Assert.All(((FixedWeights)p.Weights).Targets, w => Assert.InRange(w, 0.2 - 1e-12, 0.6 + 1e-12)));
    }

    [Fact]
    public void Values_MayBeWholeBlocks_NamedByLabels()
    {
        const string text = """
            universe: [A, B]
            weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }
            trigger: none
            sweep:
              rule:
                path: trigger
                values: [none, { calendar: quarterly }, { drift: { relative: 0.25 }, check: monthly }]
                labels: [never, quarterly, band25]
              to: { path: execution.to, values: [target] }
            """;
        var set = SpecLoader.Load(text, "s.yaml");

        Assert.Equal(["rule=never,to=target", "rule=quarterly,to=target", "rule=band25,to=target"], set.Policies.Select(p => p.Name));
        Assert.IsType<NoTrigger>(set.Policies[0].Trigger);
        Assert.Equal(new DriftTrigger(DriftMeasure.Relative, 0.25, CalendarFrequency.Monthly), set.Policies[2].Trigger);
    }

    [Theory]
    [InlineData("band: { path: trigger.drift.absolute, values: [0.02, -0.1] }", "grid.yaml:6:56 (trigger.drift.absolute): the band must be >= 0 (0: rebalance at every check), got -0.1 (in policy 'band=-0.1,cost=0' of the sweep)")]
    [InlineData("band: { path: triger.drift.absolute, values: [0.02] }", "grid.yaml:6:17 (sweep.band.path): the path 'triger.drift.absolute' must start with a policy key: universe, capital, weights, covariance, costs, lot, trigger, execution (did you mean 'trigger'?)")]
    [InlineData("band: { path: trigger.drift.absolute, values: [0.02, 0.02] }", "grid.yaml:6:56 (sweep.band.values[1]): the value '0.02' is listed twice")]
    [InlineData("band: { path: trigger.drift.absolute, values: [0.02, 2e-2] }", null)]
    [InlineData("band: { path: trigger.drift.absolute }", "grid.yaml:6:9 (sweep.band): give the values: values: [...], range: { from, to, step } or simplex: { assets, step, bounds }")]
    [InlineData("band: { path: trigger.drift.absolute, values: [0.1], labels: [a, b] }", "grid.yaml:6:64 (sweep.band.labels): 2 labels for 1 values; give one label per value")]
    [InlineData("band: { path: weights.targets, values: [{ A: { x: 1 } }] }", "grid.yaml:6:43 (sweep.band.values[0]): this value has no short label")]
    [InlineData("band=x: { path: trigger.drift.absolute, values: [0.1] }", "grid.yaml:6:3 (sweep.band=x): a parameter name must be non-empty, without spaces, '=' or ','")]
    [InlineData("band: { path: trigger.drift.absolute, range: { from: 0.001, to: 2, step: 0.000001 } }", "grid.yaml:6:48 (sweep.band.range): the range has 1,999,001 values; a sweep may expand to at most 1,000,000 policies")]
    [InlineData("band: { path: trigger.drift.absolute, range: { from: 0.001, to: 0.5, step: 0.000001 } }", "grid.yaml:6:3 (sweep): the sweep expands to 1,497,003 policies (499,001 band × 3 cost); at most 1,000,000 are allowed")]
    public void Errors_NameFileLineAndField(string bandLine, string? expected)
    {
        var text = BandCost.Replace("band: { path: trigger.drift.absolute, values: [0.02, 0.05] }", bandLine, StringComparison.Ordinal);
        if (expected is null)
        {
            // 0.02 and 2e-2 are one number but two labels: both are kept, and the two policies share one hash.
            var set = SpecLoader.Load(text, "grid.yaml");
            Assert.Equal(set.Policies[0].Hash, set.Policies[3].Hash);
            return;
        }

        var e = Assert.Throws<BallastInputException>(() => SpecLoader.Load(text, "grid.yaml"));
        Assert.True(e.Message.StartsWith(expected, StringComparison.Ordinal), e.Message);
    }

    [Fact]
    public void PathThroughAScalar_IsAnErrorAtTheParameter()
    {
        var text = BandCost.Replace("trigger: { drift: { absolute: 0.05 } }", "trigger: none", StringComparison.Ordinal);

        var e = Assert.Throws<BallastInputException>(() => SpecLoader.Load(text, "grid.yaml"));
        Assert.Equal("grid.yaml:6:17 (sweep.band.path): cannot set trigger.drift.absolute: trigger is 'none', not a mapping (in policy 'band=0.02,cost=0' of the sweep)", e.Message);
    }

    [Fact]
    public void Set_ReplacesAParameterOrSetsAPathOrAddsAParameter()
    {
        var replaced = SpecLoader.Load(BandCost, "grid.yaml", [SpecOverride.Parse("band=0.01,0.03,0.04")]);
        Assert.Equal(9, replaced.Policies.Length);
        Assert.Equal("band=0.04,cost=25", replaced.Policies[^1].Name);

        var byPath = SpecLoader.Load(BandCost, "grid.yaml", [SpecOverride.Parse("trigger.drift.absolute=0.1")]);
        Assert.Equal(["0.1"], byPath.Sweep!.Parameters[0].Values.Select(v => v.Label));

        var scalar = SpecLoader.Load(BandCost, "grid.yaml", [SpecOverride.Parse("capital=5000")]);
        Assert.All(scalar.Policies, p => Assert.Equal(5000, p.Capital));

        var added = SpecLoader.Load(BandCost, "grid.yaml", [SpecOverride.Parse("trigger.check=daily,weekly")]);
        Assert.Equal(12, added.Policies.Length);
        Assert.Equal("band=0.02,cost=0,trigger.check=weekly", added.Policies[1].Name);

        var lists = SpecLoader.Load(BandCost, "grid.yaml", [SpecOverride.Parse("weights.targets=[{A: 0.5, B: 0.5}, {A: 0.7, B: 0.3}]")]);
        Assert.Equal("band=0.02,cost=0,weights.targets=A:0.7/B:0.3", lists.Policies[1].Name);
    }

    [Theory]
    [InlineData("bnd=0.1", "--set (bnd): 'bnd' is neither a sweep parameter nor a spec path; the sweep parameters are band, cost (did you mean 'band'?); a spec path starts with universe, capital,")]
    [InlineData("bnd", "--set (bnd): expected key=value")]
    [InlineData("band=0.1,,0.2", "--set (band): an empty value in '0.1,,0.2'")]
    [InlineData("band=0.1,-0.1", "--set band:1:1 (trigger.drift.absolute): the band must be >= 0 (0: rebalance at every check), got -0.1 (in policy 'band=-0.1,cost=0' of the sweep)")]
    public void Set_Errors_NameTheKey(string option, string expected)
    {
        var e = Assert.Throws<BallastInputException>(() => SpecLoader.Load(BandCost, "grid.yaml", [SpecOverride.Parse(option)]));
        Assert.True(e.Message.StartsWith(expected, StringComparison.Ordinal), e.Message);
        if (option.StartsWith("bnd=", StringComparison.Ordinal))
        {
            Assert.Contains("the sweep parameters are band, cost (did you mean 'band'?)", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Baselines_ByNameInlineOrFromAnotherFile()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ballast-sweep-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "bench.yaml"), "name: bench\nuniverse: [A, B]\nweights: { scheme: equal }\ntrigger: { calendar: annual }\n");
            var text = BandCost + """

                baselines:
                  - band=0.05,cost=10
                  - { name: monthly, trigger: { calendar: monthly } }
                  - { name: equal, spec: bench.yaml }
                """;
            var set = SpecLoader.Load(text, Path.Combine(dir, "grid.yaml"));

            Assert.Equal(["band=0.05,cost=10", "monthly", "equal"], set.Baselines.Select(b => b.Name));
            Assert.Equal(set.Policies[4].Hash, set.Baselines[0].Hash);
            Assert.Equal(new CalendarTrigger(CalendarFrequency.Monthly), set.Baselines[1].Trigger);
            Assert.Equal(SpecLoader.LoadFile(Path.Combine(dir, "bench.yaml")).Policies[0].Hash, set.Baselines[2].Hash);

            var e = Assert.Throws<BallastInputException>(() => SpecLoader.Load(BandCost + "\nbaselines: ['band=0.5,cost=10']\n", "grid.yaml"));
            Assert.True(e.Message.StartsWith("grid.yaml:8:13 (baselines[0]): no policy named 'band=0.5,cost=10' (did you mean 'band=0.05,cost=10'?)", StringComparison.Ordinal), e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Inv(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);
}
