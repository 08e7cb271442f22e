using Ballast.Data;
using CsCheck;

namespace Ballast.Core.Tests.Data;

/// <summary>
/// Views of appendable rows (<see cref="AppendablePriceRows"/>) are the tables built from arrays of the same rows
/// (dates, prices, returns, calendar period starts, periods per year, a further split), never change after they are
/// taken whatever is appended or set later, and copy nothing until <see cref="PriceTable.Dates"/> or
/// <see cref="PriceTable.Prices"/> is asked for.
/// </summary>
public class AppendablePriceRowsTests
{
    private static readonly string[] Names = ["A", "B", "C"];

    // An operation: append a row (days after the last, a price per column), set a cell of the last row, or take a view (first row, rows, history rows as a fraction).
    private static readonly Gen<(int Kind, int Days, double[] Prices, int Column, double A, double B)> Operation =
        Gen.Select(Gen.Int[0, 2], Gen.Int[1, 40], Gen.Double[50, 150].Array[3], Gen.Int[0, 2], Gen.Double[0, 1], Gen.Double[0, 1]);

    [Fact]
    public void Views_EqualTablesBuiltFromArrays_AndNeverChangeAfterwards()
    {
        Operation.Array[1, 120].Sample(operations =>
        {
            var rows = new AppendablePriceRows(Names, capacity: 2);
            var dates = new List<DateOnly>();
            var prices = new List<double>();
            var taken = new List<(PriceTable View, PriceTable Expected)>();
            var day = new DateOnly(2023, 12, 25);
            foreach (var (kind, days, cells, column, a, b) in operations)
            {
                if (kind == 0 || dates.Count == 0)
                {
                    day = day.AddDays(days);
                    rows.Append(day, cells);
                    dates.Add(day);
                    prices.AddRange(cells);
                }
                else if (kind == 1)
                {
                    rows.SetLast(column, cells[column]);
                    prices[((dates.Count - 1) * Names.Length) + column] = cells[column];
                }
                else
                {
                    var first = (int)(a * dates.Count);
                    var count = Math.Max(1, (int)(b * (dates.Count - first)));
                    if (first + count > dates.Count)
                    {
                        first = dates.Count - count;
                    }

                    var history = first > 0 ? rows.View(0, first) : null;
                    var view = rows.View(first, count, history);
                    var expected = new PriceTable(Names, [.. dates.GetRange(first, count)], [.. prices.GetRange(first * Names.Length, count * Names.Length)])
                    {
                        History = first > 0 ? new PriceTable(Names, [.. dates.GetRange(0, first)], [.. prices.GetRange(0, first * Names.Length)]) : null,
                    };
                    taken.Add((view, expected));
                }

                Assert.Equal(dates.Count, rows.Count);
                Assert.Equal(dates, rows.Dates.ToArray());
            }

            foreach (var (view, expected) in taken)
            {
                AssertSameReads(expected, view);
                Assert.False(view.HasArrays, "a view copied its rows while only spans were read");
                Assert.Equal(expected.Dates, view.Dates);
                Assert.Equal(expected.Prices, view.Prices);
                Assert.True(view.HasArrays);
            }
        }, iter: 400);
    }

    [Fact]
    public void SetLast_AfterAViewCoversTheLastRow_LeavesTheViewAsItWas()
    {
        var rows = new AppendablePriceRows(Names);
        rows.Append(new DateOnly(2024, 1, 1), [1, 2, 3]);
        rows.Append(new DateOnly(2024, 1, 2), [4, 5, 6]);
        var before = rows.View(0, 2);
        rows.SetLast(1, 50);
        var after = rows.View(0, 2);

        Assert.Equal([4, 5, 6], before.Row(1).ToArray());
        Assert.Equal([4, 50, 6], after.Row(1).ToArray());
    }

    [Fact]
    public void Append_ADateNotAfterTheLast_IsRefused()
    {
        var rows = new AppendablePriceRows(Names);
        rows.Append(new DateOnly(2024, 1, 2), [1, 2, 3]);

        Assert.Throws<ArgumentException>(() => rows.Append(new DateOnly(2024, 1, 2), [1, 2, 3]));
        Assert.Throws<ArgumentException>(() => rows.Append(new DateOnly(2024, 1, 3), [1, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.View(1, 1));
    }

    /// <summary>Everything a policy reads through spans: rows, dates, returns over the history, calendar starts, periods per year, a further split.</summary>
    private static void AssertSameReads(PriceTable expected, PriceTable view)
    {
        Assert.Equal(expected.RowCount, view.RowCount);
        Assert.Equal(expected.DateSpan.ToArray(), view.DateSpan.ToArray());
        Assert.Equal(expected.Calendar.Dates.ToArray(), view.Calendar.Dates.ToArray());
        Assert.Equal(expected.Calendar.Count, view.Calendar.Count);
        for (var r = 0; r < expected.RowCount; r++)
        {
            Assert.Equal(expected.Row(r).ToArray(), view.Row(r).ToArray());
        }

        foreach (CalendarFrequency frequency in Enum.GetValues<CalendarFrequency>())
        {
            Assert.Equal(expected.Calendar.Starts(frequency), view.Calendar.Starts(frequency)[..view.Calendar.Count]);
        }

        Assert.Equal(expected.History?.RowCount, view.History?.RowCount);
        Assert.Equal(expected.InferPeriodsPerYear(), view.InferPeriodsPerYear());
        var last = expected.RowCount - 1;
        var lookback = expected.RowsUpTo(last) - 1;
        if (lookback >= 1)
        {
            Assert.Equal(expected.ReturnsEndingAt(last, lookback), view.ReturnsEndingAt(last, lookback));
        }

        if (expected.RowCount > 2)
        {
            var split = view.WithHistory((view.History?.RowCount ?? 0) + 1);
            var expectedSplit = expected.WithHistory((expected.History?.RowCount ?? 0) + 1);
            Assert.Equal(expectedSplit.Dates, split.Dates);
            Assert.Equal(expectedSplit.Prices, split.Prices);
            Assert.Equal(expectedSplit.History!.Prices, split.History!.Prices);
        }
    }
}
