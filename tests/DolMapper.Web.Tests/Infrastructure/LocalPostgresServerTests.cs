using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.LocalDatabase;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DolMapper.Web.Tests.Infrastructure;

/// <summary>The zero-setup local database, each test in a cluster of its own.</summary>
public sealed class LocalPostgresServerTests : IDisposable
{
    private readonly string _dataDirectory = TestPaths.NewTempDirectory("local");
    private static readonly LocalDatabaseOptions Options = new() { Unsafe = true };

    [Fact]
    public async Task Starts_restarts_onto_the_same_data_and_stops_cleanly()
    {
        int port;
        await using (var first = await LocalPostgresServer.StartOrAttachAsync(_dataDirectory, Options, NullLogger.Instance))
        {
            Assert.True(first.StartedByThisProcess);
            Assert.True(await first.IsRunningAsync());
            port = first.Port;
            await Sql.ExecuteAsync(first.OwnerConnectionString, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('still here')");
        }
        Assert.False(await CanConnectAsync(port), "The server should have stopped with the process that started it.");

        await using var second = await LocalPostgresServer.StartOrAttachAsync(_dataDirectory, Options, NullLogger.Instance);
        Assert.True(second.StartedByThisProcess);
        Assert.Equal("still here", (string?)await Sql.ScalarAsync(second.OwnerConnectionString, "SELECT value FROM kept"));
    }

    [Fact]
    public async Task A_second_user_of_the_same_data_directory_attaches_and_never_stops_the_server()
    {
        await using var starter = await LocalPostgresServer.StartOrAttachAsync(_dataDirectory, Options, NullLogger.Instance);
        await using (var attached = await LocalPostgresServer.StartOrAttachAsync(_dataDirectory, Options, NullLogger.Instance))
        {
            Assert.False(attached.StartedByThisProcess);
            Assert.Equal(starter.Port, attached.Port);
        }
        Assert.True(await starter.IsRunningAsync());
        Assert.Equal("1", (string?)await Sql.ScalarAsync(starter.ConnectionString, "SELECT 1::text"));
    }

    [Fact]
    public async Task The_starter_leaves_the_server_running_while_another_DolMapper_process_is_connected()
    {
        var starter = await LocalPostgresServer.StartOrAttachAsync(_dataDirectory, Options, NullLogger.Instance);
        // Another DolMapper process is recognised by its application name.
        var other = new NpgsqlConnectionStringBuilder(starter.ConnectionString) { ApplicationName = LocalPostgresServer.ApplicationNamePrefix + "424242", Pooling = false };
        await using (var connection = new NpgsqlConnection(other.ConnectionString))
        {
            await connection.OpenAsync();
            await starter.DisposeAsync();
            Assert.True(await starter.IsRunningAsync());
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            Assert.Equal(1, await command.ExecuteScalarAsync());
        }

        // The other process may stop it when it is done; here we clean up by starting and stopping again.
        await using var again = await LocalPostgresServer.StartOrAttachAsync(_dataDirectory, Options, NullLogger.Instance);
        Assert.False(again.StartedByThisProcess);
        await StopAsync(again);
    }

    [Fact]
    public async Task As_root_the_cluster_belongs_to_the_unprivileged_server_user_and_the_password_stays_private()
    {
        await using var server = await LocalPostgresServer.StartOrAttachAsync(_dataDirectory, Options, NullLogger.Instance);
        var cluster = new DirectoryInfo(server.ClusterDirectory);
        var password = Path.Combine(_dataDirectory, "postgres", "password");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(password));
        if (UnixUser.IsRoot)
        {
            var owner = await ProcessRunner.RunAsync("stat", ["-c", "%U", cluster.FullName], null, TimeSpan.FromSeconds(10), CancellationToken.None);
            Assert.Equal("postgres", owner.StandardOutput.Trim());
        }
        var listen = (string?)await Sql.ScalarAsync(server.ConnectionString, "SHOW listen_addresses");
        Assert.Equal("127.0.0.1", listen);
    }

    [Fact]
    public async Task A_port_taken_by_another_program_moves_the_server_to_a_free_one()
    {
        int port;
        await using (var first = await LocalPostgresServer.StartOrAttachAsync(_dataDirectory, Options, NullLogger.Instance))
        {
            port = first.Port;
        }
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        squatter.Start();

        await using var second = await LocalPostgresServer.StartOrAttachAsync(_dataDirectory, Options, NullLogger.Instance);
        Assert.NotEqual(port, second.Port);
        Assert.Equal("1", (string?)await Sql.ScalarAsync(second.ConnectionString, "SELECT 1::text"));
    }

