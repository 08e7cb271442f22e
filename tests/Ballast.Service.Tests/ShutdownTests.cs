using System.Net;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Microsoft.Data.Sqlite;

namespace Ballast.Service.Tests;

/// <summary>
/// Graceful shutdown: the host is stopped while commands are in flight. The writer finishes the batch in flight and
/// answers the rest 503 (nothing written): every 200 is durable, every 503 left no trace, no command is half-written
/// (the journal replays with its chain whole), and nothing else is answered.
/// </summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task StopWhileCommandsInFlight_Every200IsDurable_Every503LeftNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var h = await ServiceHarness.StartAsync(Backend.Sqlite, keeper: false);
        var journal = h.Journal;
        try
        {
            var decided = h.Service.Writer.CommandsDecided;
            var clients = Enumerable.Range(0, 16).Select(c => ClientAsync(h, c)).ToList();
            while (h.Service.Writer.CommandsDecided < decided + 100)
            {
                await Task.Delay(1, ct);
            }

            var stop = h.Service.App.StopAsync(CancellationToken.None);
            var answers = (await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(60), ct)).SelectMany(a => a).ToList();
            await stop.WaitAsync(TimeSpan.FromSeconds(60), ct);

            var ok = answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.Key).ToList();
            var stopping = answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).Select(a => a.Key).ToList();
            Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable or null, $"{a.Key}: {a.Status}"));
            Assert.NotEmpty(ok);
            Assert.True(stopping.Count + answers.Count(a => a.Status is null) >= 16, "each client sends until it is refused or its request fails");

            await h.Service.DisposeAsync();
            SqliteConnection.ClearAllPools();
            using var store = JournalStores.Open(journal);
            var sequencer = await ProtocolSequencer.OpenAsync(store, new ProtocolEngine(SpecPolicyCompiler.Instance), TimeProvider.System, ct);
            foreach (var key in ok)
            {
                var events = await store.FindCommandAsync(key, ct);
                Assert.True(events is { Count: 2 }, $"{key} was answered 200 but is not whole in the journal");
            }

            foreach (var key in stopping)
            {
                Assert.Null(await store.FindCommandAsync(key, ct));
            }

            Assert.Equal(await store.HeadAsync(ct), sequencer.Head);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(h.Dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>One client: sends transfers one after another until one is not answered 200.</summary>
    private static async Task<List<(string Key, HttpStatusCode? Status)>> ClientAsync(ServiceHarness h, int client)
    {
        var answers = new List<(string Key, HttpStatusCode? Status)>();
        var (from, to) = client % 2 == 0 ? ("alice", "bob") : ("bob", "alice");
        for (var n = 0; ; n++)
        {
            var key = $"shutdown-{client}-{n}";
            try
            {
                using var response = await h.PostAsync(from, "transfer-asset", $$"""{"symbol":"USD","to":"{{to}}","amount":"1"}""", key);
                answers.Add((key, response.StatusCode));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return answers;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or InvalidOperationException)
            {
                answers.Add((key, null)); // the test server went away before answering
                return answers;
            }
        }
    }
}
