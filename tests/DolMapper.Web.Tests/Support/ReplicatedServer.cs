using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.LocalDatabase;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DolMapper.Web.Tests.Support;

/// <summary>
/// A PostgreSQL primary and a streaming replica of it, both local clusters in a temporary folder:
/// the primary made by DolMapper's own launcher, the replica by <c>pg_basebackup</c> from it, as an
/// operator makes one (docs/operations.md, "A read replica").
/// </summary>
internal sealed class ReplicatedServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly PostgresBinaries _binaries;
    private readonly string? _serverUser = UnixUser.IsRoot ? "postgres" : null;
    private string? _replicaCluster;

    private ReplicatedServer(string directory, LocalPostgresServer primary, PostgresBinaries binaries)
    {
        _directory = directory;
        Primary = primary;
        _binaries = binaries;
    }

    public LocalPostgresServer Primary { get; }
    public int ReplicaPort { get; private set; }

    /// <summary>The application role's connection to the replica (the role came with the copy).</summary>
    public string ReplicaConnectionString => new NpgsqlConnectionStringBuilder(Primary.ConnectionString) { Port = ReplicaPort }.ConnectionString;

    /// <summary>The superuser's connection to the replica (to pause and resume its replay).</summary>
    public string ReplicaAdminConnectionString => new NpgsqlConnectionStringBuilder(Primary.OwnerConnectionString) { Port = ReplicaPort }.ConnectionString;

    public static async Task<ReplicatedServer> StartPrimaryAsync()
    {
        var directory = TestPaths.NewOwnedTempDirectory("replication");
        var primary = await LocalPostgresServer.StartOrAttachAsync(
            Path.Combine(directory, "primary"), new LocalDatabaseOptions { Unsafe = true, Database = "dolmapper" }, NullLogger.Instance);
        return new ReplicatedServer(directory, primary, PostgresBinaries.Find(null));
    }

    /// <summary>Copies the primary with pg_basebackup (streaming its WAL, writing standby.signal) and starts the copy as a hot standby.</summary>
    public async Task StartReplicaAsync()
    {
        var cluster = Path.Combine(_directory, "replica");
        Directory.CreateDirectory(cluster);
        File.SetUnixFileMode(cluster, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (_serverUser is not null)
        {
            await RunAsync("/bin/chown", [_serverUser, cluster], asUser: null);
        }
        var source = new NpgsqlConnectionStringBuilder(Primary.OwnerConnectionString);
        await RunAsync(Path.Combine(_binaries.Directory, "pg_basebackup"),
            ["-d", $"host=127.0.0.1 port={source.Port} user={source.Username} password={source.Password}", "-D", cluster, "-R", "-X", "stream", "-c", "fast"]);
        ReplicaPort = LoopbackPorts.Free();
        await File.AppendAllTextAsync(Path.Combine(cluster, "postgresql.conf"), $"\nport = {ReplicaPort}\nhot_standby = on\n");
        await RunAsync(_binaries.PgCtl, ["-D", cluster, "-l", Path.Combine(cluster, "replica.log"), "-w", "-t", "60", "start"]);
        _replicaCluster = cluster;
    }

    /// <summary>Waits until the replica has replayed everything the primary has written so far.</summary>
    public async Task WaitForReplicaAsync(TimeSpan? timeout = null)
    {
        var target = (string)(await Sql.ScalarAsync(Primary.OwnerConnectionString, "SELECT pg_current_wal_lsn()::text"))!;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while ((bool?)await Sql.ScalarAsync(ReplicaAdminConnectionString, $"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") != true)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the replica did not replay up to {target}");
            }
            await Task.Delay(100);
        }
    }

    private async Task RunAsync(string program, IEnumerable<string> arguments, string? asUser = "")
    {
        var result = await ProcessRunner.RunAsync(program, arguments, asUser == "" ? _serverUser : asUser, TimeSpan.FromMinutes(2), CancellationToken.None);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed (exit {result.ExitCode}): {result.Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_replicaCluster is not null)
        {
            await ProcessRunner.RunAsync(_binaries.PgCtl, ["-D", _replicaCluster, "-m", "immediate", "stop"], _serverUser, TimeSpan.FromMinutes(1), CancellationToken.None);
        }
        await Primary.DisposeAsync();
        TestPaths.DeleteQuietly(_directory);
    }
}