    [Fact]
    public async Task A_data_directory_the_server_user_cannot_reach_is_refused_with_what_to_do_as_root()
    {
        var privateFolder = Path.Combine(_dataDirectory, "private");
        Directory.CreateDirectory(privateFolder);
        File.SetUnixFileMode(privateFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var dataDirectory = Path.Combine(privateFolder, "dolmapper");

        if (UnixUser.IsRoot)
        {
            var e = await Assert.ThrowsAsync<LocalDatabaseException>(() => LocalPostgresServer.StartOrAttachAsync(dataDirectory, Options, NullLogger.Instance));
            Assert.Contains("cannot reach", e.Message);
            Assert.Contains("DolMapper:DataDirectory", e.Message);
            Assert.False(Directory.Exists(Path.Combine(dataDirectory, "postgres", "cluster")), "A refused start must leave no half-made cluster behind.");
        }
        else
        {
            // Without root the server runs as this user, who owns the folder.
            await using var server = await LocalPostgresServer.StartOrAttachAsync(dataDirectory, Options, NullLogger.Instance);
            Assert.True(await server.IsRunningAsync());
        }
    }

    [Fact]
    public void Missing_server_programs_give_a_message_that_says_what_to_install_or_set()
    {
        var empty = TestPaths.NewTempDirectory("nobin");
        try
        {
            var e = Assert.Throws<LocalDatabaseException>(() => PostgresBinaries.Find(null, [empty], searchPath: false));
            Assert.Contains("apt-get install postgresql", e.Message);
            Assert.Contains("ConnectionStrings__DolMapper", e.Message);

            var configured = Assert.Throws<LocalDatabaseException>(() => PostgresBinaries.Find(empty));
            Assert.Contains("DolMapper:LocalDatabase:BinDirectory", configured.Message);
        }
        finally
        {
            TestPaths.DeleteQuietly(empty);
        }
    }

    [Fact]
    public void The_machines_server_programs_are_found()
    {
        var binaries = PostgresBinaries.Find(null);
        Assert.True(binaries.MajorVersion >= PostgresBinaries.MinimumMajorVersion);
        Assert.True(File.Exists(binaries.InitDb));
    }

    private static async Task StopAsync(LocalPostgresServer server)
    {
        var result = await ProcessRunner.RunAsync(
            Path.Combine(PostgresBinaries.Find(null).Directory, "pg_ctl"), ["-D", server.ClusterDirectory, "-m", "immediate", "stop"],
            UnixUser.IsRoot ? "postgres" : null, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task The_zero_setup_database_has_two_roles_the_superuser_migrates_and_the_app_owns_nothing()
    {
        await using (var app = await DolMapperApp.CreateAsync(HostRole.Command,
            [$"--DolMapper:DataDirectory={_dataDirectory}", "--DolMapper:LocalDatabase:Unsafe=true", "--Serilog:MinimumLevel:Default=Warning"]))
        {
            await app.PrepareAsync();
            var connection = app.Database.ConnectionString;
            Assert.Equal(LocalPostgresServer.AppUser, (string?)await Sql.ScalarAsync(connection, "SELECT current_user::text"));
            Assert.Equal("postgres", (string?)await Sql.ScalarAsync(app.Database.OwnerConnectionString!, "SELECT current_user::text"));
            Assert.Empty(await DatabaseRoles.OverPrivilegeAsync(connection, CancellationToken.None));
            Assert.Equal(0L, await Sql.CountAsync(connection, "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"));
            var e = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(connection, "SET session_replication_role = replica; DELETE FROM audit_log"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
        }
        var password = Path.Combine(_dataDirectory, "postgres", "app-password");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(password));

        // A lost password file is made again and the role follows it, rather than locking DolMapper out.
        File.Delete(password);
        await using var again = await LocalPostgresServer.StartOrAttachAsync(_dataDirectory, Options, NullLogger.Instance);
        Assert.Equal(LocalPostgresServer.AppUser, (string?)await Sql.ScalarAsync(again.ConnectionString, "SELECT current_user::text"));
    }

    private static async Task<bool> CanConnectAsync(int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }



    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        TestPaths.DeleteQuietly(_dataDirectory);
    }

    [Fact]
    public async Task A_server_whose_folder_was_deleted_is_shut_down_promptly_instead_of_hanging()
    {
        var server = await LocalPostgresServer.StartOrAttachAsync(_dataDirectory, Options, NullLogger.Instance);
        var port = server.Port;
        Directory.Delete(Path.Combine(_dataDirectory, "postgres"), recursive: true);

        var stopping = server.DisposeAsync().AsTask();
        var finished = await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.Same(stopping, finished);
        await stopping;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!LoopbackPorts.IsFree(port) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.True(LoopbackPorts.IsFree(port), "the orphaned server still listens");
    }

    [Fact]
    public async Task Secret_files_are_created_readable_by_their_owner_only()
    {
        Directory.CreateDirectory(_dataDirectory);
        var path = Path.Combine(_dataDirectory, "secret");
        await File.WriteAllTextAsync(path, "old, world-readable");
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);

        await LocalPostgresServer.WriteSecretAsync(path, "s3cret", CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("s3cret", await File.ReadAllTextAsync(path));
    }
}
