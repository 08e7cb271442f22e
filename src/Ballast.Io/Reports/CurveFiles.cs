using System.Runtime.InteropServices;
using Ballast.Backtesting;
using Ballast.Data;
using Parquet.Schema;

namespace Ballast.Io.Reports;

/// <summary>
/// Writes the per-row files of the runs it is given, in the order given (spec order), as they come: trades.csv and the
/// Parquet files row by row; equity.csv and weights.csv, whose rows are dates across policies, from a binary spool of
/// each run's series that <see cref="Finish"/> reads back in blocks of dates. Memory stays bounded whatever the policy
/// count; the bytes are those of <see cref="ResultFiles.WriteEquity"/>, <see cref="ResultFiles.WriteWeights"/> and
/// <see cref="ResultFiles.WriteTrades"/> for the same runs.
/// </summary>
internal sealed class CurveFiles : IDisposable
{
    /// <summary>The most bytes of spooled series read back at once when writing equity.csv or weights.csv.</summary>
    public const int BlockBytes = 32 << 20;

    private const string SpoolName = ".curves.spool";

    private readonly string _directory;
    private readonly OutputRequest _request;
    private readonly PriceTable _table;
    private readonly IReadOnlyList<string> _assets;
    private readonly string[] _dates;
    private readonly FileStream? _tradesFile;
    private readonly StreamWriter? _trades;
    private readonly FileStream? _spool;
    private readonly List<SpooledRun> _spooled = [];
    private readonly ParquetTableWriter? _equityParquet;
    private readonly ParquetTableWriter? _weightsParquet;
    private readonly ParquetTableWriter? _tradesParquet;

