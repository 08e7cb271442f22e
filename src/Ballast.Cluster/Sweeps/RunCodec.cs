using System.Runtime.InteropServices;
using Ballast.Backtesting;
using Ballast.Policies;

namespace Ballast.Cluster.Sweeps;

/// <summary>
/// The runs of a batch on the wire: compact binary with every double as its 8 bytes (bit-exact, so the client's output
/// is the local run's, byte for byte). Per run: a failure (its message, and whether it is bad input) or the metrics,
/// the per-row series and the trades. The policy itself does not travel: the client has compiled it.
/// </summary>
public static class RunCodec
{
    private const byte Ran = 0;
    private const byte FailedOnInput = 1;
    private const byte Failed = 2;

    /// <summary>Encodes <paramref name="runs"/> (a null run is the failure at the same index).</summary>
    public static byte[] Encode(IReadOnlyList<PolicyRun?> runs, IReadOnlyList<Exception?> failures)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(failures);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(runs.Count);
            for (var i = 0; i < runs.Count; i++)
            {
                if (runs[i] is { } run)
                {
                    writer.Write(Ran);
                    WriteRun(writer, run);
                }
                else
                {
                    var failure = failures[i] ?? throw new ArgumentException($"run {i} has neither a result nor a failure", nameof(failures));
                    writer.Write(failure is BallastInputException ? FailedOnInput : Failed);
                    writer.Write(failure.Message);
                }
            }
        }

        return stream.ToArray();
    }

    /// <summary>Decodes a batch into <paramref name="runs"/> and <paramref name="failures"/> from <paramref name="start"/>, each run bound to the client's compiled policy.</summary>
    public static void Decode(byte[] encoded, IReadOnlyList<RebalancePolicy> policies, int start, PolicyRun?[] runs, Exception?[] failures)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(failures);
        using var reader = new BinaryReader(new MemoryStream(encoded, writable: false));
        var count = reader.ReadInt32();
        for (var i = start; i < start + count; i++)
        {
            switch (reader.ReadByte())
            {
                case Ran:
                    runs[i] = ReadRun(reader, policies[i]);
                    break;
                case FailedOnInput:
                    failures[i] = new BallastInputException(reader.ReadString());
                    break;
                default:
                    failures[i] = new InvalidOperationException($"policy '{policies[i].Spec.Name}' failed on a silo: {reader.ReadString()}");
                    break;
            }
        }

        if (reader.BaseStream.Position != encoded.Length)
        {
            throw new InvalidDataException($"a batch's encoding has {encoded.Length - reader.BaseStream.Position} bytes left over");
        }
    }

    private static void WriteRun(BinaryWriter writer, PolicyRun run)
    {
        var m = run.Metrics;
        writer.Write(m.Start.DayNumber);
        writer.Write(m.End.DayNumber);
        writer.Write(m.Years);
        writer.Write(m.FinalNav);
        writer.Write(m.TotalReturn);
        Write(writer, m.Cagr);
        Write(writer, m.Volatility);
        Write(writer, m.Sharpe);
        Write(writer, m.Sortino);
        writer.Write(m.MaxDrawdown);
        Write(writer, m.Calmar);
        writer.Write(m.Rebalances);
        Write(writer, m.TurnoverOneWayAnnual);
        Write(writer, m.TurnoverTwoWayAnnual);
        writer.Write(m.CostsPaid);
        Write(writer, m.CostDragBpsPerYear);
        writer.Write(m.MeanAbsDrift);
        writer.Write(m.MaxAbsDrift);
        Write(writer, m.RebalancingPremium);
        Write(writer, run.Equity);
        Write(writer, run.Weights);
        Write(writer, run.MaxDrift);
        Write(writer, run.RiskContributions);
        if (run.Trades is not { } trades)
        {
            writer.Write(-1);
            return;
        }

        writer.Write(trades.Count);
        foreach (var t in trades)
        {
            writer.Write(t.Row);
            writer.Write(t.Date.DayNumber);
            writer.Write(t.Asset);
            writer.Write(t.Price);
            writer.Write(t.UnitsBefore);
            writer.Write(t.UnitsAfter);
            writer.Write(t.Value);
            writer.Write(t.Cost);
            writer.Write(t.WeightBefore);
            writer.Write(t.WeightAfter);
            writer.Write(t.Reason);
        }
    }

    private static PolicyRun ReadRun(BinaryReader reader, RebalancePolicy policy)
    {
        var metrics = new BacktestMetrics
        {
            Start = DateOnly.FromDayNumber(reader.ReadInt32()),
            End = DateOnly.FromDayNumber(reader.ReadInt32()),
            Years = reader.ReadDouble(),
            FinalNav = reader.ReadDouble(),
            TotalReturn = reader.ReadDouble(),
            Cagr = ReadNullable(reader),
            Volatility = ReadNullable(reader),
            Sharpe = ReadNullable(reader),
            Sortino = ReadNullable(reader),
            MaxDrawdown = reader.ReadDouble(),
            Calmar = ReadNullable(reader),
            Rebalances = reader.ReadInt32(),
            TurnoverOneWayAnnual = ReadNullable(reader),
            TurnoverTwoWayAnnual = ReadNullable(reader),
            CostsPaid = reader.ReadDouble(),
            CostDragBpsPerYear = ReadNullable(reader),
            MeanAbsDrift = reader.ReadDouble(),
            MaxAbsDrift = reader.ReadDouble(),
            RebalancingPremium = ReadNullable(reader),
        };
        var equity = ReadArray(reader);
        var weights = ReadArray(reader);
        var drift = ReadArray(reader);
        var risk = ReadArray(reader);
        var count = reader.ReadInt32();
        List<TradeRecord>? trades = null;
        if (count >= 0)
        {
            trades = new List<TradeRecord>(count);
            for (var i = 0; i < count; i++)
            {
                trades.Add(new TradeRecord(
                    reader.ReadInt32(),
                    DateOnly.FromDayNumber(reader.ReadInt32()),
                    reader.ReadString(),
                    reader.ReadDouble(),
                    reader.ReadDouble(),
                    reader.ReadDouble(),
                    reader.ReadDouble(),
                    reader.ReadDouble(),
                    reader.ReadDouble(),
                    reader.ReadDouble(),
                    reader.ReadString()));
            }
        }

        return PolicyRun.FromParts(policy, metrics, equity, weights, drift, trades, risk);
    }

    private static void Write(BinaryWriter writer, double? value)
    {
        writer.Write(value.HasValue);
        if (value is { } v)
        {
            writer.Write(v);
        }
    }

    private static double? ReadNullable(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadDouble() : null;

    private static void Write(BinaryWriter writer, double[]? values)
    {
        writer.Write(values?.Length ?? -1);
        if (values is not null)
        {
            writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
        }
    }

    private static double[]? ReadArray(BinaryReader reader)
    {
        var length = reader.ReadInt32();
        if (length < 0)
        {
            return null;
        }

        var values = new double[length];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }
}
