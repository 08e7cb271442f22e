using System.Globalization;
using System.Text;

namespace Ballast.Cli.Tests.Research;

/// <summary>Synthetic prices and specs for the adversarial tests of the research lab.</summary>
internal static class AdversarialData
{
    /// <summary>A 60/40 of SPY and AGG with a 5-point band: the policy the attacks start from.</summary>
    public const string SixtyForty = """
        universe: [SPY, AGG]
        weights: { scheme: fixed, targets: { SPY: 0.6, AGG: 0.4 } }
        trigger: { drift: { absolute: 0.05 } }

        """;

    /// <summary>Four 60/40 policies: monthly twice (one hash), a band too wide to trade (its own twin's run), a 2-point band.</summary>
    public const string FourPolicies = """
        universe: [SPY, AGG]
        weights: { scheme: fixed, targets: { SPY: 0.6, AGG: 0.4 } }
        policies:
          - { name: monthly, trigger: { calendar: monthly } }
          - { name: monthly-again, trigger: { calendar: monthly } }
          - { name: wide-band, trigger: { drift: { absolute: 0.5 } } }
          - { name: band, trigger: { drift: { absolute: 0.02 } } }

        """;

    /// <summary>Daily rows from 2010-01-04 of two assets (SPY, AGG) given as functions of the row.</summary>
    public static string Prices(int rows, Func<int, double> spy, Func<int, double> agg)
    {
        var csv = new StringBuilder("Date,SPY,AGG\n");
        for (var r = 0; r < rows; r++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{new DateOnly(2010, 1, 4).AddDays(r):yyyy-MM-dd},{spy(r):R},{agg(r):R}\n");
        }

        return csv.ToString();
    }

    /// <summary>Two wavy assets: rebalancing trades now and then.</summary>
    public static string Wavy(int rows) => Prices(rows, r => 100 * Math.Exp((0.0004 * r) + (0.06 * Math.Sin(r / 9.0))), r => 80 * Math.Exp((0.0001 * r) + (0.02 * Math.Cos(r / 13.0))));
}
