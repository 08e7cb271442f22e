using System.Net;
using Ballast.Cluster.Serving;
using Microsoft.Extensions.Time.Testing;

namespace Ballast.Cluster.Tests.Serving;

/// <summary>
/// <see cref="MembershipCache"/> on a fake clock: concurrent requests share one read of the membership table, an answer
/// is served again for its freshness window and read anew after it, a failed read is not kept (the endpoint's second
/// try reads again, so the 503 <c>membership-unavailable</c> path is unchanged), and a request that gives up does not
/// cancel the read the others wait on.
/// </summary>
public sealed class MembershipCacheTests
{
    private static readonly SiloAddress Silo = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A membership table whose reads the test answers one by one.</summary>
    private sealed class Table
    {
        private readonly Queue<TaskCompletionSource<Dictionary<SiloAddress, SiloStatus>>> _pending = new();

        public int Reads { get; private set; }

        public Task<Dictionary<SiloAddress, SiloStatus>> ReadAsync()
        {
            lock (_pending)
            {
                Reads++;
                var read = new TaskCompletionSource<Dictionary<SiloAddress, SiloStatus>>(TaskCreationOptions.RunContinuationsAsynchronously);
                _pending.Enqueue(read);
                return read.Task;
            }
        }

        public async Task AnswerAsync(SiloStatus status)
        {
            (await NextAsync()).SetResult(new Dictionary<SiloAddress, SiloStatus> { [Silo] = status });
        }

        public async Task FailAsync()
        {
            (await NextAsync()).SetException(new InvalidOperationException("the membership table could not be read"));
        }

        private async Task<TaskCompletionSource<Dictionary<SiloAddress, SiloStatus>>> NextAsync()
        {
            for (var i = 0; i < 500; i++)
            {
                lock (_pending)
                {
                    if (_pending.TryDequeue(out var read))
                    {
                        return read;
                    }
                }

                await Task.Delay(10, Cancel);
            }

            throw new TimeoutException("no read of the membership table was started");
        }
    }

    [Fact]
    public async Task ConcurrentRequests_ShareOneRead_AndTheAnswerIsServedAgainUntilItsWindowEnds()
    {
        var clock = new FakeTimeProvider();
        var table = new Table();
        var cache = new MembershipCache(table.ReadAsync, clock, TimeSpan.FromSeconds(1));

        var requests = Enumerable.Range(0, 8).Select(_ => cache.GetAsync(Cancel)).ToArray();
        await table.AnswerAsync(SiloStatus.Active);
        Assert.All(await Task.WhenAll(requests), hosts => Assert.Equal(SiloStatus.Active, hosts[Silo]));
        Assert.Equal(1, table.Reads);

        // Fresh for 1 s from when the read started: served again without reading.
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(SiloStatus.Active, (await cache.GetAsync(Cancel))[Silo]);
        Assert.Equal(1, table.Reads);

        // Stale: the next request reads again, and sees the change.
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var next = cache.GetAsync(Cancel);
        await table.AnswerAsync(SiloStatus.Dead);
        Assert.Equal(SiloStatus.Dead, (await next)[Silo]);
        Assert.Equal(2, table.Reads);
    }

    [Fact]
    public async Task AFailedRead_IsNotKept_TheNextRequestReadsAgain()
    {
        var clock = new FakeTimeProvider();
        var table = new Table();
        var cache = new MembershipCache(table.ReadAsync, clock, TimeSpan.FromSeconds(1));

        var first = cache.GetAsync(Cancel);
        var sharing = cache.GetAsync(Cancel);
        await table.FailAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => sharing);

        // Within the window still: a failure is not an answer to serve again.
        var again = cache.GetAsync(Cancel);
        await table.AnswerAsync(SiloStatus.Active);
        Assert.Equal(SiloStatus.Active, (await again)[Silo]);
        Assert.Equal(2, table.Reads);
    }

    [Fact]
    public async Task ARequestThatGivesUp_DoesNotCancelTheReadOthersWaitOn()
    {
        var clock = new FakeTimeProvider();
        var table = new Table();
        var cache = new MembershipCache(table.ReadAsync, clock, TimeSpan.FromSeconds(1));

        using var gone = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var leaving = cache.GetAsync(gone.Token);
        var staying = cache.GetAsync(Cancel);
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);

        await table.AnswerAsync(SiloStatus.Active);
        Assert.Equal(SiloStatus.Active, (await staying)[Silo]);
        Assert.Equal(1, table.Reads);
    }
}
