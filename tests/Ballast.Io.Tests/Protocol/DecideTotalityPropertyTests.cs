using System.Collections.Immutable;
using Ballast.Accounting;
using Ballast.Governance;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using CsCheck;

namespace Ballast.Io.Tests.Protocol;

/// <summary>
/// Every command <see cref="ProtocolEngine.Decide"/> accepts applies: random command streams (assets, issues and
/// transfers, simple and composed vaults, flows, requests, NAV reports, policies, rebalances, BANK and veBANK) with
/// amounts drawn from the whole <see cref="UInt128"/> range (small, near the maximum, the maximum, the ledger's
/// capacity). Decide never throws; every accepted outcome applies; the journal written replays and verifies.
/// </summary>
public class DecideTotalityPropertyTests
{
    private static readonly AccountId[] Users = [new("alice"), new("bob"), new("carol"), new("fees"), new("operator"), new("reporter")];
    private static readonly AssetSymbol[] Symbols = [new("USD"), new("EUR")];
    private static readonly string[] SimpleIds = ["A", "B", "C", "D"];
    private static readonly string[] ComposedIds = ["mix", "mix2"];

    /// <summary>Amounts: small, mid-sized, powers of ten, near and at the ledger's capacity and UInt128.MaxValue.</summary>
    internal static readonly Gen<UInt128> Amount = Gen.Frequency(
        (4, Gen.ULong[0, 2_000].Select(x => (UInt128)x)),
        (3, Gen.ULong.Select(x => (UInt128)x)),
        (2, Gen.Int[0, 38].Select(e => ExactMath.Pow10(e))),
        (2, Gen.ULong[0, 1_000].Select(x => UInt128.MaxValue - x)),
        (2, Gen.ULong[0, 1_000].Select(x => ShareLedger.MaxTotal - x)),
        (1, Gen.Const(UInt128.MaxValue)),
        (1, Gen.Select(Gen.ULong, Gen.ULong).Select((hi, lo) => new UInt128(hi, lo))));

    /// <summary>One step: what to do, four choices, an amount, and how far the clock moves first.</summary>
    internal static readonly Gen<Step> StepGen = Gen.Select(Gen.Int[0, KindCount - 1], Gen.Int[0, 1_000_000], Gen.Int[0, 1_000_000], Amount, Gen.Int[0, 7])
        .Select((kind, a, b, amount, dt) => new Step(kind, a, b, amount, dt));

    /// <summary>How many step kinds <see cref="Run"/> knows (see its <c>Command</c>).</summary>
    internal const int KindCount = 40;

    /// <summary>
    /// Set-up kinds every stream starts with (assets, issues, vaults forward-priced and immediate, composed vaults
    /// with policies, governance, immediate flows and flow requests, keeper days that fill them), then random steps.
    /// </summary>
    private static readonly int[] SetUp = [0, 0, 1, 2, 1, 2, 1, 4, 4, 4, 4, 5, 5, 20, 20, 23, 23, 6, 7, 30, 30, 31, 38, 23, 38, 32, 25, 6, 30, 28];

    internal static readonly Gen<Step[]> Stream = Gen.Select(StepGen.Array[SetUp.Length], StepGen.Array[1, 60])
        .Select((setUp, steps) => setUp.Select((s, i) => s with { Kind = SetUp[i] }).Concat(steps).ToArray());

    [Fact]
    public void RandomCommandStreams_EveryAcceptedCommandApplies_AndTheJournalVerifies()
    {
        var engine = new ProtocolEngine(SpecPolicyCompiler.Instance);
        long commands = 0, applied = 0;
        var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        Stream.Sample(steps =>
        {
            var run = RunAndVerify(engine, steps, outcomes);
            commands += run.Commands;
            applied += run.Applied;
        }, iter: Iterations(4_000));
        TestContext.Current.TestOutputHelper?.WriteLine($"{commands} commands, {applied} applied; " + string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}")));
        Assert.True(applied > commands / 10, $"only {applied} of {commands} commands applied: the generator explores too little");

        // Each kind the streams are meant to cover is applied often enough to matter (about a third of what a
        // 4,000-case run applies), so a rule that starts refusing one kind wholesale cannot go unnoticed.
        (string Key, long Least)[] least =
        [
            ("RequestDepositCommand:Applied", 1_300), ("RequestRedeemCommand:Applied", 250), ("CancelRequestCommand:Applied", 60),
            ("FillRequestCommand:Applied", 1_300), ("event fill of a composed deposit", 250), ("event fill of a composed redemption", 15),
            ("event fill of a simple Deposited", 600), ("event fill of a simple Withdrawn", 80), ("DepositCommand:Applied", 400),
            ("RedeemCommand:Applied", 35), ("ReportNavCommand:Applied", 15_000), ("RebalanceCommand:Applied", 250),
            ("event Rebalanced(caps trim)", 40), ("event Rebalanced(with a withdrawal request)", 35), ("RequestWithdrawalCommand:Applied", 100),
            ("SettleWithdrawalCommand:Applied", 50), ("MintBank:Applied", 3_000), ("CreateLock:Applied", 300),
        ];
        foreach (var (key, floor) in least)
        {
            var seen = outcomes.GetValueOrDefault(key);
            Assert.True(seen * 4_000 >= floor * (long)Iterations(4_000), $"{key}: {seen} in {Iterations(4_000)} streams, fewer than {floor} per 4,000: the generator no longer covers it");
        }
    }

