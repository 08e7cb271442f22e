using System.Collections.Immutable;
using Ballast.Data;
using Ballast.Policies;
using static Ballast.Io.Specs.NodeReader;
using static Ballast.Io.Specs.SpecKeys;
using static Ballast.Io.Specs.SpecValues;

namespace Ballast.Io.Specs;

/// <summary>Binds a policy's <c>trigger</c>: calendar, drift and risk-drift bands, any/all, cooldowns and the volatility regime.</summary>
/// <summary>What a trigger may refer to in its policy: the universe and the policy's weights (for a volatility regime's own weights).</summary>
internal sealed record TriggerScope(ImmutableArray<string> Universe, WeightsSpec Weights);

internal static class TriggerBinder
{
    internal static TriggerSpec BindTrigger(SpecNode node, string path, bool allowNone, TriggerScope? scope = null)
    {
        if (node is ScalarNode scalar)
        {
            if (allowNone && scalar.Text == "none")
            {
                return new NoTrigger();
            }

            throw Fail(node, path, allowNone ? $"expected none or a mapping such as {{ calendar: monthly }}, found {node.Describe}" : $"expected a trigger mapping such as {{ calendar: monthly }}, found {node.Describe}");
        }

        var map = AsMap(node, path);
        CheckKeys(map, TriggerKeys, path);
        var kinds = Kinds(map);
        var volatilityNode = Get(map, "volatility");
        if (volatilityNode is not null && !allowNone)
        {
            // One regime per policy: a volatility block inside any/all or inside another's then would need state of its own.
            throw Fail(volatilityNode, Join(path, "volatility"), "volatility applies only to a policy's top-level trigger, not inside any, all or then; put it on the outer trigger");
        }
        var anchorNode = Get(map, "anchor");
        var offsetNode = Get(map, "offset");
        if (kinds.Count == 0 && volatilityNode is not null)
        {
            if ((anchorNode ?? offsetNode) is { } unscheduled)
            {
                var key = anchorNode is not null ? "anchor" : "offset";
                throw Fail(unscheduled, Join(path, key), $"{key} applies to a calendar trigger or to a drift check, and this trigger has neither");
            }

            // Only a volatility regime: nothing happens in calm markets, the `then` trigger applies in turbulent ones.
            var calm = WrapVolatility(new NoTrigger(), volatilityNode, Join(path, "volatility"), scope);
            return Get(map, "cooldown") is { } c ? Cooldown(calm, c, Join(path, "cooldown")) : calm;
        }

        if (kinds.Count != 1)
        {
            throw Fail(map, path, kinds.Count == 0
                ? "a trigger needs exactly one of calendar, drift, risk_drift, any, all"
                : $"a trigger takes exactly one of calendar, drift, risk_drift, any, all; found {string.Join(" and ", kinds.Select(k => k.Key.Text))} (combine them with any: [...] or all: [...])");
        }

        var (kindKey, body) = (kinds[0].Key.Text, kinds[0].Value);
        var bodyPath = Join(path, kindKey);
        var checkNode = Get(map, "check");
        if (checkNode is not null && kindKey is not ("drift" or "risk_drift"))
        {
            throw Fail(checkNode, Join(path, "check"), "check applies only to drift triggers (how often drift is checked)");
        }

        if (kindKey is not "calendar" && checkNode is null && (anchorNode ?? offsetNode) is { } stray)
        {
            var key = anchorNode is not null ? "anchor" : "offset";
            throw Fail(stray, Join(path, key), $"{key} applies to a calendar trigger or to a drift check (e.g. {{ calendar: quarterly, {key}: {(key == "anchor" ? "period-end" : "1")} }})");
        }

        TriggerSpec trigger;
        switch (kindKey)
        {
            case "calendar":
                var calendar = Schedule(Frequency(body, bodyPath), anchorNode, offsetNode, path);
                trigger = new CalendarTrigger(calendar.Frequency, calendar.Anchor, calendar.Offset);
                break;
            case "drift" or "risk_drift":
                var drift = AsMap(body, bodyPath);
                CheckKeys(drift, DriftKeys, bodyPath);
                if (drift.Entries.Count != 1)
                {
                    throw Fail(drift, bodyPath, kindKey == "drift"
                        ? "give exactly one of absolute (weight points, e.g. 0.05) or relative (fraction of target, e.g. 0.25)"
                        : "give exactly one of absolute (points of risk contribution, e.g. 0.05) or relative (fraction of the risk budget, e.g. 0.25)");
                }

                var (measureKey, bandNode) = (drift.Entries[0].Key.Text, drift.Entries[0].Value);
                var band = Number(bandNode, Join(bodyPath, measureKey));
                if (kindKey == "drift" ? !(band >= 0) : !(band > 0))
                {
                    // A drift band of 0 rebalances at every check; a zero risk-drift band has no such use.
                    throw Fail(bandNode, Join(bodyPath, measureKey), kindKey == "drift"
                        ? $"the band must be >= 0 (0: rebalance at every check), got {Fmt(band)}"
                        : $"the band must be > 0, got {Fmt(band)}");
                }

                if (measureKey == "absolute" && band >= 1)
                {
                    throw Fail(bandNode, Join(bodyPath, measureKey), $"an absolute band is in {(kindKey == "drift" ? "weight points" : "points of risk contribution")} and must be < 1 (0.05 = 5 points), got {Fmt(band)}");
                }

                var check = checkNode is null ? null : Schedule(Frequency(checkNode, Join(path, "check")), anchorNode, offsetNode, path);
                var measure = measureKey == "absolute" ? DriftMeasure.Absolute : DriftMeasure.Relative;
                var (checkAnchor, checkOffset) = check is null ? (CalendarAnchor.PeriodStart, 0) : (check.Anchor, check.Offset);
                trigger = kindKey == "drift"
                    ? new DriftTrigger(measure, band, check?.Frequency, checkAnchor, checkOffset)
                    : new RiskDriftTrigger(measure, band, check?.Frequency, checkAnchor, checkOffset);
                break;
            default:
                var list = AsList(body, bodyPath);
                if (list.Items.Count == 0)
                {
                    throw Fail(body, bodyPath, $"{kindKey} needs at least one trigger");
                }

                var children = list.Items.Select((item, i) => BindTrigger(item, $"{bodyPath}[{i}]", allowNone: false)).ToImmutableArray();
                trigger = kindKey == "any" ? new AnyTrigger(children) : new AllTrigger(children);
                break;
        }

        if (volatilityNode is not null)
        {
            trigger = WrapVolatility(trigger, volatilityNode, Join(path, "volatility"), scope);
        }

        return Get(map, "cooldown") is { } cooldownNode ? Cooldown(trigger, cooldownNode, Join(path, "cooldown")) : trigger;
    }

