using Ballast.Accounting;
using Ballast.Protocol.Journal;
using Ballast.Service.Writing;

namespace Ballast.Cluster.Sequencing;

/// <summary>The service's <see cref="WriteResult"/> to and from its form on the wire (<see cref="SequencerReply"/>).</summary>
public static class SequencerReplies
{
    /// <summary>The error kinds a reply names, so the API answers as it would in one process.</summary>
    public const string BadInput = "bad-input";

    /// <summary>A failure the caller may retry with the same key (journal busy, sequencer fenced or moving).</summary>
    public const string Transient = "transient";

    /// <summary>Anything else.</summary>
    public const string Internal = "internal";

    /// <summary><paramref name="result"/> on the wire.</summary>
    public static SequencerReply ToReply(WriteResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var kind = result.Error switch
        {
            null => null,
            BallastInputException => BadInput,
            JournalStoreException { IsTransient: true } => Transient,
            _ => Internal,
        };
        return new SequencerReply(
            result.Status.ToString(), result.CommandId, [.. result.Events.Select(e => new SequencerEvent(e.Sequence, e.Type, e.Payload))],
            result.Rejection?.Code, result.Rejection?.Message, result.Note, result.Error?.Message, kind, result.StoredRefusal);
    }

    /// <summary>The <see cref="WriteResult"/> of <paramref name="reply"/>; its error rebuilt as the kind of exception the API maps to the same status code.</summary>
    public static WriteResult FromReply(SequencerReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var status = Enum.Parse<WriteStatus>(reply.Status);
        Exception? error = reply.ErrorKind switch
        {
            null => null,
            BadInput => new BallastInputException(reply.Error ?? "bad input"),
            Transient => new JournalStoreException(reply.Error ?? "the journal is busy", isTransient: true),
            _ => new InvalidOperationException(reply.Error),
        };
        var rejection = reply.RejectionCode is { } code ? new Rejection(code, reply.RejectionMessage ?? "") : null;
        return new WriteResult(status, reply.CommandId, [.. reply.Events.Select(e => new ResultEvent(e.Sequence, e.Type, e.Payload))], rejection, reply.Note, error, reply.StoredRefusal);
    }

    /// <summary>A transient failure for <paramref name="commandId"/>: the sequencer could not be reached or could not take the journal (a retry with the same key gets the stored outcome if the command was written after all).</summary>
    public static WriteResult Unavailable(string commandId, string why) =>
        new(WriteStatus.Failed, commandId, [], Error: new JournalStoreException($"the deployment's sequencer could not be reached ({why})", isTransient: true));
}