    /// <summary>
    /// Streams random runs once failed on (CI, 2026-12): a deposit request's escrow came back to a wallet that yield
    /// paid out by a simple vault had filled meanwhile, past <see cref="UInt128.MaxValue"/>; the credit that filled
    /// it must be refused instead, so the return always applies.
    /// </summary>
    [Theory]
    [InlineData("153fYhFHRf08")]
    public void StreamsThatOnceFailed_NowApplyAndVerify(string seed) =>
        Stream.Sample(steps => { RunAndVerify(new ProtocolEngine(SpecPolicyCompiler.Instance), steps, outcomes: null); }, iter: 1, seed: seed);

    private static Run RunAndVerify(ProtocolEngine engine, Step[] steps, System.Collections.Concurrent.ConcurrentDictionary<string, long>? outcomes)
    {
        var run = new Run(engine, outcomes: outcomes);
        foreach (var step in steps)
        {
            run.Do(step);
        }

        if (run.Journal.Count > 0)
        {
            var report = JournalReplay.Verify(run.Journal, new ProtocolEngine(SpecPolicyCompiler.Instance));
            Assert.True(report.IsValid, $"journal fails verify at {report.Discrepancy?.Sequence}: {report.Discrepancy?.What}");
            Assert.Equal(run.State.EventCount, report.State.EventCount);
        }

        return run;
    }

