using System.Globalization;
using Ballast.Optimisation;
using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Io;

/// <summary>
/// Reads a covariance matrix from CSV: a header row of asset names, then one row per asset. Rows may carry their
/// name in the first column, as pandas writes them (then the header starts with an empty cell or a label).
/// The matrix must be square, finite, symmetric, have positive variances and be positive semidefinite (checked by
/// <see cref="SemidefiniteCheck"/>, which accepts singular matrices); errors name file, line and column.
/// </summary>
public static class CovarianceCsv
{
    public static (IReadOnlyList<string> Names, Matrix<double> Covariance) ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new BallastInputException(new InputLocation(path), "covariance file not found");
        }

        return Read(File.ReadAllText(path), path);
    }

    public static (IReadOnlyList<string> Names, Matrix<double> Covariance) Read(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Select((l, i) => (Text: l, Line: i + 1)).Where(l => l.Text.Trim().Length > 0).ToList();
        if (lines.Count == 0)
        {
            throw new BallastInputException(new InputLocation(source, 1), "the file is empty; expected a header row of asset names");
        }

        var header = lines[0].Text.Split(',').Select(c => c.Trim().Trim('"')).ToList();
        var rows = lines.Skip(1).ToList();
        // Named rows (pandas): one more header cell than rows, and every row starts with a name, not a number.
        var named = header[0].Length == 0
            || (rows.Count > 0 && rows.All(r => !double.TryParse(Cell(FirstField(r.Text)), NumberStyles.Float, CultureInfo.InvariantCulture, out _)));
        var names = named ? header.Skip(1).ToList() : header;
        if (names.Count != rows.Count)
        {
            throw new BallastInputException(new InputLocation(source, lines[0].Line), $"the header names {names.Count} assets but there are {rows.Count} rows; a covariance matrix is square");
        }

        if (names.Any(n => n.Length == 0) || names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new BallastInputException(new InputLocation(source, lines[0].Line), "asset names in the header must be non-empty and distinct");
        }

        var n = names.Count;
        var offset = named ? 1 : 0;
        // Row-major values; MathNet's dense storage is column-major, so the Matrix is built from them at the end.
        var values = new double[n * n];
        for (var r = 0; r < n; r++)
        {
            var (line, number) = rows[r];
            var cells = line.Split(',');
            if (cells.Length != n + offset)
            {
                throw new BallastInputException(new InputLocation(source, number), $"expected {n + offset} fields, found {cells.Length}");
            }

            if (named && !Cell(cells[0]).Equals(names[r], StringComparison.Ordinal))
            {
                throw new BallastInputException(new InputLocation(source, number, 1), $"row {r + 1} is named '{Cell(cells[0])}' but column {r + 1} is '{names[r]}'; rows and columns must list the assets in the same order");
            }

            for (var c = 0; c < n; c++)
            {
                var cell = Cell(cells[c + offset]);
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                {
                    throw new BallastInputException(new InputLocation(source, number, c + offset + 1, names[c]), $"cannot read number '{cell.ToString()}'");
                }

                values[(r * n) + c] = value;
            }
        }

        for (var i = 0; i < n; i++)
        {
            var variance = values[(i * n) + i];
            if (!(variance > 0))
            {
                throw new BallastInputException(new InputLocation(source, rows[i].Line, i + offset + 1, names[i]), $"the variance of '{names[i]}' is {variance}; variances must be > 0");
            }

            for (var j = 0; j < i; j++)
            {
                var lower = values[(i * n) + j];
                var upper = values[(j * n) + i];
                var scale = Math.Max(Math.Abs(lower), Math.Abs(upper));
                if (Math.Abs(lower - upper) > 1e-10 * Math.Max(scale, 1e-300))
                {
                    throw new BallastInputException(new InputLocation(source, rows[i].Line, j + offset + 1, names[j]), $"the matrix is not symmetric: ({names[i]}, {names[j]}) = {lower} but ({names[j]}, {names[i]}) = {upper}");
                }
            }
        }

        // A covariance matrix is positive semidefinite: a failing pivot means impossible correlations. The check reads
        // the lower triangle; singular but semidefinite matrices pass (see SemidefiniteCheck for the tolerance).
        var psd = SemidefiniteCheck.Check(values, n);
        if (psd.FailingIndex is { } k)
        {
            var why = psd.DependsOn is { } j
                ? $"'{names[j]}' is a combination of the assets before it, yet '{names[k]}' still correlates with what is left of it ({psd.Value.ToString("G4", CultureInfo.InvariantCulture)})"
                : $"the part of the variance of '{names[k]}' not explained by the assets before it is negative ({psd.Value.ToString("G4", CultureInfo.InvariantCulture)} of its variance)";
            var column = (psd.DependsOn ?? k) + offset + 1;
            throw new BallastInputException(new InputLocation(source, rows[k].Line, column, names[psd.DependsOn ?? k]), $"the matrix is not a covariance matrix: it is not positive semidefinite at row {k + 1} ({names[k]}): {why}, so some implied correlation is impossible");
        }

        var matrix = Matrix<double>.Build.Dense(n, n, (i, j) => values[(i * n) + j]);
        return (names, matrix);
    }

    private static ReadOnlySpan<char> Cell(ReadOnlySpan<char> cell) => cell.Trim().Trim('"');

    /// <summary>The first comma-separated field of a line, without splitting the rest (a row holds a field per asset).</summary>
    private static string FirstField(string line) => line.IndexOf(',', StringComparison.Ordinal) is var comma and >= 0 ? line[..comma] : line;
}
