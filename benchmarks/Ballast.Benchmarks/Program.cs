using BenchmarkDotNet.Running;

namespace Ballast.Benchmarks;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["load", .. var rest])
        {
            // The service load test over loopback HTTP (LoadRunner), not a BenchmarkDotNet class.
            LoadOptions options;
            try
            {
                options = LoadOptions.Parse(rest);
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 2;
            }

            if (await LoadRuntime.RestartAsServeAsync(options, rest).ConfigureAwait(false) is { } exitCode)
            {
                return exitCode;
            }

            await LoadRunner.RunAsync(options, Console.Out).ConfigureAwait(false);
            return 0;
        }

        if (args is ["keeper", .. var keeperArgs])
        {
            // The sharded keeper's decisions per second on one silo (KeeperSiloThroughput), not a BenchmarkDotNet class.
            return await KeeperSiloThroughput.RunAsync(keeperArgs, Console.Out).ConfigureAwait(false);
        }

        if (args is ["load-clients", var plan, var result])
        {
            // The load's clients, started by the load mode in a process of their own.
            await LoadClients.RunFilesAsync(plan, result).ConfigureAwait(false);
            return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
