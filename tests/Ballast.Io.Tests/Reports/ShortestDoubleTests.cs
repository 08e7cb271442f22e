using System.Globalization;
using System.Text;
using Ballast.Io.Reports;
using CsCheck;

namespace Ballast.Io.Tests.Reports;

/// <summary>
/// The numbers of metrics.json: <see cref="ShortestDouble"/> writes the framework's text of every finite double (the
/// shortest digits that read back as the same double, closest to it; no banker's rounding, no fixed digit count),
/// on pinned values, on every power of two and ten and their neighbours, and on random doubles of every kind.
/// </summary>
public sealed class ShortestDoubleTests
{
    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(0.3, "0.3")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(2.675, "2.675")]
    [InlineData(1.005, "1.005")]
    [InlineData(-0.31695499196424193, "-0.31695499196424193")]
    [InlineData(3312508.800438699, "3312508.800438699")]
    [InlineData(1e-4, "0.0001")]
    [InlineData(1.2345e-5, "1.2345E-05")]
    [InlineData(1e16, "10000000000000000")]
    [InlineData(99999999999999980d, "99999999999999980")]
    [InlineData(1e17, "1E+17")]
    [InlineData(123456789012345680d, "1.2345678901234568E+17")]
    [InlineData(1e-300, "1E-300")]
    [InlineData(double.MaxValue, "1.7976931348623157E+308")]
    [InlineData(double.Epsilon, "5E-324")]
    [InlineData(1043d, "1043")]
    [InlineData(0d, "0")]
    [InlineData(-0d, "-0")]
    public void Pinned_values(double value, string text)
    {
        Assert.Equal(text, Write(value));
        Assert.Equal(Framework(value), Write(value));
    }

    [Fact]
    public void Powers_of_two_and_ten_and_their_neighbours_are_the_frameworks()
    {
        var values = new List<double>();
        for (var p = -1074; p <= 1023; p++)
        {
            values.Add(Math.ScaleB(1, p));
        }

        for (var p = -323; p <= 308; p++)
        {
            values.Add(double.Parse($"1e{p}", CultureInfo.InvariantCulture));
        }

        foreach (var v in values.ToArray())
        {
            var bits = BitConverter.DoubleToInt64Bits(v);
            foreach (var neighbour in new[] { v, BitConverter.Int64BitsToDouble(bits - 1), BitConverter.Int64BitsToDouble(bits + 1) })
            {
                if (double.IsFinite(neighbour))
                {
                    Assert.Equal(Framework(neighbour), Write(neighbour));
                    Assert.Equal(Framework(-neighbour), Write(-neighbour));
                }
            }
        }
    }

    [Fact]
    public void Any_finite_double_is_written_as_the_framework_writes_it() =>
        Gen.Double.Where(double.IsFinite).Sample(v => Write(v) == Framework(v), iter: 200_000);

    [Fact]
    public void Any_bit_pattern_is_written_as_the_framework_writes_it() =>
        Gen.Long.Select(BitConverter.Int64BitsToDouble).Where(double.IsFinite).Sample(v => Write(v) == Framework(v), iter: 200_000);

    [Fact]
    public void Metric_like_values_are_written_as_the_framework_writes_them() =>
        Gen.Select(Gen.Double[-1, 1], Gen.Int[-8, 12], Gen.Int[0, 9]).Sample((x, power, decimals) =>
        {
            var value = x * Math.Pow(10, power);
            var rounded = Math.Round(x * 1000, decimals, MidpointRounding.AwayFromZero);
            return Write(value) == Framework(value) && Write(rounded) == Framework(rounded);
        }, iter: 200_000);

    [Fact]
    public void Infinities_and_nan_are_refused()
    {
        var buffer = new byte[ShortestDouble.MaxLength];
        foreach (var v in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => ShortestDouble.Write(v, buffer));
        }
    }

    private static string Write(double value)
    {
        var buffer = new byte[ShortestDouble.MaxLength];
        return Encoding.ASCII.GetString(buffer, 0, ShortestDouble.Write(value, buffer));
    }

    private static string Framework(double value) => value.ToString(CultureInfo.InvariantCulture);
}
