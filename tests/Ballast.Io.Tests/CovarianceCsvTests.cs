using System.Globalization;
using System.Text;
using CsCheck;

namespace Ballast.Io.Tests;

/// <summary>
/// The covariance CSV reader parses numbers straight from UTF-8 bytes with a fast parser: every cell must come back as
/// exactly the double <see cref="double.Parse(string, IFormatProvider)"/> gives for its text, whatever its form.
/// </summary>
public class CovarianceCsvTests
{
    private static readonly string[] Formats = ["R", "E16", "G5", "F12", "E3"];

    [Fact]
    public void Read_AnyCellText_GivesTheDoubleThatDoubleParseGives()
    {
        // A random covariance F Fᵀ + diag(d) at a random scale, each cell written in a random format, padded or quoted;
        // rows named (pandas) or not, CRLF or LF, with or without a byte-order mark.
        var gen = Gen.Select(Gen.Int[1, 7], Gen.Int[-12, 12], Gen.Int[0, int.MaxValue], Gen.Bool, Gen.Bool, Gen.Bool);
        gen.Sample((n, exponent, seed, named, crlf, bom) =>
        {
            var random = new Random(seed);
            var factor = new double[n, 2];
            for (var i = 0; i < n; i++)
            {
                factor[i, 0] = random.NextDouble() - 0.5;
                factor[i, 1] = random.NextDouble() - 0.5;
            }

            var scale = Math.Pow(10, exponent);
            var cells = new string[n, n];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j <= i; j++)
                {
                    var value = scale * ((factor[i, 0] * factor[j, 0]) + (factor[i, 1] * factor[j, 1]) + (i == j ? 0.1 + random.NextDouble() : 0));
                    var format = Formats[random.Next(Formats.Length)];
                    var text = value.ToString(format == "F12" && exponent < -3 ? "R" : format, CultureInfo.InvariantCulture);
                    text = random.Next(4) switch { 0 => $" {text} ", 1 => $"\"{text}\"", _ => text };
                    cells[i, j] = text;
                    cells[j, i] = text;
                }
            }

            var names = Enumerable.Range(0, n).Select(i => $"S{i}").ToArray();
            var newline = crlf ? "\r\n" : "\n";
            var csv = new StringBuilder(named ? "," : string.Empty).AppendJoin(',', names).Append(newline);
            for (var i = 0; i < n; i++)
            {
                csv.Append(named ? names[i] + "," : string.Empty).AppendJoin(',', Enumerable.Range(0, n).Select(j => cells[i, j])).Append(newline);
            }

            var bytes = Encoding.UTF8.GetBytes(csv.ToString());
            var (read, matrix) = CovarianceCsv.Read(bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes, "cov.csv");

            Assert.Equal(names, read);
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    var expected = double.Parse(cells[i, j].Trim().Trim('"'), CultureInfo.InvariantCulture);
                    Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(matrix[i, j]), $"cell ({i}, {j}) '{cells[i, j]}': read {matrix[i, j]:R}, double.Parse gives {expected:R}");
                }
            }
        }, iter: 2_000);
    }

    [Fact]
    public void Read_TextAndBytes_AgreeAndRefuseTheSameCell()
    {
        const string good = ",A,B\nA,4e-2,0.01\nB,1e-2,.09\n";
        const string bad = ",A,B\nA,0.04,0.01\nB,0.01,0.09x\n";

        Assert.Equal(CovarianceCsv.Read(good, "c.csv").Covariance, CovarianceCsv.Read(Encoding.UTF8.GetBytes(good), "c.csv").Covariance);
        var e = Assert.Throws<BallastInputException>(() => CovarianceCsv.Read(bad, "c.csv"));
        Assert.Equal("c.csv:3:3 (B): cannot read number '0.09x'", e.Message);
    }

    [Fact]
    public void Read_SeveralBadRowsAmongMany_NamesTheFirstInTheFile()
    {
        // Rows are parsed in parallel; whichever finishes first, the error is the one a reading in order meets first.
        const int n = 200;
        var names = Enumerable.Range(0, n).Select(i => $"S{i}").ToArray();
        var csv = new StringBuilder(",").AppendJoin(',', names).Append('\n');
        for (var i = 0; i < n; i++)
        {
            var cells = Enumerable.Range(0, n).Select(j => i == j ? "0.04" : "0.001").ToArray();
            if (i == 150)
            {
                cells = cells[..^1];
            }

            if (i == 120 || i == 190)
            {
                cells[7] = "oops";
            }

            csv.Append(names[i]).Append(',').AppendJoin(',', cells).Append('\n');
        }

        for (var attempt = 0; attempt < 20; attempt++)
        {
            var e = Assert.Throws<BallastInputException>(() => CovarianceCsv.Read(csv.ToString(), "c.csv"));
            Assert.Equal("c.csv:122:9 (S7): cannot read number 'oops'", e.Message);
        }
    }

    [Theory]
    [InlineData(",A,B\nA,0.04,0.01,0.02\nB,0.01,0.09\n", "c.csv:2: expected 3 fields, found 4")]
    [InlineData(",A,B\nA,0.04\nB,0.01,0.09\n", "c.csv:2: expected 3 fields, found 2")]
    [InlineData(",A,B\nA,oops\nB,0.01,0.09\n", "c.csv:2: expected 3 fields, found 2")]
    [InlineData(",A,B\nX,0.04,0.01,0.5\nB,0.01,0.09\n", "c.csv:2: expected 3 fields, found 4")]
    [InlineData(",A,B\nA,0.04,0.01\nX,0.01,0.09\n", "c.csv:3:1: row 2 is named 'X' but column 2 is 'B'")]
    public void Read_RowWithTheWrongNumberOfFields_IsReportedBeforeItsBadCells(string csv, string expected)
    {
        var e = Assert.Throws<BallastInputException>(() => CovarianceCsv.Read(csv, "c.csv"));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SeveralFaultsInDifferentTiles_NamesTheFirstInTheFile()
    {
        // The symmetry check runs in tiles of 32 × 32: the tile of rows 32-63 and columns 0-31 is checked before the
        // one of columns 32-63, yet the asymmetry at (40, 35) comes before the one at (60, 1) in the file, and both
        // before the variance of row 70.
        const int n = 80;
        var names = Enumerable.Range(0, n).Select(i => $"S{i}").ToArray();
        var cells = new string[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                cells[i, j] = i == j ? "0.04" : "0.0001";
            }
        }

        cells[60, 1] = "0.0002";
        cells[40, 35] = "0.0003";
        cells[70, 70] = "-0.04";
        var csv = new StringBuilder(",").AppendJoin(',', names).Append('\n');
        for (var i = 0; i < n; i++)
        {
            csv.Append(names[i]).Append(',').AppendJoin(',', Enumerable.Range(0, n).Select(j => cells[i, j])).Append('\n');
        }

        var e = Assert.Throws<BallastInputException>(() => CovarianceCsv.Read(csv.ToString(), "c.csv"));
        Assert.Equal("c.csv:42:37 (S35): the matrix is not symmetric: (S40, S35) = 0.0003 but (S35, S40) = 0.0001", e.Message);
    }

    [Fact]
    public void Read_SymmetricWithinTheToleranceButNotExactly_KeepsEveryCellWhereTheFilePutsIt()
    {
        // An exactly symmetric matrix is taken over as it was read (it is its own transpose); one that differs in the
        // last digits is transposed into MathNet's column-major storage: either way, element (i, j) is row i, column j.
        const int n = 40;
        var random = new Random(3);
        var values = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                values[i, j] = i == j ? 0.04 + (0.01 * random.NextDouble()) : 0.001 * random.NextDouble();
                values[j, i] = values[i, j] * (1 + (j < i ? 1e-13 : 0));
            }
        }

        var csv = new StringBuilder(",").AppendJoin(',', Enumerable.Range(0, n).Select(i => $"S{i}")).Append('\n');
        for (var i = 0; i < n; i++)
        {
            csv.Append($"S{i},").AppendJoin(',', Enumerable.Range(0, n).Select(j => values[i, j].ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }

        var (_, matrix) = CovarianceCsv.Read(csv.ToString(), "c.csv");

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                Assert.Equal(values[i, j], matrix[i, j]);
            }
        }

        Assert.NotEqual(matrix[1, 0], matrix[0, 1]);
    }
}
