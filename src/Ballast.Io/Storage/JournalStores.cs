using Ballast.Protocol.Journal;
using Npgsql;

namespace Ballast.Io.Storage;

/// <summary>Opens a journal store from one location string, as a command line or a configuration file gives it.</summary>
public static class JournalStores
{
    /// <summary>What <see cref="Open(string)"/> accepts, for messages.</summary>
    public const string ExpectedForms = "'sqlite:FILE', 'postgres:CONNECTION-STRING' (e.g. postgres:Host=127.0.0.1;Port=5432;Username=u;Database=d) or a plain file path (SQLite)";

    /// <summary>
    /// <c>sqlite:FILE</c> → <see cref="SqliteJournalStore"/>; <c>postgres:CONNSTR</c> → <see cref="PostgresJournalStore"/>
    /// (schema from the connection string's <c>Search Path</c>, first entry, else
    /// <see cref="PostgresJournalStore.DefaultSchema"/>); anything else without a scheme is a SQLite file path.
    /// </summary>
    /// <exception cref="ArgumentException">The location is empty, has an unknown scheme, or its part after the scheme is empty or malformed.</exception>
    public static IJournalStore Open(string location) => Open(location, SqliteSynchronous.Full);

    /// <summary><see cref="Open(string)"/>, a SQLite journal's commits synced as <paramref name="synchronous"/> says (PostgreSQL: no effect).</summary>
    public static IJournalStore Open(string location, SqliteSynchronous synchronous)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (string.IsNullOrWhiteSpace(location))
        {
            throw new ArgumentException($"journal location is empty; expected {ExpectedForms}", nameof(location));
        }

        var (scheme, rest) = Split(location);
        switch (scheme)
        {
            case null:
                return new SqliteJournalStore(location, synchronous);
            case "sqlite":
                return string.IsNullOrWhiteSpace(rest)
                    ? throw new ArgumentException($"journal location '{location}' names no file after 'sqlite:'; expected {ExpectedForms}", nameof(location))
                    : new SqliteJournalStore(rest, synchronous);
            case "postgres" or "postgresql":
                return OpenPostgres(location, rest);
            default:
                throw new ArgumentException($"journal location '{location}' has an unknown scheme '{scheme}:'; expected {ExpectedForms}", nameof(location));
        }
    }

    /// <summary>
    /// The file of a SQLite location (<c>sqlite:FILE</c> or a plain path), as <see cref="Open(string)"/> would open it; null
    /// for any other scheme or an empty file part.
    /// </summary>
    public static string? SqlitePath(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        var (scheme, rest) = Split(location);
        return scheme is null or "sqlite" && !string.IsNullOrWhiteSpace(rest) ? rest : null;
    }

    /// <summary>The scheme (lower case; null when there is none) and the rest of a location.</summary>
    private static (string? Scheme, string Remainder) Split(string location)
    {
        var colon = location.IndexOf(':', StringComparison.Ordinal);
        // A scheme is two or more letters before the first colon; 'C:\x' is a Windows path, not a scheme.
        var scheme = colon >= 2 && location[..colon].All(char.IsAsciiLetter) ? location[..colon].ToLowerInvariant() : null;
        return (scheme, scheme is null ? location : location[(colon + 1)..]);
    }

    private static PostgresJournalStore OpenPostgres(string location, string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException($"journal location '{location}' has no connection string after 'postgres:'; expected {ExpectedForms}", nameof(location));
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"journal location 'postgres:...' has a malformed connection string ({e.Message}); expected {ExpectedForms}", nameof(location), e);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException($"journal location 'postgres:...' names no Host; expected {ExpectedForms}", nameof(location));
        }

        var schema = builder.SearchPath?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return new PostgresJournalStore(builder.ConnectionString, string.IsNullOrEmpty(schema) ? PostgresJournalStore.DefaultSchema : schema);
    }
}
