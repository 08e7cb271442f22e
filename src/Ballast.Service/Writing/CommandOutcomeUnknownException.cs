namespace Ballast.Service.Writing;

/// <summary>
/// The command was handed to a writer that did not answer (it ran in another process, which did not reply in time or
/// went away): it may or may not have been applied. The message says what happened; a retry with the same key gets
/// the command's outcome (applied once, or decided now). The API answers 503 <c>outcome-unknown</c>.
/// </summary>
public sealed class CommandOutcomeUnknownException(string message, Exception? innerException = null) : Exception(message, innerException);
