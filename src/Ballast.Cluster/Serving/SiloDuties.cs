using Ballast.Cluster.Keeping;
using Ballast.Cluster.Sequencing;
using Ballast.Io.Storage;
using Ballast.Protocol.Journal;
using Ballast.Service.Access;
using Ballast.Service.Writing;
using Microsoft.Extensions.Hosting;

namespace Ballast.Cluster.Serving;

/// <summary>
/// A silo's background duties: following the shared journal, following the stored API keys, and keeping a
/// deployment's sequencer active (each one <see cref="PeriodicWork"/>), and starting the deployment's keeper (<see cref="StartOnce"/>).
/// </summary>
public static class SiloDuties
{
    /// <summary>
    /// Tells the silo's projector that the shared journal moved (another silo's sequencer appends to it): asks
    /// <paramref name="journal"/> (its own store, disposed with the duty) for its head every <paramref name="interval"/>
    /// and raises <paramref name="signal"/>.
    /// </summary>
    public static IHostedService FollowJournal(IJournalStore journal, JournalSignal signal, TimeSpan interval) =>
        new PeriodicWork(async ct => signal.Raise((await journal.HeadAsync(ct).ConfigureAwait(false)).Sequence), e => e is JournalStoreException, interval, journal);

    /// <summary>
    /// Keeps the silo's API keys in step with the others': an operator creates or revokes a key on one silo, which
    /// stores it in the journal's database; every silo reloads the stored keys and revocations every <paramref name="interval"/>.
    /// </summary>
    public static IHostedService FollowStoredKeys(IJournalStore store, ApiKeyRing keys, TimeSpan interval) =>
        new PeriodicWork(ct => StoredKeys.LoadAsync((IApiKeyStore)store, keys, ct), e => e is JournalStoreException, interval, store);

    /// <summary>
    /// Keeps <paramref name="deployment"/>'s sequencer active when nothing else calls it (the demo: its reporter lives
    /// in the sequencer's activation): asks it for its status every <paramref name="interval"/>, which activates it,
    /// here or elsewhere, when the silo that held it is gone.
    /// </summary>
    public static IHostedService KeepSequencerActive(IGrainFactory grains, string deployment, TimeSpan interval) =>
        new PeriodicWork(ct => grains.GetGrain<ISequencerGrain>(deployment).Status().WaitAsync(ct), e => e is not OperationCanceledException, interval, null);

    /// <summary>
    /// Starts <paramref name="deployment"/>'s keeper coordinator (<see cref="IKeeperCoordinatorGrain.StartAsync"/>) once
    /// the cluster answers, trying again every <paramref name="retry"/>: every silo asks, one coordinator ticks, and
    /// its reminder, not this, brings it back after its silo dies.
    /// </summary>
    public static IHostedService StartKeeper(IGrainFactory grains, string deployment, TimeSpan retry) =>
        new StartOnce(ct => grains.GetGrain<IKeeperCoordinatorGrain>(deployment).StartAsync().WaitAsync(ct), retry);

    /// <summary>
    /// Stops <paramref name="deployment"/>'s keeper coordinator (<see cref="IKeeperCoordinatorGrain.StopAsync"/>: its
    /// timer and its reminder) once the cluster answers, trying again every <paramref name="retry"/>: a silo started
    /// without the keeper (external keepers) makes sure no reminder left by earlier silos brings it back.
    /// </summary>
    public static IHostedService StopKeeper(IGrainFactory grains, string deployment, TimeSpan retry) =>
        new StartOnce(ct => grains.GetGrain<IKeeperCoordinatorGrain>(deployment).StopAsync().WaitAsync(ct), retry);
}

/// <summary>
/// Runs <paramref name="work"/> once, at start, trying again every <paramref name="retry"/> until it succeeds (the
/// cluster not formed yet, a silo away for a moment) or the host stops.
/// </summary>
public sealed class StartOnce(Func<CancellationToken, Task> work, TimeSpan retry) : BackgroundService
{
    /// <summary>Failed attempts so far.</summary>
    public int Failures { get; private set; }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await work(stoppingToken).ConfigureAwait(false);
                return;
            }
#pragma warning disable CA1031 // any failure is tried again until the host stops
            catch (Exception) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                Failures++;
            }

            await Task.Delay(retry, TimeProvider.System, stoppingToken).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// Runs <paramref name="work"/> at start and then every <paramref name="interval"/> until the host stops; a failure
/// <paramref name="passing"/> accepts (the database or a silo away for a moment) is tried again at the next tick.
/// Disposes <paramref name="owned"/> with itself.
/// </summary>
public sealed class PeriodicWork(Func<CancellationToken, Task> work, Func<Exception, bool> passing, TimeSpan interval, IDisposable? owned) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(interval, TimeProvider.System);
        do
        {
            try
            {
                await work(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (passing(e) && !stoppingToken.IsCancellationRequested)
            {
                // Tried again at the next tick.
            }
        }
        while (await ticks.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        owned?.Dispose();
        base.Dispose();
    }
}
