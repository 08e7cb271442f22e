using System.Globalization;
using System.Text;
using System.Text.Json;
using Ballast.Backtesting;

namespace Ballast.Io.Tests.Reports;

/// <summary>
/// The test oracle for the streaming writers: ResultFiles as it was before they came (commit 7a142d4), every file
/// rendered serially from a whole recorded outcome held in memory. The streaming output must have these bytes.
/// </summary>
internal static class ReferenceResultFiles
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// metrics.json: <c>{"spec", "data", "start", "end", "rows", "periods_per_year", "risk_free", "baseline",
    /// "policies":[{"name","hash","baseline","policy":{canonical},"metrics":{...}}]}</c>.
    /// </summary>
    public static string MetricsJson(BacktestOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var table = outcome.Table;
            w.WriteStartObject();
            w.WriteString("spec", outcome.Spec.Name);
            w.WriteString("spec_file", outcome.Spec.Source);
            w.WriteString("data", outcome.DataSource);
            w.WriteString("start", table.FormatDate(table.Dates[0]));
            w.WriteString("end", table.FormatDate(table.Dates[^1]));
            w.WriteNumber("rows", table.RowCount);
            w.WriteNumber("periods_per_year", outcome.PeriodsPerYear);
            w.WriteBoolean("periods_per_year_inferred", outcome.PeriodsInferred);
            w.WriteNumber("risk_free", outcome.RiskFree);
            w.WriteString("baseline", outcome.Baseline.Name);
            w.WriteStartArray("notices");
            foreach (var notice in table.Notices.Concat(outcome.Notices))
            {
                w.WriteStringValue(notice);
            }

            w.WriteEndArray();
            Ballast.Io.Reports.ComparisonJson.WriteSet(w, outcome);
            w.WriteStartArray("policies");
            for (var i = 0; i < outcome.Runs.Count; i++)
            {
                var run = outcome.Runs[i];
                w.WriteStartObject();
                w.WriteString("name", run.Name);
                w.WriteString("hash", run.Hash.ToString());
                w.WriteBoolean("baseline", i == outcome.BaselineIndex);
                w.WritePropertyName("policy");
                w.WriteRawValue(run.Policy.CanonicalJson, skipInputValidation: true);
                w.WritePropertyName("metrics");
                WriteMetrics(w, run.Metrics);
                WritePolicyComparisons(w, outcome, i);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteMetrics(Utf8JsonWriter w, BacktestMetrics m)
    {
        w.WriteStartObject();
        Number(w, "total_return", m.TotalReturn);
        Number(w, "cagr", m.Cagr);
        Number(w, "volatility", m.Volatility);
        Number(w, "sharpe", m.Sharpe);
        Number(w, "sortino", m.Sortino);
        Number(w, "max_drawdown", m.MaxDrawdown);
        Number(w, "calmar", m.Calmar);
        w.WriteNumber("rebalances", m.Rebalances);
        Number(w, "turnover_one_way_annual", m.TurnoverOneWayAnnual);
        Number(w, "turnover_two_way_annual", m.TurnoverTwoWayAnnual);
        Number(w, "costs_paid", m.CostsPaid);
        Number(w, "cost_drag_bps_per_year", m.CostDragBpsPerYear);
        Number(w, "mean_abs_drift", m.MeanAbsDrift);
        Number(w, "max_abs_drift", m.MaxAbsDrift);
        Number(w, "rebalancing_premium", m.RebalancingPremium);
        Number(w, "final_nav", m.FinalNav);
        Number(w, "years", m.Years);
        w.WriteEndObject();
    }

    /// <summary>The role, sweep parameters, twin and baselines of run <paramref name="index"/>, written here call by call (not through the writer under test, <c>PolicyEntryJson</c>).</summary>
    private static void WritePolicyComparisons(Utf8JsonWriter w, BacktestOutcome outcome, int index)
    {
        var role = outcome.RoleOf(index);
        w.WriteString("role", role switch { RunRole.Policy => "policy", RunRole.Twin => "twin", _ => "baseline" });
        if (role == RunRole.Policy && outcome.Spec.Sweep is { } sweep)
        {
            w.WriteStartObject("parameters");
            var values = sweep.ValuesOf(index);
            for (var p = 0; p < values.Length; p++)
            {
                w.WritePropertyName(sweep.Parameters[p].Name);
                if (values[p].Number is { } number && double.IsFinite(number))
                {
                    w.WriteNumberValue(number);
                }
                else
                {
                    w.WriteStringValue(values[p].Label);
                }
            }

            w.WriteEndObject();
        }

        var run = outcome.Runs[index];
        if (outcome.Twins.Count > index && outcome.Twins[index] >= 0)
        {
            var twin = outcome.Runs[outcome.Twins[index]];
            w.WriteStartObject("twin");
            w.WriteString("name", twin.Name);
            w.WriteString("hash", twin.Hash.ToString());
            Number(w, "rebalancing_premium", run.Metrics.RebalancingPremium);
            WriteComparison(w, PolicyComparison.Compare(run, twin));
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("twin");
        }

        w.WriteStartArray("baselines");
        foreach (var baseline in outcome.Baselines)
        {
            w.WriteStartObject();
            w.WriteString("name", baseline.Name);
            WriteComparison(w, PolicyComparison.Compare(run, outcome.Runs[baseline.RunIndex]));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteComparison(Utf8JsonWriter w, PolicyComparison c)
    {
        Number(w, "cagr_difference", c.CagrDifference);
        Number(w, "volatility_difference", c.VolatilityDifference);
        Number(w, "sharpe_difference", c.SharpeDifference);
        Number(w, "max_drawdown_difference", c.MaxDrawdownDifference);
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>equity.csv: <c>date</c> then one NAV column per policy (after each row's trades and costs).</summary>
    public static void WriteEquity(BacktestOutcome outcome, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(writer);
        var runs = Recorded(outcome);
        writer.Write("date");
        foreach (var run in runs)
        {
            writer.Write(',');
            writer.Write(Csv(run.Name));
        }

        writer.WriteLine();
        var table = outcome.Table;
        for (var t = 0; t < table.RowCount; t++)
        {
            writer.Write(table.FormatDate(table.Dates[t]));
            foreach (var run in runs)
            {
                writer.Write(',');
                writer.Write(Fixed(run.Equity![t], 6));
            }

            writer.WriteLine();
        }
    }

    /// <summary>weights.csv: <c>date,policy</c> then one column per series (empty where the policy does not hold it); weights after each row's trades.</summary>
    public static void WriteWeights(BacktestOutcome outcome, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(writer);
        var runs = Recorded(outcome);
        var assets = outcome.Spec.AllSeries();
        var maps = runs.Select(r => assets.Select(a => r.Policy.Names.ToList().IndexOf(a)).ToArray()).ToArray();
        writer.Write("date,policy");
        foreach (var asset in assets)
        {
            writer.Write(',');
            writer.Write(Csv(asset));
        }

        writer.WriteLine();
        var table = outcome.Table;
        for (var t = 0; t < table.RowCount; t++)
        {
            var date = table.FormatDate(table.Dates[t]);
            for (var p = 0; p < runs.Length; p++)
            {
                var run = runs[p];
                var n = run.Policy.AssetCount;
                writer.Write(date);
                writer.Write(',');
                writer.Write(Csv(run.Name));
                foreach (var index in maps[p])
                {
                    writer.Write(',');
                    if (index >= 0)
                    {
                        writer.Write(Fixed(run.Weights![(t * n) + index], 8));
                    }
                }

                writer.WriteLine();
            }
        }
    }

    /// <summary>trades.csv: one row per trade in one asset, with the reason the rebalance fired.</summary>
    public static void WriteTrades(BacktestOutcome outcome, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("date,policy,asset,side,price,units_before,units_after,value,cost,weight_before,weight_after,reason");
        var table = outcome.Table;
        foreach (var run in Recorded(outcome))
        {
            foreach (var trade in run.Trades!)
            {
                writer.Write(table.FormatDate(trade.Date));
                writer.Write(',');
                writer.Write(Csv(run.Name));
                writer.Write(',');
                writer.Write(Csv(trade.Asset));
                writer.Write(trade.Value >= 0 ? ",buy," : ",sell,");
                writer.Write(Fixed(trade.Price, 6));
                writer.Write(',');
                writer.Write(Fixed(trade.UnitsBefore, 6));
                writer.Write(',');
                writer.Write(Fixed(trade.UnitsAfter, 6));
                writer.Write(',');
                writer.Write(Fixed(trade.Value, 6));
                writer.Write(',');
                writer.Write(Fixed(trade.Cost, 6));
                writer.Write(',');
                writer.Write(Fixed(trade.WeightBefore, 8));
                writer.Write(',');
                writer.Write(Fixed(trade.WeightAfter, 8));
                writer.Write(',');
                writer.WriteLine(Csv(trade.Reason));
            }
        }
    }

    private static PolicyRun[] Recorded(BacktestOutcome outcome)
    {
        var runs = outcome.Runs.ToArray();
        if (runs.Any(r => r.Equity is null || r.Weights is null || r.Trades is null))
        {
            throw new InvalidOperationException("the backtest was not recorded; run it with Record = true to write per-row files");
        }

        return runs;
    }

    /// <summary>Fixed-point text with at most <paramref name="decimals"/> decimals, trailing zeros dropped, "-0" normalised.</summary>
    internal static string Fixed(double value, int decimals)
    {
        var text = Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString(decimals == 6 ? "0.######" : "0.########", Inv);
        return text == "-0" ? "0" : text;
    }

    /// <summary>A CSV field: a leading = + - @ tab or CR gets an apostrophe and quotes; else quoted (quotes doubled) when it holds a comma, a quote, a line feed or a carriage return.</summary>
    public static string Csv(string text)
    {
        if ("=+-@\t\r".Contains(text.FirstOrDefault(' '), StringComparison.Ordinal))
        {
            return "\"'" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        }

        return text.Any(c => c is ',' or '"' or '\n' or '\r') ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
