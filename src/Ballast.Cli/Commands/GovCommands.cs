using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ballast.Accounting;
using Ballast.Governance;
using Ballast.Hashing;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Policies;
using Ballast.Protocol;

namespace Ballast.Cli.Commands;

/// <summary>
/// <c>ballast gov ...</c>: governance on a protocol journal. Every writing command opens the journal, rebuilds the
/// state through a <see cref="ProtocolSequencer"/> at the <c>--at</c> time (or the system clock) and submits one
/// command: applied (the key numbers), rejected (<c>error: CODE: message</c>, exit 2, nothing written) or unchanged.
/// <c>status</c> and <c>gauges</c> only read.
/// </summary>
internal static class GovCommand
{
    private const string DbHelp = "Journal: sqlite:FILE, postgres:CONNSTR or a SQLite file path (it must exist; gov init may start a new one).";

    public static Command Create(CliIo io)
    {
        var command = new Command("gov", "Governance on a protocol journal: BANK, veBANK locks, proposals (with evidence re-run by the system), votes, the timelock, gauges.")
        {
            Init(io), Mint(io), Transfer(io), Lock(io), Increase(io), Extend(io), Withdraw(io),
            Propose(io), Vote(io), Queue(io), Execute(io), Cancel(io),
            GaugeVote(io), Distribute(io), Claim(io),
            Status(io), Gauges(io),
        };
        return command;
    }

    // ---------------------------------------------------------------- shared options

    /// <summary>The options every writing gov command shares: the journal (--db), the time (--at) and the command id (--id).</summary>
    private sealed class JournalWriteOptions
    {
        public Option<string> Db { get; } = new("--db") { Description = DbHelp, Required = true };

        public Option<DateTimeOffset?> At { get; } = AtOption("Default: now (the system clock), allowed only up to a day after the journal's last event (else --now); it may not be before the journal's last event.");

        public Option<bool> Now { get; } = new("--now") { Description = "Date the command by the system clock even when that moves the journal's time forward by more than a day (after it, no command can be dated earlier)." };

        public Option<string?> Id { get; } = new("--id") { Description = "The command id (default: derived from the command and its time, so an identical retry is applied once)." };

        public Option<string> As(bool required, string description = "The account acting.") => new("--as") { Description = description, Required = required };

        public void AddTo(Command command)
        {
            command.Options.Add(Db);
            command.Options.Add(At);
            command.Options.Add(Now);
            command.Options.Add(Id);
        }
    }

    /// <summary>Read-only views (status, gauges) look at the journal's own time, not the wall clock: a simulated journal lives in its own years.</summary>
    private const string ReadAtDefault = "Default: the journal's own time, its last event (not the wall clock); it may only look later.";

