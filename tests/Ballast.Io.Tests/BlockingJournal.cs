using Ballast.Io.Protocol;
using Ballast.Protocol;
using Ballast.Protocol.Journal;

namespace Ballast.Io.Tests;

/// <summary>
/// Blocking forms of the asynchronous journal, sequencer and simulation API, named as the members they wait for
/// (<c>Head()</c> waits for <c>HeadAsync()</c>, …), so that tests about results read as before. The asynchronous
/// members themselves (cancellation, streaming) are tested directly in <c>JournalStoreAsyncTests</c>. The library
/// awaits with <c>ConfigureAwait(false)</c> throughout, so waiting here cannot deadlock.
/// </summary>
internal static class BlockingJournal
{
    public static JournalHead Head(this IJournalStore store) => store.HeadAsync().GetAwaiter().GetResult();

    public static AppendResult Append(this IJournalStore store, string commandId, IReadOnlyList<JournalEvent> events) =>
        store.AppendAsync(commandId, events).GetAwaiter().GetResult();

    public static IReadOnlyList<AppendResult> AppendBatch(this IJournalStore store, IReadOnlyList<(string CommandId, IReadOnlyList<JournalEvent> Events)> commands) =>
        store.AppendBatchAsync(commands).GetAwaiter().GetResult();

    /// <summary>Lazily, like the store's read: the head is taken at the first <c>MoveNext</c>.</summary>
    public static IEnumerable<JournalEvent> Read(this IJournalStore store, long fromSequence = 1) =>
        store.ReadAsync(fromSequence).ToBlockingEnumerable();

    public static IReadOnlyList<JournalEvent>? FindCommand(this IJournalStore store, string commandId) =>
        store.FindCommandAsync(commandId).GetAwaiter().GetResult();

    public static void SaveSnapshot(this IJournalStore store, long sequence, string stateJson) =>
        store.SaveSnapshotAsync(sequence, stateJson).GetAwaiter().GetResult();

    public static JournalSnapshot? LatestSnapshot(this IJournalStore store) => store.LatestSnapshotAsync().GetAwaiter().GetResult();

    public static bool PutBlob(this IJournalStore store, string sha256Hex, string text) => store.PutBlobAsync(sha256Hex, text).GetAwaiter().GetResult();

    public static string? GetBlob(this IJournalStore store, string sha256Hex) => store.GetBlobAsync(sha256Hex).GetAwaiter().GetResult();

    public static ProtocolSequencer Sequencer(IJournalStore store, ProtocolEngine engine, TimeProvider clock) =>
        ProtocolSequencer.OpenAsync(store, engine, clock).GetAwaiter().GetResult();

    public static CommandOutcome Submit(this ProtocolSequencer sequencer, ProtocolCommand command) =>
        sequencer.SubmitAsync(command).GetAwaiter().GetResult();

    public static IReadOnlyList<CommandOutcome> SubmitBatch(this ProtocolSequencer sequencer, IReadOnlyList<ProtocolCommand> commands) =>
        sequencer.SubmitBatchAsync(commands).GetAwaiter().GetResult();

    public static SimSummary RunSim(Scenario scenario, IJournalStore store, IProgress<int>? progress = null) =>
        SimRunner.RunAsync(scenario, store, progress).GetAwaiter().GetResult();
}
