using MathNet.Numerics.Random;

namespace Ballast.Statistics;

/// <summary>Which block bootstrap resamples the rows.</summary>
public enum BootstrapKind
{
    /// <summary>Politis and Romano (1994): blocks of geometric length with mean b, starting at uniform rows, wrapping round.</summary>
    Stationary,

    /// <summary>Politis and Romano (1992): blocks of fixed length ⌈b⌉ (rounded), starting at uniform rows, wrapping round; the last is cut at n.</summary>
    Circular,
}

/// <summary>Settings of a bootstrap: kind, replicate count, seed, confidence level and block length.</summary>
/// <param name="Kind">The block scheme.</param>
/// <param name="Replicates">B, the number of resamples (default 1,000).</param>
/// <param name="Seed">The seed of the random generator (xoshiro256**, Math.NET); the same seed gives the same resamples.</param>
/// <param name="Confidence">The level of the percentile intervals (default 0.95).</param>
/// <param name="BlockLength">The (mean) block length; null takes <see cref="Statistics.BlockLength.Optimal"/>.</param>
public sealed record BootstrapOptions(BootstrapKind Kind = BootstrapKind.Stationary, int Replicates = 1000, int Seed = 42, double Confidence = 0.95, double? BlockLength = null)
{
    /// <summary>The defaults: stationary, 1,000 replicates, seed 42, 95 %, the Politis-White rule.</summary>
    public static BootstrapOptions Default { get; } = new();

    internal void Validate()
    {
        if (Replicates < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Replicates), Replicates, "at least one bootstrap replicate is needed");
        }

        if (!(Confidence is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Confidence), Confidence, "the confidence level must be strictly between 0 and 1");
        }

        if (BlockLength is { } b && !(b >= 1 && double.IsFinite(b)))
        {
            throw new ArgumentOutOfRangeException(nameof(BlockLength), b, "the block length must be at least 1");
        }
    }
}

/// <summary>One block of a resample: rows start, start + 1, .. start + length − 1, wrapping round at n.</summary>
/// <param name="Start">The first row, 0 .. n − 1.</param>
/// <param name="Length">The number of rows, ≥ 1.</param>
public readonly record struct ResampleBlock(int Start, int Length);

/// <summary>
/// Draws resamples of the row indices 0 .. n − 1 by blocks (stationary or circular), from a seeded generator: the
/// sequence of resamples is a function of (kind, n, block length, seed) alone.
/// </summary>
public sealed class BlockBootstrap
{
    private readonly Xoshiro256StarStar _random;
    private readonly int _count;
    private readonly BootstrapKind _kind;
    private readonly double _blockLength;

    /// <summary>A generator for resamples of <paramref name="count"/> rows.</summary>
    public BlockBootstrap(BootstrapKind kind, int count, double blockLength, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!(blockLength >= 1) || !double.IsFinite(blockLength))
        {
            throw new ArgumentOutOfRangeException(nameof(blockLength), blockLength, "the block length must be at least 1");
        }

        _random = new Xoshiro256StarStar(seed, threadSafe: false);
        _count = count;
        _kind = kind;
        _blockLength = blockLength;
    }

    /// <summary>The next resample as blocks whose lengths sum to n (cleared first).</summary>
    public void NextBlocks(List<ResampleBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        blocks.Clear();
        var left = _count;
        var fixedLength = Math.Max(1, (int)Math.Round(_blockLength, MidpointRounding.AwayFromZero));
        var restart = 1 / _blockLength;
        while (left > 0)
        {
            var start = _random.Next(_count);
            int length;
            if (_kind == BootstrapKind.Circular)
            {
                length = fixedLength;
            }
            else
            {
                // Geometric with mean b (each further row continues the block with probability 1 − 1/b), drawn by
                // inversion from one uniform U in (0, 1]: L = 1 + ⌊ln U / ln(1 − 1/b)⌋, so P(L > k) = (1 − 1/b)^k.
                var u = 1 - _random.NextDouble();
                var extra = restart >= 1 ? 0 : Math.Floor(Math.Log(u) / Math.Log(1 - restart));
                length = extra >= left ? left : 1 + (int)extra;
            }

            length = Math.Min(length, left);
            blocks.Add(new ResampleBlock(start, length));
            left -= length;
        }
    }

    /// <summary>The next resample as n row indices.</summary>
    public void NextIndices(Span<int> indices, List<ResampleBlock> scratch)
    {
        if (indices.Length != _count)
        {
            throw new ArgumentException($"expected {_count} indices, got {indices.Length}", nameof(indices));
        }

        NextBlocks(scratch);
        var i = 0;
        foreach (var block in scratch)
        {
            for (var k = 0; k < block.Length; k++)
            {
                var row = block.Start + k;
                indices[i++] = row >= _count ? row - _count : row;
            }
        }
    }
}
