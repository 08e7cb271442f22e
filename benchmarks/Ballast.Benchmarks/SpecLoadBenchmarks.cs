using System.Globalization;
using System.Text;
using Ballast.Io.Specs;
using Ballast.Policies;
using BenchmarkDotNet.Attributes;

namespace Ballast.Benchmarks;

/// <summary>
/// Loading a JSON spec of 10,000 policies (about 1.5 MB) with <c>SpecLoader.Load</c>: parse, bind, validate.
/// A second case also compiles every policy (<see cref="RebalancePolicy"/>, which hashes its canonical JSON), as a
/// backtest run must. Target: the load well under a second.
/// </summary>
[MemoryDiagnoser]
public class SpecLoadBenchmarks
{
    public const int PolicyCount = 10_000;

    private static readonly string[] Frequencies = ["daily", "weekly", "monthly", "quarterly", "semiannual", "annual"];

    private string _json = null!;

    [GlobalSetup]
    public void Setup()
    {
        _json = Build();
        var set = SpecLoader.Load(_json, "sweep.json");
        if (set.Policies.Length != PolicyCount)
        {
            throw new InvalidOperationException($"expected {PolicyCount} policies, loaded {set.Policies.Length}");
        }

        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "// spec: {0} policies, {1:N0} characters of JSON", set.Policies.Length, _json.Length));
    }

    [Benchmark(Description = "SpecLoader.Load, 10,000-policy JSON")]
    public int Load() => SpecLoader.Load(_json, "sweep.json").Policies.Length;

    [Benchmark(Description = "SpecLoader.Load + compile 10,000 policies")]
    public int LoadAndCompile()
    {
        var set = SpecLoader.Load(_json, "sweep.json");
        var hashes = 0;
        foreach (var spec in set.Policies)
        {
            hashes += new RebalancePolicy(spec).Hash.ToString().Length;
        }

        return hashes;
    }

    /// <summary>
    /// Shared universe, weights and costs at the top level; each policy has its own name, trigger and execution:
    /// a mix of calendar triggers, absolute and relative drift bands (some with a check frequency or cooldown),
    /// and any-combinations, with execution variants.
    /// </summary>
    private static string Build()
    {
        var inv = CultureInfo.InvariantCulture;
        string[] assets = ["TREND", "CARRY", "VALUE", "MACRO", "ARB", "MOMENTUM", "QUALITY", "DEFENSIVE", "S9", "S10"];
        double[] targets = [0.15, 0.15, 0.10, 0.10, 0.10, 0.10, 0.10, 0.08, 0.07, 0.05];
        var sb = new StringBuilder(PolicyCount * 200);
        sb.Append("{\n  \"name\": \"bench-sweep\",\n  \"universe\": [");
        sb.AppendJoin(", ", assets.Select(a => $"\"{a}\""));
        sb.Append("],\n  \"capital\": 1000000,\n  \"periods_per_year\": 252,\n  \"weights\": { \"scheme\": \"fixed\", \"targets\": {");
        sb.AppendJoin(", ", assets.Select((a, i) => string.Format(inv, "\"{0}\": {1}", a, targets[i])));
        sb.Append("} },\n  \"costs\": { \"proportional_bps\": 5, \"spread_bps\": { \"TREND\": 2, \"ARB\": 4 }, \"fixed_per_trade\": 0 },\n  \"lot\": 0.001,\n");
        sb.Append("  \"trigger\": { \"calendar\": \"monthly\" },\n  \"policies\": [\n");
        for (var i = 0; i < PolicyCount; i++)
        {
            var band = ((i % 20) + 1) / 100.0;
            var frequency = Frequencies[(i / 20) % Frequencies.Length];
            var trigger = ((i / 120) % 5) switch
            {
                0 => string.Format(inv, "{{ \"calendar\": \"{0}\" }}", frequency),
                1 => string.Format(inv, "{{ \"drift\": {{ \"absolute\": {0} }} }}", band),
                2 => string.Format(inv, "{{ \"drift\": {{ \"relative\": {0} }}, \"check\": \"{1}\" }}", band * 5, frequency),
                3 => string.Format(inv, "{{ \"drift\": {{ \"absolute\": {0} }}, \"cooldown\": {{ \"rows\": 5 }} }}", band),
                _ => string.Format(inv, "{{ \"any\": [ {{ \"calendar\": \"{0}\" }}, {{ \"drift\": {{ \"absolute\": {1} }} }} ] }}", frequency, band),
            };
            var bandEdge = ((i / 120) % 5) != 0 && (i / 600) % 2 == 1;
            var execution = ((i / 1200) % 4) switch
            {
                0 => bandEdge ? "{ \"to\": \"band-edge\" }" : "{ \"to\": \"target\" }",
                1 => string.Format(inv, "{{ \"to\": \"{0}\", \"partial\": 0.5 }}", bandEdge ? "band-edge" : "target"),
                2 => string.Format(inv, "{{ \"to\": \"{0}\", \"min_trade\": {{ \"weight\": 0.005 }} }}", bandEdge ? "band-edge" : "target"),
                _ => string.Format(inv, "{{ \"to\": \"{0}\", \"max_turnover\": 0.1, \"min_trade\": {{ \"value\": 1000 }} }}", bandEdge ? "band-edge" : "target"),
            };
            sb.Append(inv, $"    {{ \"name\": \"p{i:D5}\", \"trigger\": {trigger}, \"execution\": {execution} }}");
            sb.Append(i + 1 < PolicyCount ? ",\n" : "\n");
        }

        sb.Append("  ]\n}\n");
        return sb.ToString();
    }
}
