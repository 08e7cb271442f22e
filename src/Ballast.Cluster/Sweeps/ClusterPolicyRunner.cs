using Ballast.Backtesting;
using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Cluster.Sweeps;

/// <summary>
/// Runs a backtest's policies on a cluster's silos (<see cref="IPolicyRunner"/>): the runs are cut into batches, each
/// sent to a <see cref="ISweepWorkerGrain"/>, a few lanes of batches in flight at once; a batch whose call fails or times
/// out is sent again to a fresh worker (placed on a live silo). Results come back as exact doubles and reach the
/// consumer (the sink, then the premiums, statistics and writers, all on this side) in policy order, through a
/// reorder buffer bounded by <see cref="ClusterSweepOptions.Window"/> batches. The spec text and the data travel once
/// per silo, addressed by SHA-256; each silo rebinds the spec and checks every policy's hash against the client's.
/// </summary>
public sealed class ClusterPolicyRunner : IPolicyRunner
{
    private readonly Func<long, ISweepWorkerGrain> _workers;
    private readonly PolicySet _spec;
    private readonly SweepInput _input;
    private readonly ClusterSweepOptions _options;
    private readonly int _lanes;
    private readonly string _specHash;
    private readonly string _dataHash;
    private long _nextKey;
    private long _slowestTicks;

