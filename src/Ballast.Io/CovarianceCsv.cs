using System.Globalization;
using System.Text;
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
    /// <summary>Reads and checks the covariance matrix in <paramref name="path"/>.</summary>
    /// <exception cref="BallastInputException">The file is missing or is not a covariance matrix, naming line, column and asset.</exception>
    public static (IReadOnlyList<string> Names, Matrix<double> Covariance) ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new BallastInputException(new InputLocation(path), "covariance file not found");
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads and checks a covariance matrix given as text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="BallastInputException">It is not a covariance matrix, naming line, column and asset.</exception>
    public static (IReadOnlyList<string> Names, Matrix<double> Covariance) Read(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Read(Encoding.UTF8.GetBytes(text), source);
    }

    /// <summary>
    /// Reads and checks a covariance matrix given as UTF-8 bytes (a byte-order mark is skipped). Numbers are parsed
    /// straight from the bytes, field by field, without a string per line or per cell: a 1,000 × 1,000 matrix is
    /// 20 MB of text.
    /// </summary>
    /// <exception cref="BallastInputException">It is not a covariance matrix, naming line, column and asset.</exception>
    public static (IReadOnlyList<string> Names, Matrix<double> Covariance) Read(ReadOnlySpan<byte> utf8, string source) => Parse(utf8.ToArray(), source);

    /// <summary>
    /// <see cref="Read(ReadOnlySpan{byte}, string)"/> on bytes the rows can be parsed from in parallel (a chunk of
    /// rows per processor; which row is read first makes no difference to the values, and of the rows that fail, the
    /// first in the file is reported, as read in order).
    /// </summary>
    private static (IReadOnlyList<string> Names, Matrix<double> Covariance) Parse(ReadOnlyMemory<byte> bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (bytes.Span.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        var utf8 = bytes.Span;

        // The non-blank lines, as (start, length, line number) into the bytes, without the line break. An array of
        // structs of this assembly, not a List of tuples or LINQ over them: generic code instantiated over a value
        // type is compiled at run time (ReadyToRun cannot precompile it here), for a few milliseconds of a short call.
        var lines = new LineRange[LineCount(utf8)];
        var count = 0;
        for (int start = 0, number = 1; start < utf8.Length; number++)
        {
            var end = utf8[start..].IndexOf((byte)'\n');
            var length = end < 0 ? utf8.Length - start : end;
            var line = utf8.Slice(start, length);
            if (!IsBlank(line))
            {
                lines[count++] = new LineRange(start, length > 0 && line[^1] == (byte)'\r' ? length - 1 : length, number);
            }

            start += length + 1;
        }

        if (count == 0)
        {
            throw new BallastInputException(new InputLocation(source, 1), "the file is empty; expected a header row of asset names");
        }

        var header = new List<string>();
        var headerLine = Line(utf8, lines[0]);
        while (true)
        {
            var comma = headerLine.IndexOf((byte)',');
            header.Add(Encoding.UTF8.GetString(Cell(comma < 0 ? headerLine : headerLine[..comma])));
            if (comma < 0)
            {
                break;
            }

            headerLine = headerLine[(comma + 1)..];
        }

        // The rows follow the header: row r is lines[r + 1].
        var rows = new Rows(lines, count - 1);
        // Named rows (pandas): one more header cell than rows, and every row starts with a name, not a number.
        var named = header[0].Length == 0 || (rows.Count > 0 && !AnyStartsWithNumber(utf8, rows));
        var names = named ? header.GetRange(1, header.Count - 1) : header;
        if (names.Count != rows.Count)
        {
            throw new BallastInputException(new InputLocation(source, lines[0].Line), $"the header names {names.Count} assets but there are {rows.Count} rows; a covariance matrix is square");
        }

        if (names.Any(n => n.Length == 0) || new HashSet<string>(names, StringComparer.Ordinal).Count != names.Count)
        {
            throw new BallastInputException(new InputLocation(source, lines[0].Line), "asset names in the header must be non-empty and distinct");
        }

        var n = names.Count;
        var offset = named ? 1 : 0;
        // Row-major values; MathNet's dense storage is column-major, so the Matrix is built from them at the end.
        var values = new double[n * n];
        var failure = ParseRows(bytes, rows, names, offset, values, source);
        if (failure is not null)
        {
            throw failure;
        }

        // Variances and symmetry: a tiled pass (the column-wise reads of a row-by-row pass miss the cache on every
        // element); only when it finds a fault is the row-by-row pass run, to report the first fault in the file.
        var exactlySymmetric = SymmetryFaultFree(values, n, out var fault) ? fault == SymmetryFault.None : ThrowFirstFault(values, n, names, rows, offset, source);
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

        // MathNet stores column-major. An exactly symmetric matrix (the usual case: a covariance written by a program)
        // is its own transpose, so the row-major values are taken over as they are; otherwise they are transposed.
        return (names, Matrix<double>.Build.Dense(n, n, exactlySymmetric ? values : Transpose(values, n)));
    }

    /// <summary>
    /// Parses every row into <paramref name="values"/>, in contiguous chunks of rows on as many tasks as there are
    /// processors (a row of 1,000 numbers is 20 KB of text; which chunk is read first makes no difference to the
    /// values); the error of the first failing row in the file, or null. Each chunk stops at its own first failing row,
    /// so the first chunk with a failure holds the first failure in the file.
    /// </summary>
    private static BallastInputException? ParseRows(ReadOnlyMemory<byte> bytes, Rows rows, List<string> names, int offset, double[] values, string source)
    {
        var n = rows.Count;
        var chunks = Math.Clamp(Environment.ProcessorCount, 1, Math.Max(1, n / 16));
        var failures = new BallastInputException?[chunks];
        void Chunk(int c)
        {
            for (int r = n * c / chunks, end = n * (c + 1) / chunks; r < end; r++)
            {
                if (ParseRow(bytes.Span, rows[r], r, names, offset, values, source) is { } failure)
                {
                    failures[c] = failure;
                    return;
                }
            }
        }

        var tasks = new Task[chunks - 1];
        for (var c = 1; c < chunks; c++)
        {
            var chunk = c;
            tasks[c - 1] = Task.Run(() => Chunk(chunk));
        }

        Chunk(0);
        Task.WaitAll(tasks);
        foreach (var failure in failures)
        {
            if (failure is not null)
            {
                return failure;
            }
        }

        return null;
    }

    /// <summary>A non-blank line of the file: where it starts in the bytes, its length without the line break, its line number.</summary>
    private readonly record struct LineRange(int Start, int Length, int Line);

    /// <summary>The matrix rows: the non-blank lines after the header, row r being <c>lines[r + 1]</c>.</summary>
    private readonly struct Rows(LineRange[] lines, int count)
    {
        public int Count => count;

        public LineRange this[int r] => lines[r + 1];
    }

    /// <summary>An upper bound on the lines of the text: its line breaks, plus one.</summary>
    private static int LineCount(ReadOnlySpan<byte> utf8)
    {
        var lines = 1;
        for (var at = utf8.IndexOf((byte)'\n'); at >= 0; at = utf8.IndexOf((byte)'\n'))
        {
            lines++;
            utf8 = utf8[(at + 1)..];
        }

        return lines;
    }

    /// <summary>Whether <see cref="SymmetryFaultFree"/> found the matrix exactly symmetric or symmetric within the tolerance.</summary>
    private enum SymmetryFault
    {
        /// <summary>Every (i, j) equals (j, i) exactly.</summary>
        None,

        /// <summary>Some pair differs, within the tolerance.</summary>
        WithinTolerance,
    }

    /// <summary>
    /// True when every variance is positive and every pair (i, j), (j, i) agrees within the relative tolerance 1e-10,
    /// with <paramref name="fault"/> saying whether they all agree exactly; false at the first fault met, in tiles of
    /// 32 × 32 (not the first in the file).
    /// </summary>
    private static bool SymmetryFaultFree(double[] values, int n, out SymmetryFault fault)
    {
        fault = SymmetryFault.None;
        for (var i = 0; i < n; i++)
        {
            if (!(values[(i * n) + i] > 0))
            {
                return false;
            }
        }

        const int Tile = 32;
        for (var i0 = 0; i0 < n; i0 += Tile)
        {
            for (var j0 = 0; j0 <= i0; j0 += Tile)
            {
                for (var i = i0; i < Math.Min(i0 + Tile, n); i++)
                {
                    for (var j = j0; j < Math.Min(j0 + Tile, i); j++)
                    {
                        var lower = values[(i * n) + j];
                        var upper = values[(j * n) + i];
                        if (lower != upper)
                        {
                            if (!WithinTolerance(lower, upper))
                            {
                                return false;
                            }

                            fault = SymmetryFault.WithinTolerance;
                        }
                    }
                }
            }
        }

        return true;
    }

    /// <summary>Two mirrored elements agree within a relative 1e-10 (NaN never does).</summary>
    private static bool WithinTolerance(double lower, double upper) =>
        Math.Abs(lower - upper) <= 1e-10 * Math.Max(Math.Max(Math.Abs(lower), Math.Abs(upper)), 1e-300);

    /// <summary>Throws the error of the first non-positive variance or asymmetric pair in file order (row by row).</summary>
    private static bool ThrowFirstFault(double[] values, int n, List<string> names, Rows rows, int offset, string source)
    {
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
                if (!WithinTolerance(lower, upper))
                {
                    throw new BallastInputException(new InputLocation(source, rows[i].Line, j + offset + 1, names[j]), $"the matrix is not symmetric: ({names[i]}, {names[j]}) = {lower} but ({names[j]}, {names[i]}) = {upper}");
                }
            }
        }

        throw new InvalidOperationException("the tiled pass found a fault the row-by-row pass does not");
    }

    /// <summary>The column-major storage of the row-major n × n <paramref name="values"/>: their transpose.</summary>
    private static double[] Transpose(double[] values, int n)
    {
        var columnMajor = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                columnMajor[(j * n) + i] = values[(i * n) + j];
            }
        }

        return columnMajor;
    }

    /// <summary>Parses row <paramref name="r"/> into <paramref name="values"/>; the error of its first bad field, or null.</summary>
    private static BallastInputException? ParseRow(ReadOnlySpan<byte> utf8, LineRange row, int r, List<string> names, int offset, double[] values, string source)
    {
        var n = names.Count;
        var line = Line(utf8, row);
        var number = row.Line;
        var column = -offset;
        var target = values.AsSpan(r * n, n);

        // Field by field with IndexOf (vectorised), not a split enumerator: the loop runs a million times per matrix.
        var rest = line;
        while (true)
        {
            var comma = rest.IndexOf((byte)',');
            var cell = Cell(comma < 0 ? rest : rest[..comma]);
            if (column >= n || (comma < 0 && column < n - 1))
            {
                return FieldCount(line, n + offset, number, source);
            }

            if (column < 0)
            {
                if (!cell.SequenceEqual(Encoding.UTF8.GetBytes(names[r])))
                {
                    return FieldCount(line, n + offset, number, source) ?? new BallastInputException(new InputLocation(source, number, 1), $"row {r + 1} is named '{Encoding.UTF8.GetString(cell)}' but column {r + 1} is '{names[r]}'; rows and columns must list the assets in the same order");
                }
            }
            else if (!TryNumber(cell, out var value) || !double.IsFinite(value))
            {
                return FieldCount(line, n + offset, number, source) ?? new BallastInputException(new InputLocation(source, number, column + offset + 1, names[column]), $"cannot read number '{Encoding.UTF8.GetString(cell)}'");
            }
            else
            {
                target[column] = value;
            }

            column++;
            if (comma < 0)
            {
                return null;
            }

            rest = rest[(comma + 1)..];
        }
    }

    /// <summary>The error of a row without <paramref name="expected"/> fields (reported before any bad field of it), or null.</summary>
    private static BallastInputException? FieldCount(ReadOnlySpan<byte> line, int expected, int number, string source)
    {
        var fields = line.Count((byte)',') + 1;
        return fields == expected ? null : new BallastInputException(new InputLocation(source, number), $"expected {expected} fields, found {fields}");
    }

    private static ReadOnlySpan<byte> Line(ReadOnlySpan<byte> utf8, LineRange line) => utf8.Slice(line.Start, line.Length);

    /// <summary>Whether a line holds nothing but blanks (spaces, tabs, carriage returns).</summary>
    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (!IsBlankByte(b))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsBlankByte(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r';

    /// <summary>A field without surrounding blanks, then without surrounding quotes.</summary>
    private static ReadOnlySpan<byte> Cell(ReadOnlySpan<byte> cell)
    {
        if (cell.IsEmpty || (IsPlain(cell[0]) && IsPlain(cell[^1])))
        {
            return cell;
        }

        var start = 0;
        var end = cell.Length;
        while (start < end && IsBlankByte(cell[start]))
        {
            start++;
        }

        while (end > start && IsBlankByte(cell[end - 1]))
        {
            end--;
        }

        while (start < end && cell[start] == (byte)'"')
        {
            start++;
        }

        while (end > start && cell[end - 1] == (byte)'"')
        {
            end--;
        }

        return cell[start..end];
    }

    /// <summary>Neither a blank nor a quote: a cell that starts and ends with such bytes needs no trimming (the usual case).</summary>
    private static bool IsPlain(byte b) => b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'"');

    /// <summary>
    /// A number cell: fast_float's correctly rounded parse (csFastFloat; the same double as <see cref="double.Parse(string)"/>,
    /// several times faster on the 17-digit text of round-trip formatting), and <see cref="double.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider?, out double)"/>
    /// for any form it does not take whole.
    /// </summary>
    private static bool TryNumber(ReadOnlySpan<byte> cell, out double value) =>
        (csFastFloat.FastDoubleParser.TryParseDouble(cell, out var consumed, out value) && consumed == cell.Length)
        || double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>True when the first field of some line is a number (so the rows carry no names).</summary>
    private static bool AnyStartsWithNumber(ReadOnlySpan<byte> utf8, Rows rows)
    {
        for (var r = 0; r < rows.Count; r++)
        {
            if (TryNumber(Cell(FirstField(Line(utf8, rows[r]))), out _))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first comma-separated field of a line, without splitting the rest (a row holds a field per asset).</summary>
    private static ReadOnlySpan<byte> FirstField(ReadOnlySpan<byte> line) => line.IndexOf((byte)',') is var comma and >= 0 ? line[..comma] : line;

}
