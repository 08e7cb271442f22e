using System.Text;
using Ballast.Backtesting;
using Ballast.Cluster.Sweeps;
using Ballast.Data;
using Ballast.Io;
using Ballast.Io.Reports;
using Ballast.Io.Specs;
using Ballast.Synthesis;

namespace Ballast.Cluster.Tests.Sweeps;

/// <summary>
/// A sweep of a few hundred policies on built-in data (no ../shared needed), and its outputs as the CLI writes them:
/// metrics.json of a <c>--json</c> run, and every file of an <c>--out</c> run, each as bytes.
/// </summary>
internal sealed class SweepScenario
{
    /// <summary>40 bands × 12 costs (480 policies, 12 buy-and-hold twins) on five synthetic strategies, and a written baseline.</summary>
    public const string SpecText = """
        name: cluster-sweep
        universe: [TREND, CARRY, VALUE, MACRO, ARB]
        periods_per_year: 252
        weights: { scheme: fixed, targets: { TREND: 0.3, CARRY: 0.2, VALUE: 0.2, MACRO: 0.2, ARB: 0.1 } }
        trigger: { drift: { absolute: 0.05 }, check: daily }
        sweep:
          band: { path: trigger.drift.absolute, range: { from: 0.0025, to: 0.1, step: 0.0025 } }
          cost: { path: costs.proportional_bps, range: { from: 0, to: 22, step: 2 } }
        baselines:
          - { name: annual, trigger: { calendar: annual }, costs: { proportional_bps: 7 } }
        """;

    public SweepScenario(string specText = SpecText, int years = 4)
    {
        var text = new StringWriter();
        PriceTableCsv.Write(StrategySynthesizer.Generate(5, years, seed: 42), text);
        Data = Encoding.UTF8.GetBytes(text.ToString());
        Input = new SweepInput(specText, "cluster-sweep.yaml", [], Data, "synthetic.csv", ValueKind.Prices, new BacktestOptions());
        Spec = SpecLoader.Load(specText, Input.SpecSource);
        Market = MarketDataFile.Read(Data, Input.DataSource);
    }

    public byte[] Data { get; }

    public SweepInput Input { get; }

    public Ballast.Policies.PolicySet Spec { get; }

    public MarketData Market { get; }

    /// <summary>The metrics.json a <c>--json</c> run prints.</summary>
    public byte[] Json(IPolicyRunner? runner = null)
    {
        var outcome = BacktestJob.Run(Spec, Market, new BacktestOptions { Runner = runner });
        var analysis = BacktestAnalysis.For(outcome, null, automatic: false);
        using var stream = new MemoryStream();
        ResultFiles.WriteMetricsJson(outcome, stream, analysis);
        return stream.ToArray();
    }

    /// <summary>Every file an <c>--out</c> run writes (the default files, streamed by the writer), by name.</summary>
    public SortedDictionary<string, byte[]> Out(IPolicyRunner? runner = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "ballast-cluster-sweep-" + Guid.NewGuid().ToString("N"));
        try
        {
            var request = new OutputRequest(directory);
            ResultDirectoryWriter? writer = null;
            try
            {
                var outcome = BacktestJob.Run(Spec, Market, new BacktestOptions { Record = request.NeedsRecording, Runner = runner }, sink: plan => writer = new ResultDirectoryWriter(request, plan, Spec.AllSeries()));
                writer!.Complete(outcome, BacktestAnalysis.For(outcome, null, automatic: true));
            }
            finally
            {
                writer?.Dispose();
            }

            return new SortedDictionary<string, byte[]>(Directory.GetFiles(directory).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes), StringComparer.Ordinal);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Asserts two output sets are the same files, byte for byte.</summary>
    public static void AssertSame(SortedDictionary<string, byte[]> expected, SortedDictionary<string, byte[]> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"{name} differs ({bytes.Length} bytes locally, {actual[name].Length} on the cluster)");
        }
    }
}
