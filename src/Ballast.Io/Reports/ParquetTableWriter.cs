using Parquet;
using Parquet.Schema;

namespace Ballast.Io.Reports;

/// <summary>
/// A Parquet file (Parquet.Net) written row by row into column buffers and flushed as a row group every
/// <see cref="RowGroupRows"/> rows, so a file of any length is written in bounded memory. Add the values of a row
/// column by column, in schema order, then call <see cref="EndRow"/>.
/// </summary>
internal sealed class ParquetTableWriter : IDisposable
{
    /// <summary>Rows per row group.</summary>
    public const int RowGroupRows = 1 << 17;

    private readonly FileStream _stream;
    private readonly ParquetWriter _writer;
    private readonly IColumn[] _columns;
    private int _rows;
    private bool _closed;

    public ParquetTableWriter(string path, IReadOnlyList<DataField> fields)
    {
        _columns = [.. fields.Select(BufferFor)];
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        _writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), _stream, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }).GetAwaiter().GetResult();
    }

    /// <summary>The next column's value of the current row.</summary>
    public void Add(int column, DateOnly value) => ((Column<DateOnly>)_columns[column]).Values.Add(value);

    /// <inheritdoc cref="Add(int, DateOnly)"/>
    public void Add(int column, string value) => ((StringColumn)_columns[column]).Values.Add(value);

    /// <inheritdoc cref="Add(int, DateOnly)"/>
    public void Add(int column, double value) => ((Column<double>)_columns[column]).Values.Add(value);

    /// <inheritdoc cref="Add(int, DateOnly)"/>
    public void Add(int column, double? value) => ((Column<double?>)_columns[column]).Values.Add(value);

    /// <summary>Ends a row; flushes a row group when the buffers are full.</summary>
    public void EndRow()
    {
        if (++_rows >= RowGroupRows)
        {
            Flush();
        }
    }

    /// <summary>Writes the buffered rows and the file's footer.</summary>
    public void Finish()
    {
        if (_rows > 0)
        {
            Flush();
        }

        _closed = true;
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
    }

    /// <summary>Closes the file; unless <see cref="Finish"/> ran, it is incomplete (the caller deletes it).</summary>
    public void Dispose()
    {
        if (!_closed)
        {
            _closed = true;
            _stream.Dispose();
        }
    }

    private void Flush()
    {
        using (var group = _writer.CreateRowGroup())
        {
            foreach (var column in _columns)
            {
                column.WriteAsync(group).GetAwaiter().GetResult();
            }
        }

        _rows = 0;
    }

    private static IColumn BufferFor(DataField field) => field.ClrType switch
    {
        var t when t == typeof(string) || t == typeof(ReadOnlyMemory<char>) => new StringColumn(field),
        var t when t == typeof(DateOnly) => new Column<DateOnly>(field),
        var t when t == typeof(double) && field.IsNullable => new Column<double?>(field),
        var t when t == typeof(double) => new Column<double>(field),
        _ => throw new ArgumentException($"no buffer for a {field.ClrType} column", nameof(field)),
    };

    private interface IColumn
    {
        Task WriteAsync(ParquetRowGroupWriter group);
    }

    private sealed class StringColumn(DataField field) : IColumn
    {
        public List<string> Values { get; } = [];

        public async Task WriteAsync(ParquetRowGroupWriter group)
        {
            await group.WriteAsync(field, Values.ToArray()).ConfigureAwait(false);
            Values.Clear();
        }
    }

    private sealed class Column<T>(DataField field) : IColumn
    {
        public List<T> Values { get; } = [];

        public async Task WriteAsync(ParquetRowGroupWriter group)
        {
            var values = Values.ToArray();
            Values.Clear();
            await Write(group, values).ConfigureAwait(false);
        }

        private Task Write(ParquetRowGroupWriter group, T[] values) => values switch
        {
            double[] v => group.WriteAsync<double>(field, v.AsMemory()),
            double?[] v => group.WriteAsync<double>(field, (ReadOnlyMemory<double?>)v.AsMemory()),
            DateOnly[] v => group.WriteAsync<DateOnly>(field, v.AsMemory()),
            _ => throw new InvalidOperationException($"no writer for {typeof(T)}"),
        };
    }
}
