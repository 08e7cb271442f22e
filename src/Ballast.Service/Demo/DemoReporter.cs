using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Protocol;
using Ballast.Service.Writing;
using Microsoft.Extensions.Hosting;

namespace Ballast.Service.Demo;

/// <summary>
/// The demo's built-in reporter: every <see cref="Period"/> it reports each child vault's NAV, moved by the next row
/// of the scenario's synthetic prices (the first report at the starting price, as the simulation does; after the
/// last row it starts over), as the account <c>reporter</c>, through the writer like any command.
/// </summary>
public sealed class DemoReporter(CommandWriter writer, Scenario scenario, TimeProvider timers, TimeSpan period) : BackgroundService
{
    private static readonly AccountId Reporter = new("reporter");
    private int _row = -1;

    /// <summary>The time between reports.</summary>
    public TimeSpan Period { get; } = period;

    /// <summary>Reports every child once, at the next row's price ratio; returns the outcomes.</summary>
    public async Task<IReadOnlyList<WriteResult>> ReportOnceAsync(CancellationToken cancellationToken = default)
    {
        var prices = scenario.Prices;
        var names = prices.Names;
        var row = Interlocked.Increment(ref _row);
        var index = row == 0 ? 0 : 1 + ((row - 1) % (prices.RowCount - 1));
        return await writer.RunPlanAsync((state, head) =>
        {
            var commands = new List<ProtocolCommand>();
            for (var i = 0; i < names.Count; i++)
            {
                var ratio = row == 0 ? 1.0 : prices.Prices[(index * names.Count) + i] / prices.Prices[((index - 1) * names.Count) + i];
                if (state.SimpleVaults.TryGetValue(new VaultId(names[i]), out var child) && SimRunner.ScaledNav(child.Vault.TotalAssets, ratio) is { } nav)
                {
                    commands.Add(new ReportNavCommand($"demo-report-{head.Sequence}-{names[i]}", Reporter, child.Id, nav));
                }
            }

            return commands;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await ReportOnceAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(Period, timers, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