    private static Option<DateTimeOffset?> AtOption(string defaultText) => new("--at")
    {
        Description = $"The time: ISO 8601 UTC (2024-03-01T00:00:00Z, or a date) or unix seconds. {defaultText}",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (ParseTime(text) is { } time)
            {
                return time;
            }

            result.AddError($"--at: cannot read time '{text}'; expected ISO 8601 UTC such as 2024-03-01T00:00:00Z, a date, or unix seconds");
            return null;
        },
    };

    private static DateTimeOffset? ParseTime(string text)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var unix) && unix <= 253_402_300_799)
        {
            return DateTimeOffset.FromUnixTimeSeconds(unix);
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) && (text.EndsWith('Z') || text.Contains('+', StringComparison.Ordinal) || text.LastIndexOf('-') > 9)
            ? time.ToUniversalTime()
            : null;
    }

    private static Option<string> Text(string name, string description, bool required = false) => new(name) { Description = description, Required = required };

    private static Argument<long> ProposalId() => new("ID")
    {
        Description = "The proposal id (as printed by gov propose and gov status).",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                return id;
            }

            result.AddError($"ID: expected a proposal id (a whole number from 1), got '{text}'");
            return 0;
        },
    };

    /// <summary>The GAUGE argument: a gauge id (its composed vault's id), refused while parsing when it cannot be one.</summary>
    private static Argument<GaugeId> GaugeArgument(string description) => new("GAUGE")
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (GaugeId.TryParse(text, out var gauge))
            {
                return gauge;
            }

            result.AddError($"GAUGE: {GaugeId.Problem(text)}");
            return default;
        },
    };

    // ---------------------------------------------------------------- writing commands

    private static Command Init(CliIo io)
    {
        var c = new JournalWriteOptions();
        var actor = c.As(true, "The account initialising governance: it becomes BANK's minter.");
        var delay = Text("--voting-delay", "Time from proposal to snapshot (votes open after it): s, m, h, d or w. Default 1d.");
        var period = Text("--voting-period", "How long votes are open after the snapshot. Default 7d.");
        var quorum = Text("--quorum", "For + Abstain needed, as a fraction of veBANK at the snapshot (0.1 or 10%). Default 0.1.");
        var threshold = Text("--threshold", "veBANK (in BANK tokens) a proposer needs. Default 0.");
        var timelock = Text("--timelock", "Delay from queue to execution. Default 2d.");
        var grace = Text("--grace", "How long a queued proposal stays executable after its eta. Default 14d.");
        var guardian = Text("--guardian", "The account that may veto a queued proposal. Default: the --as account.");
        var evidenceRequired = new Option<bool>("--evidence-required") { Description = "Whether a proposal whose evidence the system did not verify (data-unknown, mismatch) is refused at execution: true or false. Default true.", DefaultValueFactory = _ => true };
        var command = new Command("init", "Initialise governance on the journal: BANK's minter and the governor's parameters.") { actor, delay, period, quorum, threshold, timelock, grace, guardian, evidenceRequired };
        c.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var who = Account(parse.GetValue(actor)!, "--as");
            var parameters = new GovernanceParameters(
                Duration(parse.GetValue(delay) ?? "1d", "--voting-delay"),
                Duration(parse.GetValue(period) ?? "7d", "--voting-period"),
                Input("--quorum", () => GovernanceText.QuorumBps(parse.GetValue(quorum) ?? "0.1")),
                Bank(parse.GetValue(threshold) ?? "0", "--threshold"),
                Duration(parse.GetValue(timelock) ?? "2d", "--timelock"),
                Duration(parse.GetValue(grace) ?? "14d", "--grace"),
                parse.GetValue(guardian) is { } g ? Account(g, "--guardian") : who)
            {
                EvidenceRequired = parse.GetValue(evidenceRequired),
            };
            if (parameters.Problem() is { } problem)
            {
                // Checked before the journal is opened, so a refused init does not leave a new, empty journal behind.
                throw new BallastInputException($"invalid-parameters: {problem}");
            }

            return RunAsync(io, parse, ct, c, create: true, (_, _) => new InitGovernance(string.Empty, who, parameters));
        });
        return command;
    }

    private static Command Mint(CliIo io)
    {
        var c = new JournalWriteOptions();
        var actor = c.As(true, "BANK's minter.");
        var to = Text("--to", "The account receiving BANK.", required: true);
        var amount = Text("--amount", "BANK tokens (up to 18 decimals).", required: true);
        var command = new Command("mint", "Mint BANK (the minter only; capped at 2,100,000,000).") { actor, to, amount };
        c.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(io, parse, ct, c, false, (_, _) =>
            new MintBank(string.Empty, Account(parse.GetValue(actor)!, "--as"), Account(parse.GetValue(to)!, "--to"), Bank(parse.GetValue(amount)!, "--amount"))));
        return command;
    }

    private static Command Transfer(CliIo io)
    {
        var c = new JournalWriteOptions();
        var actor = c.As(true, "The sender.");
        var to = Text("--to", "The receiver.", required: true);
        var amount = Text("--amount", "BANK tokens.", required: true);
        var command = new Command("transfer", "Transfer BANK.") { actor, to, amount };
        c.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(io, parse, ct, c, false, (_, _) =>
            new TransferBank(string.Empty, Account(parse.GetValue(actor)!, "--as"), Account(parse.GetValue(to)!, "--to"), Bank(parse.GetValue(amount)!, "--amount"))));
        return command;
    }

    private static Command Lock(CliIo io)
    {
        var c = new JournalWriteOptions();
        var actor = c.As(true, "The account locking its BANK.");
        var amount = Text("--amount", "BANK tokens to lock.", required: true);
        var until = Text("--until", "Unlock time (a date or ISO time; rounded down to a Thursday-00:00 week boundary).");
        var span = Text("--for", "Or the lock's length from now (e.g. 52w; at most 4 years).");
        var command = new Command("lock", "Lock BANK into veBANK until a week boundary (at most 4 years ahead).") { actor, amount, until, span };
        c.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(io, parse, ct, c, false, (_, now) =>
            new CreateLock(string.Empty, Account(parse.GetValue(actor)!, "--as"), Bank(parse.GetValue(amount)!, "--amount"), Unlock(parse.GetValue(until), parse.GetValue(span), now))));
        return command;
    }

    private static Command Increase(CliIo io)
    {
        var c = new JournalWriteOptions();
        var actor = c.As(true, "The lock's owner.");
        var amount = Text("--amount", "BANK tokens to add.", required: true);
        var command = new Command("increase", "Add BANK to an unexpired lock (its end is unchanged).") { actor, amount };
        c.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(io, parse, ct, c, false, (_, _) =>
            new IncreaseLockAmount(string.Empty, Account(parse.GetValue(actor)!, "--as"), Bank(parse.GetValue(amount)!, "--amount"))));
        return command;
    }

    private static Command Extend(CliIo io)
    {
        var c = new JournalWriteOptions();
        var actor = c.As(true, "The lock's owner.");
        var until = Text("--until", "The new unlock time (must round to a later week).");
        var span = Text("--for", "Or the new length from now (e.g. 104w).");
        var command = new Command("extend", "Move an unexpired lock's end later (at most 4 years ahead).") { actor, until, span };
        c.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(io, parse, ct, c, false, (_, now) =>
            new IncreaseUnlockTime(string.Empty, Account(parse.GetValue(actor)!, "--as"), Unlock(parse.GetValue(until), parse.GetValue(span), now))));
        return command;
    }

    private static Command Withdraw(CliIo io)
    {
        var c = new JournalWriteOptions();
        var actor = c.As(true, "The lock's owner.");
        var command = new Command("withdraw", "Withdraw an expired lock's whole amount.") { actor };
        c.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(io, parse, ct, c, false, (_, _) => new WithdrawLock(string.Empty, Account(parse.GetValue(actor)!, "--as"))));
        return command;
    }

    private static Command Propose(CliIo io)
    {
        var c = new JournalWriteOptions();
        var file = new Argument<string>("FILE") { Description = "Proposal file (YAML): description and actions (adopt_policy, add_gauge, remove_gauge, change_parameters)." };
        var actor = c.As(true, "The proposer (needs the proposal threshold in veBANK).");
        var data = Text("--data", "The data file evidence is computed on and re-run against (wide CSV); registered with the system's verifier.");
        var returns = Options.Returns();
        var fill = Options.Fill();
        var command = new Command("propose", "Make a proposal from a file; the system re-runs every evidence claim and journals the result.") { file, actor, data, returns, fill };
        c.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var verifier = new DataEvidenceVerifier();
            EvidenceData? evidence = null;
            if (parse.GetValue(data) is { } path)
            {
                if (!File.Exists(path))
                {
                    throw new BallastInputException(new InputLocation(path), "data file not found (--data)");
                }

                evidence = new EvidenceData(path, Options.ToValueKind(parse.GetValue(returns)), Options.ToFillMode(parse.GetValue(fill)));
                verifier.Register(path);
            }

            return RunAsync(io, parse, ct, c, false, (state, _) =>
            {
                var g = state.Governance ?? throw new BallastInputException("governance is not initialised on this journal (run gov init first)");
                var draft = ProposalFile.LoadFile(parse.GetValue(file)!, g.Governor.Parameters, evidence);
                return new Propose(string.Empty, Account(parse.GetValue(actor)!, "--as"), draft.Actions, draft.Description);
            }, verifier);
        });
        return command;
    }

    private static Command Vote(CliIo io)
    {
        var c = new JournalWriteOptions();
        var id = ProposalId();
        var support = new Argument<string>("SUPPORT") { Description = "for, against or abstain." };
        support.AcceptOnlyFromAmong("for", "against", "abstain");
        var actor = c.As(true, "The voter (weight: veBANK at the proposal's snapshot).");
        var command = new Command("vote", "Vote on an active proposal.") { id, support, actor };
        c.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(io, parse, ct, c, false, (_, _) =>
            new CastVote(string.Empty, Account(parse.GetValue(actor)!, "--as"), parse.GetValue(id), parse.GetValue(support) switch { "for" => 1, "against" => 0, _ => 2 })));
        return command;
    }

    private static Command Queue(CliIo io) => Lifecycle(io, "queue", "Queue a succeeded proposal into the timelock.", "The account queuing (anyone). Default: anyone.", false, (id, who) => new QueueProposal(string.Empty, who, id));

    private static Command Execute(CliIo io) => Lifecycle(io, "execute", "Execute a queued proposal from its eta (all actions or none).", "The account executing (anyone). Default: anyone.", false, (id, who) => new ExecuteProposal(string.Empty, who, id));

    private static Command Cancel(CliIo io) => Lifecycle(io, "cancel", "Cancel a proposal: its proposer while Pending, the guardian (veto) while Queued.", "The proposer or the guardian.", true, (id, who) => new CancelProposal(string.Empty, who, id));

    private static Command Lifecycle(CliIo io, string name, string description, string asHelp, bool asRequired, Func<long, AccountId, ProtocolCommand> make)
    {
        var c = new JournalWriteOptions();
        var id = ProposalId();
        var actor = c.As(asRequired, asHelp);
        var command = new Command(name, description) { id, actor };
        c.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(io, parse, ct, c, false, (_, _) => make(parse.GetValue(id), Account(parse.GetValue(actor) ?? "anyone", "--as"))));
        return command;
    }

    private static Command GaugeVote(CliIo io)
    {
        var c = new JournalWriteOptions();
        var gauge = GaugeArgument("The gauge (a composed vault id).");
        var bps = Options.PositiveInt("--bps", "Basis points of your veBANK for this gauge (0 to 10,000; at most 10,000 in total).", 10_000, 10_000, 0);
        var actor = c.As(true, "The veBANK holder.");
        var command = new Command("gauge-vote", "Allocate veBANK to a gauge (from next week; one change per gauge per 10 days).") { gauge, bps, actor };
        c.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(io, parse, ct, c, false, (_, _) => new VoteGauge(string.Empty, Account(parse.GetValue(actor)!, "--as"), parse.GetValue(gauge), parse.GetValue(bps))));
        return command;
    }

    private static Command Distribute(CliIo io)
    {
        var c = new JournalWriteOptions();
        var week = Text("--week", "The week's start (a date or time inside the week; rounded down to Thursday 00:00 UTC). Default: the current week.");
        var amount = Text("--amount", "BANK tokens to emit that week.", required: true);
        var actor = c.As(true, "BANK's minter.");
        var command = new Command("distribute", "Emit a week's BANK to the gauges by weight (the minter only, once per week).") { week, amount, actor };
        c.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(io, parse, ct, c, false, (_, now) =>
        {
            var w = parse.GetValue(week) is { } text ? ParseTime(text) ?? throw new BallastInputException($"--week: cannot read time '{text}'") : now;
            return new DistributeEmission(string.Empty, Account(parse.GetValue(actor)!, "--as"), Weeks.Floor(w.ToUnixTimeSeconds()), Bank(parse.GetValue(amount)!, "--amount"));
        }));
        return command;
    }

    private static Command Claim(CliIo io)
    {
        var c = new JournalWriteOptions();
        var gauge = GaugeArgument("The gauge to claim from (a composed vault id).");
        var actor = c.As(true, "The depositor claiming.");
        var command = new Command("claim", "Claim the BANK a gauge has released to you.") { gauge, actor };
        c.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(io, parse, ct, c, false, (_, _) => new ClaimGaugeReward(string.Empty, Account(parse.GetValue(actor)!, "--as"), parse.GetValue(gauge))));
        return command;
    }

    /// <summary>Opens the journal, builds the command on the replayed state and submits it once; prints the outcome.</summary>
    private static async Task<int> RunAsync(CliIo io, ParseResult parse, CancellationToken cancellationToken, JournalWriteOptions c, bool create, Func<ProtocolState, DateTimeOffset, ProtocolCommand> build, IEvidenceVerifier? verifier = null)
    {
        var location = parse.GetValue(c.Db)!;
        using var store = io.Journal(create ? OpenOrCreate(location) : VerifyCommand.OpenExisting(location));
        var at = parse.GetValue(c.At);
        if (at is not null && parse.GetValue(c.Now))
        {
            throw new BallastInputException("give --at TIME or --now, not both");
        }

        TimeProvider clock = at is { } fixedAt ? new ManualClock(fixedAt) : io.Clock;
        var sequencer = await ProtocolSequencer.OpenAsync(store, new ProtocolEngine(SpecPolicyCompiler.Instance, verifier), clock, cancellationToken);
        var now = clock.GetUtcNow();
        if (at is null && !parse.GetValue(c.Now))
        {
            JournalTimeGuard.CheckSystemClockStep(sequencer.State.LastEventAt, now);
        }
        var command = build(sequencer.State, now);
        command = command with { Id = parse.GetValue(c.Id) ?? DefaultId(command, now) };
        var outcome = await sequencer.SubmitAsync(command, cancellationToken);
        if (sequencer.ConflictRetries > 0)
        {
            io.Notice($"another writer appended first {sequencer.ConflictRetries} time(s): the journal was re-read and the command decided again each time");
        }

        switch (outcome.Status)
        {
            case CommandStatus.Rejected:
                io.Error.WriteLine($"error: {outcome.Rejection!.Code}: {outcome.Rejection.Message}");
                if (outcome.Rejection.Code == GovernanceRejections.TimeRegression && sequencer.State.LastEventAt is { } last)
                {
                    io.Error.WriteLine(JournalTimeGuard.HowToContinue(last, at is null));
                }

                return Program.BadInput;
            case CommandStatus.Unchanged:
                io.Out.WriteLine($"unchanged: {outcome.Note}");
                return Program.Ok;
            case CommandStatus.AlreadyApplied:
                io.Out.WriteLine($"already applied: command {command.Id} is in the journal; nothing written");
                break;
            default:
                io.Out.WriteLine($"applied: command {command.Id} at {Time(now)}");
                break;
        }

        var g = sequencer.State.Governance;
        foreach (var e in outcome.Events)
        {
            io.Out.WriteLine("  " + Describe(e, g, now.ToUnixTimeSeconds(), sequencer.State));
        }

        return Program.Ok;
    }

    private static Ballast.Protocol.Journal.IJournalStore OpenOrCreate(string location) =>
        location.StartsWith("postgres:", StringComparison.Ordinal) || File.Exists(location.StartsWith("sqlite:", StringComparison.Ordinal) ? location["sqlite:".Length..] : location)
            ? VerifyCommand.OpenExisting(location)
            : JournalStores.Open(location);

    /// <summary>A deterministic id: the command's kind and a digest of its journaled form (id left out) and time.</summary>
    internal static string DefaultId(ProtocolCommand command, DateTimeOffset now)
    {
        var payload = EventTypes.Payload(CommandAccepted.Of(command with { Id = "-" }));
        var digest = Sha256Digest.OfUtf8($"{payload}@{now.ToUnixTimeSeconds()}").ToHex()[..16];
        // Kebab case (gov-init-governance-…): the id is journaled and hashed, so this shapes new commands' ids only;
        // journals written with the older run-together ids (gov-initgovernance-…) replay and verify unchanged.
        var kind = JsonNamingPolicy.KebabCaseLower.ConvertName(command.GetType().Name);
        return $"gov-{kind}-{digest}";
    }

    // ---------------------------------------------------------------- reading commands

    private static Command Status(CliIo io)
    {
        var id = new Argument<long?>("ID")
        {
            Description = "A proposal id: show its detail. Without it: a table of every proposal.",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0)
                {
                    return v;
                }

                result.AddError($"ID: expected a proposal id (a whole number from 1), got '{text}'");
                return null;
            },
        };
        var db = new Option<string>("--db") { Description = DbHelp, Required = true };
        var at = AtOption(ReadAtDefault);
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("status", "Proposals: state at the time, votes, quorum, timelock, evidence checks. Reads only.") { id, db, at, json };
        command.SetAction(async (parse, ct) =>
        {
            var (g, t, _) = await ReadStateAsync(parse.GetValue(db)!, parse.GetValue(at), ct);
            if (parse.GetValue(id) is { } pid)
            {
                if (!g.Governor.Proposals.TryGetValue(pid, out var p))
                {
                    throw new BallastInputException($"unknown proposal id {pid} (proposals: {(g.Governor.Proposals.Count == 0 ? "none" : $"1 to {g.Governor.Proposals.Keys.Max()}")})");
                }

                return ShowProposal(io, g, p, t, parse.GetValue(json));
            }

            var rows = g.Governor.Proposals.Values.Select(p => new
            {
                id = p.Id,
                state = g.Governor.StateOf(p, t).ToString(),
                @for = p.ForVotes,
                against = p.AgainstVotes,
                abstain = p.AbstainVotes,
                quorum = g.Governor.QuorumOf(p),
                reached = g.Governor.QuorumReached(p),
                evidence = EvidenceSummary(g, p.Id),
                description = p.Created.Description,
            }).ToList();
            if (parse.GetValue(json))
            {
                io.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    at = Time(DateTimeOffset.FromUnixTimeSeconds(t)),
                    proposals = rows.Select(r => new { r.id, r.state, @for = Units(r.@for), against = Units(r.against), abstain = Units(r.abstain), quorum = Units(r.quorum), r.reached, r.evidence, r.description }),
                }));
                return Program.Ok;
            }

            io.Out.WriteLine($"proposals at {Time(DateTimeOffset.FromUnixTimeSeconds(t))} (veBANK)");
            if (rows.Count == 0)
            {
                io.Out.WriteLine("  none");
                return Program.Ok;
            }

            io.Out.WriteLine($"  {"id",4}  {"state",-10}  {"for",16}  {"against",16}  {"abstain",16}  {"quorum",16}  reached  {"evidence",-12}  description");
            foreach (var r in rows)
            {
                io.Out.WriteLine($"  {r.id,4}  {r.state,-10}  {Short(r.@for),16}  {Short(r.against),16}  {Short(r.abstain),16}  {Short(r.quorum),16}  {(r.reached ? "yes" : "no"),-7}  {r.evidence,-12}  {r.description}");
            }

            return Program.Ok;
        });
        return command;
    }

    /// <summary>The name of the policy with this hash in its spec text (for voters: a name says more than a hash).</summary>
    private static string PolicyName(string text, PolicyHash hash)
    {
        try
        {
            return SpecPolicyCompiler.Instance.CompileAll(text).FirstOrDefault(x => x.Hash == hash)?.Name ?? "?";
        }
        catch (BallastInputException)
        {
            return "?";
        }
    }

    /// <summary>The evidence results of a proposal, one word per checked action ("-" when it carries none).</summary>
    private static string EvidenceSummary(GovernanceState g, long proposalId)
    {
        var results = g.Evidence.Where(e => e.Key.ProposalId == proposalId).OrderBy(e => e.Key.ActionIndex).Select(e => e.Value.Result).ToList();
        return results.Count == 0 ? "-" : string.Join(",", results);
    }

    private static int ShowProposal(CliIo io, GovernanceState g, Proposal p, long t, bool json)
    {
        var created = p.Created;
        var state = g.Governor.StateOf(p, t);
        var evidence = g.Evidence.Where(e => e.Key.ProposalId == p.Id).OrderBy(e => e.Key.ActionIndex).Select(e => e.Value).ToList();
        var blocked = state is ProposalState.Executed or ProposalState.Canceled or ProposalState.Defeated or ProposalState.Expired ? null : EvidenceGate.Check(g, p.Id);
        if (json)
        {
            io.Out.WriteLine(JsonSerializer.Serialize(new
            {
                id = p.Id,
                state = state.ToString(),
                at = Time(DateTimeOffset.FromUnixTimeSeconds(t)),
                proposer = created.Proposer.Value,
                description = created.Description,
                content_hash = created.ContentHash,
                proposed_at = Time(created.At),
                snapshot = Time(created.Snapshot),
                deadline = Time(created.Deadline),
                quorum_bps = created.QuorumBps,
                quorum = Units(g.Governor.QuorumOf(p)),
                quorum_reached = g.Governor.QuorumReached(p),
                @for = Units(p.ForVotes),
                against = Units(p.AgainstVotes),
                abstain = Units(p.AbstainVotes),
                votes = p.Votes.Values.Select(v => new { voter = v.Voter.Value, support = v.Support.ToString(), weight = Units(v.Weight), at = Time(v.At) }),
                eta = p.Queued is { } q ? Time(q.Eta) : null,
                expires = p.Queued is { } q2 ? Time(q2.ExpiresAt) : null,
                canceled = p.Canceled is { } cx ? new { by = cx.By.Value, vetoed = cx.Vetoed, at = Time(cx.At) } : null,
                actions = created.Actions.Select(a => ProposalActionJson.Of(a, DescribeAction(a), PolicyName)),
                evidence = evidence.Select(e => new { action = e.ActionIndex + 1, result = e.Result, mismatches = e.Mismatches.Select(m => new { field = m.Field, claimed = m.Claimed, recomputed = m.Recomputed }) }),
                cannot_execute = blocked is { } b ? new { code = b.Code, message = b.Message } : null,
            }));
            return Program.Ok;
        }

        var o = io.Out;
        o.WriteLine($"proposal {p.Id}: {state} at {Time(DateTimeOffset.FromUnixTimeSeconds(t))}");
        o.WriteLine($"  description   {created.Description}");
        o.WriteLine($"  proposer      {created.Proposer} (veBANK {GovernanceText.Format(created.ProposerPower)} at {Time(created.At)})");
        o.WriteLine($"  content hash  {created.ContentHash}");
        o.WriteLine($"  snapshot      {Time(created.Snapshot)} (votes open after it; weight = veBANK then)");
        o.WriteLine($"  deadline      {Time(created.Deadline)}");
        o.WriteLine($"  quorum        {GovernanceText.Format(g.Governor.QuorumOf(p))} veBANK ({created.QuorumBps} bps of {GovernanceText.Format(g.Escrow.TotalSupplyAt(created.Snapshot))} at the snapshot): {(g.Governor.QuorumReached(p) ? "reached" : "not reached")}");
        o.WriteLine($"  votes         for {GovernanceText.Format(p.ForVotes)}, against {GovernanceText.Format(p.AgainstVotes)}, abstain {GovernanceText.Format(p.AbstainVotes)}");
        foreach (var v in p.Votes.Values)
        {
            o.WriteLine($"    {v.Voter,-20} {v.Support,-8} {GovernanceText.Format(v.Weight)} at {Time(v.At)}");
        }

        if (p.Queued is { } queued)
        {
            o.WriteLine($"  timelock      eta {Time(queued.Eta)}, expires {Time(queued.ExpiresAt)} (queued {Time(queued.At)})");
        }

        if (p.Canceled is { } canceled)
        {
            o.WriteLine($"  canceled      by {canceled.By}{(canceled.Vetoed ? " (guardian veto)" : string.Empty)} at {Time(canceled.At)}");
        }

        if (blocked is { } why)
        {
            o.WriteLine($"  cannot execute {why.Code}: {why.Message}");
        }

        o.WriteLine("  actions");
        for (var i = 0; i < created.Actions.Count; i++)
        {
            o.WriteLine($"    {i + 1}. {DescribeAction(created.Actions[i])}");
            if (evidence.FirstOrDefault(e => e.ActionIndex == i) is { } ev)
            {
                o.WriteLine($"       evidence: {DescribeEvidence(ev)}");
            }
        }

        return Program.Ok;
    }

    private static Command Gauges(CliIo io)
    {
        var db = new Option<string>("--db") { Description = DbHelp, Required = true };
        var at = AtOption(ReadAtDefault);
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("gauges", "Gauges: weights this week and next, each account's allocation, emissions and rewards. Reads only.") { db, at, json };
        command.SetAction(async (parse, ct) =>
        {
            var (g, t, state) = await ReadStateAsync(parse.GetValue(db)!, parse.GetValue(at), ct);
            var books = Math.Max(t, g.Gauges.LastAt);
            var week = Weeks.Floor(t);
            var next = Weeks.Next(t);
            var gauges = g.Gauges.Gauges.Select(id =>
            {
                var rewards = g.Gauges.RewardsAt(id, books);
                var holders = Candidates(state, g, id);
                return new
                {
                    gauge = id.Value,
                    active = g.Gauges.IsActive(id),
                    weight_now = g.Gauges.WeightAt(id, week),
                    weight_next = g.Gauges.WeightAt(id, next),
                    allocations = g.Escrow.Locks.Select(l => (Account: l.Key, Vote: g.Gauges.VoteOf(l.Key, id))).Where(x => x.Vote is not null).Select(x => new { account = x.Account.Value, bps = x.Vote!.Bps, since = Time(x.Vote.EffectiveFrom) }).ToList(),
                    rewards,
                    claimable = holders.Select(a => (Account: a, Amount: g.Gauges.ClaimableAt(id, a, books))).Where(x => x.Amount > 0).Select(x => new { account = x.Account.Value, amount = Units(x.Amount) }).ToList(),
                };
            }).ToList();
            var totalNow = gauges.Aggregate(UInt128.Zero, (s, x) => x.active ? s + x.weight_now : s);
            var totalNext = gauges.Aggregate(UInt128.Zero, (s, x) => x.active ? s + x.weight_next : s);
            if (parse.GetValue(json))
            {
                io.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    at = Time(DateTimeOffset.FromUnixTimeSeconds(t)),
                    week = Time(week),
                    next_week = Time(next),
                    distributed = g.Gauges.Distributed.Select(d => new { week = Time(d.Key), amount = Units(d.Value) }),
                    gauges = gauges.Select(x => new
                    {
                        x.gauge,
                        x.active,
                        weight_now = Units(x.weight_now),
                        weight_next = Units(x.weight_next),
                        x.allocations,
                        emitted = Units(x.rewards.Emitted),
                        released = Units(x.rewards.Released),
                        claimed = Units(x.rewards.Claimed),
                        claimable = Units(x.rewards.Claimable),
                        dust = Units(x.rewards.Dust),
                        unattributed = Units(x.rewards.Unattributed),
                        by_account = x.claimable,
                    }),
                }));
                return Program.Ok;
            }

            var o = io.Out;
            o.WriteLine($"gauges at {Time(DateTimeOffset.FromUnixTimeSeconds(t))} (week of {Time(week)}, next {Time(next)})");
            if (gauges.Count == 0)
            {
                o.WriteLine("  none (a proposal's add_gauge action adds one)");
            }

            foreach (var x in gauges)
            {
                o.WriteLine($"  {x.gauge}{(x.active ? string.Empty : " (removed)")}: weight now {GovernanceText.Format(x.weight_now)} ({Share(x.weight_now, totalNow)}), next week {GovernanceText.Format(x.weight_next)} ({Share(x.weight_next, totalNext)})");
                foreach (var a in x.allocations)
                {
                    o.WriteLine($"    vote  {a.account,-20} {a.bps,6} bps from {a.since}");
                }

                o.WriteLine($"    BANK  emitted {GovernanceText.Format(x.rewards.Emitted)}, released {GovernanceText.Format(x.rewards.Released)}, claimed {GovernanceText.Format(x.rewards.Claimed)}, claimable {GovernanceText.Format(x.rewards.Claimable)}, dust {GovernanceText.Format(x.rewards.Dust)} (of which released while no depositor was registered with the gauge: {GovernanceText.Format(x.rewards.Unattributed)})");
                foreach (var cl in x.claimable)
                {
                    o.WriteLine($"    claimable  {cl.account,-20} {GovernanceText.Format(UInt128.Parse(cl.amount, CultureInfo.InvariantCulture))}");
                }
            }

            o.WriteLine($"  emissions distributed: {g.Gauges.Distributed.Count} weeks, {GovernanceText.Format(g.Gauges.Distributed.Values.Aggregate(UInt128.Zero, (s, v) => s + v))} BANK");
            return Program.Ok;
        });
        return command;
    }

    private static IEnumerable<AccountId> Candidates(ProtocolState state, GovernanceState g, GaugeId gauge)
    {
        var accounts = new SortedSet<AccountId>(g.Bank.Balances.Select(b => b.Key));
        if (state.ComposedVaults.TryGetValue(gauge.Vault, out var cv))
        {
            accounts.UnionWith(cv.Ledger.Balances.Select(b => b.Key));
        }

        return accounts;
    }

    /// <summary>Replays the journal through a sequencer (reading only) and returns the governance state, the time asked and the whole state.</summary>
    private static async Task<(GovernanceState Governance, long T, ProtocolState State)> ReadStateAsync(string location, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        using var store = VerifyCommand.OpenExisting(location);
        var state = (await ProtocolSequencer.OpenAsync(store, new ProtocolEngine(SpecPolicyCompiler.Instance), new ManualClock(DateTimeOffset.UnixEpoch), cancellationToken)).State;
        var g = state.Governance ?? throw new BallastInputException($"{location}: governance is not initialised on this journal (run gov init first)");

        // Read-only views show the journal's own time by default (not the wall clock: a simulated journal lives in
        // its own years). The state is the journal's end, so a time before its last event would be a false label.
        var end = state.LastEventAt ?? DateTimeOffset.UnixEpoch;
        if (at is { } asked && asked < end)
        {
            throw new BallastInputException($"--at {Time(asked)} is before the journal's last event ({Time(end)}); status shows the state at the end of the journal, so --at may only look later");
        }

        return (g, (at ?? end).ToUnixTimeSeconds(), state);
    }

    // ---------------------------------------------------------------- describing

    private static string Describe(ProtocolEvent e, GovernanceState? g, long t, ProtocolState state) => e switch
    {
        GovernanceInitialized i => $"governance initialised: minter {i.Minter}; voting delay {Span(i.Parameters.VotingDelay)}, period {Span(i.Parameters.VotingPeriod)}, quorum {i.Parameters.QuorumBps} bps, threshold {GovernanceText.Format(i.Parameters.ProposalThreshold)} veBANK, timelock {Span(i.Parameters.TimelockDelay)}, grace {Span(i.Parameters.GracePeriod)}, guardian {i.Parameters.Guardian}, evidence required {(i.Parameters.EvidenceRequired ? "yes" : "no")}",
        BankRecorded { Operation: BankMinted m } => $"minted {GovernanceText.Format(m.Amount)} BANK to {m.To} (balance {Bal(g, m.To)}; supply {(g is null ? "?" : GovernanceText.Format(g.Bank.TotalSupply))})",
        BankRecorded { Operation: BankTransferred x } => $"transferred {GovernanceText.Format(x.Amount)} BANK from {x.From} to {x.To} (balances {Bal(g, x.From)} and {Bal(g, x.To)})",
        EscrowRecorded { Operation: LockCreated l } => $"locked {GovernanceText.Format(l.Amount)} BANK for {l.Account} until {Time(l.End)}: veBANK now {Power(g, l.Account, t)}",
        EscrowRecorded { Operation: LockAmountIncreased l } => $"added {GovernanceText.Format(l.Added)} BANK to {l.Account}'s lock: {GovernanceText.Format(l.Amount)} until {Time(l.End)}, veBANK now {Power(g, l.Account, t)}",
        EscrowRecorded { Operation: LockExtended l } => $"extended {l.Account}'s lock of {GovernanceText.Format(l.Amount)} BANK from {Time(l.OldEnd)} to {Time(l.End)}: veBANK now {Power(g, l.Account, t)}",
        EscrowRecorded { Operation: LockWithdrawn l } => $"withdrew {GovernanceText.Format(l.Amount)} BANK to {l.Account}",
        GovernorRecorded { Operation: ProposalCreated p } => $"proposal {p.ProposalId} created by {p.Proposer}: content hash {p.ContentHash}; snapshot {Time(p.Snapshot)}, voting until {Time(p.Deadline)}, quorum {p.QuorumBps} bps; {p.Actions.Count} action(s)",
        GovernorRecorded { Operation: VoteCast v } => $"{v.Voter} voted {v.Support} on proposal {v.ProposalId} with {GovernanceText.Format(v.Weight)} veBANK",
        GovernorRecorded { Operation: ProposalQueued q } => $"proposal {q.ProposalId} queued: executable from {Time(q.Eta)} until {Time(q.ExpiresAt)} (exclusive)",
        GovernorRecorded { Operation: ProposalExecuted x } => $"proposal {x.ProposalId} executed: {x.TargetRecordCount} action record(s){(x.NewParameters is null ? string.Empty : "; new governance parameters")}",
        GovernorRecorded { Operation: ProposalCanceled c } => $"proposal {c.ProposalId} {(c.Vetoed ? "vetoed by the guardian" : "canceled")} ({c.By})",
        EvidenceChecked ev => $"evidence of proposal {ev.ProposalId} action {ev.ActionIndex + 1}: {DescribeEvidence(ev)}",
        PolicyStored s => $"policy '{s.Name}' stored under {s.Hash}",
        PolicyAttached a => $"vault {a.Vault} now follows policy {a.Hash}",
        GaugeRecorded { Operation: GaugeAdded a } => $"gauge {a.Gauge} added",
        GaugeRecorded { Operation: GaugeRemoved r } => $"gauge {r.Gauge} removed",
        GaugeRecorded { Operation: GaugeVoted v } => $"{v.Account} allocates {v.Bps} bps to gauge {v.Gauge} from {Time(v.EffectiveFrom)} ({v.PowerUsed} bps used in total)",
        GaugeRecorded { Operation: EmissionDistributed d } => $"week of {Time(d.Week)}: {GovernanceText.Format(d.Amount)} BANK split {string.Join(", ", d.Shares.Select(s => $"{s.Gauge} {GovernanceText.Format(s.Amount)}"))}",
        GaugeRecorded { Operation: GaugeRewardClaimed c } => $"{c.Account} claimed {GovernanceText.Format(c.Amount)} BANK from gauge {c.Gauge}",
        GaugeRecorded { Operation: GaugeSharesSet x } => $"gauge {x.Gauge}: {x.Account} holds {Shares(state, x.Gauge, x.Shares)} shares of the vault",
        RailsChanged r => $"vault {r.Vault}: rails now {r.Rails}",
        ComposedVaultCreated c => $"composed vault {c.Vault} launched over {string.Join(", ", c.Spec.Children)} (operator {c.Spec.Operator})",
        SimpleVaultOperation { Operation: FeesChanged f } x => $"vault {x.Vault}: fees now entry {f.EntryFeeBps}, exit {f.ExitFeeBps}, management {f.ManagementFeeBps}, performance {f.PerformanceFeeBps} bps",
        _ => $"{EventTypes.NameOf(e)} {EventTypes.Payload(e)}",
    };

    private static string DescribeEvidence(EvidenceChecked ev) => ev.Result switch
    {
        "verified" => "verified (the system's re-run gives the claimed metrics exactly)",
        "data-unknown" => "data-unknown (no data with the claimed digest is known to the system; not re-run)",
        _ => $"mismatch: {string.Join("; ", ev.Mismatches.Select(m => $"{m.Field} claimed {m.Claimed ?? "(absent)"}, re-run gives {m.Recomputed ?? "(absent)"}"))}",
    };

    /// <summary>A vault's shares in whole shares (the asset's decimals plus the vault's offset); base units when the vault is unknown.</summary>
    private static string Shares(ProtocolState state, GaugeId gauge, UInt128 shares) =>
        state.ComposedVaults.TryGetValue(gauge.Vault, out var cv) && state.Assets.TryGetValue(cv.Spec.Asset, out var asset)
            ? SimRunner.Format(shares, asset.Asset.Decimals + cv.Spec.DecimalsOffset)
            : shares.ToString(CultureInfo.InvariantCulture);

    private static string DescribeAction(GovernanceAction action) => action switch
    {
        AdoptPolicy a => $"adopt policy '{PolicyName(a.PolicyText, a.PolicyHash)}' ({a.PolicyHash.Abbreviated}) for vault {a.VaultId}{(a.Evidence is { } e ? $" with evidence on data {e.DataDigest.ToHex()[..12]}… from {e.PeriodFrom:yyyy-MM-dd} to {e.PeriodTo:yyyy-MM-dd}: {string.Join(", ", e.Metrics.Select(m => $"{m.Key} {m.Value}"))}" : " (no evidence)")}",
        LaunchComposedVault l => $"launch composed vault {l.VaultId}",
        ChangeVaultSettings s => $"change settings of {s.VaultId}: {string.Join(", ", s.Settings.Select(x => $"{x.Key}={x.Value}"))}",
        AddGauge a => $"add gauge {a.GaugeId}",
        RemoveGauge r => $"remove gauge {r.GaugeId}",
        ChangeGovernanceParameters c => $"change governance parameters: voting delay {Span(c.Parameters.VotingDelay)}, period {Span(c.Parameters.VotingPeriod)}, quorum {c.Parameters.QuorumBps} bps, threshold {GovernanceText.Format(c.Parameters.ProposalThreshold)}, timelock {Span(c.Parameters.TimelockDelay)}, grace {Span(c.Parameters.GracePeriod)}, guardian {c.Parameters.Guardian}, evidence required {(c.Parameters.EvidenceRequired ? "yes" : "no")}",
        _ => action.ToString(),
    };

    private static string Bal(GovernanceState? g, AccountId a) => g is null ? "?" : GovernanceText.Format(g.Bank.BalanceOf(a));

    private static string Power(GovernanceState? g, AccountId a, long t) => g is null ? "?" : GovernanceText.Format(g.Escrow.BalanceOfAt(a, t));

    private static string Units(UInt128 v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Short(UInt128 v)
    {
        var text = GovernanceText.Format(v);
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 || text.Length - dot <= 3 ? text : text[..(dot + 3)];
    }

    private static string Share(UInt128 part, UInt128 total) => total == 0 ? "-" : ((double)part / (double)total).ToString("P1", CultureInfo.InvariantCulture);

    private static string Time(long unix) => Time(DateTimeOffset.FromUnixTimeSeconds(unix));

    private static string Time(DateTimeOffset t) => JournalClock.Format(t);

    private static string Span(long seconds) =>
        seconds % 604_800 == 0 && seconds > 0 ? $"{seconds / 604_800}w"
        : seconds % 86_400 == 0 && seconds > 0 ? $"{seconds / 86_400}d"
        : seconds % 3_600 == 0 && seconds > 0 ? $"{seconds / 3_600}h"
        : $"{seconds}s";

    // ---------------------------------------------------------------- input

    private static T Input<T>(string option, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (BallastInputException e)
        {
            throw new BallastInputException($"{option}: {e.Message}");
        }
    }

    private static AccountId Account(string text, string option) => Input(option, () => GovernanceText.Account(text));

    private static UInt128 Bank(string text, string option) => Input(option, () => GovernanceText.Bank(text));

    private static long Duration(string text, string option) => Input(option, () => GovernanceText.Duration(text));

    private static long Unlock(string? until, string? span, DateTimeOffset now)
    {
        if ((until is null) == (span is null))
        {
            throw new BallastInputException("give exactly one of --until DATE or --for DURATION");
        }

        if (until is not null)
        {
            return (ParseTime(until) ?? throw new BallastInputException($"--until: cannot read time '{until}'; expected a date (2026-01-01), ISO 8601 UTC or unix seconds")).ToUnixTimeSeconds();
        }

        return checked(now.ToUnixTimeSeconds() + Duration(span!, "--for"));
    }
}
