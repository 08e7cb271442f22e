using System.Diagnostics;
using Ballast.Cluster.Serving;

namespace Ballast.Cluster.Tests.Failover;

/// <summary><c>ballast serve --cluster</c>'s options: what they derive, and the combinations refused with exit code 2 before anything starts.</summary>
public sealed class ServeClusterOptionsTests
{
    [Fact]
    public void Of_APostgresJournal_NamesTheDeploymentBySearchPath_AndKeepsMembershipInTheDefaultSchema()
    {
        var settings = ClusterServeSettings.Of("east", "postgres:Host=db;Username=u;Database=d;Search Path=fund_a", 11112, 30002);
        Assert.Equal("fund_a", settings.Deployment);
        Assert.Equal("east", settings.Cluster.ClusterName);
        Assert.DoesNotContain("fund_a", settings.Cluster.ConnectionString, StringComparison.OrdinalIgnoreCase);
        Assert.Equal((11112, 30002), (settings.Cluster.SiloPort, settings.Cluster.GatewayPort));
        Assert.Equal("ballast_journal", ClusterServeSettings.Of("east", "postgres:Host=db;Database=d", 1, 2).Deployment);
    }

    [Theory]
    [InlineData(false, 30, 30)]
    [InlineData(false, 0.5, 0.5)]
    [InlineData(true, 30, 1)]
    [InlineData(true, 0.5, 0.5)]
    public void KeeperTicking_IsTheKeeperInterval_AtMostOneDemoReportWithTheDemo_AndTheReminderAtOrleansFloor(bool demo, double intervalSeconds, double expectedSeconds)
    {
        var service = new Ballast.Service.ServiceSettings { Journal = "postgres:Host=db;Database=d", Demo = demo, KeeperInterval = TimeSpan.FromSeconds(intervalSeconds) };
        var ticking = ClusterServe.KeeperTicking(service, ClusterServeSettings.Of("east", service.Journal, 11111, 30000));
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), ticking.Interval);
        Assert.Equal(TimeSpan.FromMinutes(1), ticking.ReminderPeriod);
    }

    [Theory]
    [InlineData("sqlite:/tmp/x.db", 11111, 30000, "needs a PostgreSQL journal")]
    [InlineData("/tmp/x.db", 11111, 30000, "needs a PostgreSQL journal")]
    [InlineData("postgres:Host=db;Database=d", 11111, 11111, "must differ")]
    [InlineData("postgres:Host=db;Database=d", 0, 30000, "--silo-port must be a TCP port")]
    [InlineData("postgres:Host=db;Database=d", 11111, 70000, "--gateway-port must be a TCP port")]
    [InlineData("postgres:Host=db;Database=d;Search Path=fund-a", 11111, 30000, "--db postgres:...: Search Path names the deployment, its journal's schema: 1 to 63 letters")]
    [InlineData("postgres:Host=db;Database=d;Search Path=1fund", 11111, 30000, "got '1fund'")]
    public void Of_BadCombinations_AreRefusedAsBadInput(string journal, int siloPort, int gatewayPort, string expected)
    {
        var refused = Assert.Throws<BallastInputException>(() => ClusterServeSettings.Of("east", journal, siloPort, gatewayPort));
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve --cluster east --db sqlite:/tmp/ballast-cluster-refused.db", "needs a PostgreSQL journal")]
    [InlineData("serve --cluster east --demo", "--cluster needs --db postgres:CONNECTION")]
    [InlineData("serve --db sqlite:/tmp/ballast-cluster-refused.db --silo-port 11111", "go with --cluster NAME")]
    [InlineData("serve --cluster two/words --db postgres:Host=db;Database=d", "--cluster: cluster name 'two/words'")]
    public async Task Serve_BadClusterCombinations_ExitWith2BeforeStarting(string line, string expected)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ballast.dll"));
        foreach (var arg in line.Split(' '))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 2, $"exit {process.ExitCode}\n{await output}\n{error}");
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/ballast-cluster-refused.db"));
    }
}
