using System.Runtime.CompilerServices;

namespace Ballast.Io.Reports;

/// <summary>
/// Each run's sweep parameter values as labels, for tables that show parameters as columns instead of generated
/// names: a sweep policy's own values; a buy-and-hold twin's values of the parameters constant among the policies it
/// is the twin of ("*" for the others: the twin is shared across them); "" for a named baseline. Built once per
/// outcome (cached) in O(policies × parameters).
/// </summary>
public sealed class SweepLabels
{
    /// <summary>The label of a parameter a twin does not depend on: it is shared by policies with different values.</summary>
    public const string Any = "*";

    private static readonly ConditionalWeakTable<BacktestOutcome, SweepLabels> Cache = [];

    private readonly string[][] _labels;

    private SweepLabels(BacktestOutcome outcome)
    {
        var sweep = outcome.Spec.Sweep!;
        var parameters = sweep.Parameters.Length;
        _labels = new string[outcome.Runs.Count][];
        var indices = new int[outcome.Runs.Count][];
        for (var i = 0; i < outcome.Runs.Count; i++)
        {
            if (outcome.RoleOf(i) == RunRole.Policy)
            {
                indices[i] = sweep.ValueIndices(i);
                _labels[i] = [.. sweep.ValuesOf(i).Select(v => v.Label)];
            }
        }

        for (var i = 0; i < sweep.PolicyCount && i < outcome.Twins.Count; i++)
        {
            var twin = outcome.Twins[i];
            if (twin < 0 || outcome.RoleOf(twin) == RunRole.Policy)
            {
                continue;
            }

            if (indices[twin] is not { } seen)
            {
                indices[twin] = (int[])indices[i].Clone();
                _labels[twin] = (string[])_labels[i].Clone();
                continue;
            }

            for (var p = 0; p < parameters; p++)
            {
                if (seen[p] != indices[i][p])
                {
                    _labels[twin][p] = Any;
                }
            }
        }
    }

    /// <summary>The labels of <paramref name="outcome"/> (null when it is not a sweep).</summary>
    public static SweepLabels? For(BacktestOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Spec.Sweep is null ? null : Cache.GetValue(outcome, o => new SweepLabels(o));
    }

    /// <summary>Run <paramref name="index"/>'s label of parameter <paramref name="parameter"/> ("" for a named baseline).</summary>
    public string Label(int index, int parameter) => _labels[index] is { } labels ? labels[parameter] : string.Empty;
}
