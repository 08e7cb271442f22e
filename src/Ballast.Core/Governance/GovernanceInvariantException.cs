namespace Ballast.Governance;

/// <summary>
/// A governance record that does not fit the state it is applied to (a bug or a corrupted journal, never a user
/// error: decisions check first). The state must be rebuilt from its journal.
/// </summary>
public sealed class GovernanceInvariantException : Exception
{
    /// <summary>An exception with a message.</summary>
    public GovernanceInvariantException()
    {
    }

    /// <summary>An exception with a message.</summary>
    public GovernanceInvariantException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message and a cause.</summary>
    public GovernanceInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
