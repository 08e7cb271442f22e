using System.Diagnostics;
using System.Globalization;
using Ballast.Cluster.Keeping;
using Ballast.Io.Protocol;
using Ballast.Io.Storage;
using Ballast.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ballast.Benchmarks;

/// <summary>
/// The direct measurement of the sharded keeper's decisions per second on one silo
/// (<c>dotnet run -c Release --project benchmarks/Ballast.Benchmarks -- keeper [--vaults N] [--days D] [--rounds R]</c>):
/// a fleet journal (<see cref="KeeperFleetJournal"/>), then R rounds of every vault's decision three ways: on one
/// thread on the replica, on every core on the replica, and through the vault grains of one in-process Orleans silo
/// (what a coordinator's fan-out costs on top of the decisions).
/// </summary>
public static class KeeperSiloThroughput
{
    /// <summary>Runs the measurement and writes its table to <paramref name="output"/>; 2 for bad arguments.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var (vaults, days, rounds) = (400, 300, 5);
        for (var i = 0; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count || !int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                await output.WriteLineAsync($"keeper: {args[i]} needs a whole number ≥ 1 after it").ConfigureAwait(false);
                return 2;
            }

            switch (args[i])
            {
                case "--vaults": vaults = value; break;
                case "--days": days = Math.Max(value, 70); break;
                case "--rounds": rounds = value; break;
                default:
                    await output.WriteLineAsync($"keeper: unknown option {args[i]}; expected --vaults, --days, --rounds").ConfigureAwait(false);
                    return 2;
            }
        }

        var dir = Directory.CreateTempSubdirectory("ballast-keeper-silo-").FullName;
        try
        {
            var path = Path.Combine(dir, "fleet.db");
            var written = Stopwatch.StartNew();
            var now = await KeeperFleetJournal.WriteAsync(path, vaults, days).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"fleet journal: {vaults} vaults, {days} days, written in {written.Elapsed.TotalSeconds:F1} s; {Environment.ProcessorCount} cores")).ConfigureAwait(false);
            var ids = KeeperFleetJournal.VaultIds(vaults);

            using var journals = new JournalStoreSource(_ => JournalStores.Open(path));
            using var replica = new DeploymentReplica("fleet", journals, SpecPolicyCompiler.Instance);
            var head = await replica.CatchUpAsync(long.MaxValue).ConfigureAwait(false);
            var outcomes = ids.Select(v => replica.DecideRebalance(v, now).Outcome.Status).GroupBy(s => s).Select(g => $"{g.Key} {g.Count()}");
            await output.WriteLineAsync($"decisions at head {head.Sequence}: {string.Join(", ", outcomes)}").ConfigureAwait(false);

            var single = Rate(vaults, rounds, () =>
            {
                foreach (var v in ids)
                {
                    _ = replica.DecideRebalance(v, now);
                }
            });
            var parallel = Rate(vaults, rounds, () => Parallel.ForEach(ids, v => replica.DecideRebalance(v, now)));
            var grains = await GrainRateAsync(path, ids, head.Sequence, now, rounds).ConfigureAwait(false);

            await output.WriteLineAsync("| way | decisions per second |").ConfigureAwait(false);
            await output.WriteLineAsync("|---|---:|").ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"| replica, one thread | {single:N0} |")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"| replica, every core | {parallel:N0} |")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"| vault grains, one silo | {grains:N0} |")).ConfigureAwait(false);
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Decisions per second of <paramref name="round"/> (one decision per vault), after one round of warm-up.</summary>
    private static double Rate(int vaults, int rounds, Action round)
    {
        round();
        var clock = Stopwatch.StartNew();
        for (var r = 0; r < rounds; r++)
        {
            round();
        }

        return vaults * rounds / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Decisions per second through the vault grains of one in-process silo (localhost clustering), after one round of warm-up.</summary>
    private static async Task<double> GrainRateAsync(string path, VaultId[] ids, long head, DateTimeOffset now, int rounds)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => silo.UseLocalhostClustering().ConfigureServices(services =>
            services.AddShardedKeeper(new JournalStoreSource(_ => JournalStores.Open(path)), new CommandWriterSubmitter())));
        using var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            async Task Round() => await Task.WhenAll(ids.Select(v => grains.GetGrain<IKeeperVaultGrain>(KeeperGrainKeys.Vault("fleet", v)).DecideAsync(head, now))).ConfigureAwait(false);
            await Round().ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            for (var r = 0; r < rounds; r++)
            {
                await Round().ConfigureAwait(false);
            }

            return ids.Length * rounds / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await host.StopAsync().ConfigureAwait(false);
        }
    }
}
