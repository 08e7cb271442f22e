using System.Text;
using Ballast.Data;

namespace Ballast.Io;

/// <summary>
/// Opens a market data file and reads it with <see cref="MarketDataCsv"/> (the domain parses text; reading files is
/// Io's job). A missing file is bad input naming the path.
/// </summary>
public static class MarketDataFile
{
    /// <summary>Reads the wide CSV at <paramref name="path"/> (UTF-8, a byte-order mark allowed) as <paramref name="kind"/>.</summary>
    public static MarketData Read(string path, ValueKind kind = ValueKind.Prices)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new BallastInputException(new InputLocation(path), "data file not found");
        }

        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return MarketDataCsv.Read(reader, path, kind);
    }

    /// <summary>Reads a wide CSV held in memory (UTF-8, a byte-order mark allowed), such as a data file sent to a silo; <paramref name="source"/> names it in messages.</summary>
    public static MarketData Read(byte[] content, string source, ValueKind kind = ValueKind.Prices)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var reader = new StreamReader(new MemoryStream(content, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return MarketDataCsv.Read(reader, source, kind);
    }
}
