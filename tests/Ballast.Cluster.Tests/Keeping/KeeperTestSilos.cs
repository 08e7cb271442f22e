using System.Collections.Concurrent;
using Ballast.Cluster.Keeping;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Ballast.Service.Writing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace Ballast.Cluster.Tests.Keeping;

/// <summary>
/// What the in-process silos of the keeper tests share (they live in this process): deployments' journal locations,
/// read through one <see cref="JournalStoreSource"/> per silo, and the deployments' writers, reached through one
/// <see cref="CommandWriterSubmitter"/>. A test registers its deployment under a name of its own.
/// </summary>
internal static class KeeperTestSilos
{
    public static readonly ConcurrentDictionary<string, string> Journals = new(StringComparer.Ordinal);

    /// <summary>The deployments' writers reached as a round (<see cref="CommandWriterSubmitter"/>).</summary>
    public static readonly CommandWriterSubmitter Writers = new();

    /// <summary>What the silos submit through: each deployment's own submitter.</summary>
    public static readonly RoutingSubmitter Submitter = new();

    /// <summary>The keeper's own clock in clusters started with a fake keeper clock: advancing it drives the coordinators' ticks (every hour of it).</summary>
    public static readonly FakeTimeProvider KeeperClock = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Serves <paramref name="deployment"/> to the silos: its journal, and its writer reached as a round or, with <paramref name="commandByCommand"/>, one command at a time.</summary>
    public static string Serve(KeeperDeployment deployment, bool commandByCommand = false)
    {
        var name = "keeper-" + Guid.NewGuid().ToString("N");
        Journals[name] = deployment.Location;
        Writers.Serve(name, deployment.Writer, deployment.Clock);
        Submitter.Routes[name] = commandByCommand ? new PerCommandSubmitter((_, command, ct) => deployment.Writer.SubmitAsync(command, ct), deployment.Clock) : Writers;
        return name;
    }

    /// <summary>Waits (up to 60 s) until <paramref name="coordinator"/> has ticked <paramref name="count"/> times (exactly, unless <paramref name="exactly"/> is false); returns its status then.</summary>
    public static async Task<KeeperCoordinatorStatus> TicksAsync(IKeeperCoordinatorGrain coordinator, long count, CancellationToken ct, bool exactly = true)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await coordinator.StatusAsync();
            if (status.Ticks >= count)
            {
                if (exactly)
                {
                    Assert.Equal(count, status.Ticks);
                }

                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{status.Ticks} of {count} ticks within 60 s");
            await Task.Delay(50, ct);
        }
    }

    /// <summary>Sends each deployment's rounds to the submitter registered for it.</summary>
    public sealed class RoutingSubmitter : IKeeperSubmitter
    {
        public ConcurrentDictionary<string, IKeeperSubmitter> Routes { get; } = new(StringComparer.Ordinal);

        public Task<IReadOnlyList<WriteResult>> SubmitAsync(string deployment, IReadOnlyList<ProtocolCommand> commands, CancellationToken cancellationToken = default) =>
            Routes[deployment].SubmitAsync(deployment, commands, cancellationToken);

        public Task<DateTimeOffset> NowAsync(string deployment, CancellationToken cancellationToken = default) => Routes[deployment].NowAsync(deployment, cancellationToken);
    }

    /// <summary>
    /// A cluster of <paramref name="silos"/> in-process silos with the sharded keeper, placing new activations
    /// round-robin; with <paramref name="fakeKeeperClock"/> the coordinators tick every hour of <see cref="KeeperClock"/>.
    /// </summary>
    public static async Task<TestCluster> StartClusterAsync(int silos, CancellationToken cancellationToken, bool fakeKeeperClock = false)
    {
        var builder = new TestClusterBuilder { Options = { InitialSilosCount = (short)silos } };
        builder.AddSiloBuilderConfigurator<Configurator>();
        if (fakeKeeperClock)
        {
            builder.AddSiloBuilderConfigurator<FakeKeeperClockConfigurator>();
        }

        var cluster = builder.Build();
        await cluster.DeployAsync(cancellationToken);
        return cluster;
    }

    /// <summary>How the test silos' coordinators tick once started: every 500 ms (the reminder at Orleans' one-minute floor).</summary>
    public static readonly KeeperTickOptions Ticking = new() { Interval = TimeSpan.FromMilliseconds(500) };

    /// <summary>
    /// Registers the sharded keeper on a test silo (coordinators ticking as <see cref="Ticking"/>, reminders in
    /// memory), with <see cref="RoundRobinPlacement"/> as the default placement:
    /// Orleans' own default (resource-optimised, preferring the calling silo) may put every vault grain beside the
    /// coordinator on a busy machine, and the tests mean to see decisions made on several silos.
    /// </summary>
    public sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.UseInMemoryReminderService().ConfigureServices(services =>
            {
                services.AddShardedKeeper(new JournalStoreSource(d => JournalStores.Open(Journals[d])), Submitter, Ticking);
                services.AddSingleton<PlacementStrategy, RoundRobinPlacement>();
                services.AddPlacementDirector<RoundRobinPlacement, RoundRobinPlacementDirector>();
            });
    }

    /// <summary>The coordinators' ticks on <see cref="KeeperClock"/>, every hour of it (the silo keeps the real clock).</summary>
    public sealed class FakeKeeperClockConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.ConfigureServices(services => services.AddSingleton(new KeeperTickOptions { Interval = TimeSpan.FromHours(1), Clock = KeeperClock }));
    }

    /// <summary>Places each new activation on the next compatible silo, in address order.</summary>
    public sealed class RoundRobinPlacement : PlacementStrategy;

    /// <summary>The director of <see cref="RoundRobinPlacement"/>: one counter per silo, so activations placed from one silo spread over all of them.</summary>
    public sealed class RoundRobinPlacementDirector : IPlacementDirector
    {
        private int _next = -1;

        public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
        {
            var silos = context.GetCompatibleSilos(target).Order().ToArray();
            var index = (int)((uint)Interlocked.Increment(ref _next) % (uint)silos.Length);
            return Task.FromResult(silos[index]);
        }
    }
}
