using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Ballast.Backtesting;

/// <summary>
/// Vector helpers shared by the row scan and the trade step. A universe of n ≥ width assets is covered by whole
/// vectors at 0, width, … below n − width and one last vector at n − width, which may overlap the one before it;
/// <see cref="Fresh"/> masks the overlapped lanes out of sums.
/// </summary>
internal static class Lanes
{
    public static int Width => Vector<double>.Count;

    /// <summary>Where the last vector starts: n − width.</summary>
    public static int Last(int assets) => assets - Width;

    /// <summary>The end of the whole vectors before the last one (where the last one's new lanes begin, or it itself starts).</summary>
    public static int WholeEnd(int assets) => (Last(assets) + Width - 1) / Width * Width;

    /// <summary>All bits set in the last vector's lanes that no earlier vector covered, clear in the others.</summary>
    public static Vector<double> Fresh(int assets)
    {
        var overlap = WholeEnd(assets) - Last(assets);
        Span<long> lanes = stackalloc long[Width];
        for (var k = 0; k < Width; k++)
        {
            lanes[k] = k < overlap ? 0 : -1;
        }

        return Vector.AsVectorDouble(new Vector<long>(lanes));
    }

    /// <summary>The sum of the lanes; for four lanes, the halves first (four instructions where the general sum takes six).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector<double> lanes)
    {
        if (Vector<double>.Count == 4)
        {
            var wide = lanes.AsVector256();
            var half = wide.GetLower() + wide.GetUpper();
            return half.ToScalar() + half.GetElement(1);
        }

        return Vector.Sum(lanes);
    }
}
