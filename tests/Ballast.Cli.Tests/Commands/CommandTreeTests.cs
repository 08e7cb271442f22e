namespace Ballast.Cli.Tests.Commands;

/// <summary>
/// A command line that starts with a command's name builds that command alone: its help and its errors are the
/// ones of the whole tree (built when a root option comes first), every listed name builds its own command, and the
/// top-level help still lists them all.
/// </summary>
public sealed class CommandTreeTests
{
    [Fact]
    public void Every_listed_name_builds_the_command_of_that_name()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var io = new CliIo(stdout, stderr, Interactive: false);
        for (var i = 0; i < Program.CommandNames.Length; i++)
        {
            Assert.Equal(Program.CommandNames[i], Program.CreateCommand(i, io).Name);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => Program.CreateCommand(Program.CommandNames.Length, io));
    }

    [Fact]
    public void The_top_level_help_lists_every_command()
    {
        var help = CliRunner.Run("--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var name in Program.CommandNames)
        {
            Assert.Matches($@"(?m)^\s+{name}\b", help.Out);
        }
    }

    [Theory]
    [InlineData("backtest", "--help")]
    [InlineData("backtest", "spec.yaml", "--dat", "x.csv")]
    [InlineData("backtest")]
    [InlineData("gov", "--help")]
    [InlineData("gov", "statuss")]
    [InlineData("weights", "--help")]
    [InlineData("spec", "--help")]
    [InlineData("journal", "--help")]
    [InlineData("serve", "--nope")]
    public void A_command_alone_answers_as_the_whole_tree(params string[] args)
    {
        var alone = CliRunner.Run(args);
        var whole = CliRunner.Run(["--verbose", .. args]);

        Assert.Equal(whole.ExitCode, alone.ExitCode);
        Assert.Equal(whole.Out, alone.Out);
        Assert.Equal(whole.Error, alone.Error);
    }

    [Fact]
    public void A_misspelt_command_is_still_suggested_from_all_of_them()
    {
        var result = CliRunner.Run("backtets", "spec.yaml");
        Assert.Equal(Program.BadInput, result.ExitCode);
        Assert.Contains("did you mean 'backtest'", result.Error, StringComparison.Ordinal);
    }
}
