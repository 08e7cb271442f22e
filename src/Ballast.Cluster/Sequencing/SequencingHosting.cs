using Ballast.Service.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ballast.Cluster.Sequencing;

/// <summary>Registers the sequencer grains' dependencies on a silo.</summary>
public static class SequencingHosting
{
    /// <summary>
    /// Lets this silo host <see cref="ISequencerGrain"/> activations for the journals <paramref name="options"/> names:
    /// the options, the system clock and the service's metrics unless the host has its own.
    /// </summary>
    public static ISiloBuilder AddBallastSequencing(this ISiloBuilder silo, SequencingOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        silo.Services.AddSingleton(options);
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton(_ => new ServiceMetrics(null));
        return silo;
    }
}
