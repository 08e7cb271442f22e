using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace Ballast.Io;

/// <summary>
/// Reads a covariance matrix from CSV: a header row of asset names, then one row per asset. Rows may carry their
/// name in the first column, as pandas writes them (then the header starts with an empty cell or a label).
/// The matrix must be square, finite, symmetric and have positive variances; errors name file, line and column.
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
            || (rows.Count > 0 && rows.All(r => !double.TryParse(r.Text.Split(',')[0].Trim().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out _)));
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
        var matrix = Matrix<double>.Build.Dense(n, n);
        for (var r = 0; r < n; r++)
        {
            var (line, number) = rows[r];
            var cells = line.Split(',').Select(c => c.Trim().Trim('"')).ToList();
            var offset = named ? 1 : 0;
            if (cells.Count != n + offset)
            {
                throw new BallastInputException(new InputLocation(source, number), $"expected {n + offset} fields, found {cells.Count}");
            }

            if (named && !string.Equals(cells[0], names[r], StringComparison.Ordinal))
            {
                throw new BallastInputException(new InputLocation(source, number, 1), $"row {r + 1} is named '{cells[0]}' but column {r + 1} is '{names[r]}'; rows and columns must list the assets in the same order");
            }

            for (var c = 0; c < n; c++)
            {
                if (!double.TryParse(cells[c + offset], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                {
                    throw new BallastInputException(new InputLocation(source, number, c + offset + 1, names[c]), $"cannot read number '{cells[c + offset]}'");
                }

                matrix[r, c] = value;
            }
        }

        for (var i = 0; i < n; i++)
        {
            if (!(matrix[i, i] > 0))
            {
                throw new BallastInputException(new InputLocation(source, rows[i].Line, i + (named ? 2 : 1), names[i]), $"the variance of '{names[i]}' is {matrix[i, i]}; variances must be > 0");
            }

            for (var j = 0; j < i; j++)
            {
                var scale = Math.Max(Math.Abs(matrix[i, j]), Math.Abs(matrix[j, i]));
                if (Math.Abs(matrix[i, j] - matrix[j, i]) > 1e-10 * Math.Max(scale, 1e-300))
                {
                    throw new BallastInputException(new InputLocation(source, rows[i].Line, j + (named ? 2 : 1), names[j]), $"the matrix is not symmetric: ({names[i]}, {names[j]}) = {matrix[i, j]} but ({names[j]}, {names[i]}) = {matrix[j, i]}");
                }
            }
        }

        // A covariance matrix is positive semidefinite: a negative eigenvalue means impossible correlations.
        var smallest = matrix.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Select(e => e.Real).Min();
        var largestVariance = Enumerable.Range(0, n).Max(i => matrix[i, i]);
        if (smallest < -1e-10 * largestVariance)
        {
            throw new BallastInputException(new InputLocation(source, lines[0].Line), $"the matrix is not a covariance matrix: it is not positive semidefinite (smallest eigenvalue {smallest.ToString("G4", CultureInfo.InvariantCulture)}), so some implied correlation is impossible");
        }

        return (names, matrix);
    }
}
