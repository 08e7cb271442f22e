using Microsoft.Extensions.Logging;

namespace Ballast.Service.Telemetry;

/// <summary>
/// The writer's and keeper's log messages, as message templates defined once (structured: every placeholder is a
/// named field in the JSON console format).
/// </summary>
internal static class WriterLog
{
    /// <summary>Debug, once per batch: how many commands were decided and applied, and the sequences journaled.</summary>
    public static readonly Action<ILogger, int, int, long, long, Exception?> BatchCommitted = LoggerMessage.Define<int, int, long, long>(
        LogLevel.Debug, new EventId(10, "BatchCommitted"), "batch of {Commands} commands decided, {Applied} applied, journaled {FirstSequence}..{Sequence}");

    /// <summary>Information, once per refused command: its id, name, account, the head it was decided on, and the rejection.</summary>
    public static readonly Action<ILogger, string, string, string, long, string, string, Exception?> CommandRefused = LoggerMessage.Define<string, string, string, long, string, string>(
        LogLevel.Information, new EventId(11, "CommandRefused"), "command {CommandId} ({Command}) by {Account} refused at sequence {Sequence}: {Code}: {Reason}");

    /// <summary>Error: a command could not be decided.</summary>
    public static readonly Action<ILogger, string, Exception?> CommandFailed = LoggerMessage.Define<string>(
        LogLevel.Error, new EventId(1, "CommandFailed"), "command {CommandId} failed");

    /// <summary>Information: the writer stopped; how many queued commands were answered 'stopping'.</summary>
    public static readonly Action<ILogger, long, Exception?> WriterStopped = LoggerMessage.Define<long>(
        LogLevel.Information, new EventId(12, "WriterStopped"), "writer stopped at sequence {Sequence}; the batch in flight was committed");
}
