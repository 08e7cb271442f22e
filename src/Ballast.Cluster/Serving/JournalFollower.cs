using Ballast.Protocol.Journal;
using Ballast.Service.Writing;
using Microsoft.Extensions.Hosting;

namespace Ballast.Cluster.Serving;

/// <summary>
/// Tells a silo's projector that the shared journal moved: another silo's sequencer appends to it, so no local writer
/// raises the signal. It asks the journal for its head every <paramref name="interval"/> (its own store connection)
/// and raises <paramref name="signal"/> when the head moved; a failed read is tried again at the next tick.
/// </summary>
public sealed class JournalFollower(IJournalStore journal, JournalSignal signal, TimeSpan interval, TimeProvider clock) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                signal.Raise((await journal.HeadAsync(stoppingToken).ConfigureAwait(false)).Sequence);
            }
            catch (JournalStoreException)
            {
                // The database is away for a moment; the next tick asks again.
            }
        }
        while (await ticks.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        journal.Dispose();
        base.Dispose();
    }
}
