using Ballast.Policies;
using static Ballast.Io.Specs.NodeReader;
using static Ballast.Io.Specs.SpecKeys;
using static Ballast.Io.Specs.SpecValues;

namespace Ballast.Io.Specs;

/// <summary>Binds a policy's <c>covariance</c> block: the estimator, its lookback, half-life and shrinkage target.</summary>
internal static class CovarianceBinder
{
    internal static CovarianceSpec BindCovariance(SpecNode node, string path)
    {
        var map = AsMap(node, path);
        CheckKeys(map, CovarianceKeys, path);
        var methodName = Get(map, "method") is { } m ? Choice(m, $"{path}.method", CovarianceMethods) : "sample";
        var method = methodName switch
        {
            "sample" => CovarianceMethod.Sample,
            "ewma" => CovarianceMethod.Ewma,
            _ => CovarianceMethod.LedoitWolf,
        };
        var lookback = Get(map, "lookback") is { } l ? PositiveInt(l, $"{path}.lookback") : CovarianceSpec.Default.Lookback;
        if (lookback < 2 || lookback > SpecLoader.MaxRows)
        {
            throw Fail(Get(map, "lookback")!, $"{path}.lookback", lookback < 2 ? "a covariance needs at least 2 returns" : $"at most {SpecLoader.MaxRows:N0} returns");
        }

        double? halflife = null;
        if (Get(map, "halflife") is { } h)
        {
            if (method != CovarianceMethod.Ewma)
            {
                throw Fail(h, $"{path}.halflife", "halflife applies only to method ewma");
            }

            halflife = NonNegativeNumber(h, $"{path}.halflife", positive: true);
            if (halflife < 1)
            {
                throw Fail(h, $"{path}.halflife", $"a half-life under one row ({Fmt(halflife.Value)}) leaves almost all the weight on the newest return; use 1 or more");
            }
        }
        else if (method == CovarianceMethod.Ewma)
        {
            halflife = 63;
        }

        var target = ShrinkageTarget.Identity;
        if (Get(map, "target") is { } targetNode)
        {
            if (method != CovarianceMethod.LedoitWolf)
            {
                throw Fail(targetNode, $"{path}.target", "target applies only to method ledoit-wolf (the shrinkage target)");
            }

            target = Choice(targetNode, $"{path}.target", ShrinkageTargets) == "identity" ? ShrinkageTarget.Identity : ShrinkageTarget.ConstantCorrelation;
        }

        return new CovarianceSpec(method, lookback, halflife, target);
    }
}
