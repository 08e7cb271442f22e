namespace Ballast.Cluster.Serving;

/// <summary>
/// The cluster's membership as <c>GET /api/cluster</c> shows it, read from the membership table at most once per
/// <see cref="FreshFor"/> (on the given clock): every open dashboard page asks every 2 s, and concurrent requests share
/// one read. A read in flight is shared too, whichever request started it; a read that failed is not kept (the next
/// request reads again), and a request that gives up does not cancel the read the others wait on.
/// </summary>
public sealed class MembershipCache
{
    private readonly Func<Task<Dictionary<SiloAddress, SiloStatus>>> _read;
    private readonly TimeProvider _clock;
    private readonly Lock _sync = new();
    private Task<Dictionary<SiloAddress, SiloStatus>>? _last;
    private DateTimeOffset _startedAt;

    /// <summary>A cache of <paramref name="read"/>'s answers, each fresh for <paramref name="freshFor"/> from when its read started.</summary>
    public MembershipCache(Func<Task<Dictionary<SiloAddress, SiloStatus>>> read, TimeProvider clock, TimeSpan freshFor)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfNegative(freshFor.Ticks, nameof(freshFor));
        _read = read;
        _clock = clock;
        FreshFor = freshFor;
    }

    /// <summary>How long an answer is served again after its read started (1 s for <c>ballast serve --cluster</c>).</summary>
    public TimeSpan FreshFor { get; }

    /// <summary>The silos and their status: the read in flight, or the last one if still fresh, else a new read.</summary>
    public Task<Dictionary<SiloAddress, SiloStatus>> GetAsync(CancellationToken cancellationToken)
    {
        Task<Dictionary<SiloAddress, SiloStatus>> read;
        lock (_sync)
        {
            var now = _clock.GetUtcNow();
            if (_last is not { } last || last.IsFaulted || last.IsCanceled || (last.IsCompleted && now - _startedAt >= FreshFor))
            {
                _startedAt = now;
                _last = ReadAsync();
            }

            read = _last;
        }

        return read.WaitAsync(cancellationToken);
    }

    private async Task<Dictionary<SiloAddress, SiloStatus>> ReadAsync()
    {
        // Off the caller's lock and synchronous part: the read starts on the thread pool.
        await Task.Yield();
        return await _read().ConfigureAwait(false);
    }
}
