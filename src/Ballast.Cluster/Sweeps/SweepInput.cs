using Ballast.Data;
using Ballast.Io;

namespace Ballast.Cluster.Sweeps;

/// <summary>
/// What a cluster sweep sends to silos so each rebuilds the client's run: the spec's text and the data file's bytes
/// (both addressed by SHA-256), with how the client read them.
/// </summary>
/// <param name="SpecText">The spec, as read.</param>
/// <param name="SpecSource">Its file name (messages, syntax).</param>
/// <param name="Overrides">The <c>--set</c> overrides, as written.</param>
/// <param name="Data">The data file's bytes.</param>
/// <param name="DataSource">Its file name.</param>
/// <param name="Kind">What its values are.</param>
/// <param name="Options">The window (from, to, fill) and the settings of the run.</param>
public sealed record SweepInput(string SpecText, string SpecSource, IReadOnlyList<string> Overrides, byte[] Data, string DataSource, ValueKind Kind, BacktestOptions Options)
{
    /// <summary>The spec text's bytes (UTF-8), what its hash is of.</summary>
    public byte[] SpecBytes { get; } = System.Text.Encoding.UTF8.GetBytes(SpecText);
}
