using System.CommandLine;
using Ballast.Io.Storage;
using Ballast.Service.Keeping;
using Ballast.Service.Projection;

namespace Ballast.Cli.Commands;

/// <summary>
/// <c>ballast projections rebuild --db JOURNAL</c>: drops the read model's stored series (the projection tables beside
/// the journal) and projects them again from the whole journal, with a new checkpoint. The service does the same by
/// itself when the stored checkpoint or rows are not the journal's; this is for an operator who wants it now (e.g.
/// after restoring a backup). Stop <c>ballast serve</c> on that journal first. See docs/service.md.
/// </summary>
internal static class ProjectionsCommand
{
    public static Command Create(CliIo io)
    {
        var db = new Option<string>("--db") { Description = "Journal: sqlite:FILE or postgres:CONNSTR (the database whose projection tables are rebuilt).", Required = true };
        var rebuild = new Command("rebuild", "Drop the read model's stored series and project them again from the whole journal.") { db };
        rebuild.SetAction(async (parse, ct) =>
        {
            var location = parse.GetValue(db)!;
            using var journal = JournalStores.Open(location);
            var tables = ProjectionTables.Of(journal) ?? throw new BallastInputException($"{location}: not a database journal; projection tables live in SQLite or PostgreSQL journals");
            var store = new ReadModelStore(tables, journal);
            var model = await store.RebuildAsync(new ProjectionBuilder(KeeperService.Account), ct).ConfigureAwait(false);
            io.Out.WriteLine($"rebuilt the read model through {model.Head}: {store.Rows} rows ({model.Vaults.Count} vaults)");
            return 0;
        });
        return new Command("projections", "The read model's projection tables beside the journal (see docs/service.md).") { rebuild };
    }
}
