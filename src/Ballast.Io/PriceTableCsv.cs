using Ballast.Data;
using Ballast.Io.Reports;

namespace Ballast.Io;

/// <summary>Writes a <see cref="PriceTable"/> in the wide CSV layout that <see cref="MarketDataCsv"/> reads.</summary>
public static class PriceTableCsv
{
    public static void Write(PriceTable table, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("Date");
        foreach (var name in table.Names)
        {
            writer.Write(',');
            writer.Write(ResultFiles.Csv(name));
        }

        writer.WriteLine();
        for (var t = 0; t < table.RowCount; t++)
        {
            writer.Write(table.FormatDate(table.Dates[t]));
            foreach (var price in table.Row(t))
            {
                writer.Write(',');
                writer.Write(ResultFiles.Fixed(price, 6));
            }

            writer.WriteLine();
        }
    }
}
