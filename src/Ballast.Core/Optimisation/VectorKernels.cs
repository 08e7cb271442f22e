using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Ballast.Optimisation;

/// <summary>
/// The few vector operations the risk-budgeting solvers spend their time in (dot products, y += a·x, scaling), on
/// <see cref="Vector256{T}"/> with fused multiply-adds in a fixed order, so that they round the same on every machine.
/// </summary>
/// <remarks>
/// They replace <c>TensorPrimitives</c> on this path for the start-up of a short process: its generic kernels are
/// instantiated over <see cref="double"/> in another assembly, so ReadyToRun cannot precompile them and a
/// <c>ballast weights</c> call spent about a fifth of its time compiling them (tier 0, then again optimised). These
/// are three small methods of this assembly, compiled once. The arithmetic is unchecked: the project checks integer
/// overflow, which would otherwise test every index computation of the inner loops.
/// </remarks>
internal static class VectorKernels
{
    /// <summary>
    /// Σ xᵢyᵢ: four vector accumulators take the elements ≡ 0..15 mod 16 in turn, the rest (fewer than 16) is added
    /// one by one, then the accumulators and their lanes are added in order.
    /// </summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException("the spans differ in length", nameof(y));
        }

        unchecked
        {
            ref var a = ref MemoryMarshal.GetReference(x);
            ref var b = ref MemoryMarshal.GetReference(y);
            var n = (nuint)x.Length;
            var s0 = Vector256<double>.Zero;
            var s1 = s0;
            var s2 = s0;
            var s3 = s0;
            nuint k = 0;
            for (; k + 16 <= n; k += 16)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, k), Vector256.LoadUnsafe(ref b, k), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, k + 4), Vector256.LoadUnsafe(ref b, k + 4), s1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, k + 8), Vector256.LoadUnsafe(ref b, k + 8), s2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, k + 12), Vector256.LoadUnsafe(ref b, k + 12), s3);
            }

            var tail = 0.0;
            for (; k < n; k++)
            {
                tail = Math.FusedMultiplyAdd(Unsafe.Add(ref a, k), Unsafe.Add(ref b, k), tail);
            }

            var s = (s0 + s1) + (s2 + s3);
            return s.GetElement(0) + s.GetElement(1) + s.GetElement(2) + s.GetElement(3) + tail;
        }
    }

    /// <summary><paramref name="y"/>ᵢ += <paramref name="a"/>·<paramref name="x"/>ᵢ (one rounding per element).</summary>
    public static void AddScaled(ReadOnlySpan<double> x, double a, Span<double> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException("the spans differ in length", nameof(y));
        }

        unchecked
        {
            ref var source = ref MemoryMarshal.GetReference(x);
            ref var target = ref MemoryMarshal.GetReference(y);
            var n = (nuint)x.Length;
            var scale = Vector256.Create(a);
            nuint k = 0;
            for (; k + 4 <= n; k += 4)
            {
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref source, k), scale, Vector256.LoadUnsafe(ref target, k)).StoreUnsafe(ref target, k);
            }

            for (; k < n; k++)
            {
                Unsafe.Add(ref target, k) = Math.FusedMultiplyAdd(Unsafe.Add(ref source, k), a, Unsafe.Add(ref target, k));
            }
        }
    }

    /// <summary><paramref name="x"/>ᵢ ·= <paramref name="a"/>.</summary>
    public static void Scale(Span<double> x, double a)
    {
        for (var i = 0; i < x.Length; i++)
        {
            x[i] *= a;
        }
    }
}
