using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;

namespace Ballast.Service.Projection;

/// <summary>
/// A vault in the dashboard's list: NAV and share price now, the share price's return over 30 days, 1 year and since
/// the vault's first point (null where its history is shorter than the window), annualised volatility of its daily
/// returns, maximum drawdown, drift from target (largest |weight − target| over children, a fraction; composed
/// vaults with targets only), the last report and keeper call, paused and held. Returns, volatility, drawdown and
/// drift are statistics (doubles, fractions: 0.05 is 5 %); amounts stay exact strings.
/// </summary>
public sealed record VaultSummary(
    string Id,
    string Kind,
    string Asset,
    string Nav,
    string SharePrice,
    [property: JsonPropertyName("return_30d")] double? Return30Days,
    [property: JsonPropertyName("return_1y")] double? Return1Year,
    double? ReturnSinceStart,
    double? Volatility,
    double? MaxDrawdown,
    double? DriftFromTarget,
    DateTimeOffset? LastReportAt,
    DateTimeOffset? LastKeeperCallAt,
    bool Paused,
    bool ReportHeld,
    int Rebalances);

/// <summary>Computes <see cref="VaultSummary"/> rows from a <see cref="ReadModel"/>'s series, once per read model.</summary>
public static class VaultMetrics
{
    private static readonly ConditionalWeakTable<ReadModel, IReadOnlyList<VaultSummary>> Cache = [];

    /// <summary>Every vault's summary as of <paramref name="model"/>'s head time (computed once per read model).</summary>
    public static IReadOnlyList<VaultSummary> Summaries(ReadModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Cache.GetValue(model, m => [.. m.Vaults.Values.Select(v => Summary(v, m.Series.GetValueOrDefault(v.Id) ?? [], m.HeadTime ?? v.CreatedAt))]);
    }

    /// <summary>One vault's summary from its points, at time <paramref name="now"/>.</summary>
    public static VaultSummary Summary(VaultView vault, IReadOnlyList<VaultPoint> points, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(points);
        var prices = points.Select(p => (p.Time, Price: double.Parse(p.SharePrice, CultureInfo.InvariantCulture))).ToList();
        var current = double.Parse(vault.SharePrice, CultureInfo.InvariantCulture);
        return new VaultSummary(
            vault.Id, vault.Kind, vault.Asset, vault.Nav, vault.SharePrice,
            Return(prices, current, now - TimeSpan.FromDays(30)),
            Return(prices, current, now - TimeSpan.FromDays(365)),
            prices.Count > 0 && prices[0].Price > 0 ? (current / prices[0].Price) - 1 : null,
            Volatility(prices),
            MaxDrawdown(prices),
            Drift(vault),
            vault.LastReportAt,
            vault.LastKeeperCallAt,
            vault.Paused,
            vault.ReportHeld,
            vault.Rebalances);
    }

    /// <summary>The return from the last price at or before <paramref name="since"/> to <paramref name="current"/>; null when the history starts after it.</summary>
    public static double? Return(IReadOnlyList<(DateTimeOffset Time, double Price)> prices, double current, DateTimeOffset since)
    {
        ArgumentNullException.ThrowIfNull(prices);
        double? start = null;
        foreach (var (time, price) in prices)
        {
            if (time > since)
            {
                break;
            }

            start = price;
        }

        return start is > 0 ? (current / start.Value) - 1 : null;
    }

    /// <summary>
    /// Annualised volatility: the sample standard deviation of log returns between the last prices of consecutive
    /// days (UTC), times the square root of the number of such returns per year observed; null with fewer than 3 days.
    /// </summary>
    public static double? Volatility(IReadOnlyList<(DateTimeOffset Time, double Price)> prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        var daily = prices.GroupBy(p => DateOnly.FromDateTime(p.Time.UtcDateTime)).Select(g => (Day: g.Key, g.Last().Price)).Where(d => d.Price > 0).ToList();
        if (daily.Count < 3)
        {
            return null;
        }

        var returns = daily.Zip(daily.Skip(1), (a, b) => Math.Log(b.Price / a.Price)).ToList();
        var mean = returns.Average();
        var variance = returns.Sum(r => (r - mean) * (r - mean)) / (returns.Count - 1);
        var years = (daily[^1].Day.DayNumber - daily[0].Day.DayNumber) / 365.25;
        return years <= 0 ? null : Math.Sqrt(variance * (returns.Count / years));
    }

    /// <summary>The largest fall from a running peak, as a fraction of the peak (0 when the price never fell); null without points.</summary>
    public static double? MaxDrawdown(IReadOnlyList<(DateTimeOffset Time, double Price)> prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        if (prices.Count == 0)
        {
            return null;
        }

        var (peak, worst) = (0.0, 0.0);
        foreach (var (_, price) in prices)
        {
            peak = Math.Max(peak, price);
            worst = peak > 0 ? Math.Max(worst, 1 - (price / peak)) : worst;
        }

        return worst;
    }

    /// <summary>The largest |weight − target| over a composed vault's children, as a fraction; null without targets or NAV.</summary>
    public static double? Drift(VaultView vault)
    {
        ArgumentNullException.ThrowIfNull(vault);
        if (vault.TargetsPpm is not { } targets || vault.Allocation.Length != targets.Length || vault.Nav == "0")
        {
            return null;
        }

        return vault.Allocation.Select((a, i) => Math.Abs(a.Ppm - targets[i])).DefaultIfEmpty(0).Max() / 1_000_000.0;
    }
}
