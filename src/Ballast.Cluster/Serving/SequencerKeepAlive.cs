using Ballast.Cluster.Sequencing;
using Microsoft.Extensions.Hosting;

namespace Ballast.Cluster.Serving;

/// <summary>
/// Keeps a deployment's sequencer active when nothing else calls it (the demo: its reporter lives in the sequencer's
/// activation): asks it for its status every <paramref name="interval"/>, which activates it, here or elsewhere, when
/// the silo that held it is gone.
/// </summary>
public sealed class SequencerKeepAlive(IGrainFactory grains, string deployment, TimeSpan interval, TimeProvider clock) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(interval, clock);
        while (await ticks.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await grains.GetGrain<ISequencerGrain>(deployment).Status().WaitAsync(stoppingToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // a failed call (the sequencer moving, the silo stopping) is tried again at the next tick
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
            }
        }
    }
}
