using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ballast.Protocol;

namespace Ballast.Cli.Commands;

/// <summary>
/// <c>ballast journal show JOURNAL [--vault V] [--type T] [--limit N] [--json]</c>: the events, readably (kind, time,
/// the fields that matter, amounts in asset units with the symbol), or with <c>--json</c> as stored, one JSON object
/// per line.
/// </summary>
internal static class JournalCommand
{
    public static Command Create(CliIo io)
    {
        var journal = new Argument<string>("JOURNAL") { Description = "sqlite:FILE, postgres:CONNSTR or a SQLite file path." };
        var vault = new Option<string?>("--vault") { Description = "Only events about this vault." };
        var type = new Option<string?>("--type") { Description = $"Only events of this type ({string.Join(", ", EventTypes.Names)})." };
        var limit = Options.OptionalPositiveInt("--limit", "Show at most this many events (default: all).");
        var json = new Option<bool>("--json") { Description = "Print each event as stored, one JSON object per line: sequence, time, type, command id and the raw payload (amounts in base units)." };
        var show = new Command("show", "List a journal's events: sequence, time, kind, the fields that matter (amounts in asset units) and the command id.") { journal, vault, type, limit, json };
        show.SetAction(async (parse, ct) =>
        {
            var t = parse.GetValue(type);
            if (t is not null && !EventTypes.Names.Contains(t))
            {
                throw new BallastInputException($"--type: unknown event type '{t}'; known: {string.Join(", ", EventTypes.Names)}");
            }

            var location = parse.GetValue(journal)!;
            using var store = VerifyCommand.OpenExisting(location);
            var v = parse.GetValue(vault) is { } vaultText
                ? VaultId.TryParse(vaultText, out var vaultId) ? vaultId : throw new BallastInputException($"--vault: {VaultId.Problem(vaultText)}")
                : (VaultId?)null;
            var shown = 0;
            var max = parse.GetValue(limit) ?? int.MaxValue;
            var raw = parse.GetValue(json);
            var text = new JournalEventText();
            await foreach (var e in store.ReadAsync(1, ct))
            {
                using var payload = JsonDocument.Parse(e.Payload);
                text.Observe(e.Type, payload.RootElement);
                if ((t is not null && e.Type != t) || (v is { } only && !MentionsVault(payload.RootElement, only)))
                {
                    continue;
                }

                if (raw)
                {
                    io.Out.WriteLine(JsonSerializer.Serialize(new { sequence = e.Sequence, time = JournalClock.Format(e.Time), type = e.Type, command = e.CommandId, payload = payload.RootElement }));
                }
                else
                {
                    var (kind, fields) = text.Describe(e.Type, payload.RootElement);
                    io.Out.WriteLine($"{e.Sequence,8}  {JournalTime(e.Time)}  {kind,-34}  {fields}  [{e.CommandId}]");
                }

                if (++shown >= max)
                {
                    break;
                }
            }

            io.Error.WriteLine($"{shown} events shown");
            return Program.Ok;
        });
        var command = new Command("journal", "Read a protocol journal.") { show };
        return command;
    }

    private static string JournalTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static bool MentionsVault(JsonElement payload, VaultId vault) =>
        payload.TryGetProperty("vault", out var p) && p.GetString() == vault.Value;
}