    /// <summary>A runner over <paramref name="workers"/> (a worker grain by key) for the runs of <paramref name="spec"/>, bound from <paramref name="input"/>.</summary>
    /// <param name="workers">The worker for a key (<c>key => grains.GetGrain&lt;ISweepWorkerGrain&gt;(key)</c>).</param>
    /// <param name="silos">Active silos, for the default number of lanes.</param>
    /// <param name="spec">The spec as the client bound it from <see cref="SweepInput.SpecText"/>.</param>
    /// <param name="input">The spec text and data the silos rebuild the run from.</param>
    /// <param name="options">Batch size, lanes, window, timeouts, attempts.</param>
    public ClusterPolicyRunner(Func<long, ISweepWorkerGrain> workers, int silos, PolicySet spec, SweepInput input, ClusterSweepOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(input);
        _workers = workers;
        _spec = spec;
        _input = input;
        _options = options ?? new ClusterSweepOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxAttempts, 1);
        _lanes = _options.Lanes > 0 ? _options.Lanes : 2 * Math.Max(1, silos);
        _specHash = SweepContent.HashOf(input.SpecBytes);
        _dataHash = SweepContent.HashOf(input.Data);
        _nextKey = Random.Shared.NextInt64(0, long.MaxValue / 2);
    }

    /// <summary>What the last sweep did.</summary>
    public ClusterSweepStatistics Statistics { get; private set; } = new();

    /// <inheritdoc/>
    public void RunEach(PriceTable table, IReadOnlyList<RebalancePolicy> policies, IReadOnlyList<int> twins, BacktestSettings settings, PolicyRun?[] runs, Exception?[] failures, IProgress<int>? progress, IRunSink? sink, CancellationToken cancellationToken) =>
        // Off any synchronisation context: the grain calls' continuations must not need the blocked thread.
        Task.Run(() => RunEachAsync(table, policies, twins, settings, runs, failures, progress, sink, cancellationToken), cancellationToken).GetAwaiter().GetResult();

    /// <summary><see cref="RunEach"/>, asynchronously.</summary>
    public async Task RunEachAsync(PriceTable table, IReadOnlyList<RebalancePolicy> policies, IReadOnlyList<int> twins, BacktestSettings settings, PolicyRun?[] runs, Exception?[] failures, IProgress<int>? progress, IRunSink? sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(settings);
        Statistics = new ClusterSweepStatistics();
        var recipes = RunRecipes.For(_spec, policies, twins);
        var job = Job(table, settings);
        var size = BatchSize(table, settings);
        var batches = (policies.Count + size - 1) / size;
        var window = new SemaphoreSlim(_options.Window > 0 ? _options.Window : 4 * _lanes);
        var done = 0;
        var order = new BatchReorderBuffer<int>((batch, _) =>
        {
            var start = batch * size;
            for (var i = start; i < Math.Min(start + size, policies.Count); i++)
            {
                if (runs[i] is not null)
                {
                    progress?.Report(++done);
                }

                sink?.Add(i, runs[i]);
            }

            window.Release();
        });
        var next = -1;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        async Task Lane()
        {
            var worker = new WorkerSlot(NewKey());
            while (true)
            {
                await window.WaitAsync(stop.Token).ConfigureAwait(false);
                var batch = Interlocked.Increment(ref next);
                if (batch >= batches)
                {
                    return;
                }

                var start = batch * size;
                var request = new SweepBatch { Job = job, Start = start, Runs = recipes[start..Math.Min(start + size, policies.Count)] };
                var encoded = await RunWithRetries(worker, request, stop.Token).ConfigureAwait(false);
                RunCodec.Decode(encoded, policies, start, runs, failures);
                order.Complete(batch, batch);
            }
        }

        var lanes = Enumerable.Range(0, Math.Min(_lanes, Math.Max(1, batches))).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Lane().ConfigureAwait(false);
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
        })).ToArray();
        await Task.WhenAll(lanes).ConfigureAwait(false);
    }

    /// <summary>
    /// One batch on the lane's worker, or, when the call fails or times out, on a fresh worker (placed anew, on a live
    /// silo), until it runs or the attempts are used up; content a silo lacks is sent to it first.
    /// </summary>
    private async Task<byte[]> RunWithRetries(WorkerSlot slot, SweepBatch request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var worker = _workers(slot.Key);
            var timeout = StallTimeout(attempt);
            try
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var result = await worker.Run(request).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
                if (result.Missing.Length > 0)
                {
                    foreach (var hash in result.Missing)
                    {
                        await worker.Store(hash, ContentOf(hash)).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
                        Statistics.Uploaded();
                    }

                    clock.Restart();
                    result = await worker.Run(request).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
                }

                if (result.Missing.Length == 0)
                {
                    Slowest(clock.Elapsed);
                    Statistics.Ran(result.Silo);
                    return result.Runs;
                }
            }
            catch (Exception e) when (IsTransient(e) && attempt < _options.MaxAttempts && !cancellationToken.IsCancellationRequested)
            {
                // The silo died or did not answer in time: the batch goes to another worker, after a short pause
                // that lets the membership notice a dead silo.
            }

            Statistics.Retried();
            slot.Key = NewKey();
            await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs per batch: <see cref="ClusterSweepOptions.BatchSize"/>, fewer when each run brings back its per-row series.</summary>
    private int BatchSize(PriceTable table, BacktestSettings settings)
    {
        if (!settings.Record)
        {
            return _options.BatchSize;
        }

        // Equity, drift and one weight per asset for each row, 8 bytes each (trades and risk contributions are smaller).
        var perRun = (long)table.RowCount * (table.Names.Count + 2) * sizeof(double);
        return (int)Math.Clamp(_options.RecordedBatchBytes / Math.Max(1, perRun), 1, _options.BatchSize);
    }

    /// <summary>How long attempt <paramref name="attempt"/> of a batch may take (<see cref="ClusterSweepOptions.StallTimeout"/>).</summary>
    private TimeSpan StallTimeout(int attempt)
    {
        var slowest = TimeSpan.FromTicks(Interlocked.Read(ref _slowestTicks));
        var stall = TimeSpan.FromTicks(Math.Max(_options.StallTimeout.Ticks, slowest.Ticks * _options.StallFactor));
        for (var i = 1; i < attempt && stall < _options.CallTimeout; i++)
        {
            stall *= 2;
        }

        return stall < _options.CallTimeout ? stall : _options.CallTimeout;
    }

    /// <summary>Keeps the slowest successful call's duration.</summary>
    private void Slowest(TimeSpan elapsed)
    {
        var ticks = elapsed.Ticks;
        var seen = Interlocked.Read(ref _slowestTicks);
        while (ticks > seen)
        {
            var was = Interlocked.CompareExchange(ref _slowestTicks, ticks, seen);
            if (was == seen)
            {
                return;
            }

            seen = was;
        }
    }

    /// <summary>Failures of the call, not of the batch's content: a policy's own failure comes back as data, and a hash mismatch or bad content is not retried.</summary>
    private static bool IsTransient(Exception e) =>
        e is TimeoutException or OrleansException or SiloUnavailableException or OperationCanceledException or ObjectDisposedException
            or System.Net.Sockets.SocketException or IOException;

    private long NewKey() => Interlocked.Increment(ref _nextKey);

    private byte[] ContentOf(string hash) =>
        hash == _specHash ? _input.SpecBytes
        : hash == _dataHash ? _input.Data
        : throw new InvalidOperationException($"a silo asked for content {hash}, which is not this sweep's");

    private SweepJob Job(PriceTable table, BacktestSettings settings) => new()
    {
        SpecHash = _specHash,
        SpecSource = _input.SpecSource,
        Overrides = [.. _input.Overrides],
        DataHash = _dataHash,
        DataSource = _input.DataSource,
        ValueKind = (int)_input.Kind,
        FromDay = _input.Options.From?.DayNumber,
        ToDay = _input.Options.To?.DayNumber,
        Fill = (int)_input.Options.Fill,
        PeriodsPerYear = settings.PeriodsPerYear,
        RiskFree = settings.RiskFree,
        Record = settings.Record,
        Kernel = (int)settings.Kernel,
        Window = [table.RowCount, table.Dates[0].DayNumber, table.Dates[^1].DayNumber],
    };

    /// <summary>The worker a lane sends its batches to, until a call fails.</summary>
    private sealed class WorkerSlot(long key)
    {
        public long Key { get; set; } = key;
    }
}
