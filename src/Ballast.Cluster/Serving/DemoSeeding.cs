using Ballast.Cluster.Hosting;
using Ballast.Cluster.Sequencing;
using Ballast.Io.Storage;
using Ballast.Service.Access;
using Ballast.Service.Demo;
using Ballast.Service.Writing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ballast.Cluster.Serving;

/// <summary>The cluster demo's one-time set-up (see <see cref="ClusterServe.SeedDemoAsync"/>).</summary>
internal static class DemoSeeding
{
    /// <summary>The advisory lock's second key for seeding the demo (with <see cref="OrleansSchema.LockClass"/>).</summary>
    public const int SeedLock = 2;

    /// <summary>The demo's first set-up command (DemoSetup's): present in the journal once the demo is seeded.</summary>
    private const string SeededMarker = "demo-fund-alice";

    public static async Task<IReadOnlyList<DemoAccount>> SeedOnceAsync(SequencingOptions options, string deployment, IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var database = NpgsqlDataSource.Create(options.ConnectionString);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@class, @key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("class", OrleansSchema.LockClass);
            lockCommand.Parameters.AddWithValue("key", SeedLock);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        using var journal = (PostgresJournalStore)JournalStores.Open(options.JournalLocation(deployment));
        if (await journal.FindCommandAsync(SeededMarker, cancellationToken).ConfigureAwait(false) is not null)
        {
            return [];
        }

        var keys = new ApiKeyRing();
        var accounts = await SetUpAsync(services.GetRequiredService<ICommandSubmitter>(), keys, cancellationToken).ConfigureAwait(false);
        var ring = services.GetRequiredService<ApiKeyRing>();
        var now = TimeProvider.System.GetUtcNow();
        foreach (var account in accounts)
        {
            var hash = ApiKeyRing.Hash(account.Key);
            var principal = keys.Find(account.Key)!;
            await journal.PutApiKeyAsync(StoredKeys.Row(hash, principal, now, new Ballast.Accounting.AccountId("operator")), cancellationToken).ConfigureAwait(false);
            ring.Add(hash, principal);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return accounts;
    }

    /// <summary>DemoSetup's set-up through the cluster's sequencer, sent again while the sequencer is on its way (its commands are idempotent).</summary>
    private static async Task<IReadOnlyList<DemoAccount>> SetUpAsync(ICommandSubmitter submitter, ApiKeyRing keys, CancellationToken cancellationToken)
    {
        var scenario = DemoSetup.LoadScenario();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DemoSetup.SetUpAsync(submitter, scenario, keys, cancellationToken).ConfigureAwait(false);
            }
            catch (BallastInputException) when (attempt < 30)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
