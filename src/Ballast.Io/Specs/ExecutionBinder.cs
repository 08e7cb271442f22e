using Ballast.Policies;
using static Ballast.Io.Specs.NodeReader;
using static Ballast.Io.Specs.SpecKeys;
using static Ballast.Io.Specs.SpecValues;

namespace Ballast.Io.Specs;

/// <summary>Binds a policy's <c>execution</c> block: where to trade to, partial moves, the minimum trade and the turnover cap.</summary>
internal static class ExecutionBinder
{
    internal static ExecutionSpec BindExecution(SpecNode node, string path)
    {
        var map = AsMap(node, path);
        CheckKeys(map, ExecutionKeys, path);
        var to = Get(map, "to") is { } toNode ? Choice(toNode, $"{path}.to", ExecutionTargets) : "target";
        double? partial = null;
        if (Get(map, "partial") is { } partialNode)
        {
            partial = Number(partialNode, $"{path}.partial");
            if (!(partial > 0 && partial <= 1))
            {
                throw Fail(partialNode, $"{path}.partial", $"must be in (0, 1], the fraction of the way to move; got {Fmt(partial.Value)}");
            }
        }

        MinTrade? minTrade = null;
        if (Get(map, "min_trade") is { } minNode)
        {
            var minMap = AsMap(minNode, $"{path}.min_trade");
            CheckKeys(minMap, MinTradeKeys, $"{path}.min_trade");
            var value = Get(minMap, "value") is { } v ? NonNegativeNumber(v, $"{path}.min_trade.value", positive: true) : (double?)null;
            var weight = Get(minMap, "weight") is { } w ? NonNegativeNumber(w, $"{path}.min_trade.weight", positive: true) : (double?)null;
            if (value is null && weight is null)
            {
                throw Fail(minNode, $"{path}.min_trade", "give value (currency) or weight (fraction of NAV)");
            }

            if (weight >= 1)
            {
                throw Fail(Get(minMap, "weight")!, $"{path}.min_trade.weight", $"must be < 1, got {Fmt(weight.Value)}");
            }

            minTrade = new MinTrade(value, weight);
        }

        double? maxTurnover = null;
        if (Get(map, "max_turnover") is { } maxNode)
        {
            maxTurnover = Number(maxNode, $"{path}.max_turnover");
            if (!(maxTurnover > 0 && maxTurnover <= 1))
            {
                throw Fail(maxNode, $"{path}.max_turnover", $"must be in (0, 1], the one-way turnover allowed per rebalance; got {Fmt(maxTurnover.Value)}");
            }
        }

        return new ExecutionSpec(to == "target" ? ExecutionTarget.Target : ExecutionTarget.BandEdge, partial, minTrade, maxTurnover);
    }
}
