using System.Text.Json;

namespace Ballast.Io.Reports;

/// <summary>
/// The <c>"policies"</c> array of metrics.json without an analysis (every <c>--json</c> run and an unrecorded one):
/// each run's entry (name, hash, canonical policy, metrics, role, sweep parameters, twin and baselines: the calls of
/// <see cref="PolicyEntryJson"/>, which the <see cref="Utf8JsonWriter"/> path makes too, so the same bytes) rendered
/// straight into UTF-8 by <see cref="IndentedJsonText"/>, in chunks of consecutive runs on every core, and written in
/// spec order straight to the stream, one write a chunk. Memory stays bounded: one batch of rendered chunks at a
/// time, in buffers reused from batch to batch and small enough to stay out of the large object heap.
/// </summary>
internal static class PolicyEntries
{
    /// <summary>Runs rendered one after the other into one buffer (a task of the parallel loop).</summary>
    private const int Chunk = 32;

    /// <summary>Runs rendered at once (in parallel) before their bytes are written.</summary>
    private const int Batch = 2048;

    /// <summary>A chunk's first buffer: 32 entries of a few assets (about 1.7 kB each) fit, and the array stays below the large object heap's 85,000 bytes.</summary>
    private const int ChunkBytes = 80_000;

    /// <summary>The depth of an entry: an element of <c>"policies"</c>, itself a member of the root object.</summary>
    private const int Depth = 2;

    /// <summary>
    /// Writes every run's entry into the open <c>"policies"</c> array of <paramref name="w"/>, whose options' line break
    /// is <paramref name="newLine"/> and whose output is <paramref name="stream"/>: the first entry through the writer
    /// (so that it closes the array as a non-empty one), the others, each after its comma, straight to the stream.
    /// </summary>
    public static void Write(Utf8JsonWriter w, Stream stream, BacktestOutcome outcome, string newLine)
    {
        var count = outcome.Runs.Count;
        if (count == 0)
        {
            return;
        }

        var head = new IndentedJsonText(Depth, newLine, 4096);
        Entry(head, outcome, 0);
        w.WriteRawValue(head.Written, skipInputValidation: true);
        w.Flush();
        var buffers = new IndentedJsonText[(Math.Min(Batch, count - 1) + Chunk - 1) / Chunk];
        for (var first = 1; first < count; first += Batch)
        {
            var end = Math.Min(first + Batch, count);
            var chunks = (end - first + Chunk - 1) / Chunk;
            var start = first;
            if (chunks == 1)
            {
                Render(buffers, 0, outcome, start, end, newLine);
            }
            else
            {
                Parallel.For(0, chunks, c => Render(buffers, c, outcome, start + (c * Chunk), Math.Min(start + ((c + 1) * Chunk), end), newLine));
            }

            for (var c = 0; c < chunks; c++)
            {
                stream.Write(buffers[c].Written);
            }
        }
    }

    /// <summary>Renders runs <paramref name="from"/> to <paramref name="to"/> (exclusive) into buffer <paramref name="chunk"/>, each entry after its comma (the array has an element before them).</summary>
    private static void Render(IndentedJsonText[] buffers, int chunk, BacktestOutcome outcome, int from, int to, string newLine)
    {
        var text = buffers[chunk] ??= new IndentedJsonText(Depth, newLine, ChunkBytes);
        text.Reset(Depth, afterElement: true);
        for (var i = from; i < to; i++)
        {
            Entry(text, outcome, i);
        }
    }

    /// <summary>Run <paramref name="i"/>'s entry, as <c>ResultFiles</c> writes it with an analysis but without its statistics.</summary>
    internal static void Entry(IndentedJsonText text, BacktestOutcome outcome, int i)
    {
        text.StartObject();
        PolicyEntryJson.Fields(new TextEntryJson(text), outcome, i);
        text.EndObject();
    }
}