    [Fact]
    public void RandomCommandStreams_ThroughTheSqliteSequencer_ReopenAndVerify()
    {
        Stream.Sample(steps =>
        {
            var path = Path.Combine(Path.GetTempPath(), $"ballast-totality-{Guid.NewGuid():N}.db");
            try
            {
                var clock = new ManualClock(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
                using (var store = JournalStores.Open(path))
                {
                    var sequencer = BlockingJournal.Sequencer(store, new ProtocolEngine(SpecPolicyCompiler.Instance), clock);
                    var run = new Run(new ProtocolEngine(SpecPolicyCompiler.Instance), sequencer, clock);
                    foreach (var step in steps)
                    {
                        run.Do(step);
                    }
                }

                using var reopened = JournalStores.Open(path);
                _ = BlockingJournal.Sequencer(reopened, new ProtocolEngine(SpecPolicyCompiler.Instance), clock);
                if (reopened.Head() == JournalHead.Empty)
                {
                    return;
                }

                var report = JournalReplay.Verify(reopened.Read(), new ProtocolEngine(SpecPolicyCompiler.Instance));
                Assert.True(report.IsValid, $"journal fails verify at {report.Discrepancy?.Sequence}: {report.Discrepancy?.What}");
            }
            finally
            {
                foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
                {
                    File.Delete(f);
                }
            }
        }, iter: Iterations(150));
    }

    [Fact]
    public void IssueAsset_PastTheUInt128Range_IsRejectedWithACode()
    {
        var engine = new ProtocolEngine(SpecPolicyCompiler.Instance);
        var state = new ProtocolState();
        var now = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var issuer = new AccountId("issuer");
        foreach (var e in engine.Decide(state, new CreateAsset("c0", issuer, new AssetSymbol("USD"), 6), now).Events)
        {
            engine.Apply(state, e, now);
        }

        foreach (var e in engine.Decide(state, new IssueAsset("c1", issuer, new AssetSymbol("USD"), Users[0], UInt128.MaxValue), now).Events)
        {
            engine.Apply(state, e, now);
        }

        var toSame = engine.Decide(state, new IssueAsset("c2", issuer, new AssetSymbol("USD"), Users[0], 1), now);
        var toOther = engine.Decide(state, new IssueAsset("c3", issuer, new AssetSymbol("USD"), Users[1], 1), now);
        Assert.Equal(CommandStatus.Rejected, toSame.Status);
        Assert.Equal(ProtocolRejections.SupplyOverflow, toSame.Rejection!.Code);
        Assert.Equal(CommandStatus.Rejected, toOther.Status);
        Assert.Equal(ProtocolRejections.SupplyOverflow, toOther.Rejection!.Code);
    }

    /// <summary>
    /// Found by the random streams: a fill whose payment would overflow the owner's wallet (a redemption after NAV
    /// gains, the owner holding nearly all the asset's supply) was rejected as a whole command, so the due request
    /// could be neither filled nor cancelled and every later report of the vault was refused (requests-due). The
    /// fill now gives the request back with the bound's code, and the vault reports again.
    /// </summary>
    [Fact]
    public void FillRequest_WhosePaymentWouldOverflowTheWallet_ReturnsTheRequest_AndReportsResume()
    {
        var engine = new ProtocolEngine(SpecPolicyCompiler.Instance);
        var state = new ProtocolState();
        var now = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var (issuer, alice, reporter) = (new AccountId("issuer"), Users[0], Users[5]);
        var n = 0;
        CommandOutcome Do(ProtocolCommand command)
        {
            var outcome = engine.Decide(state, command with { Id = $"c{n++}" }, now);
            foreach (var e in outcome.Status == CommandStatus.Applied ? outcome.Events : [])
            {
                engine.Apply(state, e, now);
            }

            return outcome;
        }

        Do(new CreateAsset("", issuer, new AssetSymbol("USD"), 6));
        Do(new IssueAsset("", issuer, new AssetSymbol("USD"), alice, UInt128.MaxValue));
        var spec = new SimpleVaultSpec { Asset = new AssetSymbol("USD"), Operator = Users[4], Reporter = reporter, FeeRecipient = Users[3] };
        Assert.Equal(CommandStatus.Applied, Do(new CreateSimpleVault("", Users[4], new VaultId("A"), spec)).Status);
        Assert.Equal(CommandStatus.Applied, Do(new RequestDepositCommand("", alice, new VaultId("A"), 1_000_000)).Status);
        now = now.AddHours(2);
        Assert.Equal(CommandStatus.Applied, Do(new ReportNavCommand("", reporter, new VaultId("A"), 0)).Status);
        Assert.IsType<SimpleVaultOperation>(Assert.Single(Do(new FillRequestCommand("", Users[4], new VaultId("A"))).Events));
        now = now.AddHours(2);
        Assert.Equal(CommandStatus.Applied, Do(new ReportNavCommand("", reporter, new VaultId("A"), 3_000_000)).Status);
        Assert.Equal(CommandStatus.Applied, Do(new RequestRedeemCommand("", alice, new VaultId("A"), state.SimpleVaults[new VaultId("A")].Vault.BalanceOf(alice))).Status);
        now = now.AddHours(2);
        Assert.Equal(CommandStatus.Applied, Do(new ReportNavCommand("", reporter, new VaultId("A"), 3_000_000)).Status);

        var fill = Do(new FillRequestCommand("", Users[4], new VaultId("A")));

        Assert.Equal(CommandStatus.Applied, fill.Status);
        var returned = Assert.IsType<FlowRequestReturned>(Assert.Single(fill.Events));
        Assert.Equal(ProtocolRejections.BalanceOverflow, returned.Reason);
        Assert.Equal(0, state.Requests.Count);
        now = now.AddHours(2);
        Assert.Equal(CommandStatus.Applied, Do(new ReportNavCommand("", reporter, new VaultId("A"), 3_000_000)).Status);
    }

    /// <summary>The case count, scaled by BALLAST_PROPERTY_SCALE (default 1) for longer runs.</summary>
    private static int Iterations(int baseline) =>
        int.TryParse(Environment.GetEnvironmentVariable("BALLAST_PROPERTY_SCALE"), out var scale) && scale > 0 ? baseline * scale : baseline;

    internal readonly record struct Step(int Kind, int A, int B, UInt128 Amount, int Dt);

    /// <summary>
    /// Interprets steps as commands against the current state (so they mostly name things that exist) and applies
    /// what is accepted. Without a sequencer it also checks conservation after every applied command (see
    /// <see cref="CheckConservation"/>) and counts outcomes per command kind and rejection code.
    /// </summary>
    internal sealed class Run
    {
        /// <summary>How far the clock moves before a step: nothing, a second, ten minutes (under the report interval), an hour, a day, two days (past the window), a month, 400 days.</summary>
        private static readonly TimeSpan[] Moves = [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(2), TimeSpan.FromDays(30), TimeSpan.FromDays(400)];
        private readonly ProtocolEngine _engine;
        private readonly ProtocolSequencer? _sequencer;
        private readonly ManualClock _clock;
        private readonly ProtocolState _state = new();
        private readonly List<JournalEvent> _journal = [];
        private readonly Dictionary<AssetSymbol, System.Numerics.BigInteger> _outside = [];
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long>? _outcomes;
        private JournalHead _head = JournalHead.Empty;
        private int _next;

        public Run(ProtocolEngine engine, ProtocolSequencer? sequencer = null, ManualClock? clock = null, System.Collections.Concurrent.ConcurrentDictionary<string, long>? outcomes = null)
        {
            _outcomes = outcomes;
            _engine = engine;
            _sequencer = sequencer;
            _clock = clock ?? new ManualClock(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        }

        public ProtocolState State => _sequencer?.State ?? _state;

        public IReadOnlyList<JournalEvent> Journal => _journal;

        public long Commands { get; private set; }

        public long Applied { get; private set; }

        public void Do(Step s)
        {
            _clock.Now = _clock.Now.Add(Moves[s.Dt]);
            if (Command(s) is { } command)
            {
                Submit(command);
            }
        }

        /// <summary>
        /// Conservation of every asset: what the wallets hold, plus the assets escrowed by pending deposit requests,
        /// plus the net cash the simple vaults took in (deposits less what they paid out, from the events applied),
        /// equals what the issuer issued. A fill that forgot its escrow, or a fee credited twice, breaks it.
        /// </summary>
        public void CheckConservation(string after)
        {
            var held = new Dictionary<AssetSymbol, System.Numerics.BigInteger>();
            foreach (var ((symbol, _), amount) in _state.Wallets)
            {
                held[symbol] = held.GetValueOrDefault(symbol) + amount;
            }

            foreach (var request in _state.Requests.Pending.Where(r => r.Kind == FlowKind.Deposit))
            {
                var symbol = AssetOf(request.Vault.Value);
                held[symbol] = held.GetValueOrDefault(symbol) + request.Amount;
            }

            foreach (var symbol in _state.Assets.Keys)
            {
                var accounted = held.GetValueOrDefault(symbol) + _outside.GetValueOrDefault(symbol);
                Assert.True(accounted == _state.Issued.GetValueOrDefault(symbol), $"after {after}: {symbol} held {held.GetValueOrDefault(symbol)} (wallets and escrow) + {_outside.GetValueOrDefault(symbol)} net in simple vaults != {_state.Issued.GetValueOrDefault(symbol)} issued");
            }
        }

        private CommandStatus Submit(ProtocolCommand command)
        {
            Commands++;
            if (_sequencer is { } sequencer)
            {
                var outcome = sequencer.Submit(command);
                Applied += outcome.Status == CommandStatus.Applied ? 1 : 0;
                Count(command, outcome);
                return outcome.Status;
            }

            var now = _clock.Now;
            CommandOutcome decided;
            try
            {
                decided = _engine.Decide(_state, command, now);
            }
            catch (Exception thrown)
            {
                Assert.Fail($"Decide threw on {command}: {thrown}");
                throw;
            }

            Count(command, decided);
            if (decided.Status != CommandStatus.Applied)
            {
                Assert.True(decided.Rejection?.Code != ProtocolRejections.DecisionFailed, $"{command}: {decided.Rejection}");

                // Liveness of forward pricing: a due request is filled or given back, never left stuck (a stuck due
                // request can be neither cancelled nor filled, and holds every later report of the vaults pricing it).
                Assert.False(command is FillRequestCommand && decided.Status == CommandStatus.Rejected && decided.Rejection?.Code != "unknown-vault", $"{command}: a due request is stuck: {decided.Rejection}");
                return decided.Status;
            }

            Applied++;
            ProtocolEvent[] all = [CommandAccepted.Of(command), .. decided.Events];
            var events = JournalBuilder.Build(_head, all.Select(e => new JournalEventDraft(now, EventTypes.NameOf(e), command.Id, EventTypes.Payload(e))));
            foreach (var e in all)
            {
                var applying = e;
                var failed = Record.Exception(() => _engine.Apply(_state, applying, now));
                Assert.True(failed is null, $"{command} was accepted but {e.GetType().Name} does not apply: {failed}");
                Outside(e);
            }

            _journal.AddRange(events);
            _head = JournalHead.After(events[^1]);
            CheckConservation(command.ToString());
            return CommandStatus.Applied;
        }

        private void Count(ProtocolCommand command, CommandOutcome outcome)
        {
            if (_outcomes is null)
            {
                return;
            }

            _outcomes.AddOrUpdate($"{command.GetType().Name}:{outcome.Rejection?.Code ?? outcome.Status.ToString()}", 1, (_, n) => n + 1);
            foreach (var e in outcome.Status == CommandStatus.Applied ? outcome.Events : [])
            {
                var name = e switch
                {
                    Rebalanced { Trigger: ChildCaps.TrimTrigger } => "event Rebalanced(caps trim)",
                    Rebalanced r when r.Trades.Any(t => t.Operation is WithdrawalRequested) => "event Rebalanced(with a withdrawal request)",
                    FlowRequestReturned r => $"event FlowRequestReturned({r.Reason})",
                    SimpleVaultOperation { RequestId: not null } op => $"event fill of a simple {op.Operation.GetType().Name}",
                    ComposedDeposited { RequestId: not null } => "event fill of a composed deposit",
                    ComposedRedeemed { RequestId: not null } => "event fill of a composed redemption",
                    _ => null,
                };
                if (name is not null)
                {
                    _outcomes.AddOrUpdate(name, 1, (_, n) => n + 1);
                }
            }
        }

        /// <summary>The net cash an event moves into (or out of) simple vaults, per asset: what the conservation check adds to the wallets.</summary>
        private void Outside(ProtocolEvent e)
        {
            IEnumerable<(string Vault, VaultOperation Operation)> operations = e switch
            {
                SimpleVaultOperation op => [(op.Vault.Value, op.Operation)],
                ComposedDeposited d => d.Children.Select(c => (c.Child.Value, c.Operation)),
                ComposedRedeemed r => r.Children.Select(c => (c.Child.Value, c.Operation)),
                Rebalanced r => r.Trades.Select(c => (c.Child.Value, c.Operation)),
                _ => [],
            };
            foreach (var (vault, operation) in operations)
            {
                var spec = _state.SimpleVaults[new VaultId(vault)].Spec;
                var paidOut = spec.FlowFeesPaidOut;
                System.Numerics.BigInteger net = operation switch
                {
                    Deposited d => (System.Numerics.BigInteger)d.Assets - (paidOut ? d.EntryFee : 0),
                    Withdrawn w => -((System.Numerics.BigInteger)w.Assets + (paidOut ? w.ExitFee : 0)),
                    WithdrawalSettled s => -((System.Numerics.BigInteger)s.AssetsPaid + (paidOut ? s.ExitFee : 0)),
                    AssetsDonated g => g.Assets,
                    _ => 0,
                };
                _outside[spec.Asset] = _outside.GetValueOrDefault(spec.Asset) + net;
            }
        }

        private static T Pick<T>(IReadOnlyList<T> items, int i) => items[i % items.Count];

        private AccountId User(int i) => Pick(Users, i);

        private string Id() => $"c{_next++}";

        private string? SimpleId(int i) => State.SimpleVaults.Count == 0 ? null : Pick(State.SimpleVaults.Keys.Select(k => k.Value).Order(StringComparer.Ordinal).ToList(), i);

        private string? ComposedId(int i) => State.ComposedVaults.Count == 0 ? null : Pick(State.ComposedVaults.Keys.Select(k => k.Value).Order(StringComparer.Ordinal).ToList(), i);

        private AssetSymbol? Symbol(int i) => State.Assets.Count == 0 ? null : Pick(State.Assets.Keys.Order().ToList(), i);

        private ProtocolCommand? Command(Step s)
        {
            var (a, b, amount) = (s.A, s.B, s.Amount);
            switch (s.Kind)
            {
                case 0:
                    return new CreateAsset(Id(), User(a), Pick(Symbols, b), (a / 7) % 20);
                case 1 or 2:
                    return Symbol(a) is { } issued ? new IssueAsset(Id(), State.Assets[issued].Issuer, issued, User(b), amount) : null;
                case 3:
                    return Symbol(a) is { } moved ? new TransferAsset(Id(), User(a / 3), moved, User(b), amount) : null;
                case 4:
                    return Symbol(a) is { } asset ? new CreateSimpleVault(Id(), User(b), new VaultId(Pick(SimpleIds, b / 7)), SimpleSpec(asset, a, b)) : null;
                case 5:
                    return ComposedVault(a, b);
                case 6:
                    return (ComposedId(a) ?? SimpleId(a)) is { } composedInto ? new DepositCommand(Id(), User(b), new VaultId(composedInto), Affordable(composedInto, User(b), amount, b)) : null;
                case 7:
                    return Vault(a) is { } into ? new DepositCommand(Id(), User(b), new VaultId(into), Affordable(into, User(b), amount, b)) : null;
                case 8:
                    return SimpleId(a) is { } minted ? new MintCommand(Id(), User(b), new VaultId(minted), amount % 3 == 0 ? amount : amount % 1_000_000_000) : null;
                case 9 or 10:
                    return Vault(a) is { } from ? new RedeemCommand(Id(), Holder(from, b), new VaultId(from), Shares(from, Holder(from, b), amount, b)) : null;
                case 11:
                    return SimpleId(a) is { } w ? new WithdrawCommand(Id(), Holder(w, b), new VaultId(w), amount % 3 == 0 ? amount : amount % 1_000_000) : null;
                case 12:
                    return SimpleId(a) is { } rq ? new RequestWithdrawalCommand(Id(), Holder(rq, b), new VaultId(rq), Shares(rq, Holder(rq, b), amount, b), (b / 5) % 10_001) : null;
                case 13:
                    return SimpleId(a) is { } st ? new SettleWithdrawalCommand(Id(), User(b), new VaultId(st), PendingWithdrawal(st, b)) : null;
                case 14:
                    return SimpleId(a) is { } cn ? new CancelWithdrawalCommand(Id(), OwnerOfWithdrawal(cn, b), new VaultId(cn), PendingWithdrawal(cn, b)) : null;
                case 28 or 29:
                    // A day passes: the keeper fills what is due, every simple vault reports a move of a few
                    // percent (NAV history for the keeper), the keeper fills again, and a composed vault rebalances.
                    _clock.Now = _clock.Now.AddDays(1);
                    FillDue();
                    ReportAll(a);
                    FillDue();
                    return ComposedId(b) is { } kept ? new RebalanceCommand(Id(), User(a), new VaultId(kept)) : null;
                case 15 or 16 or 17:
                    return SimpleId(a) is { } rep ? new ReportNavCommand(Id(), State.SimpleVaults[new VaultId(rep)].Spec.Reporter, new VaultId(rep), Reported(rep, amount, b)) : null;
                case 18:
                    return Vault(a) is { } p ? new PauseCommand(Id(), Operator(p), new VaultId(p)) : null;
                case 19:
                    return Vault(a) is { } u ? new UnpauseCommand(Id(), Operator(u), new VaultId(u), b % 2 == 0) : null;
                case 20:
                    return ComposedId(a) is { } pol ? Policy(pol, b) : null;
                case 21 or 22:
                    return ComposedId(a) is { } reb ? new RebalanceCommand(Id(), User(b), new VaultId(reb)) : null;
                case 23:
                    return State.Governance is null
                        ? new InitGovernance(Id(), User(a), new GovernanceParameters(0, 86_400, 0, 0, 0, 86_400, User(b)))
                        : new MintBank(Id(), State.Governance.Bank.Minter, User(b), amount % 5 == 0 ? amount : amount % BankToken.MaxSupply);
                case 24:
                    return new TransferBank(Id(), User(a), User(b), BankAffordable(User(a), amount, b));
                case 25:
                    return new CreateLock(Id(), User(a), BankAffordable(User(a), amount, b), _clock.Now.ToUnixTimeSeconds() + (b * 200L));
                case 26:
                    return new IncreaseLockAmount(Id(), User(a), BankAffordable(User(a), amount, b));
                case 27:
                    return new WithdrawLock(Id(), User(a));
                case 30 or 31:
                    return Vault(a) is { } requested ? new RequestDepositCommand(Id(), User(b), new VaultId(requested), Affordable(requested, User(b), amount, b)) : null;
                case 32 or 33:
                    return Vault(a) is { } redeemed ? new RequestRedeemCommand(Id(), Holder(redeemed, b), new VaultId(redeemed), Shares(redeemed, Holder(redeemed, b), amount, b)) : null;
                case 34:
                    return State.Requests.Count == 0 ? null
                        : Pick(State.Requests.Pending.ToList(), b) is var pending
                            ? new CancelRequestCommand(Id(), b % 5 == 0 ? User(a) : pending.Owner, a % 7 == 0 && Vault(a) is { } other ? new VaultId(other) : pending.Vault, pending.Id)
                            : null;
                case 35:
                    return (State.Requests.Count == 0 ? Vault(a) : Pick(State.Requests.Pending.ToList(), b).Vault.Value) is { } filled ? new FillRequestCommand(Id(), User(a), new VaultId(filled)) : null;
                case 36:
                    FillDue();
                    return null;
                case 37:
                    // A report sooner than the minimum interval (ten minutes after the clock's last move).
                    _clock.Now = _clock.Now.AddMinutes(10);
                    return SimpleId(a) is { } soon ? new ReportNavCommand(Id(), State.SimpleVaults[new VaultId(soon)].Spec.Reporter, new VaultId(soon), Reported(soon, amount, 1 + (b % 2))) : null;
                case 38:
                    // The keeper's day: settle due withdrawals, fill due requests, reports, fill again, rebalance every composed vault.
                    _clock.Now = _clock.Now.AddDays(1).AddHours(1);
                    SettleAll();
                    FillDue();
                    ReportAll(a);
                    FillDue();
                    SettleAll();
                    foreach (var composed in State.ComposedVaults.Keys.Order().ToList())
                    {
                        Submit(new RebalanceCommand(Id(), User(b), composed));
                    }

                    return null;
                default:
                    return new IncreaseUnlockTime(Id(), User(a), _clock.Now.ToUnixTimeSeconds() + (b * 400L));
            }
        }

        /// <summary>The keeper: fills every due request of every vault, oldest first, one command per fill.</summary>
        private void FillDue()
        {
            foreach (var vault in State.Requests.Pending.Select(r => r.Vault).Distinct().Order().ToList())
            {
                for (var i = 0; i < 50 && Submit(new FillRequestCommand(Id(), Users[4], vault)) == CommandStatus.Applied; i++)
                {
                }
            }
        }

        /// <summary>The keeper settles every pending withdrawal request of every simple vault (those not due are refused).</summary>
        private void SettleAll()
        {
            foreach (var (id, sv) in State.SimpleVaults.OrderBy(v => v.Key).ToList())
            {
                foreach (var request in sv.Vault.PendingWithdrawals().ToList())
                {
                    Submit(new SettleWithdrawalCommand(Id(), Users[4], id, request.Id));
                }
            }
        }

        /// <summary>Every simple vault's reporter reports a move of a few percent up or down.</summary>
        private void ReportAll(int a)
        {
            foreach (var id in State.SimpleVaults.Keys.Order().ToList())
            {
                var vault = State.SimpleVaults[id];
                var current = vault.Vault.TotalAssets;
                var reported = (a + id.Value.Length + (int)(State.EventCount % 5)) % 3 == 0 ? current + (current / 25) : current - (current / 40);
                Submit(new ReportNavCommand(Id(), vault.Spec.Reporter, id, reported));
            }
        }

        private long PendingWithdrawal(string vault, int b)
        {
            var pending = State.SimpleVaults[new VaultId(vault)].Vault.PendingWithdrawals();
            return pending.Count == 0 || b % 6 == 0 ? 1 + (b % 4) : Pick(pending, b).Id;
        }

        private AccountId OwnerOfWithdrawal(string vault, int b) =>
            State.SimpleVaults[new VaultId(vault)].Vault.FindRequest(PendingWithdrawal(vault, b)) is { } r && b % 5 != 0 ? r.Owner : User(b);

        /// <summary>Mostly a user holding free shares of the vault (when any does), sometimes anyone.</summary>
        private AccountId Holder(string vault, int b)
        {
            var holders = Users.Where(u => (State.SimpleVaults.TryGetValue(new VaultId(vault), out var sv) ? sv.Vault.BalanceOf(u) : State.ComposedVaults[new VaultId(vault)].Ledger.BalanceOf(u)) > 0).ToList();
            return holders.Count == 0 || b % 7 == 0 ? User(b) : Pick(holders, b / 7);
        }

        private string? Vault(int i) => (i % 3 == 0 ? ComposedId(i) : SimpleId(i)) ?? SimpleId(i) ?? ComposedId(i);

        private AccountId Operator(string vault) =>
            State.SimpleVaults.TryGetValue(new VaultId(vault), out var sv) ? sv.Spec.Operator : State.ComposedVaults[new VaultId(vault)].Spec.Operator;

        private AssetSymbol AssetOf(string vault) =>
            State.SimpleVaults.TryGetValue(new VaultId(vault), out var sv) ? sv.Spec.Asset : State.ComposedVaults[new VaultId(vault)].Spec.Asset;

        /// <summary>Mostly what the user holds (all of it, or a part), sometimes the raw amount.</summary>
        private UInt128 Affordable(string vault, AccountId who, UInt128 amount, int b)
        {
            var held = State.Balance(AssetOf(vault), who);
            return (b % 5) switch
            {
                0 => held,
                1 or 4 => held == 0 ? amount : amount % held + 1,
                2 => amount,
                _ => UInt128.Min(amount, held),
            };
        }

        private UInt128 BankAffordable(AccountId who, UInt128 amount, int b)
        {
            var held = State.Governance?.Bank.BalanceOf(who) ?? 0;
            return (b % 3) switch
            {
                0 => amount,
                1 => held == 0 ? amount : amount % held + 1,
                _ => held,
            };
        }

        /// <summary>Mostly the user's free shares (all, or a part), sometimes the raw amount.</summary>
        private UInt128 Shares(string vault, AccountId who, UInt128 amount, int b)
        {
            var held = State.SimpleVaults.TryGetValue(new VaultId(vault), out var sv) ? sv.Vault.BalanceOf(who) : State.ComposedVaults[new VaultId(vault)].Ledger.BalanceOf(who);
            return (b % 4) switch
            {
                0 => held,
                1 or 3 => held == 0 ? amount : amount % held + 1,
                _ => amount,
            };
        }

        /// <summary>A NAV report: the raw amount, or the current total assets moved by a few percent (up or down).</summary>
        private UInt128 Reported(string vault, UInt128 amount, int b)
        {
            var current = State.SimpleVaults[new VaultId(vault)].Vault.TotalAssets;
            return (b % 4) switch
            {
                0 => amount,
                1 => current + (current / 10),
                2 => current - (current / 20),
                _ => current / 2 * 3 > current ? current / 2 * 3 : amount,
            };
        }

        private SimpleVaultSpec SimpleSpec(AssetSymbol asset, int a, int b) => new()
        {
            Asset = asset,
            DecimalsOffset = (a / 11) % 19,
            Operator = User(b / 3),
            Reporter = User(b / 5),
            FeeRecipient = User(a / 13),
            EntryFeeBps = (a / 17) % 3 == 0 ? 0 : (b / 7) % 5_001,
            ExitFeeBps = (a / 19) % 3 == 0 ? 0 : (b / 11) % 5_001,
            FlowFeesPaidOut = b % 2 == 0,
            ManagementFeeBps = (a / 23) % 2 == 0 ? 0 : (b / 13) % 10_001,
            PerformanceFeeBps = (a / 29) % 2 == 0 ? 0 : (b / 17) % 10_001,
            MaxReportUpBps = (a / 31) % 2 == 0 ? NavReportBounds.NoLimit : 2_000,
            MaxReportDownBps = (a / 37) % 2 == 0 ? BasisPoints.One : 2_000,
            MinReportIntervalSeconds = ((a / 41) % 3) switch { 0 => 0, 1 => 3_600, _ => 6 * 3_600 },
            ReportWindowSeconds = ((a / 59) % 3) switch { 0 => 0, 1 => 86_400, _ => 7 * 86_400 },
            MaxWindowUpBps = (a / 61) % 2 == 0 ? null : 3_000,
            MaxWindowDownBps = (a / 67) % 2 == 0 ? null : 3_000,
            InstantWithdrawals = (a / 43) % 3 != 0,
            WithdrawalDelaySeconds = ((a / 47) % 4) switch { 0 => 0, 1 => 86_400, 2 => 400L * 86_400, _ => 300_000_000_000L },
            Pricing = (a / 53) % 3 == 0 ? PricingMode.Immediate : PricingMode.Forward,
        };

        private CreateComposedVault? ComposedVault(int a, int b)
        {
            if (SimpleId(a) is not { } first)
            {
                return null;
            }

            var asset = State.SimpleVaults[new VaultId(first)].Spec.Asset;
            var children = State.SimpleVaults.Values.Where(v => v.Spec.Asset == asset).Select(v => v.Id).Order()
                .Where((_, i) => i == 0 || ((b >> i) & 1) == 1).ToImmutableArray();
            var rails = new RebalanceRails
            {
                MaxChildPpm = ((a / 3) % 3) switch { 0 => null, 1 => 600_000, _ => 400_000 },
                MaxChildAssets = ((a / 5) % 4) switch { 0 => null, 1 => (UInt128)(b % 7) * 1_000_000_000, 2 => (UInt128)(1 + (b % 5)) * 1_000, _ => UInt128.MaxValue / 4 },
                MaxStepPpm = (a / 7) % 3 == 0 ? null : 100_000,
                MinTradeAssets = ((a / 11) % 3) switch { 0 => UInt128.Zero, 1 => (UInt128)(b % 1_000), _ => (UInt128)1_000_000_000 },
                CooldownSeconds = ((a / 97) % 3) switch { 0 => 0, 1 => 3_600, _ => 2 * 86_400 },
                FixedCostPerOperation = ((a / 13) % 8) switch { 0 or 4 or 5 => UInt128.Zero, 1 or 6 => UInt128.One, 2 => (UInt128)1_000_000, 3 => (UInt128)1_000, _ => UInt128.MaxValue / 3 },
                CostBudget = (a / 17) % 2 == 0 ? null : (UInt128)b,
                CostBudgetPerDay = (UInt128)(b % 1_000),
            };
            return new CreateComposedVault(Id(), User(a), new VaultId(Pick(ComposedIds, b / 3)), new ComposedVaultSpec
            {
                Asset = asset,
                DecimalsOffset = (a / 19) % 19,
                Operator = User(b / 7),
                CostRecipient = User(a / 23),
                Children = children,
                Rails = rails,
                Pricing = (a / 89) % 3 == 0 ? PricingMode.Immediate : PricingMode.Forward,
            });
        }

        private SetPolicyCommand Policy(string vault, int b)
        {
            var cv = State.ComposedVaults[new VaultId(vault)];
            var children = cv.Spec.Children;
            var weights = string.Join(", ", children.Select((c, i) => $"'{c}': {(i == 0 ? 1.0 - ((children.Length - 1) * (1.0 / (children.Length + 1))) : 1.0 / (children.Length + 1)):R}"));
            var trigger = (b % 3) switch { 0 => "{ drift: { absolute: 0.0001 } }", 1 => "{ calendar: monthly }", _ => "{ drift: { relative: 0.2 } }" };
            var text = $"name: p{b % 5}\nuniverse: [{string.Join(", ", children.Select(c => $"'{c}'"))}]\nweights: {{ scheme: fixed, targets: {{ {weights} }} }}\ntrigger: {trigger}\n";
            return new SetPolicyCommand(Id(), cv.Spec.Operator, new VaultId(vault), $"p{b % 5}", text);
        }
    }
}
