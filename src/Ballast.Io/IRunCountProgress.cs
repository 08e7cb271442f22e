namespace Ballast.Io;

/// <summary>
/// A progress sink that is told how many runs a job will make once it knows (the spec's policies plus the buy-and-hold
/// twins and named baselines added to them), so a counter's total is right.
/// </summary>
public interface IRunCountProgress : IProgress<int>
{
    /// <summary>The job will make <paramref name="runs"/> runs, reported one by one through <see cref="IProgress{T}.Report"/>.</summary>
    void Planned(int runs);
}
