using Ballast.Policies;

namespace Ballast.Io.Specs;

/// <summary>
/// Binds many policies on every core with the result of binding them in order: the policies in order, the first
/// failing one's error (the same exception a serial loop would have thrown first), and the universe's locations merged
/// in order (the first policy naming an asset gives its location).
/// </summary>
internal static class ParallelBinding
{
    /// <summary>Policy <c>i</c> for i in [0, <paramref name="count"/>), each bound by <paramref name="bind"/> with its own locations.</summary>
    public static PolicySpec[] BindAll(int count, Func<int, Dictionary<string, InputLocation>, PolicySpec> bind, Dictionary<string, InputLocation> locations)
    {
        var policies = new PolicySpec[count];
        var found = new Dictionary<string, InputLocation>?[count];
        var failures = new Exception?[count];
        Parallel.For(0, count, i =>
        {
            try
            {
                var own = new Dictionary<string, InputLocation>(StringComparer.Ordinal);
                policies[i] = bind(i, own);
                found[i] = own;
            }
#pragma warning disable CA1031 // Rethrown below, deterministically: the first failing policy in order.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures[i] = e;
            }
        });
        if (Array.FindIndex(failures, f => f is not null) is var first and >= 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failures[first]!).Throw();
        }

        foreach (var own in found)
        {
            foreach (var (asset, location) in own!)
            {
                locations.TryAdd(asset, location);
            }
        }

        return policies;
    }
}
