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

    /// <summary>A failure whose command may or may not have been applied (the caller retries with the same key and gets the stored outcome if it was).</summary>
    public const string OutcomeUnknown = "outcome-unknown";

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
            CommandOutcomeUnknownException => OutcomeUnknown,
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
            OutcomeUnknown => new CommandOutcomeUnknownException(reply.Error ?? "the command's outcome is unknown"),
            _ => new InvalidOperationException(reply.Error),
        };
        var rejection = reply.RejectionCode is { } code ? new Rejection(code, reply.RejectionMessage ?? "") : null;
        return new WriteResult(status, reply.CommandId, [.. reply.Events.Select(e => new ResultEvent(e.Sequence, e.Type, e.Payload))], rejection, reply.Note, error, reply.StoredRefusal);
    }

    /// <summary>
    /// The outcome of <paramref name="commandId"/> when its call to the sequencer grain threw <paramref name="error"/>.
    /// Orleans' response timeout, or the silo holding the sequencer going away during the call, leaves the command's
    /// fate unknown (the sequencer may have committed it and the answer was lost): a
    /// <see cref="CommandOutcomeUnknownException"/> saying so (HTTP 503 <c>outcome-unknown</c>). Anything else failed
    /// before the sequencer took the command (its activation was refused, the message was rejected): a transient
    /// failure, nothing written (<see cref="Unavailable"/>).
    /// </summary>
    public static WriteResult CallFailed(string commandId, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var unknown = error switch
        {
            TimeoutException => "the deployment's sequencer did not answer in time (Orleans' response timeout: it may be busy, or moving to another silo)",
            SiloUnavailableException => "the silo holding the deployment's sequencer went away during the call",
            _ => null,
        };
        return unknown is null
            ? Unavailable(commandId, error.Message)
            : new WriteResult(WriteStatus.Failed, commandId, [], Error: new CommandOutcomeUnknownException(
                $"{unknown}; the command may or may not have been applied. Send it again with the same Idempotency-Key: if it was applied you get its stored outcome (it is not applied twice), otherwise it is decided now", error));
    }

    /// <summary>An unknown outcome for <paramref name="commandId"/>: <paramref name="why"/>, and what the client is to do (send it again with the same key).</summary>
    public static WriteResult Unknown(string commandId, string why) =>
        new(WriteStatus.Failed, commandId, [], Error: new CommandOutcomeUnknownException(
            $"{why}; the command may or may not have been applied. Send it again with the same Idempotency-Key: if it was applied you get its stored outcome (it is not applied twice), otherwise it is decided now"));

    /// <summary>A transient failure for <paramref name="commandId"/>: the sequencer could not be reached or could not take the journal (a retry with the same key gets the stored outcome if the command was written after all).</summary>
    public static WriteResult Unavailable(string commandId, string why) =>
        new(WriteStatus.Failed, commandId, [], Error: new JournalStoreException($"the deployment's sequencer could not be reached ({why})", isTransient: true));
}
