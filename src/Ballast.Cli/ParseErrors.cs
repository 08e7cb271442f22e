using System.CommandLine;
using System.CommandLine.Parsing;

namespace Ballast.Cli;

/// <summary>
/// Parse errors as one block: a misspelled option or command gets the closest name ("did you mean '--data'?", by
/// edit distance, as the spec loader does for keys) and a pointer to that command's own <c>--help</c>, instead of one
/// "Unrecognized" line per leftover token and the top-level help.
/// </summary>
internal static class ParseErrors
{
    /// <summary>Writes the errors of <paramref name="parse"/> (which has some) to <paramref name="stderr"/>.</summary>
    public static void Write(ParseResult parse, TextWriter stderr)
    {
        var command = parse.CommandResult.Command;
        var path = CommandPath(parse.CommandResult);
        if (parse.UnmatchedTokens.Count > 0)
        {
            // The first token the parser could not place; the rest (an unknown option's value, a required option
            // now missing) follow from it, so it alone is reported.
            var token = parse.UnmatchedTokens[0];
            var (message, helpPath) = Unmatched(token, command, path);
            stderr.WriteLine($"error: {message}");
            stderr.WriteLine($"run '{helpPath} --help' for its usage");
            return;
        }

        foreach (var error in parse.Errors)
        {
            stderr.WriteLine($"error: {error.Message}");
        }

        stderr.WriteLine($"run '{path} --help' for its usage");
    }

    private static (string Message, string HelpPath) Unmatched(string token, Command command, string path)
    {
        if (token.StartsWith('-'))
        {
            var options = OptionNames(command);
            return NameMatching.Suggest(token, options) is { } option
                ? ($"unknown option '{token}' for '{path}'; did you mean '{option}'?", path)
                : ($"unknown option '{token}' for '{path}'", path);
        }

        if (command.Subcommands.Count > 0)
        {
            var names = command.Subcommands.Select(c => c.Name).ToList();
            return NameMatching.Suggest(token, names) is { } sub
                ? ($"unknown command '{token}' for '{path}'; did you mean '{sub}'?", $"{path} {sub}")
                : ($"unknown command '{token}' for '{path}'; its commands: {string.Join(", ", names)}", path);
        }

        return ($"unexpected argument '{token}' for '{path}'", path);
    }

    /// <summary>The options a command accepts: its own and the recursive ones of its ancestors, by every alias.</summary>
    private static List<string> OptionNames(Command command)
    {
        var names = new List<string>();
        foreach (var option in command.Options)
        {
            names.Add(option.Name);
            names.AddRange(option.Aliases);
        }

        foreach (var parent in Ancestors(command))
        {
            foreach (var option in parent.Options.Where(o => o.Recursive))
            {
                names.Add(option.Name);
                names.AddRange(option.Aliases);
            }
        }

        return names;
    }

    private static IEnumerable<Command> Ancestors(Command command)
    {
        var pending = new Stack<Command>(command.Parents.OfType<Command>());
        while (pending.TryPop(out var parent))
        {
            yield return parent;
            foreach (var next in parent.Parents.OfType<Command>())
            {
                pending.Push(next);
            }
        }
    }

    /// <summary>The command as typed: <c>ballast gov status</c> (the root is always <c>ballast</c>, whatever runs it).</summary>
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult { Command: not RootCommand } c)
            {
                names.Add(c.Command.Name);
            }
        }

        names.Add("ballast");
        names.Reverse();
        return string.Join(' ', names);
    }
}
