using System.CommandLine;
using Ballast.Io;

namespace Ballast.Cli.Commands;

/// <summary>
/// <c>ballast data shiller --data FILE --out FILE</c>: derives the S&amp;P Composite and 10-year Treasury total-return
/// level series from Robert Shiller's monthly file (<see cref="ShillerTotalReturns"/>), for the research samples
/// (docs/research-samples.md). The derived file is written at run time; the source stays where it is.
/// </summary>
internal static class DataShillerCommand
{
    public static Command Create(CliIo io)
    {
        var data = new Option<string>("--data") { Description = "Shiller's monthly file, e.g. ../shared/data/shiller_us_stock_market_monthly.csv (columns Date, P, D, MonthlyTotalBondReturn).", Required = true };
        var output = new Option<string>("--out") { Description = "CSV file to write: Date,Stocks,Bonds, total-return levels starting at 1.", Required = true };
        var command = new Command("shiller", "Derive two total-return level series (Stocks: S&P Composite with dividends, (P_t + D_t/12)/P_{t-1}; Bonds: Shiller's 10-year Treasury) from Shiller's monthly data.") { data, output };
        command.SetAction(parse =>
        {
            var levels = ShillerTotalReturns.Read(parse.GetValue(data)!);
            var path = parse.GetValue(output)!;
            BacktestCommand.WriteText(path, w => ShillerTotalReturns.Write(levels, w));
            io.Out.WriteLine($"wrote {path}: Stocks, Bonds x {levels.Months.Count} months, {levels.Months[0]} .. {levels.Months[^1]}{(levels.EndReason is null ? string.Empty : $" (ends there: {levels.EndReason})")}");
            return Program.Ok;
        });
        return command;
    }
}
