using Microsoft.Extensions.DependencyInjection;

namespace Ballast.Cluster.Sweeps;

/// <summary>Registration of the sweep workers on a silo.</summary>
public static class SweepWorkers
{
    /// <summary>Gives the silo its own <see cref="SweepWorkerCache"/> (without it, silos in one process share one).</summary>
    public static ISiloBuilder AddSweepWorkers(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddSingleton<SweepWorkerCache>();
        return silo;
    }
}
