using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ballast.Accounting;
using Ballast.Data;
using Ballast.Protocol;
using CsCheck;

namespace Ballast.Core.Tests.Protocol;

/// <summary>
/// The keeper's NAV table kept by appending (<see cref="LiveNavTable"/>) equals the table computed from the whole
/// history (<see cref="NavTableReference"/>) after every report, whatever the order of children, reports several a
/// day, children that start late, a day that goes back, or a keeper asking about a day before the latest report.
/// </summary>
public class LiveNavTableTests
{
    private static readonly string[][] Orders = [["A", "B"], ["B", "A"], ["A", "B", "C"], ["C", "A", "B"], ["A"]];

    // A step: which child reports, how many days later (-1: a day back), the share price, and whether the keeper asks now (and how many days back).
    private static readonly Gen<(int Child, int Days, ulong Assets, int Ask)> Step =
        Gen.Select(Gen.Int[0, 2], Gen.Frequency((1, Gen.Const(-1)), (6, Gen.Int[0, 1]), (2, Gen.Int[2, 5])), Gen.ULong[900_000, 1_100_000], Gen.Int[-1, 2]);

    [Fact]
    public void LiveTable_EqualsTheTableFromTheWholeHistory_AfterEveryReport()
    {
        Step.Array[1, 80].Sample(steps =>
        {
            var harness = NewHarness();
            var state = harness.State;
            var day = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
            foreach (var (child, days, assets, ask) in steps)
            {
                day = day.AddDays(days);
                var vault = state.SimpleVaults[new VaultId(new[] { "A", "B", "C" }[child])];
                vault.HistoryMutable.Add((day, new SharePrice(assets, 1_000_000)));
                if (ask >= 0)
                {
                    var today = DateOnly.FromDateTime(day.UtcDateTime).AddDays(-ask);
                    foreach (var names in Orders)
                    {
                        var reference = NavTableReference.Build(state, names, today);
                        AssertSame(reference, LiveNavTable.Of(state, names, today));
                        AssertSameWindows(reference, state, names, today);
                    }
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void LiveTable_ThroughTheEngine_MatchesTheReferenceAndIsReusedWhileNothingIsReported()
    {
        var harness = NewHarness();
        for (var d = 0; d < 5; d++)
        {
            harness.Advance(EngineHarness.Day);
            foreach (var child in new[] { "A", "B" })
            {
                var vault = harness.State.SimpleVaults[new VaultId(child)].Vault;
                harness.Must(new ReportNavCommand(harness.Id(), EngineHarness.Reporter, new VaultId(child), vault.TotalAssets + (UInt128)(d * 1_000)));
            }
        }

        var today = DateOnly.FromDateTime(harness.Now.UtcDateTime);
        var first = LiveNavTable.Of(harness.State, ["A", "B"], today);
        AssertSame(NavTableReference.Build(harness.State, ["A", "B"], today), first);
        Assert.Same(first, LiveNavTable.Of(harness.State, ["A", "B"], today));
    }

    [Fact]
    public void InputsHash_EqualsTheHashOfTheWholeTableText_AfterEveryReport()
    {
        Step.Array[1, 80].Sample(steps =>
        {
            var state = NewHarness().State;
            var day = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
            foreach (var (child, days, assets, _) in steps)
            {
                day = day.AddDays(Math.Max(0, days));
                state.SimpleVaults[new VaultId(new[] { "A", "B", "C" }[child])].HistoryMutable.Add((day, new SharePrice(assets, 1_000_000)));
                foreach (var names in Orders)
                {
                    var live = LiveNavTable.For(state, names);
                    var table = LiveNavTable.Of(state, names, DateOnly.FromDateTime(day.UtcDateTime));
                    foreach (var historyRows in (int[])[0, 1, 3])
                    {
                        if (table is null || table.RowCount < historyRows + 1)
                        {
                            continue;
                        }

                        using var hash = live.InputsHash(historyRows);
                        var split = historyRows > 0 ? table.WithHistory(historyRows, minWindowRows: 1) : table;
                        using var fromTable = LiveNavTable.HashOf(split, names);
                        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(TableText(split)));
                        Assert.Equal(expected, hash.GetHashAndReset());
                        Assert.Equal(expected, fromTable.GetHashAndReset());
                    }
                }
            }
        }, iter: 200);
    }

    /// <summary>The table's part of the text <c>RebalancePlanner.InputsDigest</c> hashes (names, window rows, history rows).</summary>
    private static string TableText(PriceTable table)
    {
        var text = new StringBuilder();
        text.Append("names:").AppendJoin(',', table.Names).Append('\n');
        foreach (var (part, prefix) in new[] { (table, ""), (table.History, "history ") })
        {
            for (var r = 0; r < (part?.RowCount ?? 0); r++)
            {
                text.Append(prefix).Append(part!.Dates[r].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                foreach (var p in part.Row(r))
                {
                    text.Append(',').Append(p.ToString("R", CultureInfo.InvariantCulture));
                }

                text.Append('\n');
            }
        }

        return text.ToString();
    }

    private static EngineHarness NewHarness()
    {
        var harness = new EngineHarness();
        harness.Must(new CreateSimpleVault(harness.Id(), EngineHarness.Operator, new VaultId("C"), new SimpleVaultSpec { Asset = new AssetSymbol("USD"), DecimalsOffset = 6, Operator = EngineHarness.Operator, Reporter = EngineHarness.Reporter, FeeRecipient = new AccountId("fees"), Pricing = PricingMode.Immediate, MinReportIntervalSeconds = 0 }));
        return harness;
    }

    /// <summary>
    /// The keeper's split views (<see cref="LiveNavTable.Window"/>) equal the reference table split by
    /// <see cref="PriceTable.WithHistory(int, int)"/> (window, history, row count), with the periods per year
    /// <see cref="PriceTable.InferPeriodsPerYear"/> gives for it; null exactly when there are too few rows.
    /// </summary>
    private static void AssertSameWindows(PriceTable? reference, ProtocolState state, string[] names, DateOnly today)
    {
        foreach (var historyRows in (int[])[0, 1, 3])
        {
            var (window, rows, periods) = LiveNavTable.Window(state, names, today, historyRows);
            if (reference is null || reference.RowCount <= historyRows)
            {
                Assert.Null(window);
                Assert.True(reference is null ? rows < 2 : rows == reference.RowCount, $"{rows} rows reported without a table");
                continue;
            }

            Assert.Equal(reference.RowCount, rows);

            var expected = historyRows > 0 ? reference.WithHistory(historyRows, minWindowRows: 1) : reference;
            AssertSame(expected, window);
            AssertSame(expected.History, window!.History);
            Assert.Equal(expected.InferPeriodsPerYear(), periods);
        }
    }

    [Fact]
    public void Window_IsSharedByCallsUntilTheNextReport_AndItsHistoryIsBuiltOnce()
    {
        var harness = NewHarness();
        void Report(int d)
        {
            harness.Advance(EngineHarness.Day);
            foreach (var child in new[] { "A", "B" })
            {
                var vault = harness.State.SimpleVaults[new VaultId(child)].Vault;
                harness.Must(new ReportNavCommand(harness.Id(), EngineHarness.Reporter, new VaultId(child), vault.TotalAssets + (UInt128)(d * 1_000)));
            }
        }

        for (var d = 0; d < 6; d++)
        {
            Report(d);
        }

        DateOnly Today() => DateOnly.FromDateTime(harness.Now.UtcDateTime);
        var first = LiveNavTable.Window(harness.State, ["A", "B"], Today(), 3).Table!;
        Assert.Same(first, LiveNavTable.Window(harness.State, ["A", "B"], Today(), 3).Table);
        Report(6);
        var next = LiveNavTable.Window(harness.State, ["A", "B"], Today(), 3).Table!;
        Assert.NotSame(first, next);
        Assert.Equal(first.RowCount + 1, next.RowCount);
        Assert.Same(first.History, next.History);
    }

    private static void AssertSame(PriceTable? expected, PriceTable? actual)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }

        Assert.NotNull(actual);
        Assert.Equal(expected.Names, actual.Names);
        Assert.Equal(expected.Dates, actual.Dates);
        Assert.Equal(expected.Prices, actual.Prices);
    }
}