    /// <summary>The members of a trigger mapping that name its kind, in written order (a loop: LINQ over the entries is compiled at run time).</summary>
    private static List<KeyValuePair<ScalarNode, SpecNode>> Kinds(MapNode map)
    {
        var kinds = new List<KeyValuePair<ScalarNode, SpecNode>>(1);
        var entries = map.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Key.Text is "calendar" or "drift" or "risk_drift" or "any" or "all")
            {
                kinds.Add(entries[i]);
            }
        }

        return kinds;
    }

    internal static TriggerSpec WrapVolatility(TriggerSpec normal, SpecNode node, string path, TriggerScope? scope = null)
    {
        var map = AsMap(node, path);
        CheckKeys(map, VolatilityKeys, path);
        var window = Get(map, "window") is { } w ? PositiveInt(w, Join(path, "window")) : 21;
        if (window > SpecLoader.MaxRows)
        {
            throw Fail(Get(map, "window")!, Join(path, "window"), $"at most {SpecLoader.MaxRows:N0} returns");
        }

        if (window < 2)
        {
            throw Fail(Get(map, "window")!, Join(path, "window"), "a realised volatility needs a window of at least 2 returns");
        }

        var aboveNode = Get(map, "above") ?? throw Fail(map, Join(path, "above"), "give above: the annualised volatility (e.g. 0.25) above which the high-volatility regime starts");
        var above = NonNegativeNumber(aboveNode, Join(path, "above"), positive: true);
        // Rounded so the default and the same value written out (0.2 → 0.16) are one number and one hash.
        var below = Math.Round(above * 0.8, 12, MidpointRounding.AwayFromZero);
        if (Get(map, "below") is { } belowNode)
        {
            below = NonNegativeNumber(belowNode, Join(path, "below"), positive: true);
            if (below > above)
            {
                throw Fail(belowNode, Join(path, "below"), $"below ({Fmt(below)}) must not exceed above ({Fmt(above)}): the regime ends when volatility falls back under it");
            }
        }

        var highWeights = Get(map, "weights") is { } weightsNode ? RegimeWeights(weightsNode, Join(path, "weights"), scope) : null;
        var thenNode = Get(map, "then");
        if (thenNode is null && highWeights is null)
        {
            throw Fail(map, Join(path, "then"), "give then: the trigger of the high-volatility regime, a frequency (e.g. weekly) or a trigger mapping (e.g. { drift: { absolute: 0.02 } }), or weights: the targets of the high-volatility regime");
        }

        // Without then, the high regime keeps the normal trigger (and its own weights).
        var high = thenNode is null
            ? normal
            : thenNode is ScalarNode scalar && CalendarFrequencies.TryParse(scalar.Text, out var frequency)
                ? new CalendarTrigger(frequency)
                : BindTrigger(thenNode, Join(path, "then"), allowNone: false);
        var watched = Get(map, "scope") is { } s ? Choice(s, Join(path, "scope"), VolatilityScopes) : "portfolio";
        return new VolatilityTrigger(normal, window, above, below, high, watched == "portfolio" ? VolatilityScope.Portfolio : VolatilityScope.AnyAsset, highWeights);
    }

    /// <summary>
    /// A volatility regime's <c>weights</c>: a weights block of scheme fixed or equal over the policy's universe (the
    /// targets in force while the regime is high), for a policy whose own weights are fixed too.
    /// </summary>
    private static FixedWeights RegimeWeights(SpecNode node, string path, TriggerScope? scope)
    {
        if (scope is null)
        {
            throw Fail(node, path, "weights for the high-volatility regime need the policy's universe; give them in a policy's trigger");
        }

        if (scope.Weights is not FixedWeights)
        {
            throw Fail(node, path, "weights for the high-volatility regime need the policy's own weights to be fixed (scheme fixed or equal); a risk-based policy sets its targets from the covariance estimate");
        }

        var weights = WeightsBinder.BindWeights(AsMap(node, path), path, scope.Universe, null, string.Empty);
        return weights as FixedWeights ?? throw Fail(node, Join(path, "scheme"), "weights for the high-volatility regime take scheme fixed or equal (targets in force while volatility is high)");
    }

    internal static TriggerSpec Cooldown(TriggerSpec trigger, SpecNode cooldownNode, string cooldownPath)
    {
        int? rows = null;
        int? days = null;
        if (cooldownNode is MapNode cooldownMap)
        {
            CheckKeys(cooldownMap, CooldownKeys, cooldownPath);
            rows = Get(cooldownMap, "rows") is { } r ? PositiveInt(r, Join(cooldownPath, "rows")) : null;
            days = Get(cooldownMap, "days") is { } d ? PositiveInt(d, Join(cooldownPath, "days")) : null;
            if (rows is null && days is null)
            {
                throw Fail(cooldownNode, cooldownPath, "give rows, days or both");
            }
        }
        else
        {
            rows = PositiveInt(cooldownNode, cooldownPath);
        }

        return new CooldownTrigger(trigger, rows, days);
    }

    /// <summary>A calendar schedule: the frequency with the trigger mapping's <c>anchor</c> and <c>offset</c> (defaults: period-start, 0).</summary>
    internal static CalendarSchedule Schedule(CalendarFrequency frequency, SpecNode? anchorNode, SpecNode? offsetNode, string path)
    {
        var anchor = CalendarAnchor.PeriodStart;
        if (anchorNode is not null)
        {
            anchor = (CalendarAnchor)CalendarSchedule.AnchorNames.ToList().IndexOf(Choice(anchorNode, Join(path, "anchor"), CalendarSchedule.AnchorNames));
        }

        var offset = 0;
        if (offsetNode is not null)
        {
            var max = CalendarSchedule.MaxOffset(frequency);
            var name = frequency.ToSpecName();
            offset = Int(offsetNode, Join(path, "offset"), 0);
            // offset 0 is the default, the period's own anchor row, for every frequency: written out it means what
            // leaving it out means (and gives the same hash); daily and monthly take no other.
            if (max == 0 && offset != 0)
            {
                throw Fail(offsetNode, Join(path, "offset"), $"{name} takes no offset other than 0 (offset shifts weekly periods by days, quarterly, semiannual and annual ones by months)");
            }

            if (offset > max)
            {
                throw Fail(offsetNode, Join(path, "offset"), frequency == CalendarFrequency.Weekly
                    ? $"a weekly offset is 0 to 6 days after Monday (4: weeks from Friday to Thursday), got {offset}"
                    : $"the {name} offset is 0 to {max} months after January (e.g. {(frequency == CalendarFrequency.Quarterly ? "1: quarters starting February, May, August and November" : frequency == CalendarFrequency.Annual ? "6: years from July to June" : "3: half-years starting April and October")}), got {offset}");
            }
        }

        return new CalendarSchedule(frequency, anchor, offset);
    }

    internal static CalendarFrequency Frequency(SpecNode node, string path)
    {
        var text = Choice(node, path, CalendarFrequencies.Names);
        CalendarFrequencies.TryParse(text, out var frequency);
        return frequency;
    }
}
