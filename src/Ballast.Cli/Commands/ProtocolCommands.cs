using System.CommandLine;
using System.Globalization;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;

namespace Ballast.Cli.Commands;

/// <summary>
/// <c>ballast sim SCENARIO --db LOCATION</c>: drives the vault protocol from a scenario and writes its journal. The
/// whole scenario is validated before the first event; a SQLite journal is built in a temporary file moved into place
/// only when the run succeeds, so a run that fails leaves no journal behind.
/// </summary>
internal static class SimCommand
{
    public static Command Create(CliIo io)
    {
        var scenario = new Argument<string>("SCENARIO") { Description = "Scenario file (YAML): data, asset, policy, children, composed vault, investors, keeper." };
        var db = new Option<string>("--db") { Description = "Journal: sqlite:FILE, postgres:CONNSTR or a SQLite file path. Must be new or empty; a SQLite file appears only when the run succeeds.", DefaultValueFactory = _ => "ballast-sim.db" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var command = new Command("sim", "Run a protocol simulation: vaults, a composed vault following its policy, investors and a keeper; writes a verifiable journal.") { scenario, db, json };
        command.SetAction(async (parse, ct) =>
        {
            var loaded = Scenario.LoadFile(parse.GetValue(scenario)!);
            var location = parse.GetValue(db)!;
            var summary = await StagedJournal.BuildAsync(location, store => Progress.RunAsync(io, loaded.Prices.RowCount, progress => SimRunner.RunAsync(loaded, io.Journal(store), progress, ct), "simulating", "rows"));
            var decimals = loaded.AssetDecimals;
            if (parse.GetValue(json))
            {
                io.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                {
                    scenario = summary.Scenario,
                    rows = summary.Rows,
                    events = summary.Events,
                    vaults = summary.Vaults,
                    rebalances = summary.Rebalances,
                    initial_target_settings = summary.InitialTargetSettings,
                    keeper_calls_unchanged = summary.KeeperCallsUnchanged,
                    nav = summary.Nav.ToString(CultureInfo.InvariantCulture),
                    supply = summary.Supply.ToString(CultureInfo.InvariantCulture),
                    flow_fees = summary.FlowFees.ToString(CultureInfo.InvariantCulture),
                    fixed_costs = summary.FixedCosts.ToString(CultureInfo.InvariantCulture),
                    rejections = summary.Rejections,
                    pending = new { deposits = summary.Pending.Deposits, escrowed = summary.Pending.Escrowed.ToString(CultureInfo.InvariantCulture), redemptions = summary.Pending.Redemptions, shares_locked = summary.Pending.Locked.ToString(CultureInfo.InvariantCulture) },
                    governance = summary.Governance is { } gov ? new { proposals = gov.Proposals, executed = gov.Executed, bank_supply = gov.BankSupply.ToString(CultureInfo.InvariantCulture), locked = gov.Locked.ToString(CultureInfo.InvariantCulture) } : null,
                    journal = location,
                }));
                return Program.Ok;
            }

            // Shares have the asset's decimals plus the composed vault's offset: printed in whole shares, as NAV is in asset units.
            var shareDecimals = decimals + loaded.Composed.DecimalsOffset;
            var dataDescription = loaded.DataFile is { } dataFile ? ShownPath(dataFile.Path) : loaded.DataDescription;
            io.Out.WriteLine($"{summary.Scenario}: {summary.Rows} rows of {dataDescription}, policy '{loaded.PolicyName}'");
            io.Out.WriteLine($"  vaults          {summary.Vaults} ({summary.Vaults - 1} simple, 1 composed '{loaded.ComposedId}')");
            io.Out.WriteLine($"  events          {summary.Events} journaled in {location}");
            io.Out.WriteLine($"  rebalances      {summary.Rebalances} that traded (keeper calls with nothing to do: {summary.KeeperCallsUnchanged}; initial target settings of the empty vault: {summary.InitialTargetSettings})");
            io.Out.WriteLine($"  NAV             {SimRunner.Format(summary.Nav, decimals)} {loaded.AssetSymbol}, {SimRunner.Format(summary.Supply, shareDecimals)} shares");
            io.Out.WriteLine($"  costs           flow fees {SimRunner.Format(summary.FlowFees, decimals)}, fixed {SimRunner.Format(summary.FixedCosts, decimals)} {loaded.AssetSymbol}");
            if (summary.Pending is { Deposits: > 0 } or { Redemptions: > 0 })
            {
                io.Out.WriteLine($"  pending         {summary.Pending.Deposits} deposit requests ({SimRunner.Format(summary.Pending.Escrowed, decimals)} {loaded.AssetSymbol} in escrow), {summary.Pending.Redemptions} redemption requests ({SimRunner.Format(summary.Pending.Locked, shareDecimals)} shares locked), to fill after the next NAV reports");
            }

            if (summary.Governance is { } g)
            {
                io.Out.WriteLine($"  governance      {g.Proposals} proposals ({g.Executed} executed), {Ballast.Io.Protocol.GovernanceText.Format(g.BankSupply)} BANK, {Ballast.Io.Protocol.GovernanceText.Format(g.Locked)} locked in veBANK");
            }

            io.Out.WriteLine($"  refused         {summary.Rejections.Count}");
            foreach (var r in summary.Rejections.Take(10))
            {
                io.Out.WriteLine($"    {r}");
            }

            if (summary.Rejections.Count > 10)
            {
                io.Out.WriteLine($"    ... and {summary.Rejections.Count - 10} more (--json lists them all)");
            }

            io.Out.WriteLine(loaded.GovernanceSteps.Any(s => s.Evidence) && loaded.DataFile is { } evidenceData
                ? $"verify: ballast verify {location} --data {ShownPath(evidenceData.Path)}"
                : $"verify: ballast verify {location}");
            return Program.Ok;
        });
        return command;
    }

    /// <summary>
    /// A scenario's data file as a user would type it from the current directory: resolved (no <c>..</c> segments
    /// left from joining it to the scenario's folder) and relative to the working directory when it is on the same
    /// root, so the printed <c>verify</c> line can be run as it stands.
    /// </summary>
    internal static string ShownPath(string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        return Path.IsPathRooted(relative) ? full : relative;
    }
}

