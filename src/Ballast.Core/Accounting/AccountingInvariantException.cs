namespace Ballast.Accounting;

/// <summary>
/// A broken invariant of the ledger: an applied operation that does not fit the state (burning more shares than
/// an account holds, settling an unknown request, time running backwards). Decisions never produce such an
/// operation, so this means a bug or a corrupted journal; retrying cannot help.
/// </summary>
public sealed class AccountingInvariantException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public AccountingInvariantException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public AccountingInvariantException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public AccountingInvariantException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
