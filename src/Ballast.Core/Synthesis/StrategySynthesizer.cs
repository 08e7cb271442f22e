using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;
using Ballast.Data;

namespace Ballast.Synthesis;

/// <summary>Parameters of one synthetic strategy: annual drift and volatility, and its loading on the common factor.</summary>
/// <param name="Name">The series name (a column of the generated data).</param>
/// <param name="Drift">Annual drift of its own, a fraction per year, added to loading × the market's drift.</param>
/// <param name="Volatility">Annual volatility in calm periods, a fraction per year.</param>
/// <param name="FactorLoading">Correlation with the common market factor, −1 to 1 (in stress its magnitude rises by 0.25, capped at 0.95).</param>
/// <param name="StressSensitivity">Multiplier of <paramref name="Volatility"/> during stress periods.</param>
public sealed record StrategyProfile(string Name, double Drift, double Volatility, double FactorLoading, double StressSensitivity);

/// <summary>
/// Generates correlated strategy NAV series with distinct drifts and volatilities and shared volatility regimes:
/// a two-state Markov chain switches between calm periods and stress spikes, in which volatility jumps and
/// correlations rise. Business days (Monday to Friday), NAVs start at 100 and are rounded to 6 decimals.
/// Deterministic for a seed.
/// </summary>
public static class StrategySynthesizer
{
    private const int DaysPerYear = 252;

    /// <summary>The most strategies one call generates (the CLI's and the scenarios' allowed range is 1 to this).</summary>
    public const int MaxStrategies = 1_000;

    /// <summary>The most years one call generates (the CLI's and the scenarios' allowed range is 1 to this).</summary>
    public const int MaxYears = 200;

    private static readonly StrategyProfile[] Profiles =
    [
        new("TREND", 0.070, 0.15, 0.10, 1.6),
        new("CARRY", 0.060, 0.08, 0.50, 2.8),
        new("VALUE", 0.075, 0.17, 0.70, 2.2),
        new("MACRO", 0.050, 0.10, 0.20, 1.4),
        new("ARB", 0.040, 0.05, 0.30, 3.0),
        new("MOMENTUM", 0.085, 0.20, 0.60, 2.4),
        new("QUALITY", 0.065, 0.13, 0.80, 2.0),
        new("DEFENSIVE", 0.030, 0.06, -0.20, 1.2),
    ];

    /// <summary>The profiles used for <paramref name="strategies"/> series (named ones first, then seeded random ones).</summary>
    public static IReadOnlyList<StrategyProfile> ProfilesFor(int strategies, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(strategies, 1);
        var list = new List<StrategyProfile>(strategies);
        var rng = new Xoshiro256StarStar(seed ^ 0x5eed, threadSafe: false);
        for (var i = 0; i < strategies; i++)
        {
            list.Add(i < Profiles.Length
                ? Profiles[i]
                : new StrategyProfile($"S{i + 1}", 0.02 + (0.08 * rng.NextDouble()), 0.04 + (0.20 * rng.NextDouble()), -0.3 + (1.1 * rng.NextDouble()), 1.2 + (1.8 * rng.NextDouble())));
        }

        return list;
    }

    /// <summary>The first date when none is given: Monday 3 January 2000.</summary>
    public static DateOnly DefaultStart { get; } = new(2000, 1, 3);

    /// <summary>
    /// Daily business-day NAVs of <paramref name="strategies"/> strategies (1 to <see cref="MaxStrategies"/>) over
    /// <paramref name="years"/> years (1 to <see cref="MaxYears"/>) from <paramref name="start"/>; the last year must
    /// end by 9999-12-31.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count out of its range, or a span past 9999-12-31.</exception>
    public static PriceTable Generate(int strategies, int years, int seed, DateOnly? start = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(strategies, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(strategies, MaxStrategies);
        ArgumentOutOfRangeException.ThrowIfLessThan(years, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(years, MaxYears);
        var first = start ?? DefaultStart;
        if (first.Year > DateOnly.MaxValue.Year - years)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, $"{years} years from {first:yyyy-MM-dd} run past 9999-12-31");
        }

        var profiles = ProfilesFor(strategies, seed);
        var end = first.AddYears(years);
        var dates = new List<DateOnly>();
        for (var d = first; d < end; d = d.AddDays(1))
        {
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                dates.Add(d);
            }
        }

        var rng = new Xoshiro256StarStar(seed, threadSafe: false);
        var normal = new Normal(0, 1, rng);
        var n = strategies;
        var prices = new double[dates.Count * n];
        var level = new double[n];
        Array.Fill(level, 100.0);
        var stress = false;
        var dt = 1.0 / DaysPerYear;
        var sqrtDt = Math.Sqrt(dt);
        for (var t = 0; t < dates.Count; t++)
        {
            if (t > 0)
            {
                // Calm lasts ~250 days on average, stress ~30 days.
                stress = stress ? rng.NextDouble() < 1 - (1.0 / 30) : rng.NextDouble() < 1.0 / 250;
                var market = normal.Sample();
                var marketDrift = stress ? -0.15 : 0.02;
                for (var i = 0; i < n; i++)
                {
                    var profile = profiles[i];
                    var sigma = profile.Volatility * (stress ? profile.StressSensitivity : 1.0);
                    var loading = stress ? Math.Sign(profile.FactorLoading) * Math.Min(0.95, Math.Abs(profile.FactorLoading) + 0.25) : profile.FactorLoading;
                    var shock = (loading * market) + (Math.Sqrt(1 - (loading * loading)) * normal.Sample());
                    var drift = profile.Drift + (loading * marketDrift);
                    var logReturn = ((drift - (0.5 * sigma * sigma)) * dt) + (sigma * sqrtDt * shock);
                    level[i] *= Math.Exp(logReturn);
                }
            }

            for (var i = 0; i < n; i++)
            {
                prices[(t * n) + i] = Math.Round(level[i], 6, MidpointRounding.AwayFromZero);
            }
        }

        return new PriceTable([.. profiles.Select(p => p.Name)], [.. dates], prices);
    }
}
