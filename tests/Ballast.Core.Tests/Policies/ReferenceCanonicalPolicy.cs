using System.Globalization;
using System.Text;
using System.Text.Json;
using Ballast.Data;
using Ballast.Policies;

namespace Ballast.Core.Tests.Policies;

/// <summary>
/// The canonical policy writer as it was before the fast writer (<see cref="CanonicalPolicy"/>): a
/// <see cref="Utf8JsonWriter"/> into a fresh stream, trigger members collected in a sorted dictionary, numbers as
/// strings. Kept unchanged as the reference the fast writer must match byte for byte.
/// </summary>
internal static class ReferenceCanonicalPolicy
{
    /// <summary>The policy's canonical JSON: compact, sorted keys, defaults written out (see the class summary).</summary>
    /// <param name="policy">A resolved policy.</param>
    /// <returns>The canonical JSON text; equal policies give equal text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is null.</exception>
    public static string Json(PolicySpec policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, policy);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Canonical number text: integral values up to 2^53 as integers, others in shortest round-trip form.</summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "canonical numbers must be finite");
        }

        if (value == Math.Floor(value) && Math.Abs(value) < 9007199254740992.0)
        {
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        }

        return value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
    }

    private static void Write(Utf8JsonWriter w, PolicySpec policy)
    {
        var names = policy.Universe;
        var sorted = names.Select((n, i) => (n, i)).OrderBy(p => p.n, StringComparer.Ordinal).ToArray();

        w.WriteStartObject();

        // Keys in ordinal order: costs, execution, lot, trigger, universe, weights.
        w.WritePropertyName("costs");
        w.WriteStartObject();
        w.WritePropertyName("fixed_per_trade");
        WriteNumber(w, policy.Costs.FixedPerTrade);
        WriteAssetMap(w, "proportional_bps", sorted, policy.Costs.ProportionalBps.AsSpan());
        WriteAssetMap(w, "spread_bps", sorted, policy.Costs.SpreadBps.AsSpan());
        w.WriteEndObject();

        w.WritePropertyName("execution");
        w.WriteStartObject();
        if (policy.Execution.MaxTurnover is { } maxTurnover)
        {
            w.WritePropertyName("max_turnover");
            WriteNumber(w, maxTurnover);
        }

        if (policy.Execution.MinTrade is { } minTrade)
        {
            w.WritePropertyName("min_trade");
            w.WriteStartObject();
            if (minTrade.Value is { } value)
            {
                w.WritePropertyName("value");
                WriteNumber(w, value);
            }

            if (minTrade.Weight is { } weight)
            {
                w.WritePropertyName("weight");
                WriteNumber(w, weight);
            }

            w.WriteEndObject();
        }

        if (policy.Execution.Partial is { } partial)
        {
            w.WritePropertyName("partial");
            WriteNumber(w, partial);
        }

        w.WriteString("to", policy.Execution.To == ExecutionTarget.Target ? "target" : "band-edge");
        w.WriteEndObject();

        w.WritePropertyName("lot");
        w.WriteStartObject();
        foreach (var (name, index) in sorted)
        {
            if (policy.Lot[index] != 0)
            {
                w.WritePropertyName(name);
                WriteNumber(w, policy.Lot[index]);
            }
        }

        w.WriteEndObject();

        w.WritePropertyName("trigger");
        WriteTrigger(w, policy.Trigger, sorted);

        w.WritePropertyName("universe");
        w.WriteStartArray();
        foreach (var (name, _) in sorted)
        {
            w.WriteStringValue(name);
        }

        w.WriteEndArray();

        w.WritePropertyName("weights");
        WriteWeights(w, policy.Weights, sorted);

        w.WriteEndObject();
    }

    private static void WriteWeights(Utf8JsonWriter w, WeightsSpec weights, (string Name, int Index)[] sorted)
    {
        switch (weights)
        {
            case FixedWeights fixedWeights:
                w.WriteStartObject();
                w.WriteString("scheme", "fixed");
                WriteAssetMap(w, "targets", sorted, fixedWeights.Targets.AsSpan());
                w.WriteEndObject();
                break;
            case RiskWeights risk:
                // Keys in ordinal order: beta_limit, bounds, budgets, correlation_clusters, covariance, groups,
                // max_turnover, risk_aversion, scheme.
                w.WriteStartObject();
                var limits = risk.Constraints;
                if (limits.Beta is { } beta)
                {
                    w.WritePropertyName("beta_limit");
                    w.WriteStartObject();
                    w.WritePropertyName("max");
                    WriteNumber(w, beta.Max);
                    if (beta.Min is { } betaMin)
                    {
                        w.WritePropertyName("min");
                        WriteNumber(w, betaMin);
                    }

                    w.WriteString("reference", beta.Reference);
                    w.WriteEndObject();
                }

                if (risk.TakesBounds || risk.HasBounds)
                {
                    // Bounds are always written for min-variance, defaults ([0, 1]) included, so omitting them and
                    // writing the defaults give one hash.
                    w.WritePropertyName("bounds");
                    w.WriteStartObject();
                    foreach (var (name, index) in sorted)
                    {
                        w.WritePropertyName(name);
                        w.WriteStartArray();
                        WriteNumber(w, risk.Lower.IsDefaultOrEmpty ? 0 : risk.Lower[index]);
                        WriteNumber(w, risk.Upper.IsDefaultOrEmpty ? 1 : risk.Upper[index]);
                        w.WriteEndArray();
                    }

                    w.WriteEndObject();
                }

                if (!risk.Budgets.IsDefaultOrEmpty)
                {
                    WriteAssetMap(w, "budgets", sorted, risk.Budgets.AsSpan());
                }

                if (limits.Clusters is { } clusters)
                {
                    w.WritePropertyName("correlation_clusters");
                    w.WriteStartObject();
                    w.WritePropertyName("max_weight");
                    WriteNumber(w, clusters.MaxWeight);
                    w.WritePropertyName("threshold");
                    WriteNumber(w, clusters.Threshold);
                    w.WriteEndObject();
                }

                w.WritePropertyName("covariance");
                w.WriteStartObject();
                if (risk.Covariance.Halflife is { } halflife)
                {
                    w.WritePropertyName("halflife");
                    WriteNumber(w, halflife);
                }

                w.WriteNumber("lookback", risk.Covariance.Lookback);
                w.WriteString("method", risk.Covariance.Method switch
                {
                    CovarianceMethod.Sample => "sample",
                    CovarianceMethod.Ewma => "ewma",
                    _ => "ledoit-wolf",
                });
                if (risk.Covariance.Method == CovarianceMethod.LedoitWolf)
                {
                    w.WriteString("target", risk.Covariance.Target == ShrinkageTarget.Identity ? "identity" : "constant-correlation");
                }
                w.WriteEndObject();
                if (!limits.Groups.IsDefaultOrEmpty)
                {
                    // Groups by name; members by asset name (the universe is written sorted, so order carries no meaning).
                    var names = new string[sorted.Length];
                    foreach (var (name, index) in sorted)
                    {
                        names[index] = name;
                    }

                    w.WritePropertyName("groups");
                    w.WriteStartObject();
                    foreach (var group in limits.Groups.OrderBy(g => g.Name, StringComparer.Ordinal))
                    {
                        w.WritePropertyName(group.Name);
                        w.WriteStartObject();
                        w.WritePropertyName("assets");
                        w.WriteStartArray();
                        foreach (var member in group.Members.Select(m => names[m]).Order(StringComparer.Ordinal))
                        {
                            w.WriteStringValue(member);
                        }

                        w.WriteEndArray();
                        w.WritePropertyName("max");
                        WriteNumber(w, group.Max);
                        w.WritePropertyName("min");
                        WriteNumber(w, group.Min);
                        w.WriteEndObject();
                    }

                    w.WriteEndObject();
                }

                if (limits.MaxTurnover is { } turnover)
                {
                    w.WritePropertyName("max_turnover");
                    WriteNumber(w, turnover);
                }

                if (risk.Scheme == RiskScheme.MeanVariance)
                {
                    w.WritePropertyName("risk_aversion");
                    WriteNumber(w, risk.RiskAversion);
                }

                w.WriteString("scheme", RiskWeights.SchemeNames[(int)risk.Scheme]);
                w.WriteEndObject();
                break;
            default:
                throw new NotSupportedException($"no canonical form for weights scheme {weights.GetType().Name}");
        }
    }

    private static void WriteTrigger(Utf8JsonWriter w, TriggerSpec trigger, (string Name, int Index)[] sorted)
    {
        if (trigger is NoTrigger)
        {
            w.WriteStringValue("none");
            return;
        }

        // A trigger mapping: its members (including the cooldown and volatility modifiers) in ordinal key order.
        var members = new SortedDictionary<string, Action>(StringComparer.Ordinal);
        Collect(w, trigger, members, sorted);
        w.WriteStartObject();
        foreach (var (key, write) in members)
        {
            w.WritePropertyName(key);
            write();
        }

        w.WriteEndObject();
    }

    private static void Collect(Utf8JsonWriter w, TriggerSpec trigger, SortedDictionary<string, Action> members, (string Name, int Index)[] sorted)
    {
        switch (trigger)
        {
            case NoTrigger:
                break;
            case CalendarTrigger calendar:
                members["calendar"] = () => w.WriteStringValue(calendar.Frequency.ToSpecName());
                CollectSchedule(w, members, calendar.Schedule);
                break;
            case DriftTrigger drift:
                CollectBand(w, members, "drift", drift.Measure, drift.Band, drift.CheckSchedule);
                break;
            case RiskDriftTrigger riskDrift:
                CollectBand(w, members, "risk_drift", riskDrift.Measure, riskDrift.Band, riskDrift.CheckSchedule);
                break;
            case AnyTrigger any:
                members["any"] = () => WriteList(w, any.Triggers, sorted);
                break;
            case AllTrigger all:
                members["all"] = () => WriteList(w, all.Triggers, sorted);
                break;
            case CooldownTrigger cooldown:
                Collect(w, cooldown.Inner, members, sorted);
                members["cooldown"] = () =>
                {
                    w.WriteStartObject();
                    if (cooldown.Days is { } days)
                    {
                        w.WriteNumber("days", days);
                    }

                    if (cooldown.Rows is { } rows)
                    {
                        w.WriteNumber("rows", rows);
                    }

                    w.WriteEndObject();
                };
                break;
            case VolatilityTrigger volatility:
                Collect(w, volatility.Normal, members, sorted);
                members["volatility"] = () =>
                {
                    w.WriteStartObject();
                    w.WritePropertyName("above");
                    WriteNumber(w, volatility.Above);
                    w.WritePropertyName("below");
                    WriteNumber(w, volatility.Below);
                    w.WriteString("scope", volatility.Scope == VolatilityScope.Portfolio ? "portfolio" : "any-asset");
                    w.WritePropertyName("then");
                    WriteTrigger(w, volatility.High, sorted);
                    if (volatility.HighWeights is { } highWeights)
                    {
                        // Only when given, so volatility triggers written before regime weights keep their hash.
                        w.WritePropertyName("weights");
                        WriteWeights(w, highWeights, sorted);
                    }

                    w.WriteNumber("window", volatility.Window);
                    w.WriteEndObject();
                };
                break;
            default:
                throw new NotSupportedException($"no canonical form for trigger {trigger.GetType().Name}");
        }
    }

    /// <summary>A band trigger's members: <c>check</c> when given, and <c>{key}: {absolute|relative: band}</c>.</summary>
    private static void CollectBand(Utf8JsonWriter w, SortedDictionary<string, Action> members, string key, DriftMeasure measure, double band, CalendarSchedule? check)
    {
        if (check is { } schedule)
        {
            members["check"] = () => w.WriteStringValue(schedule.Frequency.ToSpecName());
            CollectSchedule(w, members, schedule);
        }

        members[key] = () =>
        {
            w.WriteStartObject();
            w.WritePropertyName(measure == DriftMeasure.Absolute ? "absolute" : "relative");
            WriteNumber(w, band);
            w.WriteEndObject();
        };
    }

    /// <summary>
    /// A calendar schedule's <c>anchor</c> and <c>offset</c>, each only when it differs from its default (period-start,
    /// 0), so policies written before they existed keep their canonical form and hash.
    /// </summary>
    private static void CollectSchedule(Utf8JsonWriter w, SortedDictionary<string, Action> members, CalendarSchedule schedule)
    {
        if (schedule.Anchor != CalendarAnchor.PeriodStart)
        {
            members["anchor"] = () => w.WriteStringValue(CalendarSchedule.AnchorNames[(int)schedule.Anchor]);
        }

        if (schedule.Offset != 0)
        {
            members["offset"] = () => w.WriteNumberValue(schedule.Offset);
        }
    }

    private static void WriteList(Utf8JsonWriter w, IEnumerable<TriggerSpec> triggers, (string Name, int Index)[] sorted)
    {
        w.WriteStartArray();
        foreach (var child in triggers)
        {
            WriteTrigger(w, child, sorted);
        }

        w.WriteEndArray();
    }

    private static void WriteAssetMap(Utf8JsonWriter w, string key, (string Name, int Index)[] sorted, ReadOnlySpan<double> values)
    {
        w.WritePropertyName(key);
        w.WriteStartObject();
        foreach (var (name, index) in sorted)
        {
            w.WritePropertyName(name);
            WriteNumber(w, values[index]);
        }

        w.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter w, double value) => w.WriteRawValue(Number(value), skipInputValidation: true);
}
