using System.Numerics;

namespace Ballast.Backtesting;

/// <summary>Which implementation of the engine's hot loops (the row scan and the trade step's common case) runs.</summary>
public enum EngineKernel
{
    /// <summary>Vectors where the hardware and the universe allow them, else scalar.</summary>
    Auto,

    /// <summary>Vector registers; refused where the hardware or the universe does not allow them.</summary>
    Vector,

    /// <summary>Plain scalar loops: the fallback, and the reference the vector kernels are tested against.</summary>
    Scalar,
}

/// <summary>
/// The seam between the engine's vector kernels and their scalar references, chosen once per run: the row scanner and
/// the trader ask here which kernel to run and keep the answer for the whole run.
/// </summary>
internal static class EngineKernels
{
    /// <summary>Whether vectors can run over <paramref name="assets"/> assets on this hardware (a universe of at least one vector).</summary>
    public static bool VectorsAvailable(int assets) => Vector.IsHardwareAccelerated && assets >= Lanes.Width;

    /// <summary>The row scan's kernel: its vectors run one run per lane, so any universe can use them where the hardware has them.</summary>
    /// <exception cref="ArgumentException">Vectors were asked for where they cannot run.</exception>
    public static EngineKernel ForRowScan(EngineKernel requested) => Resolve(requested, Vector.IsHardwareAccelerated, $"no vector hardware (vector width {Lanes.Width}, accelerated: {Vector.IsHardwareAccelerated})");

    /// <summary>
    /// The trade step's kernel: the vector kernel needs fractional units (no lots) and a model that costs the same both
    /// ways (its closed form keeps one rate per lane), besides a universe of at least one vector.
    /// </summary>
    /// <exception cref="ArgumentException">Vectors were asked for where they cannot run.</exception>
    public static EngineKernel ForTrades(EngineKernel requested, int assets, bool anyLots, bool symmetricCosts) =>
        Resolve(requested, VectorsAvailable(assets) && !anyLots && symmetricCosts, $"{assets} assets, lots {(anyLots ? "set" : "none")}, costs {(symmetricCosts ? "symmetric" : "asymmetric")}, vector width {Lanes.Width}, accelerated: {Vector.IsHardwareAccelerated}");

    private static EngineKernel Resolve(EngineKernel requested, bool vectors, string why) => requested switch
    {
        EngineKernel.Auto => vectors ? EngineKernel.Vector : EngineKernel.Scalar,
        EngineKernel.Scalar => EngineKernel.Scalar,
        EngineKernel.Vector when vectors => EngineKernel.Vector,
        EngineKernel.Vector => throw new ArgumentException($"the vector kernel cannot run here: {why}", nameof(requested)),
        _ => throw new ArgumentOutOfRangeException(nameof(requested), requested, "unknown kernel"),
    };
}
