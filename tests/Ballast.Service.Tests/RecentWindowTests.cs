using Ballast.Accounting;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Protocol.Journal;
using Ballast.Service.Keeping;
using Ballast.Service.Projection;

namespace Ballast.Service.Tests;

/// <summary>
/// <see cref="ReadModel.Recent"/> holds the last <see cref="ProjectionBuilder.RecentWindow"/> journal events, in order,
/// and a published read model keeps the window it was published with while the builder goes on (the window is a
/// builder frozen at each publish, not rebuilt from a queue).
/// </summary>
public sealed class RecentWindowTests
{
    private static readonly AccountId Issuer = new("issuer");
    private static readonly AssetSymbol Usd = new("USD");

    [Fact]
    public async Task Recent_IsTheLastWindowOfTheJournal_AndAPublishedModelKeepsItsOwn()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempJournal("ballast-recent-");
        using (var store = JournalStores.Open(temp.Location))
        {
            var sequencer = await ProtocolSequencer.OpenAsync(store, temp.Engine, temp.Clock, ct);
            await sequencer.SubmitAsync(new CreateAsset("usd", Issuer, Usd, 6), ct);
            for (var batch = 0; batch < 22; batch++)
            {
                await sequencer.SubmitBatchAsync([.. Enumerable.Range(0, 100).Select(i => new IssueAsset($"issue-{batch}-{i}", Issuer, Usd, new AccountId($"a{i % 3}"), 1))], ct);
            }
        }

        using var journal = JournalStores.Open(temp.Location);
        var all = new List<JournalEvent>();
        await foreach (var e in journal.ReadAsync(1, ct))
        {
            all.Add(e);
        }

        Assert.True(all.Count > ProjectionBuilder.RecentWindow + 100, $"the journal has {all.Count} events");
        var builder = new ProjectionBuilder(KeeperService.Account);
        var published = new List<(int Applied, ReadModel Model)>();
        for (var i = 0; i < all.Count; i++)
        {
            builder.Apply(all[i]);
            if (i % 397 == 0 || i == all.Count - 1)
            {
                published.Add((i + 1, builder.Publish()));
            }
        }

        foreach (var (applied, model) in published)
        {
            var expected = all.Take(applied).TakeLast(ProjectionBuilder.RecentWindow).Select(e => e.Hash);
            Assert.Equal(expected, model.Recent.Select(e => e.Hash));
        }
    }
}
