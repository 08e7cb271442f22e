using System.Collections.Immutable;
using Ballast.Policies;
using static Ballast.Io.Specs.NodeReader;
using static Ballast.Io.Specs.SpecValues;

namespace Ballast.Io.Specs;

/// <summary>
/// A command-line flag that sets one key of a spec's <c>weights</c> block (or the <c>covariance</c> block): the flag as
/// typed (named in error messages), the spec key it sets, and its text.
/// </summary>
/// <param name="Flag">The flag, e.g. <c>--bounds</c>.</param>
/// <param name="Key">The spec key it sets, e.g. <c>bounds</c>.</param>
/// <param name="Text">The value as given on the command line.</param>
public sealed record WeightsFlag(string Flag, string Key, string Text);

/// <summary>
/// Binds the weights options of <c>ballast weights</c> given as flags through the spec's own binder
/// (<see cref="WeightsBinder"/>), so each flag means exactly what the spec key of the same name means and is checked
/// by the same rules. A flag's value is written as in a spec, in YAML flow syntax (<c>{threshold: 0.6, max_weight: 0.4}</c>,
/// <c>[0.05, 0.5]</c>), with shorthands: <c>ASSET=x,ASSET=y</c> for a map of numbers (targets, budgets), <c>LO:HI</c>
/// (every asset) or <c>ASSET=LO:HI,...</c> for bounds. Errors name the flag and the spec key it sets.
/// </summary>
public static class WeightsFlags
{
    /// <summary>
    /// The weights a set of flags describes over <paramref name="universe"/>. <paramref name="covariance"/> is the
    /// estimator (the spec's <c>covariance</c> block) or null for the default; with
    /// <paramref name="covarianceGiven"/> the matrix is supplied from outside, so no estimator applies and the
    /// estimator's checks (a lookback long enough for the universe) are skipped.
    /// </summary>
    /// <exception cref="BallastInputException">A flag's value is malformed, or the options break a rule of the spec grammar.</exception>
    public static WeightsSpec Bind(IReadOnlyList<WeightsFlag> weights, WeightsFlag? covariance, ImmutableArray<string> universe, bool covarianceGiven)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var entries = weights.Select(f => KeyValuePair.Create(new ScalarNode(new InputLocation(f.Flag), f.Key, plain: true), Value(f))).ToList();
        var map = new MapNode(new InputLocation("weights flags"), entries);
        return WeightsBinder.BindWeights(map, "weights", universe, covariance is null ? null : Value(covariance), "covariance", covarianceGiven);
    }

    /// <summary>
    /// Weights held before the rebalance (value / NAV, universe order) given as <c>ASSET=w,...</c>: each in [0, 1],
    /// summing to at most 1 (the rest is cash); unlisted assets hold nothing.
    /// </summary>
    /// <exception cref="BallastInputException">An asset outside the universe, a weight out of range, or a sum above 1.</exception>
    public static double[] Held(WeightsFlag flag, ImmutableArray<string> universe)
    {
        ArgumentNullException.ThrowIfNull(flag);
        var node = AsMap(Value(flag), flag.Key);
        var held = new double[universe.Length];
        foreach (var (key, value) in node.Entries)
        {
            var weight = Number(value, $"{flag.Key}.{key.Text}");
            if (weight is < 0 or > 1)
            {
                throw Fail(value, $"{flag.Key}.{key.Text}", $"a weight held must be in [0, 1], got {Fmt(weight)}");
            }

            held[AssetIndex(key, flag.Key, universe)] = weight;
        }

        if (held.Sum() > 1 + 1e-9)
        {
            throw Fail(node, flag.Key, $"the weights held sum to {Fmt(held.Sum())} > 1");
        }

        return held;
    }

    /// <summary>The flag's value as a spec node located at the flag: a shorthand, a plain scalar, or YAML flow.</summary>
    private static SpecNode Value(WeightsFlag flag)
    {
        var location = new InputLocation(flag.Flag);
        var text = flag.Text.Trim();
        if (text.StartsWith('{') || text.StartsWith('['))
        {
            try
            {
                // "--- " keeps a flow mapping from being read as JSON: the value is YAML, as in a spec.
                return Relocate(SpecDocument.Parse("--- " + text, flag.Flag), location);
            }
            catch (BallastInputException e) when (e.Detail is not null)
            {
                throw new BallastInputException(location with { Field = e.Location?.Field }, $"{e.Detail} in '{text}'");
            }
        }

        if (flag.Key == "bounds" && !text.Contains('=', StringComparison.Ordinal))
        {
            return Pair(text, location);
        }

        if (text.Contains('=', StringComparison.Ordinal))
        {
            var entries = new List<KeyValuePair<ScalarNode, SpecNode>>();
            foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var pieces = part.Split('=', 2, StringSplitOptions.TrimEntries);
                if (pieces.Length != 2 || pieces[0].Length == 0)
                {
                    throw new BallastInputException(location with { Field = $"weights.{flag.Key}" }, $"'{part}' is not ASSET=value");
                }

                if (entries.Any(e => e.Key.Text == pieces[0]))
                {
                    throw new BallastInputException(location with { Field = $"weights.{flag.Key}" }, $"{pieces[0]} is given twice");
                }

                entries.Add(KeyValuePair.Create(new ScalarNode(location, pieces[0], plain: false), flag.Key == "bounds" ? Pair(pieces[1], location) : new ScalarNode(location, pieces[1], plain: true)));
            }

            return new MapNode(location, entries);
        }

        return new ScalarNode(location, text, plain: true);
    }

    /// <summary><c>LO:HI</c> as the list <c>[LO, HI]</c>.</summary>
    private static SpecNode Pair(string text, InputLocation location)
    {
        var parts = text.Split(':', StringSplitOptions.TrimEntries);
        return parts.Length == 2
            ? new ListNode(location, [new ScalarNode(location, parts[0], plain: true), new ScalarNode(location, parts[1], plain: true)])
            : throw new BallastInputException(location with { Field = "weights.bounds" }, $"expected LO:HI (e.g. 0.05:0.5), ASSET=LO:HI,... or [LO, HI], got '{text}'");
    }

    /// <summary>The same tree with every node located at the flag (positions inside a one-line value add nothing).</summary>
    private static SpecNode Relocate(SpecNode node, InputLocation location) => node switch
    {
        ScalarNode s => new ScalarNode(location, s.Text, s.Plain, s.IsNull),
        ListNode l => new ListNode(location, [.. l.Items.Select(i => Relocate(i, location))]),
        MapNode m => new MapNode(location, [.. m.Entries.Select(e => KeyValuePair.Create((ScalarNode)Relocate(e.Key, location), Relocate(e.Value, location)))]),
        _ => node,
    };
}
