using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ballast.Cluster.Hosting;

/// <summary>Applies <see cref="OrleansSchema"/> at the very start of a silo's lifecycle, before membership reads its table.</summary>
internal sealed class OrleansSchemaInstaller(OrleansSchemaInstaller.Database database, ILogger<OrleansSchemaInstaller> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly Action<ILogger, string, Exception?> Applied = LoggerMessage.Define<string>(
        LogLevel.Information, new EventId(1, "OrleansSchemaApplied"), "Orleans {Version} schema (membership, reminders) applied");

    /// <summary>The membership database's connection string, as the silo was configured with it.</summary>
    internal sealed record Database(string ConnectionString);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(OrleansSchemaInstaller), ServiceLifecycleStage.First, ApplyAsync);

    private async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await using var source = NpgsqlDataSource.Create(database.ConnectionString);
        await OrleansSchema.ApplyAsync(source, cancellationToken).ConfigureAwait(false);
        Applied(logger, OrleansSchema.OrleansVersion, null);
    }
}
