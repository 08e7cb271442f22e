using System.CommandLine;
using Ballast.Io.Reports;

namespace Ballast.Cli.Commands;

/// <summary>The statistics options of <c>ballast backtest</c> (docs/statistics.md): <c>--significance</c> and <c>--periods</c>.</summary>
internal static class AnalysisOptions
{
    public static Option<bool> Significance() => new("--significance")
    {
        Description = "Test every policy against the baseline (Sharpe-difference p-values, bootstrap intervals, PSR/DSR, SPA) whatever the policy count, with --json too; automatic with --out up to "
            + $"{BacktestAnalysis.AutomaticPolicyLimit} policies. See docs/statistics.md.",
    };

    public static Option<string?> Periods() => new(PeriodsRequest.OptionName)
    {
        Description = "Sub-period metrics of the one continuous run: FROM..TO ranges separated by commas (YYYY-MM-DD or YYYY-MM), or 'years'.",
    };

    public static AnalysisRequest Request(bool significance, string? periods) =>
        new(significance, periods is null ? null : PeriodsRequest.Parse(periods));
}
