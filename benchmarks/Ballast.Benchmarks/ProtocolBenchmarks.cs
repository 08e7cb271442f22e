using System.Globalization;
using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;
using BenchmarkDotNet.Attributes;

namespace Ballast.Benchmarks;

/// <summary>
/// The protocol's sequencer on a SQLite journal (WAL, synchronous=FULL): simple-vault deposits decided, journaled
/// and applied, one transaction per command versus 100 per transaction (group commit); replaying a journal into a
/// fresh state (what every restart and every <c>ballast verify</c> does); and a keeper pass over 10,000 composed
/// vaults (each over the same three children, fixed 50/30/20 targets, a 5-point drift band), decided in memory.
/// Target: ≥ 20,000 commands/s batched.
/// </summary>
[MemoryDiagnoser]
public class ProtocolBenchmarks
{
    public const int Commands = 1_000;
    public const int Vaults = 10_000;
    public const int ReplayCommands = 20_000;

    private static readonly AccountId Issuer = new("issuer");
    private static readonly AccountId Operator = new("operator");
    private static readonly AccountId Reporter = new("reporter");
    private string _directory = null!;
    private SqliteJournalStore _store = null!;
    private SqliteJournalStore _replayStore = null!;
    private ProtocolSequencer _sequencer = null!;
    private ManualClock _clock = null!;
    private ProtocolEngine _engine = null!;
    private ProtocolState _keeperState = null!;
    private DateTimeOffset _keeperNow;
    private int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Directory.CreateTempSubdirectory("ballast-protocol-bench-").FullName;
        _store = new SqliteJournalStore(Path.Combine(_directory, "protocol.db"));
        _clock = new ManualClock(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _engine = new ProtocolEngine(SpecPolicyCompiler.Instance);
        _sequencer = await ProtocolSequencer.OpenAsync(_store, _engine, _clock);
        await Submit(new CreateAsset("asset", Issuer, new AssetSymbol("USD"), 6));
        await Submit(new CreateSimpleVault("vault", Operator, new VaultId("V"), Spec()));
        for (var i = 0; i < 100; i++)
        {
            await Submit(new IssueAsset($"fund-{i}", Issuer, new AssetSymbol("USD"), Investor(i), (UInt128)1_000_000_000_000_000));
        }

        // A journal of set-up plus 20,000 deposits for the replay benchmark.
        _replayStore = new SqliteJournalStore(Path.Combine(_directory, "replay.db"));
        var replayClock = new ManualClock(_clock.Now);
        var replaySequencer = await ProtocolSequencer.OpenAsync(_replayStore, _engine, replayClock);
        await replaySequencer.SubmitAsync(new CreateAsset("asset", Issuer, new AssetSymbol("USD"), 6));
        await replaySequencer.SubmitAsync(new CreateSimpleVault("vault", Operator, new VaultId("V"), Spec()));
        await replaySequencer.SubmitAsync(new IssueAsset("fund", Issuer, new AssetSymbol("USD"), Investor(0), (UInt128)1_000_000_000_000_000));
        for (var b = 0; b < ReplayCommands / 100; b++)
        {
            var batch = new ProtocolCommand[100];
            for (var i = 0; i < batch.Length; i++)
            {
                replayClock.Now = replayClock.Now.AddTicks(1);
                batch[i] = new DepositCommand($"rd{b}-{i}", Investor(0), new VaultId("V"), 1_000_000);
            }

            await replaySequencer.SubmitBatchAsync(batch);
        }

        Console.WriteLine($"// replay journal: {(await _replayStore.HeadAsync()).Sequence:N0} events");
        _keeperState = BuildKeeperState(out _keeperNow);
        Console.WriteLine($"// keeper state: {_keeperState.ComposedVaults.Count:N0} composed vaults, {_keeperState.EventCount:N0} events applied");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        _replayStore.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "sequencer: deposit, 1 transaction per command (per command)", OperationsPerInvoke = Commands)]
    public async Task<CommandStatus> OnePerTransaction()
    {
        var status = CommandStatus.Rejected;
        for (var i = 0; i < Commands; i++)
        {
            status = (await _sequencer.SubmitAsync(Deposit())).Status;
        }

        return status;
    }

    [Benchmark(Description = "sequencer: deposit, 100 commands per transaction (per command)", OperationsPerInvoke = Commands)]
    public async Task<int> Batched()
    {
        var applied = 0;
        for (var b = 0; b < Commands / 100; b++)
        {
            var batch = new ProtocolCommand[100];
            for (var i = 0; i < batch.Length; i++)
            {
                batch[i] = Deposit();
            }

            applied += (await _sequencer.SubmitBatchAsync(batch)).Count(o => o.Status == CommandStatus.Applied);
        }

        return applied;
    }

    [Benchmark(Description = "replay: rebuild state from a journal of 20,003 commands, 40,006 events (per command)", OperationsPerInvoke = ReplayCommands + 3)]
    public async Task<long> Replay()
    {
        var sequencer = await ProtocolSequencer.OpenAsync(_replayStore, _engine, _clock);
        return sequencer.State.EventCount;
    }

    [Benchmark(Description = "keeper: rebalance decision for 10,000 composed vaults (per vault)", OperationsPerInvoke = Vaults)]
    public int Keeper()
    {
        var fired = 0;
        foreach (var id in _keeperState.ComposedVaults.Keys)
        {
            if (_engine.Decide(_keeperState, new RebalanceCommand("k", Issuer, id), _keeperNow).Status == CommandStatus.Applied)
            {
                fired++;
            }
        }

        return fired;
    }

    private DepositCommand Deposit()
    {
        var n = _next++;
        _clock.Now = _clock.Now.AddTicks(1);
        return new DepositCommand("d" + n.ToString(CultureInfo.InvariantCulture), Investor(n % 100), new VaultId("V"), 1_000_000);
    }

    private static AccountId Investor(int i) => new("investor-" + i.ToString(CultureInfo.InvariantCulture));

    // Immediate pricing (opted in) keeps one command per deposit, as the published figures measured.
    private static SimpleVaultSpec Spec() => new() { Asset = new AssetSymbol("USD"), DecimalsOffset = 6, Operator = Operator, Reporter = Reporter, FeeRecipient = new AccountId("fees"), EntryFeeBps = 10, ExitFeeBps = 10, FlowFeesPaidOut = true, Pricing = PricingMode.Immediate };

    private async Task Submit(ProtocolCommand command)
    {
        var outcome = await _sequencer.SubmitAsync(command);
        if (outcome.Status != CommandStatus.Applied)
        {
            throw new InvalidOperationException($"{command.Id}: {outcome.Rejection?.Message}");
        }
    }

    /// <summary>10,000 composed vaults over three children with 60 days of reports; every third vault's children drifted (its keeper call fires).</summary>
    private ProtocolState BuildKeeperState(out DateTimeOffset now)
    {
        var state = new ProtocolState();
        now = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var policy = "name: p\nuniverse: [A, B, C]\nweights: { scheme: fixed, targets: { A: 0.5, B: 0.3, C: 0.2 } }\ntrigger: { drift: { absolute: 0.05 } }\n";
        void Do(ProtocolCommand command, DateTimeOffset at)
        {
            var outcome = _engine.Decide(state, command, at);
            if (outcome.Status != CommandStatus.Applied)
            {
                throw new InvalidOperationException($"{command.Id}: {outcome.Rejection?.Message} {outcome.Note}");
            }

            foreach (var e in outcome.Events)
            {
                _engine.Apply(state, e, at);
            }
        }

        Do(new CreateAsset("a", Issuer, new AssetSymbol("USD"), 6), now);
        foreach (var child in new[] { "A", "B", "C" })
        {
            Do(new CreateSimpleVault("v" + child, Operator, new VaultId(child), Spec()), now);
        }

        Do(new IssueAsset("fund", Issuer, new AssetSymbol("USD"), Issuer, UInt128.MaxValue / 4), now);
        for (var v = 0; v < Vaults; v++)
        {
            var id = "mix-" + v.ToString(CultureInfo.InvariantCulture);
            Do(new CreateComposedVault("c" + id, Operator, new VaultId(id), new ComposedVaultSpec { Asset = new AssetSymbol("USD"), Operator = Operator, CostRecipient = Operator, Children = [new VaultId("A"), new VaultId("B"), new VaultId("C")], Pricing = PricingMode.Immediate }), now);
            Do(new SetPolicyCommand("p" + id, Operator, new VaultId(id), "p", policy), now);
            Do(new DepositCommand("d" + id, Issuer, new VaultId(id), 1_000_000_000), now);
        }

        var random = new Random(BenchData.Seed);
        for (var day = 0; day < 60; day++)
        {
            now = now.AddDays(1);
            foreach (var child in new[] { "A", "B", "C" })
            {
                var vault = state.SimpleVaults[new VaultId(child)].Vault;
                var factor = 1 + ((random.NextDouble() - 0.5) * 0.02);
                Do(new ReportNavCommand($"r{day}{child}", Reporter, new VaultId(child), (UInt128)Math.Floor((double)vault.TotalAssets * factor)), now);
            }
        }

        now = now.AddSeconds(1);
        return state;
    }
}
