using System.Globalization;
using Ballast.Io.Storage;
using Ballast.Protocol.Journal;
using BenchmarkDotNet.Attributes;

namespace Ballast.Benchmarks;

/// <summary>
/// The event journal on SQLite (WAL, synchronous=FULL, a file in a temporary directory): appending commands of 1–3
/// events (2 on average) one transaction per command versus 100 commands per transaction, and reading the journal
/// back and verifying its hash chain. Appends include building the events (numbering and hashing). Reported per
/// command (appends) or per event (reads).
/// </summary>
[MemoryDiagnoser]
public class JournalBenchmarks
{
    public const int Commands = 500;
    public const int ReadEvents = 20_000;

    private string _directory = null!;
    private SqliteJournalStore _appendStore = null!;
    private SqliteJournalStore _readStore = null!;
    private List<JournalEvent> _inMemory = null!;
    private int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Directory.CreateTempSubdirectory("ballast-journal-bench-").FullName;
        _appendStore = new SqliteJournalStore(Path.Combine(_directory, "append.db"));
        _readStore = new SqliteJournalStore(Path.Combine(_directory, "read.db"));
        var builder = new JournalBuilder(JournalHead.Empty);
        while (builder.Head.Sequence < ReadEvents)
        {
            var batch = new List<(string, IReadOnlyList<JournalEvent>)>();
            for (var i = 0; i < 100; i++)
            {
                var id = "r" + _next++.ToString(CultureInfo.InvariantCulture);
                batch.Add((id, Build(builder, id, _next)));
            }

            await _readStore.AppendBatchAsync(batch);
        }

        _inMemory = await _readStore.ReadAsync().ToListAsync();
        Console.WriteLine($"// read journal: {_inMemory.Count:N0} events, {new FileInfo(_readStore.Path).Length / 1024:N0} KiB");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _appendStore.Dispose();
        _readStore.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "Append, 1 transaction per command (per command)", OperationsPerInvoke = Commands)]
    public async Task<long> AppendOnePerTransaction()
    {
        var builder = new JournalBuilder(await _appendStore.HeadAsync());
        for (var i = 0; i < Commands; i++)
        {
            var id = "a" + _next++.ToString(CultureInfo.InvariantCulture);
            await _appendStore.AppendAsync(id, Build(builder, id, _next));
        }

        return builder.Head.Sequence;
    }

    [Benchmark(Description = "Append, 100 commands per transaction (per command)", OperationsPerInvoke = Commands)]
    public async Task<long> AppendBatched100()
    {
        var builder = new JournalBuilder(await _appendStore.HeadAsync());
        for (var b = 0; b < Commands / 100; b++)
        {
            var batch = new List<(string, IReadOnlyList<JournalEvent>)>(100);
            for (var i = 0; i < 100; i++)
            {
                var id = "a" + _next++.ToString(CultureInfo.InvariantCulture);
                batch.Add((id, Build(builder, id, _next)));
            }

            await _appendStore.AppendBatchAsync(batch);
        }

        return builder.Head.Sequence;
    }

    [Benchmark(Description = "Read 20,000 events from SQLite (per event)", OperationsPerInvoke = ReadEvents)]
    public async Task<long> Read()
    {
        long sum = 0;
        await foreach (var e in _readStore.ReadAsync())
        {
            sum += e.Sequence;
        }

        return sum;
    }

    [Benchmark(Description = "Read + VerifyChain, 20,000 events (per event)", OperationsPerInvoke = ReadEvents)]
    public async Task<long> ReadAndVerify()
    {
        var result = await JournalVerifier.VerifyChainAsync(_readStore.ReadAsync());
        return result.IsValid ? result.Checked : throw new InvalidOperationException(result.ToString());
    }

    [Benchmark(Description = "VerifyChain in memory, 20,000 events (per event)", OperationsPerInvoke = ReadEvents)]
    public long VerifyInMemory() => JournalVerifier.VerifyChain(_inMemory).Checked;

    // 1–3 events per command, payloads of about 100 characters of JSON.
    private static IReadOnlyList<JournalEvent> Build(JournalBuilder builder, string commandId, int n)
    {
        var time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(n);
        var count = 1 + (n % 3);
        var drafts = new JournalEventDraft[count];
        for (var i = 0; i < count; i++)
        {
            drafts[i] = new JournalEventDraft(time, i == 0 ? "deposit.accepted" : "vault.units.minted", commandId,
                string.Create(CultureInfo.InvariantCulture, $$"""{"vault":"sixty-forty","account":"acct-{{n % 97}}","amount":"{{n * 1000 + i}}","units":"{{n * 997}}"}"""));
        }

        return builder.Add(drafts);
    }
}
