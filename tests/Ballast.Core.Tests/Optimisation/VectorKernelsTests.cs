using Ballast.Optimisation;
using CsCheck;

namespace Ballast.Core.Tests.Optimisation;

public class VectorKernelsTests
{
    private static readonly Gen<double[]> Vectors = Gen.Int[0, 70].SelectMany(n => Gen.Double[-10, 10].Array[n]);

    [Fact]
    public void Dot_AnyLength_IsTheSumOfProductsWithinRounding()
    {
        // Lengths 0..70 cover the empty span, the scalar tail alone, and several 16-wide blocks with every tail length.
        Gen.Select(Vectors, Gen.Int[0, 1_000_000]).Sample((x, seed) =>
        {
            var random = new Random(seed);
            var y = x.Select(_ => (random.NextDouble() * 20) - 10).ToArray();
            // Both sums are within n·2⁻⁵³·Σ|xᵢyᵢ| of the exact one, whatever their order.
            var reference = 0.0;
            var magnitude = 0.0;
            for (var i = 0; i < x.Length; i++)
            {
                reference += x[i] * y[i];
                magnitude += Math.Abs(x[i] * y[i]);
            }

            var dot = VectorKernels.Dot(x, y);
            return Math.Abs(dot - reference) <= (2.3e-16 * (x.Length + 1) * magnitude) + 1e-300;
        });
    }

    [Fact]
    public void Dot_MisalignedCopy_GivesTheSameBits()
    {
        // A fixed order of summation: the same inputs give the same double, whatever the alignment of the spans.
        var x = Enumerable.Range(0, 1_003).Select(i => Math.Sin(i) * 1e3).ToArray();
        var y = Enumerable.Range(0, 1_003).Select(i => Math.Cos(i * 0.7)).ToArray();
        var padded = new double[1_004];
        x.CopyTo(padded, 1);
        Assert.Equal(VectorKernels.Dot(x, y), VectorKernels.Dot(padded.AsSpan(1), y));
    }

    [Fact]
    public void AddScaled_AnyLength_AddsTheScaledVectorWithOneRoundingPerElement()
    {
        Gen.Select(Vectors, Gen.Double[-5, 5], Gen.Int[0, 1_000_000]).Sample((x, a, seed) =>
        {
            var random = new Random(seed);
            var y = x.Select(_ => (random.NextDouble() * 20) - 10).ToArray();
            var expected = x.Select((v, i) => Math.FusedMultiplyAdd(v, a, y[i])).ToArray();
            VectorKernels.AddScaled(x, a, y);
            return expected.SequenceEqual(y);
        });
    }

    [Fact]
    public void Kernels_SpansOfDifferentLengths_Throw()
    {
        Assert.Throws<ArgumentException>(() => VectorKernels.Dot(new double[3], new double[4]));
        Assert.Throws<ArgumentException>(() => VectorKernels.AddScaled(new double[3], 1, new double[4]));
    }

    [Fact]
    public void Scale_MultipliesEveryElement()
    {
        var x = new[] { 1.0, -2.0, 0.5, 3.0, 7.0 };
        VectorKernels.Scale(x, 2);
        Assert.Equal([2.0, -4.0, 1.0, 6.0, 14.0], x);
    }
}
