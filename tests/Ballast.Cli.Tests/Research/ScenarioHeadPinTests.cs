using Microsoft.Data.Sqlite;

namespace Ballast.Cli.Tests.Research;

/// <summary>
/// The scenario samples' journal heads, pinned (docs/research-samples.md#pinned-numbers): the simulation is
/// deterministic, so the same scenario writes the same journal, whose head (last sequence and its event hash)
/// <c>ballast verify</c> prints. A change of head is a change of the journal's meaning: pin it again only on purpose.
/// </summary>
public sealed class ScenarioHeadPinTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public void SimDemo_JournalHead_IsPinned()
    {
        Assert.Equal("13095:5cfda00bd5672b9d765a054e2c89d1447a6b63eb3c5e4a457226a502fa8946c9", Head("sim-demo.yaml"));
    }

    [Fact]
    public void GovernanceSeason_JournalHead_IsPinned()
    {
        var shared = CliRunner.SharedData();
        Assert.SkipWhen(shared is null, "../shared/data is absent: the governance season runs on the EDHEC data (CI always has it)");

        Assert.Equal("2751:09812f3b12290783a22ae0a60b1d654fbf98ba0c5e584fb3b43bb1f8d3928909", Head("governance-season.yaml", "--data", Path.Combine(shared!, "edhec_hedgefund_indices_monthly.csv")));
    }

    private string Head(string scenario, params string[] verifyArgs)
    {
        var db = _dir.File(Path.ChangeExtension(scenario, ".db"));
        var sim = CliRunner.Run("sim", Path.Combine(CliRunner.RepoRoot(), "samples", "scenarios", scenario), "--db", db);
        Assert.True(sim.ExitCode == 0, sim.Error);
        var verify = CliRunner.Run(["verify", db, .. verifyArgs]);
        Assert.True(verify.ExitCode == 0, verify.Error);
        var line = verify.Out.Split('\n').Single(l => l.StartsWith("head: ", StringComparison.Ordinal));
        return line["head: ".Length..].Trim();
    }
}
