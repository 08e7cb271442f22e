using Ballast.Io.Storage;
using Ballast.Service.Access;
using Microsoft.Extensions.Hosting;

namespace Ballast.Cluster.Serving;

/// <summary>
/// Keeps a silo's API keys in step with the others': an operator creates or revokes a key on one silo, which stores
/// it in the journal's database; every silo reloads the stored keys and revocations every <paramref name="interval"/>.
/// </summary>
public sealed class StoredKeysFollower(IApiKeyStore store, ApiKeyRing keys, TimeSpan interval, TimeProvider clock) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(interval, clock);
        while (await ticks.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await StoredKeys.LoadAsync(store, keys, stoppingToken).ConfigureAwait(false);
            }
            catch (Ballast.Protocol.Journal.JournalStoreException)
            {
                // The database is away for a moment; the next tick asks again.
            }
        }
    }
}
