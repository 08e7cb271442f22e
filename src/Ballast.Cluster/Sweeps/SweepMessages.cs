namespace Ballast.Cluster.Sweeps;

/// <summary>
/// What every batch of one sweep shares: the spec and the data by their SHA-256 (a silo that lacks either asks for it
/// once), how the window is cut, and the settings every policy runs with. A silo prepares each job once (binds the
/// spec, reads the data, builds the window) and checks the window is the client's.
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("ballast.sweep.job")]
public sealed class SweepJob
{
    /// <summary>SHA-256 of the spec text (UTF-8), lower-case hex.</summary>
    [Id(0)] public required string SpecHash { get; init; }

    /// <summary>The spec's file name, as the client gave it (it names the spec in messages and picks its syntax).</summary>
    [Id(1)] public required string SpecSource { get; init; }

    /// <summary>The <c>--set key=v1,v2</c> overrides, as written.</summary>
    [Id(2)] public required string[] Overrides { get; init; }

    /// <summary>SHA-256 of the data file's bytes, lower-case hex.</summary>
    [Id(3)] public required string DataHash { get; init; }

    /// <summary>The data file's name, as the client gave it.</summary>
    [Id(4)] public required string DataSource { get; init; }

    /// <summary>What the data's values are (<see cref="Ballast.Data.ValueKind"/>).</summary>
    [Id(5)] public required int ValueKind { get; init; }

    /// <summary>The window's first date (<c>--from</c>) as a day number, or null.</summary>
    [Id(6)] public int? FromDay { get; init; }

    /// <summary>The window's last date (<c>--to</c>) as a day number, or null.</summary>
    [Id(7)] public int? ToDay { get; init; }

    /// <summary>How gaps are filled (<see cref="Ballast.Data.FillMode"/>).</summary>
    [Id(8)] public required int Fill { get; init; }

    /// <summary>Rows per year every policy annualises with.</summary>
    [Id(9)] public required int PeriodsPerYear { get; init; }

    /// <summary>The annual risk-free rate.</summary>
    [Id(10)] public required double RiskFree { get; init; }

    /// <summary>Whether runs keep their per-row series and trades.</summary>
    [Id(11)] public required bool Record { get; init; }

    /// <summary>The engine's kernels (<see cref="Ballast.Backtesting.EngineKernel"/>).</summary>
    [Id(12)] public required int Kernel { get; init; }

    /// <summary>The client's window: its row count, first and last day numbers (a silo's must match).</summary>
    [Id(13)] public required int[] Window { get; init; }
}

/// <summary>How a silo rebuilds one run's policy from the spec, and the hash it must get.</summary>
[GenerateSerializer]
[Immutable]
[Alias("ballast.sweep.recipe")]
public sealed class RunRecipe
{
    /// <summary>Which list of the spec the policy comes from.</summary>
    [Id(0)] public required RunSource Source { get; init; }

    /// <summary>Its index in that list (for a twin: the first policy it is the buy-and-hold twin of).</summary>
    [Id(1)] public required int Index { get; init; }

    /// <summary>The run's name (a twin's or a renamed baseline's differs from the spec's).</summary>
    [Id(2)] public required string Name { get; init; }

    /// <summary>The policy's hash on the client, lower-case hex.</summary>
    [Id(3)] public required string Hash { get; init; }
}

/// <summary>Where a run's policy comes from in the spec.</summary>
public enum RunSource
{
    /// <summary>A policy of the spec.</summary>
    Policy,

    /// <summary>The buy-and-hold twin of a policy of the spec.</summary>
    Twin,

    /// <summary>A named baseline of the spec.</summary>
    Baseline,
}

/// <summary>Runs <see cref="Start"/> .. <see cref="Start"/> + recipes − 1 of a sweep.</summary>
[GenerateSerializer]
[Immutable]
[Alias("ballast.sweep.batch")]
public sealed class SweepBatch
{
    /// <summary>The sweep.</summary>
    [Id(0)] public required SweepJob Job { get; init; }

    /// <summary>The index of the batch's first run.</summary>
    [Id(1)] public required int Start { get; init; }

    /// <summary>The batch's runs, in order.</summary>
    [Id(2)] public required RunRecipe[] Runs { get; init; }
}

/// <summary>A silo's answer to a batch: the content it lacks (nothing ran), or the runs encoded by <see cref="RunCodec"/>.</summary>
[GenerateSerializer]
[Immutable]
[Alias("ballast.sweep.result")]
public sealed class SweepBatchResult
{
    /// <summary>SHA-256 hashes of the content the silo lacks; empty when the batch ran.</summary>
    [Id(0)] public required string[] Missing { get; init; }

    /// <summary>The runs, encoded (empty when content is missing).</summary>
    [Id(1)] public required byte[] Runs { get; init; }

    /// <summary>The silo that ran the batch.</summary>
    [Id(2)] public required string Silo { get; init; }
}
