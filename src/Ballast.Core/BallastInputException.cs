namespace Ballast;

/// <summary>
/// Where in a user's input something went wrong: a file, and optionally a line, a column and a field path.
/// </summary>
/// <param name="Source">The file (or other input, e.g. a command-line option) as named to the user.</param>
/// <param name="Line">The 1-based line, when known.</param>
/// <param name="Column">The 1-based column, when known (shown only with a line).</param>
/// <param name="Field">The field within the document (a key or key path), when known.</param>
public sealed record InputLocation(string Source, int? Line = null, int? Column = null, string? Field = null)
{
    /// <summary>Formats the location as <c>file:line:column (field)</c>, omitting what is unknown.</summary>
    public override string ToString()
    {
        var text = Source;
        if (Line is { } line)
        {
            text += $":{line}";
            if (Column is { } column)
            {
                text += $":{column}";
            }
        }

        return Field is null ? text : $"{text} ({Field})";
    }
}

/// <summary>
/// Bad user input: a data file, a spec or a command-line value that cannot be used. The CLI maps it to exit code 2.
/// The message always says where (file, line, column or field) and what was expected.
/// </summary>
public class BallastInputException : Exception
{
    /// <summary>Bad input whose location is already in the message, or is not known.</summary>
    /// <param name="message">What is wrong and what was expected.</param>
    public BallastInputException(string message) : base(message)
    {
    }

    /// <summary>Bad input at a known place; the message becomes <c>location: message</c>.</summary>
    /// <param name="location">The file and, where known, line, column and field.</param>
    /// <param name="message">What is wrong and what was expected, without the location (kept as <see cref="Detail"/>).</param>
    public BallastInputException(InputLocation location, string message) : base($"{location}: {message}")
    {
        Location = location;
        Detail = message;
    }

    /// <summary>Bad input discovered through another exception (e.g. a parser's).</summary>
    /// <param name="message">What is wrong and what was expected, with the location.</param>
    /// <param name="inner">The exception that revealed it.</param>
    public BallastInputException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>Bad input with the default message; prefer a constructor that says what and where.</summary>
    public BallastInputException()
    {
    }

    /// <summary>Where the problem is, when known.</summary>
    public InputLocation? Location { get; }

    /// <summary>The message without the location prefix.</summary>
    public string? Detail { get; }
}
