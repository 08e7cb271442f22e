namespace Ballast.Cluster.Sequencing;

/// <summary>
/// A deployment's sequencer: one grain per journal, keyed by the deployment (its journal's PostgreSQL schema).
/// Commands cross the grain boundary in their journal JSON form (<c>ProtocolJson</c>, with <c>$type</c>), so the
/// protocol's types need no Orleans serializers.
/// </summary>
public interface ISequencerGrain : IGrainWithStringKey
{
    /// <summary>Decides the command <paramref name="commandJson"/> and returns its outcome.</summary>
    Task<SequencerReply> Submit(string commandJson);

    /// <summary>
    /// The time on the sequencer's clock, at which it decides commands (the demo's fast clock on the demo deployment):
    /// the sharded keeper's vault grains decide at it. Fails when the sequencer here is fenced or stopping.
    /// </summary>
    Task<DateTimeOffset> Now();

    /// <summary>The journal head this sequencer has committed, and the silo it runs on (activating it if it is not active).</summary>
    Task<SequencerStatus> Status();
}

/// <summary>One journaled event of a command's outcome.</summary>
[GenerateSerializer]
[Alias("ballast.sequencer.event")]
public sealed record SequencerEvent([property: Id(0)] long Sequence, [property: Id(1)] string Type, [property: Id(2)] string Payload);

/// <summary>A command's outcome as it crosses the grain boundary (the service's <c>WriteResult</c>, its error as text).</summary>
[GenerateSerializer]
[Alias("ballast.sequencer.reply")]
public sealed record SequencerReply(
    [property: Id(0)] string Status,
    [property: Id(1)] string CommandId,
    [property: Id(2)] IReadOnlyList<SequencerEvent> Events,
    [property: Id(3)] string? RejectionCode,
    [property: Id(4)] string? RejectionMessage,
    [property: Id(5)] string? Note,
    [property: Id(6)] string? Error,
    [property: Id(7)] string? ErrorKind,
    [property: Id(8)] bool StoredRefusal);

/// <summary>Where a deployment's sequencer runs and how far it has written.</summary>
[GenerateSerializer]
[Alias("ballast.sequencer.status")]
public sealed record SequencerStatus([property: Id(0)] string Deployment, [property: Id(1)] string Silo, [property: Id(2)] long HeadSequence, [property: Id(3)] string HeadHash);