    public CurveFiles(string directory, OutputRequest request, PriceTable table, IReadOnlyList<string> assets)
    {
        _directory = directory;
        _request = request;
        _table = table;
        _assets = assets;
        _dates = [.. table.Dates.Select(table.FormatDate)];
        if (request.Csv && request.Has(OutputFiles.Trades))
        {
            _tradesFile = new FileStream(Path.Combine(directory, "trades.csv"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            _trades = AtomicFile.Text(_tradesFile);
            _trades.WriteLine(ResultFiles.TradesHeader);
        }

        if (request.Csv && (request.Has(OutputFiles.Equity) || request.Has(OutputFiles.Weights)))
        {
            _spool = new FileStream(Path.Combine(directory, SpoolName), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        }

        if (request.Parquet)
        {
            var date = new DataField<DateOnly>("date");
            var policy = new DataField<string>("policy");
            if (request.Has(OutputFiles.Equity))
            {
                _equityParquet = new ParquetTableWriter(Path.Combine(directory, "equity.parquet"), [date, policy, new DataField<double>("nav")]);
            }

            if (request.Has(OutputFiles.Weights))
            {
                _weightsParquet = new ParquetTableWriter(Path.Combine(directory, "weights.parquet"), [date, policy, .. assets.Select(a => new DataField<double?>(a))]);
            }

            if (request.Has(OutputFiles.Trades))
            {
                _tradesParquet = new ParquetTableWriter(Path.Combine(directory, "trades.parquet"),
                [
                    date, policy, new DataField<string>("asset"), new DataField<string>("side"),
                    .. new[] { "price", "units_before", "units_after", "value", "cost", "weight_before", "weight_after" }.Select(n => new DataField<double>(n)),
                    new DataField<string>("reason"),
                ]);
            }
        }
    }

    /// <summary>Writes (or spools) one run's rows; runs come in spec order. The run's series are not kept.</summary>
    public void Add(PolicyRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Equity is null || run.Weights is null || run.Trades is null)
        {
            throw new InvalidOperationException("the backtest was not recorded; run it with Record = true to write per-row files");
        }

        if (_trades is not null)
        {
            ResultFiles.WriteTradeRows(_trades, _table, run);
        }

        var map = _assets.Select(a => run.Policy.Names.ToList().IndexOf(a)).ToArray();
        if (_spool is not null)
        {
            var offset = _spool.Position;
            _spool.Write(MemoryMarshal.AsBytes(run.Equity.AsSpan()));
            _spool.Write(MemoryMarshal.AsBytes(run.Weights.AsSpan()));
            _spooled.Add(new SpooledRun(ResultFiles.Csv(run.Name), offset, run.Policy.AssetCount, map));
        }

        AddParquet(run, map);
    }

    /// <summary>Writes equity.csv and weights.csv from the spool, completes every file and deletes the spool.</summary>
    public void Finish()
    {
        _trades?.Dispose();
        _tradesFile?.Flush(flushToDisk: true);
        _tradesFile?.Dispose();
        _equityParquet?.Finish();
        _weightsParquet?.Finish();
        _tradesParquet?.Finish();
        if (_spool is not null)
        {
            _spool.Flush();
            if (_request.Has(OutputFiles.Equity))
            {
                WriteFromSpool("equity.csv", WriteEquity);
            }

            if (_request.Has(OutputFiles.Weights))
            {
                WriteFromSpool("weights.csv", WriteWeights);
            }

            _spool.Dispose();
            File.Delete(Path.Combine(_directory, SpoolName));
        }
    }

    public void Dispose()
    {
        _tradesFile?.Dispose();
        _spool?.Dispose();
        _equityParquet?.Dispose();
        _weightsParquet?.Dispose();
        _tradesParquet?.Dispose();
    }

    private void WriteFromSpool(string name, Action<StreamWriter> write)
    {
        using var stream = new FileStream(Path.Combine(_directory, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        using (var writer = AtomicFile.Text(stream))
        {
            write(writer);
        }

        stream.Flush(flushToDisk: true);
    }

    /// <summary>equity.csv: a block of dates at a time, each run's NAVs for the block read from the spool.</summary>
    private void WriteEquity(StreamWriter writer)
    {
        writer.Write("date");
        foreach (var run in _spooled)
        {
            writer.Write(',');
            writer.Write(run.CsvName);
        }

        writer.WriteLine();
        var rows = _table.RowCount;
        var block = Math.Clamp(BlockBytes / (8 * Math.Max(1, _spooled.Count)), 1, rows);
        var values = new double[_spooled.Count * block];
        for (var first = 0; first < rows; first += block)
        {
            var count = Math.Min(block, rows - first);
            for (var p = 0; p < _spooled.Count; p++)
            {
                ReadSpool(_spooled[p].Offset + (first * 8L), values.AsSpan(p * block, count));
            }

            for (var r = 0; r < count; r++)
            {
                writer.Write(_dates[first + r]);
                for (var p = 0; p < _spooled.Count; p++)
                {
                    writer.Write(',');
                    ResultFiles.WriteFixed(writer, values[(p * block) + r], 6);
                }

                writer.WriteLine();
            }
        }
    }

    /// <summary>weights.csv: a block of dates at a time; for each date every run's row, in spec order.</summary>
    private void WriteWeights(StreamWriter writer)
    {
        writer.Write("date,policy");
        foreach (var asset in _assets)
        {
            writer.Write(',');
            writer.Write(ResultFiles.Csv(asset));
        }

        writer.WriteLine();
        var rows = _table.RowCount;
        long perRow = Math.Max(1, _spooled.Sum(r => (long)r.Assets));
        var block = (int)Math.Clamp(BlockBytes / (8 * perRow), 1, rows);
        var starts = new int[_spooled.Count];
        var at = 0;
        for (var p = 0; p < _spooled.Count; p++)
        {
            starts[p] = at;
            at += _spooled[p].Assets * block;
        }

        var values = new double[at];
        for (var first = 0; first < rows; first += block)
        {
            var count = Math.Min(block, rows - first);
            for (var p = 0; p < _spooled.Count; p++)
            {
                var run = _spooled[p];
                ReadSpool(run.Offset + ((rows + ((long)first * run.Assets)) * 8L), values.AsSpan(starts[p], count * run.Assets));
            }

            for (var r = 0; r < count; r++)
            {
                var date = _dates[first + r];
                for (var p = 0; p < _spooled.Count; p++)
                {
                    var run = _spooled[p];
                    writer.Write(date);
                    writer.Write(',');
                    writer.Write(run.CsvName);
                    foreach (var index in run.Map)
                    {
                        writer.Write(',');
                        if (index >= 0)
                        {
                            ResultFiles.WriteFixed(writer, values[starts[p] + (r * run.Assets) + index], 8);
                        }
                    }

                    writer.WriteLine();
                }
            }
        }
    }

    private void ReadSpool(long offset, Span<double> into)
    {
        var bytes = MemoryMarshal.AsBytes(into);
        while (bytes.Length > 0)
        {
            var read = RandomAccess.Read(_spool!.SafeFileHandle, bytes, offset);
            if (read <= 0)
            {
                throw new IOException("the curve spool ended early");
            }

            bytes = bytes[read..];
            offset += read;
        }
    }

    private void AddParquet(PolicyRun run, int[] map)
    {
        var dates = _table.Dates;
        if (_equityParquet is { } equity)
        {
            for (var t = 0; t < dates.Length; t++)
            {
                equity.Add(0, dates[t]);
                equity.Add(1, run.Name);
                equity.Add(2, run.Equity![t]);
                equity.EndRow();
            }
        }

        if (_weightsParquet is { } weights)
        {
            var n = run.Policy.AssetCount;
            for (var t = 0; t < dates.Length; t++)
            {
                weights.Add(0, dates[t]);
                weights.Add(1, run.Name);
                for (var a = 0; a < map.Length; a++)
                {
                    weights.Add(2 + a, map[a] >= 0 ? run.Weights![(t * n) + map[a]] : null);
                }

                weights.EndRow();
            }
        }

        if (_tradesParquet is { } trades)
        {
            foreach (var trade in run.Trades!)
            {
                trades.Add(0, trade.Date);
                trades.Add(1, run.Name);
                trades.Add(2, trade.Asset);
                trades.Add(3, trade.Value >= 0 ? "buy" : "sell");
                trades.Add(4, trade.Price);
                trades.Add(5, trade.UnitsBefore);
                trades.Add(6, trade.UnitsAfter);
                trades.Add(7, trade.Value);
                trades.Add(8, trade.Cost);
                trades.Add(9, trade.WeightBefore);
                trades.Add(10, trade.WeightAfter);
                trades.Add(11, trade.Reason);
                trades.EndRow();
            }
        }
    }

    /// <summary>Where one run's series sit in the spool: NAV per row, then row-major weights; its CSV name and series map.</summary>
    private sealed record SpooledRun(string CsvName, long Offset, int Assets, int[] Map);
}
