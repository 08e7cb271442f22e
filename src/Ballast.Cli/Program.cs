using System.CommandLine;
using Ballast.Cli.Commands;

namespace Ballast.Cli;

/// <summary>
/// The <c>ballast</c> command line. Exit codes: 0 ok, 2 bad input, 1 internal error, 3 the journal was busy (another
/// writer kept appending first, or held its lock, through every retry; or the database was unreachable): nothing of
/// the command was written, run it again later.
/// </summary>
public static class Program
{
    public const int Ok = 0;
    public const int InternalError = 1;
    public const int BadInput = 2;
    public const int JournalBusy = 3;

    public static int Main(string[] args)
    {
        // Standard output is buffered (64 KiB) and flushed at the end or where a command flushes it (serve does, before
        // it waits): the console's own writer flushes every write, which costs a system call per table cell.
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16) { AutoFlush = false };
        try
        {
            return Run(args, stdout, Console.Error, interactive: !Console.IsErrorRedirected);
        }
        finally
        {
            stdout.Flush();
        }
    }

    /// <summary>Runs one command line with the given output streams (tests call this in-process).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool interactive = false) => Run(args, stdout, stderr, interactive, wrapJournal: null);

    /// <summary>As <see cref="Run(string[], TextWriter, TextWriter, bool)"/>, with every journal the command opens passed through <paramref name="wrapJournal"/> (tests inject store failures).</summary>
    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool interactive, Func<Ballast.Protocol.Journal.IJournalStore, Ballast.Protocol.Journal.IJournalStore>? wrapJournal) =>
        Run(args, new CliIo(stdout, stderr, interactive) { WrapJournal = wrapJournal });

    /// <summary>The top-level commands, in the order of the help text; <see cref="CreateCommand"/> builds each.</summary>
    internal static readonly string[] CommandNames = ["backtest", "demo", "data", "spec", "weights", "sim", "verify", "journal", "gov", "serve", "projections"];

    /// <summary>Builds the top-level command <see cref="CommandNames"/>[<paramref name="index"/>].</summary>
    internal static Command CreateCommand(int index, CliIo io) => index switch
    {
        0 => BacktestCommand.Create(io),
        1 => DemoCommand.Create(io),
        2 => DataCommand.Create(io),
        3 => SpecCommand.Create(io),
        4 => WeightsCommand.Create(io),
        5 => SimCommand.Create(io),
        6 => VerifyCommand.Create(io),
        7 => JournalCommand.Create(io),
        8 => GovCommand.Create(io),
        9 => ServeCommand.Create(io),
        10 => ProjectionsCommand.Create(io),
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "no such command"),
    };

    /// <summary>Runs one command line with the given streams, terminal check, journal wrapper and clock (tests inject them).</summary>
    internal static int Run(string[] args, CliIo io)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(io);
        var stderr = io.Error;
        var verbose = new Option<bool>("--verbose") { Description = "Show stack traces for internal errors.", Recursive = true };
        var root = new RootCommand("Ballast: composed portfolios that rebalance themselves by published rules. Backtest rebalancing policies, compare them, publish them.");
        root.Options.Add(verbose);
        // A command line that starts with a command's name needs that command's tree alone (its parse, help and errors
        // never look at the others), so only it is built: building all eleven, with their options, was start-up time
        // on every run. Anything else (no argument, --help, a misspelt command, a root option first) gets them all.
        var named = args.Length > 0 ? Array.IndexOf(CommandNames, args[0]) : -1;
        for (var i = 0; i < CommandNames.Length; i++)
        {
            if (named < 0 || named == i)
            {
                root.Subcommands.Add(CreateCommand(i, io));
            }
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            ParseErrors.Write(parse, stderr);
            return BadInput;
        }

        try
        {
            // Journal commands are asynchronous; this is the one place that waits for them (a console has no synchronization context).
            return parse.InvokeAsync(new InvocationConfiguration { Output = io.Out, Error = stderr, EnableDefaultExceptionHandler = false }).GetAwaiter().GetResult();
        }
        catch (BallastInputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (Ballast.Protocol.Journal.JournalStoreException e) when (e.IsTransient)
        {
            // Another writer kept winning the race (the sequencer re-read the journal and decided again each time), or
            // the database could not be reached: nothing of this command was written.
            stderr.WriteLine($"error: the journal is busy: {e.Message}");
            stderr.WriteLine($"nothing of this command was written; run it again later (exit {JournalBusy})");
            return JournalBusy;
        }
        catch (Ballast.Protocol.Journal.JournalCorruptedException e)
        {
            // The journal the user named is not a (sound) journal: a damaged file, a missing event, a broken chain.
            stderr.WriteLine($"error: not a readable journal: {e.Message}");
            return BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A path the user gave cannot be written or read: their input, not our bug.
            stderr.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("cancelled");
            return InternalError;
        }
#pragma warning disable CA1031 // The top level turns every other failure into exit code 1 with a message.
        catch (Exception e)
#pragma warning restore CA1031
        {
            stderr.WriteLine($"internal error: {e.Message}");
            if (parse.GetValue(verbose))
            {
                stderr.WriteLine(e.ToString());
            }
            else
            {
                stderr.WriteLine("(run again with --verbose for the stack trace)");
            }

            return InternalError;
        }
    }
}

/// <summary>Where a command writes: results to <see cref="Out"/>, progress and notices to <see cref="Error"/>.</summary>
internal sealed record CliIo(TextWriter Out, TextWriter Error, bool Interactive)
{
    /// <summary>Applied to every journal a command opens (a test seam: a store that loses races); null: the store itself.</summary>
    public Func<Ballast.Protocol.Journal.IJournalStore, Ballast.Protocol.Journal.IJournalStore>? WrapJournal { get; init; }

    /// <summary>The wall clock a command reads when no time is given (gov commands without <c>--at</c>); tests fix it.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The journal a command works on: <paramref name="store"/>, through <see cref="WrapJournal"/> if set.</summary>
    public Ballast.Protocol.Journal.IJournalStore Journal(Ballast.Protocol.Journal.IJournalStore store) => WrapJournal?.Invoke(store) ?? store;

    public void Notice(string message) => Error.WriteLine($"note: {message}");
}
