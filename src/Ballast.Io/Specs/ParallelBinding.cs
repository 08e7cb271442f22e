using Ballast.Policies;

namespace Ballast.Io.Specs;

/// <summary>
/// Binds many policies on every core with the result of binding them in order: the policies in order, the first
/// failing one's error (the same exception a serial loop would have thrown first), and the universe's locations merged
/// in order (the first policy naming an asset gives its location).
/// </summary>
internal static class ParallelBinding
{
    /// <summary>Policies per chunk: each chunk binds in order on one thread into one dictionary of locations.</summary>
    private const int Chunk = 256;

    /// <summary>Policy <c>i</c> for i in [0, <paramref name="count"/>), each bound by <paramref name="bind"/>, which adds the locations it finds to the dictionary it is given.</summary>
    public static PolicySpec[] BindAll(int count, Func<int, Dictionary<string, InputLocation>, PolicySpec> bind, Dictionary<string, InputLocation> locations)
    {
        var policies = new PolicySpec[count];
        var chunks = (count + Chunk - 1) / Chunk;

        // Per chunk: the locations its policies found, in their order (TryAdd keeps the first), and its first failure.
        var found = new Dictionary<string, InputLocation>[chunks];
        var failures = new Exception?[chunks];
        Parallel.For(0, chunks, c =>
        {
            var own = new Dictionary<string, InputLocation>(StringComparer.Ordinal);
            found[c] = own;
            for (var i = c * Chunk; i < Math.Min(count, (c + 1) * Chunk); i++)
            {
                try
                {
                    policies[i] = bind(i, own);
                }
#pragma warning disable CA1031 // Rethrown below, deterministically: the first failing policy in order.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    // The chunk's first failure; the policies after it in the chunk cannot be the first in order.
                    failures[c] = e;
                    return;
                }
            }
        });
        if (Array.FindIndex(failures, f => f is not null) is var first and >= 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failures[first]!).Throw();
        }

        foreach (var own in found)
        {
            foreach (var (asset, location) in own)
            {
                locations.TryAdd(asset, location);
            }
        }

        return policies;
    }
}
