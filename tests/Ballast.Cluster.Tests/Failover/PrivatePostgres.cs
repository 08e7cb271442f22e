using System.Diagnostics;
using Npgsql;

namespace Ballast.Cluster.Tests.Failover;

/// <summary>
/// A PostgreSQL server of a test's own (started by <c>.ci/postgres.sh</c> in a child shell, its exit trap removed so
/// the server outlives the shell), for tests that restart or stop the database: the shared server of
/// <c>BALLAST_TEST_POSTGRES</c> serves the other tests running at the same time. Stopped and removed on dispose.
/// Where the shared server is not configured the calling test is skipped, as the other PostgreSQL tests are.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _dir;
    private readonly string _bin;
    private readonly string _run;

    private PrivatePostgres(string dir, string bin, string run, string connectionString)
    {
        _dir = dir;
        _bin = bin;
        _run = run;
        ConnectionString = connectionString;
    }

    /// <summary>The Npgsql connection string of the server's database.</summary>
    public string ConnectionString { get; }

    public static async Task<PrivatePostgres> StartAsync(CancellationToken cancellationToken)
    {
        Assert.SkipWhen(string.IsNullOrEmpty(Environment.GetEnvironmentVariable(TestDatabase.Variable)),
            $"{TestDatabase.Variable} is not set: this test starts a PostgreSQL server of its own with .ci/postgres.sh, as .ci/run does for the others");
        var script = Path.Combine(Repository.Root(), ".ci", "postgres.sh");
        var start = Shell($"source '{script}' >&2 && trap - EXIT && printf '%s\\n%s\\n%s\\n%s\\n' \"$BALLAST_PG_DIR\" \"$BALLAST_PG_BINDIR\" \"$BALLAST_PG_RUN\" \"$BALLAST_TEST_POSTGRES\"");
        start.Environment.Remove(TestDatabase.Variable);
        var (exit, output, error) = await RunAsync(start, cancellationToken);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.True(exit == 0 && lines.Length >= 4 && lines[3].Length > 0, $".ci/postgres.sh did not start a server (exit {exit}):\n{error}");
        return new PrivatePostgres(lines[0], lines[1], lines[2], lines[3]);
    }

    /// <summary>Restarts the server (<c>pg_ctl restart -m fast</c>: every connection is cut, the same options and port again).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        var (exit, _, error) = await RunAsync(Shell($"cd '{_dir}' && {_run} '{_bin}/pg_ctl' -D '{_dir}/data' -l '{_dir}/server.log' -m fast -w -t 60 restart >/dev/null"), cancellationToken);
        Assert.True(exit == 0, $"pg_ctl restart failed (exit {exit}):\n{error}");
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await RunAsync(Shell($"cd '{_dir}' && {_run} '{_bin}/pg_ctl' -D '{_dir}/data' -m fast -w stop >/dev/null 2>&1; rm -rf '{_dir}'"), CancellationToken.None);
    }

    private static ProcessStartInfo Shell(string command)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        return start;
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(ProcessStartInfo start, CancellationToken cancellationToken)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        return (process.ExitCode, await output, await error);
    }

}
