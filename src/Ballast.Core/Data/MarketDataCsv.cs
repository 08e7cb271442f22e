using System.Globalization;
using System.Text;

namespace Ballast.Data;

/// <summary>
/// Reads the wide CSV layout: a header <c>Date,NAME1,NAME2,...</c>, then one row per date (ascending, no
/// duplicates), empty cells for "no data". Every problem is reported with file, line and column.
/// </summary>
public static class MarketDataCsv
{
    /// <summary>Reads a whole wide CSV: the header, then one row per date, checking every cell.</summary>
    /// <param name="reader">The CSV text, read to the end.</param>
    /// <param name="source">The file name (or label) used in error messages and kept as <see cref="MarketData.Source"/>.</param>
    /// <param name="kind">What the cells hold: levels (the default) or period returns in percent or as fractions.</param>
    /// <returns>The data as read; empty cells are NaN.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> or <paramref name="source"/> is null.</exception>
    /// <exception cref="BallastInputException">The header, a date or a value is malformed, or dates are not strictly ascending; the message names file, line and column.</exception>
    public static MarketData Read(TextReader reader, string source, ValueKind kind = ValueKind.Prices)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);

        var lineNumber = 0;
        string? header = null;
        while ((header = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (header.Trim().Length > 0)
            {
                break;
            }
        }

        if (header is null)
        {
            throw new BallastInputException(new InputLocation(source, 1), "the file is empty; expected a header row starting with 'Date'");
        }

        var headerFields = SplitFields(header, source, lineNumber);
        if (!string.Equals(headerFields[0].Trim(), "Date", StringComparison.OrdinalIgnoreCase))
        {
            throw new BallastInputException(new InputLocation(source, lineNumber, 1), $"the first column must be 'Date', found '{headerFields[0]}'");
        }

        if (headerFields.Count < 2)
        {
            throw new BallastInputException(new InputLocation(source, lineNumber), "the header names no series; expected 'Date' followed by one column per series");
        }

        var names = new string[headerFields.Count - 1];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 1; i < headerFields.Count; i++)
        {
            var name = headerFields[i].Trim();
            if (name.Length == 0)
            {
                throw new BallastInputException(new InputLocation(source, lineNumber, i + 1), "empty column name in the header");
            }

            if (!seen.TryAdd(name, i + 1))
            {
                throw new BallastInputException(new InputLocation(source, lineNumber, i + 1), $"duplicate column '{name}' (also column {seen[name]})");
            }

            names[i - 1] = name;
        }

        var columns = names.Length;
        var dates = new List<DateOnly>();
        var lines = new List<int>();
        var values = new List<double>();
        var level = new double[columns];
        var started = new bool[columns];
        bool? monthly = null;
        var returns = kind != ValueKind.Prices;
        var scale = kind == ValueKind.ReturnsPercent ? 0.01 : 1.0;

        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var fields = SplitFields(line, source, lineNumber);
            if (fields.Count != columns + 1)
            {
                throw new BallastInputException(new InputLocation(source, lineNumber), $"expected {columns + 1} fields like the header, found {fields.Count}");
            }

            var dateText = fields[0].Trim();
            if (!DateText.TryParse(dateText, out var date, out var isMonthly))
            {
                throw new BallastInputException(new InputLocation(source, lineNumber, 1), $"cannot read date '{dateText}'; expected YYYY-MM-DD or YYYY-MM");
            }

            monthly ??= isMonthly;
            if (monthly != isMonthly)
            {
                throw new BallastInputException(new InputLocation(source, lineNumber, 1), $"date '{dateText}' mixes formats; earlier rows use {(monthly.Value ? "YYYY-MM" : "YYYY-MM-DD")}");
            }

            if (dates.Count > 0)
            {
                var previous = dates[^1];
                if (date == previous)
                {
                    throw new BallastInputException(new InputLocation(source, lineNumber, 1), $"duplicate date {dateText} (also on line {lines[^1]})");
                }

                if (date < previous)
                {
                    throw new BallastInputException(new InputLocation(source, lineNumber, 1), $"date {dateText} is before the previous row's date {DateText.Format(previous, isMonthly)} (line {lines[^1]}); dates must ascend");
                }
            }

            for (var c = 0; c < columns; c++)
            {
                var cell = fields[c + 1].AsSpan().Trim();
                if (cell.IsEmpty)
                {
                    values.Add(double.NaN);
                    continue;
                }

                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                {
                    throw new BallastInputException(new InputLocation(source, lineNumber, c + 2, names[c]), $"cannot read number '{cell}'; expected a finite decimal number or an empty cell");
                }

                if (returns)
                {
                    var r = number * scale;
                    if (r <= -1)
                    {
                        throw new BallastInputException(new InputLocation(source, lineNumber, c + 2, names[c]), $"return {cell}{(kind == ValueKind.ReturnsPercent ? " %" : string.Empty)} is a loss of 100 % or more; the series would reach zero");
                    }

                    level[c] = (started[c] ? level[c] : 1.0) * (1 + r);
                    started[c] = true;
                    if (!double.IsFinite(level[c]) || level[c] <= 0)
                    {
                        throw new BallastInputException(new InputLocation(source, lineNumber, c + 2, names[c]), $"compounding the returns overflows here (return {cell}); is this a price file? Leave out --returns to read prices");
                    }
                    values.Add(level[c]);
                }
                else
                {
                    if (number <= 0)
                    {
                        throw new BallastInputException(new InputLocation(source, lineNumber, c + 2, names[c]), $"price {cell} is not positive; prices and NAVs must be > 0 (use --returns for return series)");
                    }

                    values.Add(number);
                }
            }

            dates.Add(date);
            lines.Add(lineNumber);
        }

        if (dates.Count == 0)
        {
            throw new BallastInputException(new InputLocation(source, lineNumber), "the file has a header but no data rows");
        }

        return new MarketData(source, names, [.. dates], [.. lines], [.. values], monthly ?? false);
    }

    private static List<string> SplitFields(string line, string source, int lineNumber)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"')
                    {
                        current.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (quoted)
        {
            throw new BallastInputException(new InputLocation(source, lineNumber), "unterminated quoted field");
        }

        fields.Add(current.ToString());
        return fields;
    }
}
