using System.Globalization;

namespace Ballast.Benchmarks;

/// <summary>
/// The options of the load mode (<c>load [--seconds S] [--warmup W] [--clients N] [--readers R] [--report-every K] [--db sqlite:FILE|postgres:CONN] [--max-batch B] [--sqlite-sync full|normal] [--in-process] [--runtime serve|as-is]</c>).
/// </summary>
public sealed record LoadOptions
{
    /// <summary>How long the clients send, after set-up (1..600).</summary>
    public int Seconds { get; init; } = 10;

    /// <summary>How long the clients send before the measured seconds, unmeasured (0..600).</summary>
    public int WarmupSeconds { get; init; } = 5;

    /// <summary>Concurrent writing clients (deposits and NAV reports).</summary>
    public int Clients { get; init; } = 32;

    /// <summary>Concurrent reading clients (vault list and series).</summary>
    public int Readers { get; init; } = 8;

    /// <summary>One command in this many a writing client sends is a NAV report; the others are deposits.</summary>
    public int ReportEvery { get; init; } = 10;

    /// <summary>The journal; null: a new SQLite file in a temporary folder, deleted after.</summary>
    public string? Journal { get; init; }

    /// <summary>The writer's largest batch (group commit).</summary>
    public int MaxBatch { get; init; } = 512;

    /// <summary>When the SQLite journal's commits reach the disk (<c>--sqlite-sync full|normal</c>; the service's default is full).</summary>
    public Ballast.Io.Storage.SqliteSynchronous SqliteSynchronous { get; init; } = Ballast.Io.Storage.SqliteSynchronous.Full;

    /// <summary>Whether the clients run in the service's process (<c>--in-process</c>) rather than a child process of their own.</summary>
    public bool InProcess { get; init; }

    /// <summary>
    /// Whether the service runs on the runtime settings of <c>ballast serve</c> (<c>--runtime serve</c>, the default:
    /// server GC, no tiered compilation, as src/Ballast.Cli sets them; <see cref="LoadRuntime"/>) or on this program's
    /// own (<c>--runtime as-is</c>: workstation GC, tiered compilation with PGO, unless the environment says otherwise).
    /// </summary>
    public bool AsServe { get; init; } = true;

    /// <summary>The options in <paramref name="args"/> (after the word <c>load</c>).</summary>
    /// <exception cref="ArgumentException">An unknown option, or a value out of range.</exception>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Number(int min, int max)
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                    ? n
                    : throw new ArgumentException($"{name} must be a whole number from {min} to {max}, got '{text}'");
            }

            options = name switch
            {
                "--seconds" => options with { Seconds = Number(1, 600) },
                "--warmup" => options with { WarmupSeconds = Number(0, 600) },
                "--clients" => options with { Clients = Number(1, 1024) },
                "--readers" => options with { Readers = Number(0, 1024) },
                "--report-every" => options with { ReportEvery = Number(1, 1_000_000) },
                "--max-batch" => options with { MaxBatch = Number(1, 65_536) },
                "--in-process" => options with { InProcess = true },
                "--runtime" => options with
                {
                    AsServe = Value() switch
                    {
                        "serve" => true,
                        "as-is" => false,
                        var other => throw new ArgumentException($"--runtime must be serve or as-is, got '{other}'"),
                    },
                },
                "--db" => options with { Journal = Value() },
                "--sqlite-sync" => options with
                {
                    SqliteSynchronous = Value() switch
                    {
                        "full" => Ballast.Io.Storage.SqliteSynchronous.Full,
                        "normal" => Ballast.Io.Storage.SqliteSynchronous.Normal,
                        var other => throw new ArgumentException($"--sqlite-sync must be full or normal, got '{other}'"),
                    },
                },
                _ => throw new ArgumentException($"unknown option '{name}'; load [--seconds S] [--warmup W] [--clients N] [--readers R] [--report-every K] [--max-batch B] [--db sqlite:FILE|postgres:CONN] [--sqlite-sync full|normal] [--in-process] [--runtime serve|as-is]"),
            };
        }

        return options;
    }
}
