using System.Globalization;
using Ballast.Data;

namespace Ballast.Io;

/// <summary>
/// Two nominal total-return level series derived from Robert Shiller's monthly U.S. stock market file (the layout of
/// ../shared/data/shiller_us_stock_market_monthly.csv: <c>Date</c> as <c>YYYY-MM</c>, <c>P</c>, <c>D</c>,
/// <c>MonthlyTotalBondReturn</c>, ...), so a backtest can read them as prices (docs/research-samples.md).
/// <list type="bullet">
/// <item><c>Stocks</c>: the S&amp;P Composite with dividends reinvested monthly, month t's return
/// <c>(P_t + D_t/12) / P_{t-1}</c>. <c>P</c> is Shiller's monthly average of daily closes, <c>D</c> the trailing
/// twelve-month dividend; this is the nominal twin of Shiller's own <c>RealTRPrice</c> (times CPI it gives the same
/// returns) without depending on the CPI's late estimates.</item>
/// <item><c>Bonds</c>: Shiller's 10-year Treasury, month t's return the gross <c>MonthlyTotalBondReturn</c> of the
/// row before: Shiller's row t holds the return from t to t+1 (his <c>RealTotalBondReturn</c> index applies it so).</item>
/// </list>
/// Both levels are 1 in the first month. The series end at the month before the first empty cell among <c>P</c>,
/// <c>D</c> and the previous row's bond return (2023-06 in the shared copy, whose dividends stop there).
/// </summary>
public static class ShillerTotalReturns
{
    /// <summary>The columns read; the file may hold others, in any order.</summary>
    public static readonly string[] Required = ["Date", "P", "D", "MonthlyTotalBondReturn"];

    /// <summary>Reads the Shiller file at <paramref name="path"/> and derives the two level series.</summary>
    public static ShillerLevels Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new BallastInputException(new InputLocation(path), "Shiller data file not found");
        }

        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Derive(reader, path);
    }

    /// <summary>Derives the level series from the file's text; <paramref name="source"/> names it in errors.</summary>
    public static ShillerLevels Derive(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
        var header = reader.ReadLine() ?? throw new BallastInputException(new InputLocation(source, 1), "the file is empty; expected a header with " + string.Join(", ", Required));
        var names = header.Split(',');
        var index = Required.Select(name => Array.IndexOf(names, name)).ToArray();
        for (var i = 0; i < Required.Length; i++)
        {
            if (index[i] < 0)
            {
                throw new BallastInputException(new InputLocation(source, 1, Field: Required[i]), $"no '{Required[i]}' column; expected Shiller's monthly layout with {string.Join(", ", Required)}");
            }
        }

        var months = new List<string>();
        var stocks = new List<double>();
        var bonds = new List<double>();
        string? endReason = null;
        double previousPrice = 0, previousBond = 0;
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            var cells = text.Split(',');
            var date = Cell(cells, index[0], source, line, "Date");
            if (!DateText.TryParse(date, out _, out var monthly) || !monthly)
            {
                throw new BallastInputException(new InputLocation(source, line, Field: "Date"), $"cannot read month '{date}'; expected YYYY-MM");
            }

            if (months.Count > 0 && string.CompareOrdinal(date, months[^1]) <= 0)
            {
                throw new BallastInputException(new InputLocation(source, line, Field: "Date"), $"month {date} does not follow {months[^1]}; rows must be in ascending order");
            }

            var price = Number(cells, index[1], source, line, "P");
            var dividend = Number(cells, index[2], source, line, "D");
            var bond = Number(cells, index[3], source, line, "MonthlyTotalBondReturn");
            var missing = price is null ? "P" : dividend is null ? "D" : months.Count > 0 && previousBond <= 0 ? "MonthlyTotalBondReturn of the month before" : null;
            if (missing is not null)
            {
                endReason = $"{missing} is empty at line {line} ({date})";
                break;
            }

            if (months.Count == 0)
            {
                stocks.Add(1);
                bonds.Add(1);
            }
            else
            {
                stocks.Add(stocks[^1] * (price!.Value + (dividend!.Value / 12)) / previousPrice);
                bonds.Add(bonds[^1] * previousBond);
            }

            months.Add(date);
            previousPrice = Positive(price!.Value, source, line, "P");
            previousBond = bond is { } b ? Positive(b, source, line, "MonthlyTotalBondReturn") : 0;
        }

        if (months.Count < 2)
        {
            throw new BallastInputException(new InputLocation(source, line), $"fewer than two complete months{(endReason is null ? string.Empty : "; " + endReason)}");
        }

        return new ShillerLevels(months, stocks, bonds, endReason);
    }

    /// <summary>Writes the levels as the wide CSV the backtest reads (<c>Date,Stocks,Bonds</c>, round-trip numbers).</summary>
    public static void Write(ShillerLevels levels, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("Date,Stocks,Bonds\n");
        for (var t = 0; t < levels.Months.Count; t++)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{levels.Months[t]},{levels.Stocks[t]:R},{levels.Bonds[t]:R}\n"));
        }
    }

    private static string Cell(string[] cells, int column, string source, int line, string field) =>
        column < cells.Length ? cells[column] : throw new BallastInputException(new InputLocation(source, line, Field: field), $"the row has {cells.Length} cells; '{field}' is column {column + 1}");

    private static double? Number(string[] cells, int column, string source, int line, string field)
    {
        var text = Cell(cells, column, source, line, field);
        if (text.Length == 0)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new BallastInputException(new InputLocation(source, line, Field: field), $"cannot read number '{text}'");
    }

    private static double Positive(double value, string source, int line, string field) =>
        value > 0 ? value : throw new BallastInputException(new InputLocation(source, line, Field: field), $"must be > 0, got {value.ToString("R", CultureInfo.InvariantCulture)}");
}

/// <summary>The derived series: months (<c>YYYY-MM</c>), the two levels (1 in the first month), and why they end where they do.</summary>
/// <param name="Months">The months, ascending.</param>
/// <param name="Stocks">The S&amp;P Composite total-return level.</param>
/// <param name="Bonds">The 10-year Treasury total-return level.</param>
/// <param name="EndReason">The empty cell that ended the series before the file's end, or null when the file's last row is included.</param>
public sealed record ShillerLevels(IReadOnlyList<string> Months, IReadOnlyList<double> Stocks, IReadOnlyList<double> Bonds, string? EndReason);
