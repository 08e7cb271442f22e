using Npgsql;

namespace Ballast.Cluster.Hosting;

/// <summary>
/// The tables Orleans' ADO.NET clustering and reminders need in PostgreSQL, which Ballast ships itself (Sql/README.md
/// says where they come from and which Orleans version they are pinned to) and applies at every silo start.
/// </summary>
public static class OrleansSchema
{
    /// <summary>The Orleans version the scripts are written for (the packages' version in Directory.Packages.props).</summary>
    public const string OrleansVersion = "10.4.2";

    /// <summary>The advisory lock's first key: "BALS" as a 32-bit integer, Ballast's class of advisory locks.</summary>
    public const int LockClass = 0x42414C53;

    /// <summary>The advisory lock's second key for applying the schema (the lock <c>(LockClass, 1)</c>).</summary>
    public const int SchemaLock = 1;

    /// <summary>The scripts in the order they are applied: the query table first, then membership, then reminders.</summary>
    public static IReadOnlyList<string> Scripts { get; } = ["orleans-main.sql", "orleans-clustering.sql", "orleans-reminders.sql"];

    /// <summary>The text of one of <see cref="Scripts"/>, from the assembly's embedded resources.</summary>
    public static string ScriptText(string name)
    {
        var resource = $"Ballast.Cluster.Hosting.Sql.{name}";
        using var stream = typeof(OrleansSchema).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded script {resource} is missing from {typeof(OrleansSchema).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Applies the scripts in one transaction under the advisory lock <c>(LockClass, SchemaLock)</c>, so that silos
    /// starting together take turns; the scripts create only what is missing and upsert the query texts, so applying
    /// them to a database that has them changes nothing.
    /// </summary>
    public static async Task ApplyAsync(NpgsqlDataSource database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@class, @key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("class", LockClass);
            lockCommand.Parameters.AddWithValue("key", SchemaLock);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var script in Scripts)
        {
            await using var command = new NpgsqlCommand(ScriptText(script), connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
