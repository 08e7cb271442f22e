using System.Collections.Immutable;
using Ballast.Policies;
using static Ballast.Io.Specs.NodeReader;
using static Ballast.Io.Specs.SpecKeys;
using static Ballast.Io.Specs.SpecValues;

namespace Ballast.Io.Specs;

/// <summary>Binds the linear constraints of the optimising schemes: groups, correlation_clusters, beta_limit and max_turnover.</summary>
internal static class ConstraintsBinder
{
    internal static WeightConstraints BindConstraints(MapNode map, string path, ImmutableArray<string> universe, ImmutableArray<double> lower, ImmutableArray<double> upper)
    {
        var groups = ImmutableArray.CreateBuilder<GroupLimit>();
        if (Get(map, "groups") is { } groupsNode)
        {
            var groupsPath = $"{path}.groups";
            var groupsMap = AsMap(groupsNode, groupsPath);
            if (groupsMap.Entries.Count == 0)
            {
                throw Fail(groupsNode, groupsPath, "no groups given; write e.g. groups: { equity: { assets: [SPY, EFA], max: 0.6 } } or remove the key");
            }

            foreach (var (key, value) in groupsMap.Entries)
            {
                var groupPath = $"{groupsPath}.{key.Text}";
                var group = AsMap(value, groupPath);
                CheckKeys(group, GroupKeys, groupPath);
                var assetsNode = Get(group, "assets") ?? throw Fail(group, $"{groupPath}.assets", "a group needs assets: [NAME, ...] from the universe");
                var list = AsList(assetsNode, $"{groupPath}.assets");
                if (list.Items.Count == 0)
                {
                    throw Fail(assetsNode, $"{groupPath}.assets", "the group has no assets");
                }

                var members = new List<int>();
                for (var i = 0; i < list.Items.Count; i++)
                {
                    var itemPath = $"{groupPath}.assets[{i}]";
                    var asset = Text(list.Items[i], itemPath);
                    var index = universe.IndexOf(asset);
                    if (index < 0)
                    {
                        throw Fail(list.Items[i], itemPath, $"'{asset}' is not in the universe{SuggestionNote(asset, universe)}; the universe is [{string.Join(", ", universe)}]");
                    }

                    if (members.Contains(index))
                    {
                        throw Fail(list.Items[i], itemPath, $"'{asset}' is listed twice in the group");
                    }

                    members.Add(index);
                }

                var min = Get(group, "min") is { } minNode ? Number(minNode, $"{groupPath}.min") : 0;
                var max = Get(group, "max") is { } maxNode ? Number(maxNode, $"{groupPath}.max") : 1;
                if (Get(group, "min") is null && Get(group, "max") is null)
                {
                    throw Fail(group, groupPath, "a group needs min, max or both (total weight of its assets)");
                }

                if (min < 0 || max > 1 || min > max)
                {
                    throw Fail(group, groupPath, $"group limits must satisfy 0 <= min <= max <= 1, got min {Fmt(min)}, max {Fmt(max)}");
                }

                var lowest = members.Sum(i => lower.IsDefaultOrEmpty ? 0 : lower[i]);
                var highest = members.Sum(i => upper.IsDefaultOrEmpty ? 1 : upper[i]);
                if (lowest > max + 1e-12 || highest < min - 1e-12)
                {
                    throw Fail(group, groupPath, $"group '{key.Text}' [{Fmt(min)}, {Fmt(max)}] conflicts with the bounds of its assets, which allow a total in [{Fmt(lowest)}, {Fmt(Math.Min(1, highest))}]");
                }

                groups.Add(new GroupLimit(key.Text, [.. members], min, max));
            }
        }

        ClusterLimit? clusters = null;
        if (Get(map, "correlation_clusters") is { } clustersNode)
        {
            var clustersPath = $"{path}.correlation_clusters";
            var clustersMap = AsMap(clustersNode, clustersPath);
            CheckKeys(clustersMap, ClusterKeys, clustersPath);
            var thresholdNode = Get(clustersMap, "threshold") ?? throw Fail(clustersMap, $"{clustersPath}.threshold", "correlation_clusters needs threshold (a correlation in (-1, 1), e.g. 0.8)");
            var threshold = Number(thresholdNode, $"{clustersPath}.threshold");
            if (threshold is <= -1 or >= 1)
            {
                throw Fail(thresholdNode, $"{clustersPath}.threshold", $"threshold must be a correlation strictly between -1 and 1, got {Fmt(threshold)}");
            }

            var capNode = Get(clustersMap, "max_weight") ?? throw Fail(clustersMap, $"{clustersPath}.max_weight", "correlation_clusters needs max_weight (the cap on each cluster's total weight, in (0, 1])");
            var cap = Number(capNode, $"{clustersPath}.max_weight");
            if (cap is <= 0 or > 1)
            {
                throw Fail(capNode, $"{clustersPath}.max_weight", $"max_weight must be in (0, 1], got {Fmt(cap)}");
            }

            clusters = new ClusterLimit(threshold, cap);
        }

        BetaLimit? beta = null;
        if (Get(map, "beta_limit") is { } betaNode)
        {
            var betaPath = $"{path}.beta_limit";
            var betaMap = AsMap(betaNode, betaPath);
            CheckKeys(betaMap, BetaKeys, betaPath);
            var referenceNode = Get(betaMap, "reference") ?? throw Fail(betaMap, $"{betaPath}.reference", "beta_limit needs reference: the data column to measure beta against, e.g. SPY");
            var reference = Text(referenceNode, $"{betaPath}.reference");
            var maxNode = Get(betaMap, "max") ?? throw Fail(betaMap, $"{betaPath}.max", "beta_limit needs max (the highest portfolio beta allowed, e.g. 0.6)");
            var max = Number(maxNode, $"{betaPath}.max");
            double? min = Get(betaMap, "min") is { } minNode ? Number(minNode, $"{betaPath}.min") : null;
            if (min > max)
            {
                throw Fail(betaMap, betaPath, $"beta_limit min {Fmt(min.Value)} is above max {Fmt(max)}");
            }

            beta = new BetaLimit(reference, max, min);
        }

        double? turnover = null;
        if (Get(map, "max_turnover") is { } turnoverNode)
        {
            turnover = Number(turnoverNode, $"{path}.max_turnover");
            if (turnover is <= 0 or > 2)
            {
                throw Fail(turnoverNode, $"{path}.max_turnover", $"max_turnover is an L1 distance between weight vectors, in (0, 2]; got {Fmt(turnover.Value)}");
            }
        }

        return new WeightConstraints { Groups = groups.ToImmutable(), Clusters = clusters, Beta = beta, MaxTurnover = turnover };
    }
}
