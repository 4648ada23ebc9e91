using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.LocalDatabase;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DolMapper.Web.Tests.Support;

/// <summary>
/// One real PostgreSQL server for the whole test run, shared by every test class (they run in
/// parallel; each test asks for a database of its own). It is the server named by DOLMAPPER_TEST_PG
/// (a connection string whose user may create databases), else a private cluster started with
/// DolMapper's own launcher in a temporary folder, stopped and deleted when the test process exits.
/// Migrated databases are copied from a template migrated once, which also holds the HCP classifier
/// trained once per run (training itself is covered by tests that remove it first).
/// As in a real installation there are two roles: the server's admin owns the schema (migrations,
/// grants), and tests and the apps they start connect as <see cref="AppRole"/>, which owns
/// nothing (docs/security.md) — so the whole suite proves the application works with least privilege.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "DOLMAPPER_TEST_PG";
    private const string TemplateDatabase = "dm_test_template";

    /// <summary>The role tests and their apps connect as: it owns nothing.</summary>
    public const string AppRole = "dm_test_app";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static SharedServer? _shared;
    private static SharedServer? _pending;
    private static int _counter;

    private SharedServer Shared => _shared ?? throw new InvalidOperationException("The PostgreSQL fixture is not initialised.");

    public async Task InitializeAsync()
    {
        await Gate.WaitAsync();
        try
        {
            _shared ??= await SharedServer.StartAsync(TemplateDatabase);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A new database with DolMapper's schema (and Hangfire's) applied, and the shared HCP classifier stored.</summary>
    public Task<string> CreateMigratedDatabaseAsync() => CreateDatabaseAsync(TemplateDatabase);

    /// <summary>A new database copied from the test database <paramref name="connectionString"/> names (its sessions are ended first).</summary>
    public async Task<string> CopyDatabaseAsync(string connectionString)
    {
        var source = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{source}' AND pid <> pg_backend_pid()");
        return await CreateDatabaseAsync(source);
    }

    /// <summary>A new empty database.</summary>
    public Task<string> CreateEmptyDatabaseAsync() => CreateDatabaseAsync("template0");

    private async Task<string> CreateDatabaseAsync(string template)
    {
        var name = $"dm_test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        await ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        // CREATE DATABASE … TEMPLATE needs the template to have no other session; copies made at
        // the same moment by parallel tests wait for one another here.
        await CopyGate.WaitAsync();
        try
        {
            await ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {template}");
        }
        finally
        {
            CopyGate.Release();
        }
        return ConnectionStringFor(name);
    }

    private static readonly SemaphoreSlim CopyGate = new(1, 1);

    /// <summary>The application role's connection string for a test database.</summary>
    public string ConnectionStringFor(string database) => Shared.AppConnectionStringFor(database);

    /// <summary>The schema owner's (the server admin's) connection string for the database <paramref name="connectionString"/> names.</summary>
    public string OwnerConnectionString(string connectionString) => OwnerFor(connectionString) ?? connectionString;

    /// <summary>
    /// The owner's connection for a connection string of the test application role (null for any
    /// other): what an installation sets as ConnectionStrings:DolMapperOwner beside the app's.
    /// </summary>
    public static string? OwnerFor(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var shared = _shared ?? _pending;
        if (shared is null || builder.Username != AppRole)
        {
            return null;
        }
        return new NpgsqlConnectionStringBuilder(shared.AdminConnectionString) { Database = builder.Database }.ConnectionString;
    }

    public Task ExecuteAsync(string sql) => Sql.ExecuteAsync(Shared.AdminConnectionString, sql);

    /// <summary>Nothing to do per class: the server lives as long as the test process.</summary>
    public Task DisposeAsync() => Task.CompletedTask;

    private sealed class SharedServer
    {
        private readonly LocalPostgresServer? _server;
        private readonly string? _dataDirectory;

        private SharedServer(string adminConnectionString, LocalPostgresServer? server, string? dataDirectory)
        {
            AdminConnectionString = adminConnectionString;
            _server = server;
            _dataDirectory = dataDirectory;
        }

        public string AdminConnectionString { get; }
        private string AppPassword { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

        public string AppConnectionStringFor(string database) =>
            new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Username = AppRole, Password = AppPassword }.ConnectionString;

        public static async Task<SharedServer> StartAsync(string template)
        {
            SharedServer shared;
            var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(external))
            {
                shared = new SharedServer(new NpgsqlConnectionStringBuilder(external) { Database = "postgres" }.ConnectionString, null, null);
            }
            else
            {
                var directory = TestPaths.NewOwnedTempDirectory("pg");
                var server = await LocalPostgresServer.StartOrAttachAsync(
                    directory, new LocalDatabaseOptions { Unsafe = true, Database = "postgres" }, NullLogger.Instance);
                shared = new SharedServer(server.ConnectionStringFor("postgres"), server, directory);
                AppDomain.CurrentDomain.ProcessExit += (_, _) => shared.Stop();
            }

            var admin = shared.AdminConnectionString;
            await Sql.ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {template} WITH (FORCE)");
            await Sql.ExecuteAsync(admin, $"CREATE DATABASE {template}");
            await Sql.ExecuteAsync(admin, $"""
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{AppRole}') THEN
                        CREATE ROLE {AppRole} LOGIN;
                    END IF;
                END $$;
                ALTER ROLE {AppRole} PASSWORD '{shared.AppPassword}';
                """);
            // _shared is set by the caller once this returns; the template is made through an app
            // that migrates as the owner and grants the application role, as an installation does.
            var connectionString = shared.AppConnectionStringFor(template);
            _pending = shared;
            await using (var app = await DolMapperApp.CreateAsync(HostRole.Command, [], b => b.UseTestDatabase(connectionString)))
            {
                await app.PrepareAsync();
            }
            await ScoringServices.StoreSharedModelAsync(connectionString);
            NpgsqlConnection.ClearAllPools();
            return shared;
        }

        /// <summary>At process exit: stop the server and delete its cluster (the next run deletes it if this never runs).</summary>
        private void Stop()
        {
            try
            {
                NpgsqlConnection.ClearAllPools();
                _server?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(20));
            }
            catch (Exception)
            {
                // The server stops on its own when this process is gone; the folder still goes.
            }
            TestPaths.DeleteQuietly(_dataDirectory);
        }
    }
}

/// <summary>
/// Tests that must not share the machine with others while they run: they start, stop or kill
/// PostgreSQL servers of their own (a port freed by one could be taken by another), or compare
/// timings. They run one after another once the parallel classes are done.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "Serial";
}
