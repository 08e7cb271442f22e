using System.Text.Json;
using Ballast.Statistics;

namespace Ballast.Io.Reports;

/// <summary>
/// The statistics' part of metrics.json (docs/metrics.md, "Significance"): per policy <c>significance</c> and
/// <c>premium_decomposition</c>, and for the run <c>multiple_testing</c> and <c>periods</c>. Undefined numbers are null.
/// </summary>
public static class SignificanceJson
{
    /// <summary>Writes the policy's properties (inside its object, after <c>metrics</c>).</summary>
    public static void WritePolicy(Utf8JsonWriter w, BacktestOutcome outcome, BacktestAnalysis analysis, int index)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(analysis);
        if (analysis.Policies is { } policies)
        {
            w.WritePropertyName("significance");
            if (policies[index] is { } s)
            {
                WriteSignificance(w, s, analysis.Bootstrap);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        w.WritePropertyName("premium_decomposition");
        if (analysis.Premium[index] is { } premium)
        {
            var total = outcome.Runs[index].Metrics.RebalancingPremium;
            w.WriteStartObject();
            ResultFiles.Number(w, "rebalancing_premium", total);
            ResultFiles.Number(w, "diversification_return", premium.DiversificationReturn);
            ResultFiles.Number(w, "rest", total is { } t ? premium.Rest(t) : null);
            ResultFiles.Number(w, "weighted_variance", premium.WeightedVariance);
            ResultFiles.Number(w, "portfolio_variance", premium.PortfolioVariance);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNullValue();
        }

        w.WritePropertyName("risk_contributions");
        if (analysis.Risk[index] is { } risk)
        {
            w.WriteStartObject();
            for (var a = 0; a < risk.Assets.Count; a++)
            {
                w.WriteStartObject(risk.Assets[a]);
                ResultFiles.Number(w, "target_weight", risk.TargetWeights[a]);
                ResultFiles.Number(w, "average_weight", risk.AverageWeights[a]);
                ResultFiles.Number(w, "target", risk.TargetContributions[a]);
                ResultFiles.Number(w, "realised", risk.RealisedContributions[a]);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }
        else
        {
            w.WriteNullValue();
        }
    }

    /// <summary>Writes the run's properties (at the top level, after <c>policies</c>).</summary>
    public static void WriteRun(Utf8JsonWriter w, BacktestOutcome outcome, BacktestAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(analysis);
        if (analysis.Run is { } run)
        {
            w.WriteStartObject("multiple_testing");
            w.WriteNumber("trials", run.Trials);
            Name(w, "best", outcome, run.BestIndex);
            ResultFiles.Number(w, "best_sharpe", run.BestSharpe);
            ResultFiles.Number(w, "sharpe_variance", run.SharpeVariance);
            ResultFiles.Number(w, "expected_max_sharpe", run.ExpectedMaxSharpe);
            ResultFiles.Number(w, "probabilistic_sharpe", run.ProbabilisticSharpe);
            ResultFiles.Number(w, "deflated_sharpe", run.DeflatedSharpe);
            w.WritePropertyName("spa");
            if (run.Spa is { } spa)
            {
                w.WriteStartObject();
                w.WriteString("against", outcome.Baseline.Name);
                ResultFiles.Number(w, "statistic", spa.Statistic);
                ResultFiles.Number(w, "p_value", spa.PValue);
                ResultFiles.Number(w, "p_value_lower", spa.LowerPValue);
                ResultFiles.Number(w, "p_value_upper", spa.UpperPValue);
                w.WriteNumber("models", spa.Models);
                Name(w, "best", outcome, run.SpaBestIndex);
                w.WriteString("bootstrap", "stationary");
                ResultFiles.Number(w, "block_length", spa.BlockLength);
                w.WriteNumber("replicates", spa.Replicates);
                w.WriteNumber("seed", analysis.Bootstrap.Seed);
                w.WriteEndObject();
            }
            else
            {
                // Not computed: the object says why, as every null p-value does.
                w.WriteStartObject();
                w.WriteString("against", outcome.Baseline.Name);
                w.WriteNull("p_value");
                w.WriteString("p_value_reason", NotComputable(outcome, run));
                w.WriteEndObject();
            }

            StepMJson.Write(w, outcome, analysis.Bootstrap, run);
            w.WriteEndObject();
        }

        if (analysis.Periods is { } periods)
        {
            var table = outcome.Table;
            w.WriteStartArray("periods");
            foreach (var slice in periods.Slices)
            {
                w.WriteStartObject();
                w.WriteString("period", slice.Range.Label);
                w.WriteString("start", table.FormatDate(table.Dates[slice.FirstRow]));
                w.WriteString("end", table.FormatDate(table.Dates[slice.LastRow]));
                w.WriteNumber("rows", slice.LastRow - slice.FirstRow + 1);
                w.WriteStartArray("policies");
                for (var i = 0; i < slice.Runs.Count; i++)
                {
                    var m = slice.Runs[i];
                    w.WriteStartObject();
                    w.WriteString("name", outcome.Runs[i].Name);
                    w.WriteNumber("returns", m.Returns);
                    ResultFiles.Number(w, "total_return", m.TotalReturn);
                    ResultFiles.Number(w, "cagr", m.Cagr);
                    ResultFiles.Number(w, "volatility", m.Volatility);
                    ResultFiles.Number(w, "sharpe", m.Sharpe);
                    ResultFiles.Number(w, "max_drawdown", m.MaxDrawdown);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }
    }

    private static void WriteSignificance(Utf8JsonWriter w, PolicySignificance s, BootstrapOptions options)
    {
        w.WriteStartObject();
        w.WriteString("against", s.Against);
        w.WriteNumber("returns", s.Returns);
        ResultFiles.Number(w, "sharpe_difference", s.SharpeDifference);
        ResultFiles.Number(w, "probabilistic_sharpe", s.ProbabilisticSharpe);
        Test(w, "jobson_korkie_memmel", s.JobsonKorkieMemmel, null, s.Returns, 3);
        Test(w, "ledoit_wolf_hac", s.LedoitWolf, s.LedoitWolfLag, s.Returns, 5);
        w.WritePropertyName("bootstrap");
        if (s.Bootstrap is { } b)
        {
            w.WriteStartObject();
            w.WriteString("kind", options.Kind == BootstrapKind.Stationary ? "stationary" : "circular");
            w.WriteNumber("replicates", b.Replicates);
            w.WriteNumber("seed", options.Seed);
            w.WriteNumber("confidence", options.Confidence);
            ResultFiles.Number(w, "block_length", b.BlockLength);
            Difference(w, "sharpe_difference", b.Sharpe, s.Returns);
            Difference(w, "cagr_difference", b.Cagr, null);
            Difference(w, "volatility_difference", b.Volatility, null);
            Difference(w, "max_drawdown_difference", b.MaxDrawdown, null);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNullValue();
        }

        w.WriteEndObject();
    }

    private static void Test(Utf8JsonWriter w, string name, SharpeDifferenceTest test, int? lag, int returns, int needed)
    {
        w.WriteStartObject(name);
        ResultFiles.Number(w, "statistic", test.Statistic);
        ResultFiles.Number(w, "p_value", test.PValue);
        PValueReason(w, test.PValue, returns, needed, test.Difference);
        if (lag is { } l)
        {
            w.WriteNumber("lag", l);
        }

        w.WriteEndObject();
    }

    /// <summary>A bootstrap difference; with <c>returns</c> (the Sharpe difference's: the returns tested) also its p-value.</summary>
    private static void Difference(Utf8JsonWriter w, string name, BootstrapDifference d, int? returns)
    {
        w.WriteStartObject(name);
        ResultFiles.Number(w, "estimate", d.Estimate);
        ResultFiles.Number(w, "lower", d.Interval.Lower);
        ResultFiles.Number(w, "upper", d.Interval.Upper);
        if (returns is { } n)
        {
            ResultFiles.Number(w, "p_value", d.PValue);
            PValueReason(w, d.PValue, n, 3, d.Estimate);
        }

        w.WriteEndObject();
    }

    /// <summary>Why SPA and StepM were not run: no policy to compare with the baseline, or too few returns.</summary>
    internal static string NotComputable(BacktestOutcome outcome, RunSignificance run)
    {
        var returns = outcome.Table.RowCount - 1;
        return run.Trials == 0
            ? "not computable: no policy of the spec other than the baseline to compare with it"
            : $"not computable: {returns} return{(returns == 1 ? string.Empty : "s")}, the test needs at least 3";
    }

    /// <summary>Why a p-value is null, as <c>p_value_reason</c> beside it (nothing when it is a number).</summary>
    private static void PValueReason(Utf8JsonWriter w, double pValue, int returns, int needed, double estimate)
    {
        if (double.IsFinite(pValue))
        {
            return;
        }

        w.WriteString("p_value_reason", returns < needed
            ? $"not computable: {returns} return{(returns == 1 ? string.Empty : "s")}, the test needs at least {needed}"
            : !double.IsFinite(estimate)
                ? "not computable: a Sharpe ratio is undefined (a return series has no variance)"
                : "not computable: the difference has no spread (its standard error is zero)");
    }

    private static void Name(Utf8JsonWriter w, string property, BacktestOutcome outcome, int index)
    {
        if (index >= 0)
        {
            w.WriteString(property, outcome.Runs[index].Name);
        }
        else
        {
            w.WriteNull(property);
        }
    }
}