/// <summary><c>ballast verify JOURNAL</c>: hash chain, replay, and every rebalance re-derived from its policy.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliIo io)
    {
        var journal = new Argument<string>("JOURNAL") { Description = "sqlite:FILE, postgres:CONNSTR, a SQLite file path, or the URL of a ballast serve (its journal export is verified)." };
        var expect = new Option<string?>("--expect-head") { Description = "The head you trust (SEQUENCE:HASH as printed by verify, or the hash alone); verification fails unless the journal ends exactly there (for a URL: unless the service's journal holds exactly that event at SEQUENCE, and ends at the head it publishes)." };
        var data = new Option<string[]>("--data") { Description = "Data files that governance evidence claims were made on (by SHA-256), so their backtests are re-run; repeat for several.", AllowMultipleArgumentsPerToken = true };
        var json = new Option<bool>("--json") { Description = "Print the outcome as JSON on standard output: on success what was covered (first and last sequence, events, commands, head); on failure where and why (the message still goes to standard error)." };
        var command = new Command("verify", "Verify a journal: check that it holds every event 1..head and its hash chain, that each command id appears once, and decide every command again on the replayed state: each must give exactly its journaled events (so every rebalance is re-derived from its policy, every evidence claim re-run; a claim says how its data file is read).") { journal, expect, data, json };
        command.SetAction(async (parse, ct) =>
        {
            var location = parse.GetValue(journal)!;
            var evidence = new DataEvidenceVerifier();
            foreach (var file in parse.GetValue(data) ?? [])
            {
                if (!File.Exists(file))
                {
                    throw new BallastInputException(new InputLocation(file), "data file not found");
                }

                evidence.Register(file);
            }

            using var remote = RemoteJournal.IsUrl(location, out var url) ? new RemoteJournal(url) : null;
            using var store = remote is null ? OpenExisting(location) : null;
            if (store is DbJournalStore { CommandIndexRebuiltAt: { } rebuiltAt })
            {
                io.Notice($"the command index (journal_commands) disagreed with the chained events at command '{rebuiltAt}' and was rebuilt from them (it is derived; retries look commands up in the events)");
            }

            var asJson = parse.GetValue(json);

            // A failure: the message on standard error, and with --json the same facts on standard output.
            int Fail(string status, long? sequence, string message, long eventsChecked, string? detail = null)
            {
                io.Error.WriteLine(message);
                if (detail is not null)
                {
                    io.Error.WriteLine(detail);
                }

                if (asJson)
                {
                    io.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { verified = false, status, sequence, events_checked = eventsChecked, reason = message }));
                }

                return Program.BadInput;
            }

            ReplayReport report;
            try
            {
                var events = remote is null ? store!.ReadAsync(1, ct) : await RemoteVerify.EventsAsync(remote, parse.GetValue(expect), ct);
                var total = remote is null && io.Interactive ? (int)Math.Min(int.MaxValue, (await store!.HeadAsync(ct)).Sequence) : 0;
                report = await Progress.RunAsync(io, total, progress => JournalReplay.VerifyAsync(Progress.Counted(events, progress, ct), new ProtocolEngine(SpecPolicyCompiler.Instance, evidence), ct), "verifying", "events");
            }
            catch (RemoteJournalException e)
            {
                io.Error.WriteLine($"error: {e.Message}");
                return e.ExitCode;
            }
            catch (Ballast.Protocol.Journal.JournalCorruptedException e)
            {
                return e.Sequence == 0
                    ? Fail("failed", null, $"verification FAILED: {e.Message}", 0)
                    : Fail("failed", e.Sequence, $"verification FAILED at event {e.Sequence}: {e.Message}", e.Sequence - 1);
            }

            if (report.Discrepancy is { } d)
            {
                if (d.What.Contains("re-derived \"data-unknown\"", StringComparison.Ordinal))
                {
                    // Not a forgery: this run lacks the data an evidence check was made on.
                    return Fail(
                        "incomplete",
                        d.Sequence,
                        $"verification INCOMPLETE at event {d.Sequence}: the journal holds an evidence check re-run on a data file this run does not know, so it cannot be re-derived; pass it with --data FILE",
                        report.EventsChecked,
                        $"({report.EventsChecked} events before it checked, all consistent)");
                }

                return Fail(
                    "failed",
                    d.Sequence == 0 ? null : d.Sequence,
                    d.Sequence == 0 ? $"verification FAILED: {d.What}" : $"verification FAILED at event {d.Sequence}: {d.What}",
                    report.EventsChecked,
                    $"({report.EventsChecked} events before it checked)");
            }

            if (!VerifyEvidence.Report(io, report, asJson ? io.Error : io.Out))
            {
                return Fail("failed", null, "verification FAILED: an evidence claim does not hold (see above)", report.EventsChecked);
            }

            var head = $"{report.Head.Sequence}:{report.Head.Hash.ToHex()}";
            if (remote is not null && RemoteVerify.HeadProblem(remote, report.Head, parse.GetValue(expect)) is { } headProblem)
            {
                return Fail("failed", report.Head.Sequence, $"verification FAILED: {headProblem}", report.EventsChecked);
            }

            if (remote is null && parse.GetValue(expect) is { } expected && expected != head && expected != report.Head.Hash.ToHex())
            {
                return Fail("failed", report.Head.Sequence, $"verification FAILED: the journal ends at {head}, not at the expected head {expected} (events added, removed or rewritten)", report.EventsChecked);
            }

            if (asJson)
            {
                io.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                {
                    verified = true,
                    first_sequence = report.FirstSequence,
                    last_sequence = report.LastSequence,
                    events = report.EventsChecked,
                    commands = report.CommandsRederived,
                    vaults = report.Vaults,
                    rebalances = report.RebalancesRederived,
                    head_sequence = report.Head.Sequence,
                    head_hash = report.Head.Hash.ToHex(),
                }));
                return Program.Ok;
            }

            io.Out.WriteLine($"verified: {report.EventsChecked} events checked, {report.Vaults} vaults verified, {report.CommandsRederived} commands re-decided ({report.RebalancesRederived} rebalances re-derived from their policies)");
            io.Out.WriteLine($"covered: events {report.FirstSequence}..{report.LastSequence}, contiguous ({report.EventsChecked} events, {report.CommandsRederived} commands, each command id once)");
            io.Out.WriteLine($"head: {head}");
            return Program.Ok;
        });
        return command;
    }

    /// <summary>Opens a journal that must already exist (a SQLite path is not created); a file that is not a journal is bad input.</summary>
    internal static Ballast.Protocol.Journal.IJournalStore OpenExisting(string location)
    {
        var path = location.StartsWith("sqlite:", StringComparison.Ordinal) ? location["sqlite:".Length..] : location.StartsWith("postgres:", StringComparison.Ordinal) ? null : location;
        if (path is not null && !File.Exists(path))
        {
            throw new BallastInputException(new InputLocation(path), "journal file not found");
        }

        try
        {
            return JournalStores.Open(location);
        }
        catch (Ballast.Protocol.Journal.JournalStoreException e) when (!e.IsTransient)
        {
            // Not a journal, a damaged one, another schema version, or a file that cannot be opened: the location given.
            throw new BallastInputException(new InputLocation(path ?? location), $"not a readable journal: {e.Message}");
        }
    }
}
