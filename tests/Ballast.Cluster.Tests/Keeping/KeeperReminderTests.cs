using System.Collections.Concurrent;
using System.Diagnostics;
using Ballast.Cluster.Hosting;
using Ballast.Cluster.Keeping;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Service.Writing;
using Orleans.TestingHost;

namespace Ballast.Cluster.Tests.Keeping;

/// <summary>
/// The keeper coordinator's reminder, in the ADO.NET reminder table of PostgreSQL (Ballast's DDL, applied by the
/// silos): the silo holding the ticking coordinator is killed, and the ticks resume on another silo with nobody
/// calling the coordinator; the ticks are watched where they reach the sequencer (<see cref="IKeeperSubmitter.NowAsync"/>
/// is asked once per tick), not by calling the grain, which would activate it.
/// </summary>
public sealed class KeeperReminderTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task SiloHoldingTheCoordinatorKilled_TicksResumeOnAnotherSilo_WithoutACall()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync();
        await using var deployment = await KeeperDeployment.OpenAsync(ct);
        await deployment.SetUpAsync(ct);
        await deployment.DayAsync(0, () => Task.CompletedTask, ct);
        var name = KeeperTestSilos.Serve(deployment);
        var ticks = new TickLog(KeeperTestSilos.Submitter);

        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseBallastReminders(database.ConnectionString);
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = ReminderPeriod);
            silo.Services.AddShardedKeeper(
                new JournalStoreSource(d => JournalStores.Open(KeeperTestSilos.Journals[d])),
                ticks,
                new KeeperTickOptions { Interval = Interval, ReminderPeriod = ReminderPeriod });
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync(ct);
        try
        {
            var coordinator = cluster.Client.GetGrain<IKeeperCoordinatorGrain>(name);
            await coordinator.StartAsync();
            await ticks.WaitForAsync(name, since: TimeSpan.Zero, count: 3, TimeSpan.FromSeconds(60), ct);
            var before = await coordinator.StatusAsync();
            Assert.True(before.Ticking);
            Assert.Equal(1L, await database.ScalarAsync($"SELECT count(*) FROM OrleansRemindersTable WHERE ReminderName = '{KeeperCoordinatorGrain.ReminderName}'"));

            var holder = cluster.Silos.Single(s => s.SiloAddress.ToString() == before.Silo);
            var killedAt = ticks.Elapsed;
            await cluster.KillSiloAsync(holder, ct);

            // Nobody calls the coordinator: the reminder, fired by a surviving silo, brings it back there.
            var resumedAt = await ticks.WaitForAsync(name, since: killedAt + Interval, count: 3, TimeSpan.FromSeconds(180), ct);

            // The log notes a tick when it asks for the sequencer's time, before the activation counts it: the status
            // may lag the log by a tick in flight (CI at 2fd9cec read 2), so it is read again until it has caught up.
            var after = await coordinator.StatusAsync();
            for (var wait = 0; after.Ticks < 3 && wait < 50; wait++)
            {
                await Task.Delay(Interval, ct);
                after = await coordinator.StatusAsync();
            }

            Assert.NotEqual(before.Silo, after.Silo);
            Assert.Contains(cluster.Silos, s => s.SiloAddress.ToString() == after.Silo);
            Assert.True(after.Ticking);
            Assert.True(after.Ticks >= 3, $"{after.Ticks} ticks on the new activation");
            Assert.Equal(0, after.Failed);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"keeper failover: kill to first tick on {after.Silo}: {(resumedAt - killedAt).TotalSeconds:F1} s (reminder period {ReminderPeriod.TotalSeconds} s, timer {Interval.TotalMilliseconds} ms)");

            // Still one reminder, and stopping (what a silo started with --no-keeper does) removes it and the ticks end:
            // none after a tick that may have been in flight, through two reminder periods.
            await coordinator.StopAsync();
            var stoppedAt = ticks.Elapsed;
            Assert.Equal(0L, await database.ScalarAsync($"SELECT count(*) FROM OrleansRemindersTable WHERE ReminderName = '{KeeperCoordinatorGrain.ReminderName}'"));
            await Task.Delay(ReminderPeriod * 2 + Interval, ct);
            Assert.False((await coordinator.StatusAsync()).Ticking);
            Assert.Equal(0, ticks.CountSince(name, stoppedAt + Interval));
        }
        finally
        {
            await cluster.StopAllSilosAsync(ct);
        }
    }

    /// <summary>
    /// Passes rounds to the test silos' submitter and notes when each tick asked for the sequencer's time (once per
    /// tick, from whichever silo the coordinator is on).
    /// </summary>
    private sealed class TickLog(IKeeperSubmitter inner) : IKeeperSubmitter
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly ConcurrentQueue<(string Deployment, TimeSpan At)> _ticks = new();

        public TimeSpan Elapsed => _clock.Elapsed;

        public Task<IReadOnlyList<WriteResult>> SubmitAsync(string deployment, IReadOnlyList<ProtocolCommand> commands, CancellationToken cancellationToken = default) =>
            inner.SubmitAsync(deployment, commands, cancellationToken);

        public Task<DateTimeOffset> NowAsync(string deployment, CancellationToken cancellationToken = default)
        {
            _ticks.Enqueue((deployment, _clock.Elapsed));
            return inner.NowAsync(deployment, cancellationToken);
        }

        /// <summary>How many ticks of <paramref name="deployment"/> came after <paramref name="since"/>.</summary>
        public int CountSince(string deployment, TimeSpan since) => _ticks.Count(t => t.Deployment == deployment && t.At >= since);

        /// <summary>Waits for <paramref name="count"/> ticks of <paramref name="deployment"/> after <paramref name="since"/>; returns when the first of them came.</summary>
        public async Task<TimeSpan> WaitForAsync(string deployment, TimeSpan since, int count, TimeSpan timeout, CancellationToken ct)
        {
            var deadline = _clock.Elapsed + timeout;
            while (true)
            {
                var seen = _ticks.Where(t => t.Deployment == deployment && t.At >= since).Select(t => t.At).Order().ToList();
                if (seen.Count >= count)
                {
                    return seen[0];
                }

                Assert.True(_clock.Elapsed < deadline, $"{seen.Count} of {count} ticks of {deployment} within {timeout.TotalSeconds} s after {since.TotalSeconds:F1} s");
                await Task.Delay(100, ct);
            }
        }
    }
}
